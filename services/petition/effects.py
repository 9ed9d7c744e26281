"""The domain change each petition event makes to the case row (no I/O beyond the session).

``case.org_id`` is the body that received the petition (normally the petition office, which also
supervises it, LVR Art 40); the handling organ, the review organ and the re-review organ are recorded
in ``case.data`` and act on the case as participants (``rules.participants``)."""
from __future__ import annotations

from contracts.petition import (HANDLING_BASES, LEGAL_PROCEDURES, OPINION_OUTCOMES, ORAL_CHANNELS,
                                PETITION_CHANNELS, REDIRECT_KINDS, SATISFACTION, SATISFACTION_VIA, SERVICE_METHODS)
from infra import querycode
from infra.casedata import append, put, stamp
from infra.models import CaseLink, Party
from services.petition import litigation, rules

SUPERVISION_BASIS = {          # what a run-out clock means (督办 LVR Art 40, with the duty breached)
    "transfer": "LVR Art 40, 43: 信访部门未按规定转送、交办",
    "acknowledge_direct": "LVR Art 40, 44(3): 未在规定期限内书面告知是否受理",
    "acknowledge_transferred": "LVR Art 40, 44(3): 未在规定期限内书面告知是否受理",
    "handling": "LVR Art 40, 45(1): 未在规定期限内办结",
    "review_decision": "LVR Art 40, 45(1): 复查未在30日内答复（Art 35）",
    "recheck_decision": "LVR Art 40, 45(1): 复核未在30日内提出意见（Art 36）",
}


def _org_name(ctx, code: str | None) -> str | None:
    org = ctx.env.directory.get(code) if code else None
    return org.name if org else None


# -- registration (LVR Art 17-21) -------------------------------------------------------------------
def _receive(case, data: dict, ctx, org_id: str, channel: str, kind: str, extra: dict) -> None:
    directory = ctx.env.directory
    case.org_id = org_id
    case.channel, case.category = channel, data.get("category")
    case.summary, case.request, case.facts = data["summary"], data["request"], data.get("facts") or ""
    case.parties = [Party(seq=i, **p) for i, p in enumerate(data["parties"], start=1)]
    at_office = rules.kind_of(directory, org_id) == "petition_office"
    put(case, petition_kind=kind, channel_label=PETITION_CHANNELS[channel],
         subject_ref=data.get("subject_ref"), reasons=data.get("reasons") or "",
         received_by=org_id, received_by_name=_org_name(ctx, org_id), profile=ctx.env.config.profile,
         # a body other than a petition office that receives a petition handles it itself (Art 23 ¶1-2)
         direct_receipt=not at_office, petition_office=org_id if at_office else None,
         handler_org_id=None if at_office else org_id, **extra)
    put(case, duplicate_candidates=rules.candidates(ctx.session, case, ctx.env.config.profile),
         law_related=rules.law_related(case))


def register(case, data: dict, ctx) -> None:
    org = rules.receiving_org(data, ctx.actor, ctx.env.directory, ctx.env.config)
    _receive(case, data, ctx, org, data["channel"], data["petition_kind"], {
        "oral": data["oral"] or data["channel"] in ORAL_CHANNELS,
        "respondent_org_id": data.get("respondent_org_id"),
        "group_visit": {"visitor_count": data.get("visitor_count"), "representatives": data["representatives"]}
        if data["group_visit"] else None,
        "registered": stamp(ctx)})
    querycode.issue(case, ctx)      # the petitioner follows the matter with it (LVR Art 21 ¶2)


def register_from_handoff(case, data: dict, ctx) -> None:
    """intake route_to_petition (SPEC §7; PSR Art 46): the petition office named by the router, or
    the county petition office when the target is no petition office, government or department."""
    org = rules.handoff_org(data.get("target_org_id"), ctx.env.directory, ctx.env.config)
    channel = rules.CHANNEL_FROM_INTAKE.get(data.get("channel") or "", "visit")
    kind = rules.KIND_FROM_CATEGORY.get(data.get("category") or "", "claim")
    case.parent_service, case.parent_case_id = data["parent_service"], data["parent_case_id"]
    handoff = {"reason": data["reason"], "basis": data.get("basis") or "", "parent_case_no": data["parent_case_no"],
               "requested_org_id": data.get("target_org_id"), **stamp(ctx)}
    subject = (data.get("data") or {}).get("subject_ref")
    _receive(case, {**data, "subject_ref": subject}, ctx, org, channel, kind,
             {"oral": channel in ORAL_CHANNELS, "source_channel": data.get("channel"), "handoff": handoff})
    case.links.append(CaseLink(link_type="parent", target_service=data["parent_service"],
                               target_case_id=data["parent_case_id"], target_case_no=data["parent_case_no"],
                               target_status=None, target_terminal=False,
                               basis=data.get("basis") or "PSR Art 46; SPEC §7",
                               created_at=ctx.now, updated_at=ctx.now))


# -- the petition office: transfer / assign, objections (LVR Art 22, 23) ----------------------------
def transfer(mode: str):
    def effect(case, data: dict, ctx) -> None:
        handler = data["handler_org_id"]
        entry = {"mode": mode, "handler_org_id": handler, "handler_name": _org_name(ctx, handler),
                 "note": data.get("note", ""), "report_due": data.get("report_due"),
                 "new_facts_or_reasons": data.get("new_facts_or_reasons", False), **stamp(ctx),
                 "basis": "LVR Art 22(3)" if mode == "assign" else "LVR Art 22(1)-(2)"}
        put(case, handler_org_id=handler, transfer=entry)
        append(case, "transfers", entry)
    return effect


def object_misdirected(case, data: dict, ctx) -> None:
    put(case, objection={"status": "pending", "handler_org_id": rules.handler_org(case),
                          "reasons": data["reasons"], **stamp(ctx)})


def objection_upheld(case, data: dict, ctx) -> None:
    """The office agrees: the materials go back and it transfers the matter again (Art 23 ¶3)."""
    verified = {**stamp(ctx), "note": data["note"]}
    put(case, objection={**case.data["objection"], "status": "upheld", "verified": verified},
         handler_org_id=None, transfer=None)


def objection_dismissed(case, data: dict, ctx) -> None:
    put(case, objection={**case.data["objection"], "status": "dismissed",
                          "verified": {**stamp(ctx), "note": data["note"]}})


def objection_window_expired(case, data: dict, ctx) -> None:
    """5 WD passed without an objection: deemed accepted [A]; no objection any more (Art 23 ¶3)."""
    put(case, objection_barred={"at": ctx.now.isoformat(), "basis": "LVR Art 23 ¶3 [A: deemed accepted]"})


def acknowledge(case, data: dict, ctx) -> None:
    put(case, acceptance={"written_notice_ref": data.get("written_notice_ref"), "notified_how": data["notified_how"],
                           "address_unclear": data["address_unclear"], "note": data["note"], **stamp(ctx),
                           "new_facts_or_reasons": data["new_facts_or_reasons"],
                           "basis": "LVR Art 23 ¶2" if case.data.get("direct_receipt") else "LVR Art 23 ¶3"})


def redirect(case, data: dict, ctx) -> None:
    target = data.get("target_org_id")
    put(case, redirect={"kind": data["kind"], "label": REDIRECT_KINDS[data["kind"]], "target_org_id": target,
                         "target_name": _org_name(ctx, target), "channel_told": data["channel_told"],
                         "notified_how": data["notified_how"], "civil_suit": data["civil_suit"],
                         "written_notice_ref": data.get("written_notice_ref"), **stamp(ctx)})
    if data["civil_suit"]:
        litigation.hand_to_court(case, data, ctx)     # 诉访分离 (LVR Art 20 ¶2, 22 ¶2)


def reject_duplicate(case, data: dict, ctx) -> None:
    """D3 (LVR Art 19 ¶3) / D4 (LVR Art 36 ¶3; Zhejiang 处理终结, ZJLV Art 25 ¶2): not accepted again; linked
    to the earlier petition."""
    earlier = rules.find_case(ctx.session, data["duplicate_of"])
    basis = {"D3": "LVR Art 19 ¶3（浙江 ZJLV Art 20(5)）：信访事项已经受理、正在办理期限内，向上级机关又提出同一信访事项的，不予受理",
             "D4": "LVR Art 36 ¶3（浙江 ZJLV Art 20(5), 25 ¶2：处理终结的信访事项）：对复核意见不服，仍以同一事实和理由提出投诉请求的，不再受理"}[data["rule"]]
    refusal = {"rule": data["rule"], "duplicate_of": earlier.id, "duplicate_case_no": earlier.case_no,
               "earlier_status": earlier.status, "basis": basis, "note": data["note"], **stamp(ctx)}
    put(case, duplicate=refusal)
    case.links.append(CaseLink(link_type="duplicate_of", target_service="petition", target_case_id=earlier.id,
                               target_case_no=earlier.case_no, target_status=earlier.status,
                               target_terminal=earlier.status in rules.TERMINAL, basis=basis,
                               created_at=ctx.now, updated_at=ctx.now))
    ctx.extra["refusal"] = refusal


# -- the handling organ (LVR Art 29-34) -------------------------------------------------------------
def classify_suggestion(case, data: dict, ctx) -> None:
    put(case, track="suggestion", handling_basis="29",
         handling={"basis": "LVR Art 29", "note": data["note"], **stamp(ctx)})


def start_handling(case, data: dict, ctx) -> None:
    basis = data["handling_basis"]
    put(case, track="claim", handling_basis=basis,
         handling={"basis": HANDLING_BASES[basis], "note": data["note"], **stamp(ctx)})


def route_to_legal_procedure(case, data: dict, ctx) -> None:
    put(case, legal_procedure={"procedure": data["procedure"], "basis": LEGAL_PROCEDURES[data["procedure"]],
                                "target_org_id": data.get("target_org_id"), "note": data["note"],
                                "civil_suit": data["civil_suit"], **stamp(ctx)})
    if data["civil_suit"]:
        litigation.hand_to_court(case, data, ctx)     # LVR Art 31(1): 审判机关诉讼程序


def extend(case, data: dict, ctx) -> None:
    append(case, "extensions", {"clock": data["clock"], "amount": data["amount"], "approval": data["approval"],
                                 "reason": data["reason"], "notice": data["notice"], **stamp(ctx)})


def hold_hearing(case, data: dict, ctx) -> None:
    append(case, "hearings", {"grounds": data["grounds"], "held_on": data.get("held_on"), "note": data["note"],
                               **stamp(ctx)})


def start_mediation(case, data: dict, ctx) -> None:
    put(case, mediation={"mode": data["mode"], "status": "ongoing", "note": data["note"], **stamp(ctx)})


def mediation_failed(case, data: dict, ctx) -> None:
    failed = {**stamp(ctx), "note": data["note"]}
    put(case, mediation={**case.data.get("mediation", {}), "status": "failed", "failed": failed})


def sign_settlement(case, data: dict, ctx) -> None:
    put(case, mediation={**case.data.get("mediation", {}), "status": "settled"},
         settlement={"agreement_ref": data["agreement_ref"], "signed_by": data["signed_by"], "note": data["note"],
                     "performed": data["performed"], **stamp(ctx)}, outcome="settlement")
    if data["performed"]:           # ZJLV Art 25(1): 达成协议并履行完毕 → 处理终结
        put(case, finality="ZJLV Art 25(1)")
    if data.get("satisfaction"):
        satisfaction(case, data, ctx)


def issue_opinion(case, data: dict, ctx) -> None:
    put(case, opinion={"outcome": data["outcome"], "label": OPINION_OUTCOMES[data["outcome"]],
                        "reasons": data["reasons"], "legal_basis": data["legal_basis"],
                        "document_ref": data.get("document_ref"), "basis": "LVR Art 32", **stamp(ctx)},
         operative_outcome=data["outcome"])


# -- 送达 of a written reply (LVR Art 35, 36 ¶1: the windows run 自收到书面答复之日起) ----------------------
def serve(key: str):
    """Record when and how the written reply reached the petitioner; the 复查/复核 window clock counts
    from ``served_on`` (the case type's anchor)."""
    def effect(case, data: dict, ctx) -> None:
        service = {"served_on": data["served_on"], "method": data["method"], "method_label": SERVICE_METHODS[data["method"]],
                   "receipt_ref": data.get("receipt_ref"), "received_by": data.get("received_by"),
                   "note": data["note"], **stamp(ctx)}
        put(case, **{key: {**(case.data.get(key) or {}), "service": service}})
    return effect


def served_on(case, key: str) -> str | None:
    return (((case.data or {}).get(key) or {}).get("service") or {}).get("served_on")


def issued_at(case, key: str) -> str | None:
    """When the reply was issued: the opinion's stamp, or the review/re-review decision's ``issued``."""
    item = (case.data or {}).get(key) or {}
    return (item.get("issued") or {}).get("at") or item.get("at")


# -- review and re-review (LVR Art 35-36) -----------------------------------------------------------
def request_review(case, data: dict, ctx) -> None:
    """To the handling organ's superior (Art 35), found in the organisation directory."""
    superior = ctx.env.directory.superior(rules.handler_org(case))
    put(case, review={"org_id": superior.code, "org_name": superior.name, "of_org_id": rules.handler_org(case),
                       "requested": {**stamp(ctx), "reasons": data["reasons"]}, "basis": "LVR Art 35"})


def _decision(data: dict, ctx) -> dict:
    return {"outcome": data["outcome"], "label": OPINION_OUTCOMES[data["outcome"]],
            "upholds_original": data["upholds_original"], "reasons": data["reasons"],
            "legal_basis": data["legal_basis"], "written_reply_ref": data["written_reply_ref"], "issued": stamp(ctx)}


def issue_review(case, data: dict, ctx) -> None:
    put(case, review={**case.data["review"], **_decision(data, ctx)}, operative_outcome=data["outcome"])


def request_recheck(case, data: dict, ctx) -> None:
    """To the review organ's superior (Art 36)."""
    superior = ctx.env.directory.superior(rules.review_org(case))
    put(case, recheck={"org_id": superior.code, "org_name": superior.name, "of_org_id": rules.review_org(case),
                        "requested": {**stamp(ctx), "reasons": data["reasons"]}, "hearings": [],
                        "basis": "LVR Art 36"})


def hearing_clock(case, data: dict, ctx) -> None:
    recheck = case.data.get("recheck") or {}
    entry = {"event": ctx.event.id, "reason": data["reason"], "note": data["note"], **stamp(ctx)}
    put(case, recheck={**recheck, "hearings": [*recheck.get("hearings", []), entry]})


def issue_recheck(case, data: dict, ctx) -> None:
    """复核意见: final; the same facts and reasons are not accepted again (Art 36 ¶3; Art 37 ¶3)."""
    decision = {**_decision(data, ctx), "hearing_held": data["hearing_held"], "publicise": data["publicise"]}
    put(case, recheck={**case.data["recheck"], **decision}, operative_outcome=data["outcome"],
         final={"basis": "LVR Art 36 ¶3, 37 ¶3", **stamp(ctx)})


def close(reason: str, basis: str, finality: str | None = None):
    """Close the case; ``finality`` records a ZJLV Art 25 处理终结 (a repeat is then refusable in Zhejiang)."""
    def effect(case, data: dict, ctx) -> None:
        put(case, closing={"reason": reason, "basis": basis, "note": data.get("note", ""), **stamp(ctx)})
        if finality:
            put(case, finality=finality)
        if data.get("satisfaction"):
            satisfaction(case, data, ctx)
    return effect


# -- 督办 and satisfaction ----------------------------------------------------------------------------
def supervise(case, data: dict, ctx) -> None:
    """督办 overlay (LVR Art 40): flag the case and tell the supervising petition office."""
    kind = data.get("clock")
    basis = SUPERVISION_BASIS.get(kind, "LVR Art 40: 推诿、敷衍、拖延")
    entry = {"cause": "clock" if kind else "finding", "clock": kind, "reason": data.get("reason"), "basis": basis,
             **stamp(ctx)}
    _flag(case, ctx, entry)


def execution_overdue(case, data: dict, ctx) -> None:
    _flag(case, ctx, {"cause": "execution_overdue", "reason": data["reason"],
                      "basis": "LVR Art 32 ¶2, 40, 42(4): 拒不执行支持信访请求的处理意见", **stamp(ctx)})


def _flag(case, ctx, entry: dict) -> None:
    case.supervised = True
    office = case.data.get("petition_office") or rules.default_org(ctx.env.config)
    entry = {**entry, "supervising_org_id": office}
    append(case, "supervision", entry)
    ctx.outbox.append(("case_supervised", {"supervision": entry}))


def satisfaction(case, data: dict, ctx) -> None:
    """The petitioner's evaluation (LVR Art 21 ¶2): who gave it (the petitioner, always), how the office
    collected it, and who recorded it."""
    value = data["satisfaction"]
    via = data.get("via") or ("self_service" if ctx.actor.role == "party" else None)
    entry = {"value": value, "label": SATISFACTION[value], "note": data.get("note", ""), "state": case.status,
             "given_by": "petitioner", "evaluator": data.get("evaluator"), "via": via,
             "via_label": SATISFACTION_VIA.get(via or ""), "recorded_by_role": ctx.actor.role, **stamp(ctx)}
    put(case, satisfaction=entry)
    append(case, "satisfaction_history", entry)
