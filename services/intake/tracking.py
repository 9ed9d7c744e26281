"""Intake tracks the child cases it routed (SPEC §2: IN_ROUTED → IN_TRACKING → IN_CLOSED): once a
child exists the case moves to tracking; once every child is terminal, it closes."""
from __future__ import annotations

from infra import handoff
from infra.actors import system_actor
from infra.db import read_session
from infra.engine import transition
from infra.models import Case

CHILD_SERVICES = ("mediation", "diversion", "petition")


def on_child_event(env, payload: dict) -> None:
    parent_id = handoff.apply_child_event(env, payload)
    if parent_id is None:
        return
    _advance(env, parent_id, payload)


def _advance(env, case_id: str, payload: dict) -> None:
    with read_session(env.engine) as s:
        case = s.get(Case, case_id)
        children = [l for l in case.links if l.link_type == "child"]
        status, version, org_id = case.status, case.version, case.org_id
        opened = any(l.target_case_id for l in children)
        all_closed = bool(children) and all(l.target_case_id and l.target_terminal for l in children)
    actor = system_actor(org_id)
    view = lambda case, ctx: {"status": case.status, "version": case.version}  # noqa: E731
    if status == "IN_ROUTED" and opened:
        note = f"已转{payload['service']}，案号 {payload['case_no']}"
        version = transition(env, actor, "start_tracking", case_id=case_id, expected_version=version,
                             data={"notified_how": "online", "note": note},
                             idempotency_key=f"track:{case_id}:start", view=view)["version"]
        status = "IN_TRACKING"
    if status == "IN_TRACKING" and all_closed:
        transition(env, actor, "child_case_closed", case_id=case_id, expected_version=version,
                   data={"child_case_id": payload["case_id"]}, idempotency_key=f"track:{case_id}:closed",
                   view=view)
