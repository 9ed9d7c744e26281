"""After mediation: a suit, or enforcement of a confirmed agreement (SPEC §7; PML Art 26, 32, 33 ¶2).

- ``refer_to_court`` (PM_TERMINATED, PM_PERFORMANCE_DISPUTE; a party, or the committee for the party):
  the party who sues is handed to the court's pre-filing registration (diversion DV_RECEIVED) with
  ``purpose: litigation`` and the mediation's outcome. After a termination the outcome is
  ``terminated``, so rule D7 keeps the court from sending the matter to a second pre-filing
  mediation (SZ Art 69 ¶2; SPEC §2.2): it goes to filing review. A suit over the performance or the
  content of an agreement that was not confirmed (PML Art 32) carries ``agreement_not_performed``.
- A confirmed agreement is enforced, not sued on (PML Art 33 ¶2; CPL Art 206): the party applies on
  the linked JC case (MediationService.apply_enforcement); when the court records the application
  (JC_ENFORCEMENT_REQUESTED), ``enforcement_requested`` (sys) records it here.
- ``handoff_refused`` (sys): the court service refused a suit hand-off; the refusal is recorded and
  the parties may refer again (e.g. to another court).
"""
from __future__ import annotations

from infra.models import Case, CaseLink
from services.mediation.confirmation import retire_refused_link

PURPOSE = "litigation"
BASIS = {"PM_TERMINATED": "PML Art 26; SPEC §7 (PM_TERMINATED → DV_RECEIVED)",
         "PM_PERFORMANCE_DISPUTE": "PML Art 32; SPEC §7 (PM_PERFORMANCE_DISPUTE → DV)"}
ENDED_WITHOUT_SUIT = ("DV_NOT_FILED",)    # refused filing or returned: the party may refer again (CPL Art 127)


def suit_links(case: Case) -> list[CaseLink]:
    return [l for l in case.links if l.link_type == "child" and (l.handoff or {}).get("purpose") == PURPOSE]


def suit_pending(case: Case) -> bool:
    """A suit of this matter is at the court (registered, under review, filed) or on its way there."""
    return any(l.target_status not in ENDED_WITHOUT_SUIT for l in suit_links(case))


def _prior_mediation(case: Case, state: str) -> dict:
    data = case.data or {}
    if state == "PM_TERMINATED":
        term = data.get("termination") or {}
        return {"outcome": "terminated", "ground": term.get("ground"), "terminated_at": term.get("at"),
                "case_no": case.case_no, "committee_id": case.org_id, "basis": "PML Art 26"}
    agreement = data.get("agreement") or {}
    return {"outcome": "agreement_not_performed", "agreement_effective_at": agreement.get("effective_at"),
            "agreement_kind": agreement.get("kind"), "case_no": case.case_no, "committee_id": case.org_id,
            "basis": "PML Art 32"}


def refer_to_court(case: Case, data: dict, ctx) -> None:
    """The party's suit goes to the court as a child case (SPEC §7); the committee keeps following it."""
    state = ctx.from_state
    names = {p.seq: p.name for p in case.parties}
    reason = data["reason"] or f"{names[data['plaintiff']]}向人民法院提起诉讼"
    # CPL Art 122-123: the suit is the plaintiff's own act; who decided, how, and who recorded it
    suit_decision = {"party": data["plaintiff"], "how": data["decision"]["how"],
                     "statement": data["decision"]["statement"],
                     "decided_on": (data["decision"]["decided_on"] or ctx.now.date()).isoformat(),
                     "recorded_by": {"user_id": ctx.actor.user_id, "role": ctx.actor.role, "org_id": ctx.actor.org_id},
                     "recorded_at": ctx.now.isoformat(), "basis": "CPL Art 122-123"}
    decision = {
        "target_org_id": data["court_id"], "actor": ctx.actor.to_dict(), "reason": reason,
        "purpose": PURPOSE, "prior_mediation": _prior_mediation(case, state), "plaintiff": data["plaintiff"],
        "claim": data["claim"] or case.request, "committee_id": case.org_id, "suit_decision": suit_decision,
    }
    case.links.append(CaseLink(link_type="child", target_service="diversion", target_case_id=None,
                               target_status="awaiting_service", target_terminal=False, basis=BASIS[state],
                               handoff=decision, created_at=ctx.now, updated_at=ctx.now))
    suit = {"plaintiff": data["plaintiff"], "court_id": data["court_id"], "claim": decision["claim"],
            "reason": reason, "from_state": state, "basis": BASIS[state], "decision": suit_decision,
            "by": ctx.actor.user_id, "role": ctx.actor.role, "at": ctx.now.isoformat()}
    case.data = {**case.data, "suits": [*case.data.get("suits", []), suit]}


def enforcement_requested(case: Case, data: dict, ctx) -> None:
    """JC_ENFORCEMENT_REQUESTED on the confirmed agreement's JC case (PML Art 33 ¶2; CPL Art 206)."""
    performance = {**(case.data.get("performance") or {}), "performed": False, "remedy": "enforcement",
                   "basis": "PML Art 33 ¶2; CPL Art 206",
                   "enforcement": {"jc_case_id": data.get("jc_case_id"), "jc_case_no": data.get("jc_case_no"),
                                   "requested_at": data.get("at"), "recorded_at": ctx.now.isoformat()}}
    case.data = {**case.data, "performance": performance}
    if ctx.from_state == "PM_PERFORMING":
        ctx.outbox.append(("performance_disputed", {"performance": performance}))


def handoff_refused(case: Case, data: dict, ctx) -> None:
    record = {"link_id": data["link_id"], "service": data["service"], "code": data["code"],
              "at": ctx.now.isoformat()}
    case.data = {**case.data, "handoffs_refused": [*case.data.get("handoffs_refused", []), record]}
    retire_refused_link(case, data["link_id"], ctx)
