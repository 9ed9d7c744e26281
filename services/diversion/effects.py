"""What each pre-filing / entrusted mediation event changes on the case row (SPEC §4A, 4B; no I/O
beyond the session). Every record carries who acted and when."""
from __future__ import annotations

from contracts.diversion import DIRECT_FILING_GROUNDS, REFUSAL_GROUNDS, RETURN_GROUNDS, TERMINATION_GROUNDS
from infra.casedata import amend_last, append, put, stamp
from infra.models import Case, CaseLink
from infra.pii import party_view
from services.diversion import d7, delegation
from services.diversion.common import (brought_by, default_court, is_court, link_parent, participants, register,
                                       set_participants)


def _bringer(case: Case) -> str | None:
    return (case.data or {}).get("brought_by")


def _designating(case: Case, ctx) -> None:
    """(Re)open the designation: the 2-WD joint choice counts from now (OMR Art 10 ¶2, 12 ¶2)."""
    put(case, designating_since=ctx.now.isoformat(), designation=None)
    set_participants(case, _bringer(case))


def _failed(case: Case, ground: str, reason: str, basis: str, ctx, **extra) -> None:
    """DV_FAILED: the reason is recorded (OMR Art 21); D7 remembers the matter was pre-mediated."""
    put(case, failure={"ground": ground, "reason": reason, "basis": basis, **extra, **stamp(ctx)}, prefiling_failed=True)


# -- receipt ---------------------------------------------------------------------------------------
def receive_complaint(case: Case, data: dict, ctx) -> None:
    """OMR Art 8; CPL Art 123: the complaint is registered at the court; intake's hand-off lands here
    (SPEC §7), at the court it named, or at the county court."""
    handoff = data.get("handoff")
    court = data.get("court_id") if is_court(ctx, data.get("court_id")) else None
    if court is None:
        court = ctx.actor.org_id if is_court(ctx, ctx.actor.org_id) else default_court(ctx)
    register(case, data, court)
    bringer = brought_by(ctx, court)
    case.data = {
        "complaint": {"oral": data["oral"], "subject_ref": data["subject_ref"] or
                      ((handoff or {}).get("data") or {}).get("subject_ref"),
                      "claim_type": data["claim_type"], "note": data["note"],
                      "how": "handoff" if handoff else "filing_desk", **stamp(ctx)},
        "brought_by": bringer,
    }
    set_participants(case, bringer)
    link_parent(case, handoff, ctx, "SPEC §7; PSR Art 45; CPL Art 125")
    put(case, d7=d7.matches(ctx.session, case, ctx.env.config))
    hdata = (handoff or {}).get("data") or {}
    if hdata.get("purpose") == "litigation":
        # CPL Art 122-123: a suit handed over in a party's name carries the party's own decision to sue and
        # who recorded it (mediation's refer_to_court; a petition's 诉访分离 hand-off when its sender records it)
        put(case, suit_decision=hdata.get("suit_decision") or {"recorded": False, "basis": "CPL Art 122-123",
                                                               "note": "移送方未记录当事人的起诉决定"})


def explain_mediation(case: Case, data: dict, ctx) -> None:
    put(case, explanation={"how": data["how"], "told": sorted(set(data["told"])), "suitable": data["suitable"],
                           "note": data["note"], "basis": "OMR Art 7", **stamp(ctx)})


def plaintiff_consents(case: Case, data: dict, ctx) -> None:
    put(case, consent={"plaintiff": {"party": data["party"], "how": data["how"], "statement": data["statement"],
                                     **stamp(ctx)}})
    _designating(case, ctx)


def plaintiff_declines(case: Case, data: dict, ctx) -> None:
    put(case, declined={"party": data["party"], "statement": data["statement"], "basis": "CPL Art 125", **stamp(ctx)})


def return_application(case: Case, data: dict, ctx) -> None:
    put(case, returned={"ground": data["ground"], "basis": RETURN_GROUNDS[data["ground"]],
                        "channel_told": data["channel_told"], "note": data["note"], **stamp(ctx)})


def direct_to_filing(case: Case, data: dict, ctx) -> None:
    put(case, direct_filing={"ground": data["ground"], "basis": DIRECT_FILING_GROUNDS[data["ground"]],
                             "d7": d7.matches(ctx.session, case, ctx.env.config), "note": data["note"], **stamp(ctx)})


# -- designation (OMR Art 10, 12; SIM Art 12) -------------------------------------------------------
def designate_mediator(case: Case, data: dict, ctx) -> None:
    record = {"by": data["by"], "mediator_org_id": data["mediator_org_id"], "mediator_id": data["mediator_id"],
              "parties_asked_court": data["parties_asked_court"], "note": data["note"],
              "designated_by": ctx.actor.user_id, "role": ctx.actor.role, "at": ctx.now.isoformat()}
    put(case, designation=record)
    append(case, "designations", record)
    set_participants(case, _bringer(case), data["mediator_org_id"])
    delegation.hand_to_committee(case, record, ctx)   # a people's mediation committee: its own PM case (SPEC §7)


def refuse_designation(case: Case, data: dict, ctx) -> None:
    put(case, declined={"party": data["party"], "statement": data["statement"],
                        "basis": "SIM Art 12; OMR Art 10: 不同意指定的，视为不同意调解", **stamp(ctx)})
    set_participants(case, _bringer(case))


def mediator_accepts(case: Case, data: dict, ctx) -> None:
    put(case, designation={**case.data["designation"], "accepted": {
        "mediator_id": data["mediator_id"] or ctx.actor.user_id, "disclosure": data["disclosure"], **stamp(ctx)}})


def mediator_declines(case: Case, data: dict, ctx) -> None:
    append(case, "declined_designations", {**case.data["designation"], "ground": data["ground"],
                                           "reason": data["reason"], "basis": "OMR Art 12", "declined": stamp(ctx)})
    _designating(case, ctx)


def acceptance_expired(case: Case, data: dict, ctx) -> None:
    append(case, "declined_designations", {**case.data["designation"], "ground": "not_confirmed_in_time",
                                           "reason": "超过三个工作日未确认接受委派", "basis": "OMR Art 12 ¶2",
                                           "declined": stamp(ctx)})
    _designating(case, ctx)


# -- the respondent (OMR Art 15) -------------------------------------------------------------------
def respondent_consents(case: Case, data: dict, ctx) -> None:
    put(case, consent={**case.data.get("consent", {}), "respondent": {
        "party": data["party"], "how": data["how"], "statement": data["statement"], **stamp(ctx)}})


def respondent_refuses(case: Case, data: dict, ctx) -> None:
    _failed(case, "respondent_refused", data["statement"] or "对方当事人拒绝调解", "OMR Art 15 ¶2", ctx,
            party=data["party"])


def respondent_unreachable(case: Case, data: dict, ctx) -> None:
    _failed(case, "respondent_unreachable", data["attempts"], "OMR Art 15 ¶2", ctx)


# -- mediating (OMR Art 19-26; SIM Art 24-27) ------------------------------------------------------
def extend_period(case: Case, data: dict, ctx) -> None:
    append(case, "extensions", {"clock": data["clock"], "amount": data["amount"], "agreed_by": sorted(data["agreed_by"]),
                                "reason": data["reason"], "basis": "OMR Art 24; SIM Art 27", **stamp(ctx)})


def clock_pause(case: Case, data: dict, ctx) -> None:
    append(case, "appraisals", {"clock": data["clock"], "reason": data["reason"], "note": data["note"],
                                "basis": "OMR Art 26", "paused": stamp(ctx)})


def clock_resume(case: Case, data: dict, ctx) -> None:
    amend_last(case, "appraisals", {"resumed": stamp(ctx), "note_on_resume": data["note"]})


def sign_agreement(case: Case, data: dict, ctx) -> None:
    """OMR Art 19: effective when every party has signed; recorded as 诉外结案 and filed with the
    delegating court (OMR Art 20 ¶1; SIM Art 19 ¶1)."""
    designation = case.data.get("designation") or {}
    put(case, agreement={"content": data["content"], "signatures": sorted(data["signatures"]),
                         "mediator_signature": data["mediator_signature"], "org_seal": data["org_seal"],
                         "effective_at": ctx.now.isoformat(), "mediation_org_id": designation.get("mediator_org_id"),
                         "delegated_by_court": case.org_id, "filed_with_court": True, "note": data["note"], **stamp(ctx)})
    ctx.outbox.append(("agreement_effective", {"agreement_effective_at": ctx.now.isoformat()}))


def terminate(case: Case, data: dict, ctx) -> None:
    _failed(case, data["ground"], data["reason"], TERMINATION_GROUNDS[data["ground"]], ctx,
            cost_increasing_conduct=data["cost_increasing_conduct"])


def mediation_expired(case: Case, data: dict, ctx) -> None:
    _failed(case, "period_expired_no_extension", "调解期限届满，未达成调解协议且各方未合意延长",
            TERMINATION_GROUNDS["period_expired_no_extension"], ctx)


# -- filing (SIM Art 21; OMR Art 21; CPL Art 122-127) ----------------------------------------------
def transfer_to_filing(case: Case, data: dict, ctx) -> None:
    """CPL Art 122-123: the suit is the plaintiff's own decision; who expressed it, how, and who recorded it."""
    put(case, transfer={"party_insists_on_suing": True, "note": data["note"], "basis": "SIM Art 21 ¶1; OMR Art 21(2)",
                        **stamp(ctx)},
        suit_decision={"party": data["party"], "how": data["how"], "recorded": stamp(ctx), "basis": "CPL Art 122-123"})


def plaintiff_withdraws(case: Case, data: dict, ctx) -> None:
    put(case, withdrawn={"party": data["party"], "how": data["how"], "statement": data["statement"],
                         "basis": "SIM Art 21 ¶1; CPL Art 122", **stamp(ctx)})


def request_correction(case: Case, data: dict, ctx) -> None:
    append(case, "corrections", {"missing": data["missing"], "requested": stamp(ctx), "basis": "CPLI Art 126"})


def complaint_corrected(case: Case, data: dict, ctx) -> None:
    amend_last(case, "corrections", {"corrected": stamp(ctx), "note": data["note"]})


def file_case(case: Case, data: dict, ctx) -> None:
    put(case, filing={"docket_no": data["docket_no"], "conditions": sorted(data["conditions"]),
                      "procedure": data["procedure"], "note": data["note"], "basis": "CPL Art 122, 126", **stamp(ctx)})
    ctx.outbox.append(("case_filed", {"docket_no": data["docket_no"]}))


def refuse_filing(case: Case, data: dict, ctx) -> None:
    put(case, refusal={"ground": data["ground"], "basis": REFUSAL_GROUNDS[data["ground"]], "ruling_no": data["ruling_no"],
                       "channel_told": data["channel_told"], "appeal_told": data["appeal_told"], **stamp(ctx)})


# -- judicial confirmation of the agreement (SPEC §4A last row → 4C) -------------------------------
def apply_judicial_confirmation(case: Case, data: dict, ctx) -> None:
    """Both parties apply to the delegating court (CPL Art 205(1); SIM Art 19 ¶2). The JC case is a
    child of this one, opened in this same service right after this transition commits
    (services.diversion.handoffs.open_confirmations), with a per-link idempotency key."""
    agreement = case.data["agreement"]
    application = {
        "court_id": case.org_id, "category": case.category, "channel": case.channel, "summary": case.summary,
        "request": "请求确认调解协议有效", "facts": case.facts,
        "parties": [party_view(p, whole=True) for p in case.parties],
        "applicants": sorted(data["applicants"]), "form": data["form"], "note": data["note"],
        "agreement": {"effective_at": agreement["effective_at"], "content": agreement["content"], "kind": "written",
                      "mediation_org_id": agreement.get("mediation_org_id"), "mediation_case_no": case.case_no,
                      "delegated_by_court": case.org_id},
        "jurisdiction_basis": "delegating_court", "materials": ["调解协议", "委派调解证明"],
        "applied_at": ctx.now.isoformat(),   # CPL Art 205: the window is judged on the application, not on arrival
        "handoff": {"parent_service": "diversion", "parent_case_id": case.id, "parent_case_no": case.case_no,
                    "link_type": "child", "reason": "委派调解达成协议，双方共同申请司法确认",
                    "basis": "CPL Art 205(1); SIM Art 19 ¶2", "data": {}},
    }
    append(case, "confirmation_applications", {"applicants": sorted(data["applicants"]), "form": data["form"], **stamp(ctx)})
    case.links.append(CaseLink(link_type="child", target_service="diversion", target_case_id=None,
                               target_status="awaiting_service", target_terminal=False,
                               basis="CPL Art 205(1); SIM Art 19 ¶2",
                               handoff={"application": application, "actor": ctx.actor.to_dict()},
                               created_at=ctx.now, updated_at=ctx.now))


def confirmation_window_closed(case: Case, data: dict, ctx) -> None:
    put(case, confirmation_window={"closed": True, "basis": "CPL Art 205; SIM Art 25: the agreement stays binding; "
                                   "a dispute over it is a suit", **stamp(ctx)})


# -- 4B: post-filing entrusted mediation (SIM Art 20-21, 27; OMR Art 20 ¶2, 21(3), 24) -------------
def entrust_mediation(case: Case, data: dict, ctx) -> None:
    put(case, entrusted={"procedure": data["procedure"], "mediator_org_id": data["mediator_org_id"],
                         "note": data["note"], "basis": "SIM Art 11, 27; OMR Art 24", **stamp(ctx)})
    set_participants(case, *participants(case), data["mediator_org_id"])


def entrusted_file_received(case: Case, data: dict, ctx) -> None:
    """SIM Art 27 ¶3; OMR Art 24 ¶2: the entrusted period counts from this signed receipt."""
    put(case, entrusted={**case.data["entrusted"], "received": {"received_by": data["received_by"], "note": data["note"],
                                                               "basis": "SIM Art 27 ¶3; OMR Art 24 ¶2", **stamp(ctx)}})


def agreement_reached(case: Case, data: dict, ctx) -> None:
    put(case, concluded={"outcome": data["outcome"], "content": data["content"], "document_no": data["document_no"],
                         "basis": "SIM Art 20; OMR Art 20 ¶2", **stamp(ctx)})


def mediation_failed(case: Case, data: dict, ctx) -> None:
    put(case, trial_resumed={"reason": data["reason"], "basis": "SIM Art 21 ¶2; OMR Art 21(3)", **stamp(ctx)})


def entrusted_expired(case: Case, data: dict, ctx) -> None:
    put(case, trial_resumed={"reason": "委托调解期限届满未达成协议", "basis": "SIM Art 27; OMR Art 24", **stamp(ctx)})


# -- timers ----------------------------------------------------------------------------------------
def overdue(case: Case, data: dict, ctx) -> None:
    case.supervised = True   # 督办 (SPEC §1 timers): the court or the mediator is late
    append(case, "overdue", {"clock": data["clock"], **stamp(ctx)})
