"""诉访分离: a 涉法涉诉 matter that is a new civil suit goes to the court (SPEC §7 rows "PT redirect
(涉法涉诉) → DV for a new civil suit" and "PT_ROUTED_LEGAL → DV"; LVR Art 20 ¶2, 22 ¶2, 28 ¶2, 31(1)).

Only when the officer says so (``civil_suit: true`` on ``redirect`` with kind ``law_related``, or on
``route_to_legal_procedure`` with procedure ``litigation``): the PT case records a ``child`` link whose
``handoff`` carries ``purpose: litigation``; the service's timer (``infra.handoff.deliver_pending``)
opens the court's pre-filing registration (diversion DV_RECEIVED) as the officer who decided, and the
DV case's ``case_transitioned`` events keep the link current (``infra.handoff.apply_child_event``).
The PT case itself is terminal (PT_REDIRECTED / PT_ROUTED_LEGAL) and does not change. A hand-off the
court's service refuses stays on the link as ``refused:<code>``.
"""
from __future__ import annotations

from infra.models import Case, CaseLink

PURPOSE = "litigation"
BASIS = {"redirect": "LVR Art 20 ¶2, 22 ¶2, 28 ¶2 (诉访分离); SPEC §7 (PT redirect → DV)",
         "route_to_legal_procedure": "LVR Art 31(1); SPEC §7 (PT_ROUTED_LEGAL → DV)"}


def _court(ctx, code: str | None) -> str | None:
    org = ctx.env.directory.get(code) if code else None
    return code if org is not None and org.kind == "court" else None   # else the court's service picks its county court


def hand_to_court(case: Case, data: dict, ctx) -> None:
    """Record the suit's hand-off to the court as a child link (delivered by the timer)."""
    event = ctx.event.id
    reason = data.get("channel_told") or data.get("note") or "涉法涉诉，属民事纠纷，依法通过诉讼程序解决"
    decision = {"target_org_id": _court(ctx, data.get("target_org_id")), "actor": ctx.actor.to_dict(),
                "reason": reason, "purpose": PURPOSE, "petition_event": event,
                "petition_office": (case.data or {}).get("petition_office")}
    case.links.append(CaseLink(link_type="child", target_service="diversion", target_case_id=None,
                               target_status="awaiting_service", target_terminal=False, basis=BASIS[event],
                               handoff=decision, created_at=ctx.now, updated_at=ctx.now))
    suit = {"court_id": decision["target_org_id"], "reason": reason, "event": event, "basis": BASIS[event],
            "by": ctx.actor.user_id, "role": ctx.actor.role, "at": ctx.now.isoformat()}
    case.data = {**case.data, "suit": suit}
