"""Structured logs: one JSON object per line, with the call's service, method, call id, case id and the
acting user's id and organisation, and never personal data (个人信息保护法; PSR Art 30).

The api wrapper (infra/service.py) and the gateway bind the call's fields for the green thread that
serves the call (``threading.local`` is green-local under eventlet's monkey patching), so every line the
call logs carries them. Messages and tracebacks are redacted of ID numbers, credit codes and phone
numbers as a backstop; SQL parameters never reach an exception text (``hide_parameters`` in infra/db.py).
config/nameko.yaml selects ``JsonFormatter`` for ``nameko run``.
"""
from __future__ import annotations

import json
import logging
import re
import threading
from datetime import datetime, timezone

_local = threading.local()
FIELDS = ("service", "method", "call_id", "origin_call_id", "case_id", "user_id", "org_id")
EXTRA = ("code", "fields", "status", "route", "duration_ms", "event", "clocks")
_REDACT = [
    (re.compile(r"(?<![0-9A-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[0-9Xx](?![0-9A-Za-z])"), "[身份证号]"),
    (re.compile(r"(?<![0-9A-Za-z])\d{15}(?![0-9A-Za-z])"), "[身份证号]"),
    (re.compile(r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])"), "[信用代码]"),
    (re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d{9}(?![0-9])"), "[电话]"),
    (re.compile(r"(?<![0-9])0\d{2,3}-?\d{7,8}(?![0-9])"), "[电话]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _REDACT:
        text = pattern.sub(replacement, text)
    return text


def bind(**fields) -> None:
    """The fields of the call this green thread is serving (replaces any earlier binding)."""
    _local.fields = {k: v for k, v in fields.items() if v is not None}


def bind_more(**fields) -> None:
    """Add fields to the current binding (e.g. the actor, once its assertion is verified)."""
    _local.fields = {**bound(), **{k: v for k, v in fields.items() if v is not None}}


def clear() -> None:
    _local.fields = {}


def bound() -> dict:
    return dict(getattr(_local, "fields", None) or {})


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "msg", service, method, call_id, case_id, user_id, org_id, ...}``
    on one line; ``exc`` holds the (redacted) traceback of an INTERNAL error."""

    def format(self, record: logging.LogRecord) -> str:
        out = {"ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
               "level": record.levelname, "logger": record.name}
        out.update(bound())
        for name in FIELDS + EXTRA:
            if getattr(record, name, None) is not None:
                out[name] = getattr(record, name)
        out["msg"] = redact(record.getMessage())
        if record.exc_info:
            out["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(out, ensure_ascii=False, default=str)
