"""Judicial confirmation of a mediation agreement (司法确认; PML Art 33; CPL Art 205-206; SPEC §3, §7).

How it runs
-----------
``apply_judicial_confirmation`` (PM_AGREEMENT_EFFECTIVE or PM_PERFORMING → PM_CONFIRMATION_PENDING)
records the parties' joint application, makes the court a participant (it reads the case), and
hands the application to the court: ``hand_off`` appends a ``child`` link to diversion whose
``handoff`` carries what diversion's ``open_from_handoff`` needs for a JC case (the court, the
applying party as actor, the agreement, the joint application, the committee, the jurisdiction
basis). MediationService runs ``infra.handoff.deliver_pending`` on a timer, so the JC case
(JC_APPLIED) appears at the court as a child of this case.

The court decides on its JC case (SPEC §4C). Its ``case_transitioned`` events come back to this
service (services/mediation/children.py), which keeps the link current and fires, as ``sys``:

- JC_CONFIRMED              → ``confirmation_granted``  → PM_PERFORMING (enforceable: PML Art 33 ¶2; CPL Art 206)
- JC_REJECTED               → ``confirmation_rejected`` → PM_CONFIRMATION_REJECTED, where the parties
  choose the remedy the law gives them (CPL Art 206; PML Art 33 ¶3):
  ``confirmation_rejected_remediate`` → PM_IN_MEDIATION (amend or make a new agreement), or
  ``confirmation_rejected_terminate`` → PM_TERMINATED (sue; then ``refer_to_court``)
- JC_OBJECTION, then JC_REVOKED / JC_AMENDED / JC_OBJECTION_DISMISSED (CPLI Art 372)
                            → ``confirmation_ruling_reviewed`` (self-loop): the confirmation record
  follows the objection; a revoked confirmation is no longer shown as valid, nor enforceable
- JC_NOT_ACCEPTED, JC_WITHDRAWN, or the hand-off refused by the court service
                            → ``confirmation_lapsed``   → PM_PERFORMING: no ruling was made, the agreement
  stays binding and its performance is supervised (PML Art 31); the parties may apply again while
  the thirty days run (PML Art 33; CPL Art 205).

The ruling's number and ground stay on the JC case (one record of the ruling); this case keeps the
JC case's id and number, and the court's non-confirmation is visible to the committee there
(JC11 Art 12; NB Art 25 ¶3).
"""
from __future__ import annotations

from contracts.mediation import LAPSE_OUTCOMES
from infra.models import Case, CaseLink

APPLIED_EVENT = "judicial_confirmation_applied"
PURPOSE = "judicial_confirmation"
BASIS = "PML Art 33; CPL Art 205"


def apply(case: Case, data: dict, ctx) -> None:
    """Record the joint application (PML Art 33; CPL Art 205; CPLI Art 353: written or oral)."""
    record = {
        "status": "applied", "court_id": data["court_id"], "applicants": sorted(data["applicants"]),
        "form": data["form"], "jurisdiction_basis": data["jurisdiction_basis"], "note": data["note"],
        "jurisdiction_county": data.get("jurisdiction_county"), "intermediate_court": data.get("intermediate_court", False),
        "applied_at": ctx.now.isoformat(), "recorded_by": ctx.actor.user_id,
        "applied_from": ctx.from_state,
        "agreement_effective_at": case.data["agreement"]["effective_at"],
        "agreement_kind": case.data["agreement"]["kind"],
    }
    participants = sorted({*case.data.get("participants", []), data["court_id"]})
    case.data = {**case.data, "confirmation": record, "participants": participants}
    hand_off(case, record, ctx)


def agreement_for_court(agreement: dict) -> dict:
    """The agreement as the court reviews it (CPLI Art 354: the agreement itself): what was agreed,
    how and by when; an oral agreement as the mediator recorded it (PML Art 30)."""
    if agreement["kind"] == "written":
        content = "；".join(x for x in (agreement.get("obligations", ""),
                                        f"履行方式：{agreement.get('performance_manner', '')}",
                                        f"履行期限：{agreement.get('performance_deadline', '')}") if x.strip())
    else:
        content = agreement["content"]
    return {"effective_at": agreement["effective_at"], "kind": agreement["kind"], "content": content[:2000]}


def hand_off(case: Case, record: dict, ctx) -> None:
    """SPEC §7: PM apply_judicial_confirmation → JC_APPLIED. The child link carries its own decision,
    so the same case may later hand off again (a suit: services/mediation/litigation.py)."""
    decision = {
        "target_org_id": record["court_id"], "actor": ctx.actor.to_dict(),
        "reason": "双方当事人共同申请司法确认" + (f"：{record['note']}" if record["note"] else ""),
        "purpose": PURPOSE, "agreement": agreement_for_court(case.data["agreement"]),
        "joint_application": True, "applicants": record["applicants"], "form": record["form"],
        "committee_id": case.org_id, "jurisdiction_basis": record["jurisdiction_basis"],
        "applied_at": record["applied_at"],
        "jurisdiction_county": record.get("jurisdiction_county"), "intermediate_court": record.get("intermediate_court"),   # CPL Art 205: the court judges the 30 days on the application
        "materials": ["调解协议书" if record["agreement_kind"] == "written" else "口头调解协议记录", "当事人身份证明"],
    }
    case.links.append(CaseLink(link_type="child", target_service="diversion", target_case_id=None,
                               target_status="awaiting_service", target_terminal=False, basis=BASIS,
                               handoff=decision, created_at=ctx.now, updated_at=ctx.now))
    ctx.outbox.append((APPLIED_EVENT, {"confirmation": record, "agreement": case.data["agreement"]}))


def jc_links(case: Case) -> list[CaseLink]:
    return [l for l in case.links if l.link_type == "child" and (l.handoff or {}).get("purpose") == PURPOSE]


def pending_jc_case(case: Case) -> str | None:
    """The JC case of the application now pending (the latest one made)."""
    links = jc_links(case)
    return links[-1].target_case_id if links else None


def _court_case(data: dict) -> dict:
    return {k: data.get(k) for k in ("jc_case_id", "jc_case_no", "jc_status", "jc_event", "jc_version")} \
        | {"ruled_at": data.get("at")}


def _close(case: Case, status: str, data: dict, ctx, **extra) -> dict:
    record = {**case.data["confirmation"], "status": status, **_court_case(data), **extra,
              "recorded_at": ctx.now.isoformat()}
    case.data = {**case.data, "confirmation": record}
    return record


def granted(case: Case, data: dict, ctx) -> None:
    """JC_CONFIRMED: the agreement is enforceable (CPL Art 206; PML Art 33 ¶2)."""
    _close(case, "granted", data, ctx, basis="CPL Art 206; PML Art 33 ¶2")
    case.data = {**case.data, "agreement": {**case.data["agreement"], "confirmed": True}}


def rejected(case: Case, data: dict, ctx) -> None:
    """JC_REJECTED: the parties now choose to amend, re-mediate or sue (CPL Art 206; PML Art 33 ¶3);
    non-confirmations are reported to the justice bureau and the committee (JC11 Art 12; NB Art 25 ¶3)."""
    record = _close(case, "rejected", data, ctx, basis="CPL Art 206; PML Art 33 ¶3",
                    remedies=["remediate", "litigation"])
    case.data = {**case.data, "confirmations": [*case.data.get("confirmations", []), record]}


def lapsed(case: Case, data: dict, ctx) -> None:
    """No ruling on the agreement (not accepted, withdrawn, or the hand-off refused): it stays binding
    and its performance is supervised (PML Art 31); a new application may follow within the window."""
    record = _close(case, "lapsed", data, ctx, outcome=data["outcome"], basis=LAPSE_OUTCOMES[data["outcome"]],
                    code=data.get("code"))
    case.data = {**case.data, "confirmations": [*case.data.get("confirmations", []), record]}
    if data.get("link_id") is not None:
        retire_refused_link(case, data["link_id"], ctx)


def ruling_reviewed(case: Case, data: dict, ctx) -> None:
    """CPLI Art 372: an objection to the court's ruling, and its outcome. A revoked confirmation no
    longer makes the agreement enforceable (the parties keep PML Art 32's suit); a changed one stands
    confirmed as changed; a dismissed objection leaves the ruling as it was."""
    status = data["jc_status"]
    record = dict(case.data.get("confirmation") or {})
    objection = {"jc_status": status, **_court_case(data), "recorded_at": ctx.now.isoformat(), "basis": "CPLI Art 372"}
    agreement = dict(case.data.get("agreement") or {})
    if status == "JC_OBJECTION":
        objection["outcome"] = "pending"
    elif status == "JC_REVOKED":
        objection["outcome"] = "revoked"
        if record.get("status") == "granted":
            record["status"] = "revoked"
        agreement["confirmed"] = False
    elif status == "JC_AMENDED":
        objection["outcome"] = "amended"
        record["status"] = "granted"
        agreement["confirmed"] = True
    else:
        objection["outcome"] = "dismissed"
    record["objection"] = objection
    case.data = {**case.data, "confirmation": record, "agreement": agreement}


def remediate(case: Case, data: dict, ctx) -> None:
    """PML Art 33 ¶3; CPL Art 206: amend the agreement or make a new one, by mediation."""
    case.data = {**case.data, "confirmation": {**case.data["confirmation"], "remedy": "remediate",
                                                "remedy_note": data.get("note", ""),
                                                "remedy_by": ctx.actor.user_id, "remedy_at": ctx.now.isoformat()}}


def retire_refused_link(case: Case, link_id: int, ctx) -> None:
    """A hand-off the target service refused stays on record as a ``refused`` link: no longer a child,
    so the relay does not offer it again and a later child's events are not taken for it."""
    for link in case.links:
        if link.id == link_id and link.link_type == "child" and link.target_case_id is None:
            link.link_type, link.updated_at = "refused", ctx.now
