"""Intake tracks the child cases it routed (SPEC §2: IN_ROUTED → IN_TRACKING → IN_CLOSED): once a
child exists the case moves to tracking; once every child is terminal, it closes.

Child events arrive concurrently (several workers) and at least once; a lost race is retried from a
fresh read, and ``reconcile`` (on the hand-off timer) catches anything an event could not settle."""
from __future__ import annotations

import logging

from sqlalchemy import and_, or_, select

from contracts.errors import JiefenError
from contracts.labels import choice_label
from infra import handoff
from infra.actors import system_actor
from infra.db import read_session
from infra.engine import transition
from infra.models import Case, CaseLink

log = logging.getLogger(__name__)
CHILD_SERVICES = ("mediation", "diversion", "petition")
RETRIES = 5


def on_child_event(env, payload: dict, source: str) -> None:
    """A child's event, from ``source``'s exchange: authenticated, and read back from the child case."""
    parent_id = handoff.apply_child_event(env, payload, source)
    if parent_id is not None:
        advance(env, parent_id)


def advance(env, case_id: str) -> None:
    for _ in range(RETRIES):
        try:
            _advance_once(env, case_id)
            return
        except JiefenError as err:
            if err.code not in ("VERSION_CONFLICT", "IDEMPOTENCY_MISMATCH", "TRANSITION_NOT_ALLOWED"):
                raise
            log.info("tracking %s raced (%s); reading again", case_id, err.code)
    log.warning("tracking %s did not settle; the reconcile round will look again", case_id)


def _advance_once(env, case_id: str) -> None:
    with read_session(env.engine) as s:
        case = s.get(Case, case_id)
        children = [l for l in case.links if l.link_type == "child"]
        status, version, org_id = case.status, case.version, case.org_id
        opened = [l for l in children if l.target_case_id]
        all_closed = bool(children) and all(l.target_case_id and l.target_terminal for l in children)
    actor = system_actor(org_id)
    view = lambda case, ctx: {"status": case.status, "version": case.version}  # noqa: E731
    if status == "IN_ROUTED" and opened:
        note = f"已转{choice_label('service', opened[0].target_service) or '其他业务'}，案号 {opened[0].target_case_no}"
        version = transition(env, actor, "start_tracking", case_id=case_id, expected_version=version,
                             data={"notified_how": "online", "note": note},
                             idempotency_key=f"track:{case_id}:start:{version}", view=view)["version"]
        status = "IN_TRACKING"
    if status == "IN_TRACKING" and all_closed:
        transition(env, actor, "child_case_closed", case_id=case_id, expected_version=version,
                   data={"child_case_id": children[-1].target_case_id},
                   idempotency_key=f"track:{case_id}:closed:{version}", view=view)


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
