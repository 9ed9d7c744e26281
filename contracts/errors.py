"""The one error table of jiefen.

Every refusal a caller can see is a ``JiefenError`` with a code from ``ERRORS``. Over nameko RPC it
arrives as a ``JiefenError`` instance (registered with ``deserialize_to_instance``); over the pika
client and HTTP as ``{"error": CODE, "message": ..., "details": {...}}``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from nameko.exceptions import deserialize_to_instance

from contracts.messages import in_chinese


@dataclass(frozen=True)
class ErrorKind:
    code: str
    http_status: int
    meaning: str
    transient: bool = False     # trying the same again later may succeed (infra/system_fire.py retries these)


ERRORS: dict[str, ErrorKind] = {
    k.code: k
    for k in (
        ErrorKind("VALIDATION_ERROR", 400, "the payload is malformed; details name each bad field"),
        ErrorKind("UNAUTHENTICATED", 401, "no actor (user, role, organisation) came with the call"),
        ErrorKind("FORBIDDEN", 403, "the actor's role or organisation may not do this"),
        ErrorKind("NOT_FOUND", 404, "no such case, organisation or resource"),
        ErrorKind("METHOD_NOT_ALLOWED", 405, "the HTTP method is not allowed on this route"),
        ErrorKind("TRANSITION_NOT_ALLOWED", 409, "the event is not allowed in the case's current state"),
        ErrorKind("VERSION_CONFLICT", 409, "expected_version is stale: re-read the case and retry", transient=True),
        ErrorKind("IDEMPOTENCY_MISMATCH", 409, "the idempotency key was used before with another payload"),
        ErrorKind("GUARD_FAILED", 422, "a legal condition of the event does not hold; message cites the article"),
        ErrorKind("DEADLINE_PASSED", 422, "the statutory period for this act has run out"),
        ErrorKind("EXTENSION_REFUSED", 422, "an extension beyond the statutory cap or without approval"),
        ErrorKind("RATE_LIMITED", 429, "too many attempts from this client; retry after the given time", transient=True),
        ErrorKind("SERVICE_UNAVAILABLE", 503, "a service did not answer in time", transient=True),
        ErrorKind("INTERNAL", 500, "an unexpected fault; it was logged, nothing was changed", transient=True),
    )
}


def transient(code: str) -> bool:
    """Whether a refusal with ``code`` may go away by itself (a concurrent change, a service not answering)."""
    kind = ERRORS.get(code)
    return bool(kind and kind.transient)


@deserialize_to_instance
class JiefenError(Exception):
    """A refusal with a code from ERRORS, a human message and machine-readable details."""

    def __init__(self, code: str, message: str = "", details: dict | None = None):
        if code not in ERRORS:
            raise ValueError(f"unknown error code {code!r}")
        if isinstance(details, str):      # as it travels: nameko stringifies non-string exc_args
            details = json.loads(details or "{}")
        self.code = code
        self.message = message or ERRORS[code].meaning
        self.details = details or {}
        super().__init__(code, self.message, json.dumps(self.details, ensure_ascii=False, default=str))

    @property
    def http_status(self) -> int:
        return ERRORS[self.code].http_status

    def to_dict(self) -> dict:
        return {"error": self.code, "message": self.message, "details": self.details}

    def __str__(self) -> str:  # nameko puts str(exc) in the reply's "value"
        return json.dumps(self.to_dict(), ensure_ascii=False, default=str)

    @classmethod
    def from_reply(cls, error: dict) -> "JiefenError":
        """Rebuild from the ``error`` member of a raw nameko RPC reply (pika client)."""
        args = error.get("exc_args") or []
        if error.get("exc_type") == cls.__name__ and args and args[0] in ERRORS:
            return cls(*args[:3])
        nameko_errors = {"MethodNotFound": "NOT_FOUND", "IncorrectSignature": "VALIDATION_ERROR"}
        code = nameko_errors.get(error.get("exc_type"), "INTERNAL")
        return cls(code, f"{error.get('exc_type')}: {error.get('value')}")


FIELDS_NAMED = "输入有误（字段"      # the default message names the keys; the page's words replace it (labels.py)


def validation_error(field_errors: dict, message: str = "") -> JiefenError:
    field_errors = in_chinese(field_errors)
    fields = ", ".join(sorted(_flatten(field_errors))) or "payload"
    first = _first_message(field_errors)
    return JiefenError("VALIDATION_ERROR", message or f"{FIELDS_NAMED} {fields}）" + (f"：{first}" if first else ""),
                       {"fields": field_errors})


def _first_message(errors) -> str:
    if isinstance(errors, str):
        return errors
    if isinstance(errors, dict):
        for val in errors.values():
            if (found := _first_message(val)):
                return found
    if isinstance(errors, list):
        for val in errors:
            if (found := _first_message(val)):
                return found
    return ""


def _flatten(errors, prefix=""):
    if isinstance(errors, dict):
        for key, val in errors.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(val, dict):
                yield from _flatten(val, name)
            else:
                yield name
    else:
        yield prefix
