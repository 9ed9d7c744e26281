"""Residents' evaluations and 满意率 (《浙江省平安建设条例》第六十二条: assessment counts 参与率、满意率、知晓率).

A resident evaluates a closed case once, through the lookup with the case number and query code the
receipt gave (the only proof of being its party that jiefen hands out; no sign-in). 满意率 = (满意 + 基本满意)
÷ every evaluation given in the period. An 不满意 evaluation opens a 回访 task (return_visit_casetype.py)."""
from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from typing import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from contracts.errors import JiefenError
from contracts.evaluation import GIVEN_BY, RATINGS, SATISFIED
from infra.db import read_session, write_session
from infra.views import iso
from services.supervision.figures import Period
from services.supervision.ingest import town_of
from services.supervision.models import SvEvaluation

BASIS = "《浙江省平安建设条例》第六十二条"
NOT_CLOSED = JiefenError("GUARD_FAILED", f"案件办结后才能评价，请在办结后再来（{BASIS}：满意率评价）",
                         {"basis": "PSR Art 62"})
ONCE = JiefenError("GUARD_FAILED", f"本案已经评价过了，每件案件只能评价一次（{BASIS}）", {"basis": "PSR Art 62"})
GROUPS = {"org": "org_id", "town": "town_id", "category": "category"}


def _hash(args: dict) -> str:
    payload = {k: args[k] for k in ("case_no", "rating")} | {"reason": (args.get("reason") or "").strip()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def view(ev: SvEvaluation, visit: dict | None = None) -> dict:
    return {"case_no": ev.case_no, "rating": ev.rating, "rating_label": RATINGS[ev.rating], "reason": ev.reason,
            "given_by": ev.given_by, "given_by_label": GIVEN_BY[ev.given_by], "given_at": iso(ev.given_at),
            "return_visit": visit}


def evaluate(engine, directory, found: dict, args: dict, now, open_visit: Callable[[SvEvaluation], dict]) -> dict:
    """Store the resident's evaluation of the case ``found`` (intake's lookup answer, the query code already
    checked) and open the 回访 of an 不满意 one. A retry with the same idempotency key changes nothing."""
    digest = _hash({**args, "case_no": found["case_no"]})
    with write_session(engine) as s:
        ev = s.scalars(select(SvEvaluation).where(SvEvaluation.idempotency_key == args["idempotency_key"])).first()
        if ev is not None and ev.request_hash != digest:
            raise JiefenError("IDEMPOTENCY_MISMATCH", "同一提交编号已用于另一份评价", {})
        if ev is None:
            if not found.get("closed"):
                raise NOT_CLOSED
            if s.scalars(select(SvEvaluation.id).where(SvEvaluation.case_no == found["case_no"])).first():
                raise ONCE
            org = found.get("handling_org_id") or found["org_id"]
            ev = SvEvaluation(id=uuid.uuid4().hex, case_no=found["case_no"], org_id=org, town_id=town_of(directory, org),
                              category=found.get("category"), rating=args["rating"],
                              reason=(args.get("reason") or "").strip(), given_by="resident", given_at=now,
                              idempotency_key=args["idempotency_key"], request_hash=digest)
            s.add(ev)
            try:
                s.commit()
            except IntegrityError:          # the same case evaluated at the same moment by another request
                raise ONCE from None
        s.expunge(ev)
    visit = None
    if ev.rating == "dissatisfied":
        case = open_visit(ev)                # idempotent per evaluation (its key is the evaluation's id)
        visit = {"case_no": case["case_no"], "due_date": next((d["due_date"] for d in case.get("deadlines", [])), None)}
        if ev.return_visit_case_id is None:
            with write_session(engine) as s:
                s.get(SvEvaluation, ev.id).return_visit_case_id = case["case_id"]
                s.commit()
    return view(ev, visit)


def rate(session, period: Period, group_by: str | None = None, filters: dict | None = None) -> dict:
    """满意率 for the period: in total and, for ``group_by`` org / town / category, per group."""
    stmt = select(SvEvaluation).where(SvEvaluation.given_at >= period.start, SvEvaluation.given_at < period.end)
    for name, value in (filters or {}).items():
        column = {"org_id": SvEvaluation.org_id, "town_id": SvEvaluation.town_id, "category": SvEvaluation.category}.get(name)
        if column is not None and value is not None:
            stmt = stmt.where(column == value)
    rows = list(session.scalars(stmt))

    def figure(evs) -> dict:
        satisfied = sum(1 for e in evs if e.rating in SATISFIED)
        counts = {r: sum(1 for e in evs if e.rating == r) for r in RATINGS}
        return {"value": satisfied / len(evs) if evs else None, "numerator": satisfied, "denominator": len(evs),
                "by_rating": counts}
    groups: dict = defaultdict(list)
    if group_by in GROUPS:
        for e in rows:
            groups[getattr(e, GROUPS[group_by])].append(e)
    return {"name": "satisfaction_rate", "label": "群众满意率", "kind": "rate",
            "basis": "PSR Art 62: (满意 + 基本满意) ÷ 全部评价", "total": figure(rows),
            "groups": {k: figure(v) for k, v in groups.items()}}


def find(engine, case_no: str) -> SvEvaluation | None:
    with read_session(engine) as s:
        return s.scalars(select(SvEvaluation).where(SvEvaluation.case_no == case_no)).first()
