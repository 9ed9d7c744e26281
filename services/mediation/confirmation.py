"""Judicial confirmation of a mediation agreement (司法确认; PML Art 33; CPL Art 205-206; SPEC §3, §7).

What happens now
----------------
``apply_judicial_confirmation`` records the parties' joint application (court, applicants, form, the
agreement it concerns), makes the court a participant of the case (its ``judge``/``filing`` actors may
then act on it), and writes the outbox event ``judicial_confirmation_applied``. The case waits in
PM_CONFIRMATION_PENDING. The court's ruling comes back as one of three events, fired by a ``judge`` or
``filing`` actor of that court (or by the parties, who choose the remedy after a rejection):

- ``confirmation_granted``            → PM_PERFORMING   (enforceable: PML Art 33 ¶2; CPL Art 206)
- ``confirmation_rejected_remediate`` → PM_IN_MEDIATION (amend or make a new agreement: PML Art 33 ¶3)
- ``confirmation_rejected_terminate`` → PM_TERMINATED   (the parties will sue: PML Art 33 ¶3)

SPEC's single ``confirmation_rejected`` has two possible targets, which the platform does not allow in
one event, so it is modelled as the last two.

Where the diversion service plugs in (SPEC §7: PM apply_judicial_confirmation → JC_APPLIED)
------------------------------------------------------------------------------------------
When diversion's judicial-confirmation case type (SPEC §4C) exists, ``hand_off`` below is the one
place to change: append ``CaseLink(link_type="child", target_service="diversion", target_case_id=None,
target_status="awaiting_service", handoff={"target_org_id": record["court_id"], "reason": ...,
"actor": ctx.actor.to_dict(), "confirmation": record}, ...)`` (each child link carries its own decision,
so the same case may later hand off again for a suit), and run ``infra.handoff.deliver_pending`` on a
timer in MediationService so diversion's ``open_from_handoff`` opens JC_APPLIED with this case as its
parent. Diversion then reports JC_CONFIRMED / JC_REJECTED back by firing the three events above through
``mediation.fire`` with the court actor's context (or mediation subscribes to diversion's
``case_transitioned`` events and fires them as ``sys``, which would then join those events' roles).
"""
from __future__ import annotations

from infra.models import Case

APPLIED_EVENT = "judicial_confirmation_applied"


def apply(case: Case, data: dict, ctx) -> None:
    """Record the joint application (PML Art 33; CPL Art 205; CPLI Art 353: written or oral)."""
    record = {
        "status": "applied", "court_id": data["court_id"], "applicants": sorted(data["applicants"]),
        "form": data["form"], "note": data["note"], "applied_at": ctx.now.isoformat(),
        "recorded_by": ctx.actor.user_id, "agreement_effective_at": case.data["agreement"]["effective_at"],
        "agreement_kind": case.data["agreement"]["kind"],
    }
    participants = sorted({*case.data.get("participants", []), data["court_id"]})
    case.data = {**case.data, "confirmation": record, "participants": participants}
    hand_off(case, record, ctx)


def hand_off(case: Case, record: dict, ctx) -> None:
    """THE PLUG-IN POINT for diversion's judicial confirmation (see the module docstring). For now the
    application is announced on the bus, so the court's filing desk or a later diversion service can
    pick it up; nothing else leaves this service."""
    ctx.outbox.append((APPLIED_EVENT, {"confirmation": record, "agreement": case.data["agreement"]}))


def ruling(outcome: str):
    """Effect of a court ruling on the pending application."""
    def effect(case: Case, data: dict, ctx) -> None:
        record = {**case.data["confirmation"], "status": outcome, "ruling_no": data["ruling_no"],
                  "reason": data.get("reason", ""), "ruled_at": ctx.now.isoformat(),
                  "reported_by": ctx.actor.to_dict()}
        case.data = {**case.data, "confirmation": record}
        if outcome == "granted":
            case.data = {**case.data, "agreement": {**case.data["agreement"], "confirmed": True}}
        else:
            # non-confirmations are reported to the justice bureau and the committee (NB Art 25 ¶3; JC11 Art 12)
            history = [*case.data.get("confirmations", []), record]
            case.data = {**case.data, "confirmations": history}
    return effect
