"""Intake tracks the child cases it routed (SPEC §2: IN_ROUTED → IN_TRACKING → IN_CLOSED): once a
child exists the case moves to tracking; once every child is terminal, it closes.

Child events arrive concurrently (several workers) and at least once: each step fires once (its key), on
the case as the firing transaction reads it, and ``reconcile`` (on the hand-off timer) catches anything an
event could not settle."""
from __future__ import annotations

import logging

from sqlalchemy import and_, or_, select

from contracts.labels import choice_label
from infra import handoff
from infra.db import read_session
from infra.system_fire import fire_as_system
from infra.models import Case, CaseLink

log = logging.getLogger(__name__)
CHILD_SERVICES = ("mediation", "diversion", "petition")


def on_child_event(env, payload: dict, source: str) -> None:
    """A child's event, from ``source``'s exchange: authenticated, and read back from the child case."""
    parent_id = handoff.apply_child_event(env, payload, source)
    if parent_id is not None:
        advance(env, parent_id)


def advance(env, case_id: str) -> None:
    """Move the case on as far as its children say: each step fires as sys only if the case, read again in
    the firing transaction, still stands where the step starts (infra/system_fire.py: a concurrent event or
    user is waited for, not raced). Once per case and step (the idempotency key)."""
    with read_session(env.engine) as s:
        case = s.get(Case, case_id)
        if case is None:
            return
        status, children = case.status, _children(case)
    opened = [l for l in children if l.target_case_id]
    if status == "IN_ROUTED" and opened:
        note = f"已转{choice_label('service', opened[0].target_service) or '其他业务'}，案号 {opened[0].target_case_no}"
        fire_as_system(env, "start_tracking", case_id=case_id, data={"notified_how": "online", "note": note},
                       key=f"track:{case_id}:start", when=lambda c: c.status == "IN_ROUTED")
    if _all_closed(children):
        fire_as_system(env, "child_case_closed", case_id=case_id, data={"child_case_id": children[-1].target_case_id},
                       key=f"track:{case_id}:closed",
                       when=lambda c: c.status == "IN_TRACKING" and _all_closed(_children(c)))


def _children(case: Case) -> list[CaseLink]:
    return [l for l in case.links if l.link_type == "child"]


def _all_closed(children: list[CaseLink]) -> bool:
    return bool(children) and all(l.target_case_id and l.target_terminal for l in children)


def reconcile(env, limit: int = 100) -> int:
    """Cases whose children say they should move on, but have not (a lost race or event)."""
    child = CaseLink.link_type == "child"
    opened = select(CaseLink.case_id).where(child, CaseLink.target_case_id.is_not(None))
    still_open = select(CaseLink.case_id).where(child, or_(CaseLink.target_case_id.is_(None),
                                                            CaseLink.target_terminal.is_(False)))
    with read_session(env.engine) as s:
        ids = s.scalars(select(Case.id).where(Case.case_type == env.case_type.code, or_(
            and_(Case.status == "IN_ROUTED", Case.id.in_(opened)),
            and_(Case.status == "IN_TRACKING", Case.id.in_(opened), Case.id.not_in(still_open))))
            .limit(limit)).all()
    for case_id in ids:
        advance(env, case_id)
    return len(ids)
