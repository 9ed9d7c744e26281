"""What every case type's effects share when they write ``case.data``: set fields, append a record to a
list, stamp a record with who did it and when. One way to do each, for every service.

``case.data`` is a JSON column: it is always reassigned, never mutated in place, so that SQLAlchemy sees
the change (a mutated dict would be silently lost)."""
from __future__ import annotations

from typing import Any


def put(case, **values: Any) -> None:
    """Set top-level fields of ``case.data``."""
    case.data = {**(case.data or {}), **values}


def append(case, key: str, item: dict) -> None:
    """Append ``item`` to the list ``case.data[key]`` (created when absent or null)."""
    put(case, **{key: [*((case.data or {}).get(key) or []), item]})


def stamp(ctx) -> dict:
    """Who recorded something and when: the acting user, their role and organisation, and the moment of
    the transition (an ISO timestamp), merged into the record (``{**record, **stamp(ctx)}``)."""
    return {"by": ctx.actor.user_id, "role": ctx.actor.role, "org_id": ctx.actor.org_id, "at": ctx.now.isoformat()}


def record(case, key: str, item: dict, ctx) -> None:
    """Append ``item`` to ``case.data[key]``, stamped with who recorded it and when."""
    append(case, key, {**item, **stamp(ctx)})


def amend_last(case, key: str, values: dict) -> None:
    """Merge ``values`` into the newest record of the list ``case.data[key]`` (what answers it: a decision,
    a resumption, a receipt); the list is written back even when it is empty."""
    items = list((case.data or {}).get(key) or [])
    if items:
        items[-1] = {**items[-1], **values}
    put(case, **{key: items})
