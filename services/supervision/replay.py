"""Rebuilding the read model from the case services, and checking it against a recount from them.
``rpc`` is a cluster proxy (``rpc[service].replay_facts``) acting as the supervision service's actor."""
from __future__ import annotations

from datetime import datetime
from typing import Iterator

from nameko.exceptions import RpcTimeout, UnknownService
from sqlalchemy import delete, select

from contracts.errors import JiefenError

from infra.db import read_session, write_session
from infra.views import iso
from services.supervision.ingest import apply_facts
from services.supervision.models import SvCase, SvHistory, SvInbox, SvParty, SvPartyRepeat, SvStay

SOURCES = ("intake", "mediation", "diversion", "petition", "recommendation", "supervision")
# what the check compares between the model and the services' own rows
COMPARED = ("service", "case_type", "case_no", "org_id", "category", "channel", "status", "terminal", "version",
            "supervised", "parent_service", "parent_case_id", "created_at", "closed_at")


def facts_of(rpc, service: str, limit: int = 200) -> Iterator[dict]:
    """Every case of ``service`` as facts, page after page."""
    cursor: dict = {}
    while True:
        try:
            page = rpc[service].replay_facts(limit=limit, **cursor)
        except (UnknownService, RpcTimeout):
            raise JiefenError("SERVICE_UNAVAILABLE", f"案件服务 {service} 未响应，无法重建或核对", {"service": service}) from None
        yield from page["items"]
        if not page["next"]:
            return
        cursor = page["next"]


def rebuild(engine, directory, rpc, now: datetime, services=SOURCES) -> dict:
    """Empty the model and fill it again from every service's facts."""
    with write_session(engine) as s:
        for table in (SvInbox, SvHistory, SvStay, SvPartyRepeat, SvParty, SvCase):
            s.execute(delete(table))
        s.commit()
    counts = {}
    for service in services:
        counts[service] = sum(1 for f in facts_of(rpc, service) if apply_facts(engine, directory, f, now))
    return counts


def row_facts(row: SvCase) -> dict:
    out = {k: getattr(row, k) for k in COMPARED}
    out["created_at"], out["closed_at"] = iso(row.created_at), iso(row.closed_at)
    return out


def check(engine, rpc, services=SOURCES) -> dict:
    """Recount every service's cases and report every difference from the model."""
    with read_session(engine) as s:
        model = {r.case_id: row_facts(r) for r in s.scalars(select(SvCase).where(SvCase.service.in_(services)))}
    differences, counted, in_model = [], {}, len(model)
    for service in services:
        counted[service] = 0
        for f in facts_of(rpc, service):
            counted[service] += 1
            mine = model.pop(f["case_id"], None)
            if mine is None:
                differences.append({"case_id": f["case_id"], "case_no": f["case_no"], "problem": "missing"})
                continue
            fields = {k: {"model": mine[k], "service": f[k]} for k in COMPARED if mine[k] != f[k]}
            if fields:
                differences.append({"case_id": f["case_id"], "case_no": f["case_no"], "problem": "different",
                                    "fields": fields})
    differences += [{"case_id": cid, "case_no": r["case_no"], "problem": "unknown_to_service"}
                    for cid, r in model.items()]
    return {"counted": counted, "in_model": in_model, "differences": differences, "consistent": not differences}
