"""The table of case-opening commands (services/gateway/openings.py) holds together: each names a command
the service has, roles its organisation kinds may hold (config/roles.yaml), and a form in Chinese."""
from __future__ import annotations

import importlib

import pytest

from contracts.messages import HAN
from infra.orgs import load_role_table
from services.gateway import openings

SERVICE_CLASSES = {"intake": "IntakeService", "mediation": "MediationService", "diversion": "DiversionService",
                   "petition": "PetitionService", "recommendation": "RecommendationService"}


@pytest.mark.parametrize("opening", openings.OPENINGS, ids=lambda o: f"{o.service}.{o.command}")
def test_each_opening_is_a_real_command_for_roles_its_bodies_may_hold(opening):
    cls = getattr(importlib.import_module(f"services.{opening.service}.service"), SERVICE_CLASSES[opening.service])
    assert callable(getattr(cls, opening.command, None)), opening.command
    table = load_role_table()
    for kind, roles in opening.who.items():
        assert roles and set(roles) <= table[kind], (kind, roles)
    described = openings.describe(opening)
    assert HAN.search(described["title"]) and described["basis_text"].startswith("《")
    for f in described["fields"]:
        if f["widget"]["kind"] != "hidden":
            assert HAN.search(f["label"] or ""), f["name"]
            assert all(HAN.search(o["label"]) for o in f["options"]), f["name"]
    assert openings.find(opening.service, opening.command) is opening


def test_who_may_use_an_opening_is_the_role_at_the_kind_of_body():
    register = openings.find("petition", "register")
    assert register.allows("petition_office", "xfb") and register.allows("department", "xfb")
    assert not register.allows("petition_office", "handler") and not register.allows("centre", "window")
    assert [o.command for o in openings.available("department", "xfb", ("petition",))] == ["register"]
    assert openings.available("department", "xfb", ("intake",)) == []
