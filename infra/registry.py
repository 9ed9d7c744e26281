"""The case types of every service, loaded by name from the one table in contracts/services.py, so that
infra/ needs no import of a service (tests/unit/test_imports.py) and a new service is added in one place."""
from __future__ import annotations

import importlib

from contracts.services import CASE_SERVICES, READ_MODELS

__all__ = ["CASE_SERVICES", "READ_MODELS", "all_case_types", "case_types", "load"]


def load(ref: str):
    """``module:attribute`` → the attribute."""
    module, attr = ref.split(":")
    return getattr(importlib.import_module(module), attr)


def case_types(service: str) -> list:
    return [load(ref) for ref in CASE_SERVICES[service]]


def all_case_types() -> list:
    return [ct for service in CASE_SERVICES for ct in case_types(service)]
