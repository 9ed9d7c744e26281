"""Read-model rows as the de-identified feed (contracts/feed.py), JSON lines."""
from __future__ import annotations

import json
from datetime import datetime

from contracts.feed import FEED_VERSION, CaseFactSchema, case_ref
from infra.calendar import to_shanghai_date
from services.supervision.models import SvCase


def _day(value: datetime | str | None) -> str | None:
    if value is None:
        return None
    return to_shanghai_date(datetime.fromisoformat(value) if isinstance(value, str) else value).isoformat()


def fact(r: SvCase) -> dict:
    out = {
        "feed_version": FEED_VERSION, "case_ref": case_ref(r.county, r.case_id),
        "parent_ref": case_ref(r.county, r.parent_case_id) if r.parent_case_id else None,
        "county": r.county, "town_id": r.town_id, "org_id": r.org_id, "service": r.service,
        "case_type": r.case_type, "category": r.category, "channel": r.channel, "status": r.status,
        "terminal": r.terminal, "supervised": r.supervised, "created_date": _day(r.created_at),
        "closed_date": _day(r.closed_at), "resolution": r.resolution, "resolved_date": _day(r.resolved_at),
        "overdue_ever": r.overdue_ever, "stages": {state: _day(at) for state, at in (r.stages or {}).items()},
    }
    CaseFactSchema().load(out)              # the contract holds for every line we emit
    return out


def lines(rows) -> str:
    return "".join(json.dumps(fact(r), ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
