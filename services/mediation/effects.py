"""What each people's mediation event changes on the case row (no I/O beyond the session).

Every record kept in ``case.data`` carries who did it and when; ``participants`` lists the bodies
besides the committee that act on the case (the window that brought it, the court of a confirmation).
"""
from __future__ import annotations

from contracts.mediation import CHANNELS_TOLD
from infra.casedata import append, put, stamp
from infra.models import Case, CaseLink, Party
from services.mediation import delegated
from services.mediation.guards import committee_for

# channels a party is told of when a period ends without agreement (PML Art 26; NB Art 27; MDR Art 22)
DEFAULT_CHANNELS = {"mediation_general": ["litigation", "administrative", "other_committee"],
                    "mediation_medical": ["litigation", "administrative"]}
EXPIRY_GROUND = {"mediation_general": ("period_expired", "NB Art 27: 到期未达成协议，下达终止调解通知书"),
                 "mediation_medical": ("deemed_failed", "MDR Art 38: 超过调解期限未达成调解协议的，视为调解不成")}
# a court-delegated mediation ends when the delegating court's period does (SPEC §7: DV clocks govern)
DEFAULT_CHANNELS[delegated.COURT_PERIOD] = ["litigation"]
EXPIRY_GROUND[delegated.COURT_PERIOD] = ("period_expired", "OMR Art 25(6); SIM Art 27: 委派调解期限届满未达成调解协议，"
                                                          "材料退回人民法院")


# -- creation ------------------------------------------------------------------------------------
def _register(case: Case, data: dict, ctx, committee: str, how: str) -> None:
    case.org_id = committee
    case.channel, case.category = data["channel"], data["category"]
    case.summary, case.request, case.facts = data["summary"], data["request"], data["facts"]
    case.parties = [Party(seq=i, **p) for i, p in enumerate(data["parties"], start=1)]
    brought_by = ctx.actor.org_id
    case.data = {
        "application": {"how": how, "oral": data["oral"], "note": data["note"], **stamp(ctx)},
        "joint_application": data.get("joint_application", False),
        # the body that brought the case (the centre's window) keeps acting for the parties
        "participants": [] if ctx.env.directory.governs(brought_by, committee) else [brought_by],
    }


def apply(case: Case, data: dict, ctx) -> None:
    """PML Art 17: a party applies (written or oral), directly or through the centre's window, or the
    centre hands the matter over (SPEC §7)."""
    handoff = data.get("handoff")
    _register(case, data, ctx, committee_for(data, ctx), "handoff" if handoff else "application")
    if handoff:
        case.parent_service, case.parent_case_id = handoff["parent_service"], handoff["parent_case_id"]
        case.links.append(CaseLink(link_type="parent", target_service=handoff["parent_service"],
                                   target_case_id=handoff["parent_case_id"],
                                   target_case_no=handoff["parent_case_no"], target_status=None,
                                   target_terminal=False, basis=handoff["basis"] or "SPEC §7; PSR Art 44",
                                   created_at=ctx.now, updated_at=ctx.now))
        put(case, handoff={"reason": handoff["reason"], "basis": handoff["basis"], "data": handoff["data"],
                            "parent_case_no": handoff["parent_case_no"]})
        if delegated.wanted(handoff):           # SPEC §7: court-delegated mode; the court's periods govern
            put(case, court_delegation=delegated.record(handoff, ctx))


def initiate_proactive(case: Case, data: dict, ctx) -> None:
    """PML Art 17: 人民调解委员会也可以主动调解."""
    _register(case, data, ctx, ctx.actor.org_id, "proactive")
    put(case, proactive={"source": data["source"], **stamp(ctx)})


# -- consent and acceptance ----------------------------------------------------------------------
def request_consent(case: Case, data: dict, ctx) -> None:
    put(case, consent={"requested": {"how": data["how"], "note": data["note"], **stamp(ctx)}, "given": False})


def respondent_consents(case: Case, data: dict, ctx) -> None:
    put(case, consent={**case.data.get("consent", {}), "given": True,
                        "answer": {"party": data["party"], "note": data["note"], **stamp(ctx)}})


def party_refuses(case: Case, data: dict, ctx) -> None:
    put(case, rejection={"ground": "party_refused", "party": data["party"], "statement": data["statement"],
                          "basis": "PML Art 17", **stamp(ctx)})


def consent_expired(case: Case, data: dict, ctx) -> None:
    put(case, rejection={"ground": "no_answer", "deemed_refusal": True,
                          "basis": "SPEC §3: no answer within the consent period is treated as refusal [A]",
                          **stamp(ctx)})


def accept(case: Case, data: dict, ctx) -> None:
    put(case, acceptance={"respondent_consented": data["respondent_consented"], "note": data["note"], **stamp(ctx)})


def reject(case: Case, data: dict, ctx) -> None:
    put(case, rejection={"ground": data["ground"], "channel_told": data["channel_told"],
                          "escalation_risk": data["escalation_risk"], "calming_measures": data["calming_measures"],
                          "handed_over_to": data["handed_over_to"], "note": data["note"], "basis": "PMR Art 22",
                          **stamp(ctx)})
    ctx.outbox.append(("mediation_rejected", {"rejection": case.data["rejection"]}))


def acceptance_overdue(case: Case, data: dict, ctx) -> None:
    case.supervised = True   # SPEC §3: SUPV warning (督办) when the committee has not decided in time
    append(case, "overdue", {"clock": data["clock"], **stamp(ctx)})


# -- mediating -----------------------------------------------------------------------------------
def assign_mediator(case: Case, data: dict, ctx) -> None:
    """PML Art 19: one or more mediators, designated by the committee or chosen by the parties."""
    put(case, mediators=list(dict.fromkeys(data["mediator_ids"])),
         appointment={"how": data["how"], "note": data["note"], **stamp(ctx)})


def report_escalation_risk(case: Case, data: dict, ctx) -> None:
    report = {"risk": data["risk"], "reported_to": data["reported_to"], "measures": data["measures"],
              "basis": "PML Art 25", **stamp(ctx)}
    append(case, "escalations", report)
    ctx.outbox.append(("escalation_risk_reported", {"report": report}))


def extend_period(case: Case, data: dict, ctx) -> None:
    # the clock itself is extended by the platform (Extension on the clock definition)
    append(case, "extensions", {"clock": data["clock"], "amount": data["amount"],
                                 "requested_by": sorted(data["requested_by"]), "reason": data["reason"], **stamp(ctx)})


def clock_pause(case: Case, data: dict, ctx) -> None:
    append(case, "appraisals", {"clock": data["clock"], "paused": True, "reason": data["reason"],
                                 "note": data["note"], **stamp(ctx)})


def clock_resume(case: Case, data: dict, ctx) -> None:
    append(case, "appraisals", {"clock": data["clock"], "paused": False, "note": data["note"], **stamp(ctx)})


def labour_period_expired(case: Case, data: dict, ctx) -> None:
    notice = {"basis": "LDL Art 14 ¶3: 十五日内未达成调解协议的，当事人可以依法申请仲裁", **stamp(ctx)}
    put(case, labour_arbitration_open=notice)
    ctx.outbox.append(("labour_arbitration_available", {"notice": notice}))


# -- agreement -----------------------------------------------------------------------------------
def _agreement(case: Case, record: dict, ctx) -> None:
    history = case.data.get("previous_agreements", [])
    if case.data.get("agreement"):     # a new agreement after a rejected confirmation (PML Art 33 ¶3)
        history = [*history, case.data["agreement"]]
    put(case, agreement={**record, "effective_at": ctx.now.isoformat(), **stamp(ctx)}, previous_agreements=history)
    ctx.outbox.append(("agreement_effective", {"agreement_kind": record["kind"]}))


def sign_written_agreement(case: Case, data: dict, ctx) -> None:
    """PML Art 29 ¶2: effective on the day all parties have signed and the committee sealed it."""
    _agreement(case, {"kind": "written", "parties": sorted(data["parties"]), "dispute": data["dispute"],
                      "obligations": data["obligations"], "performance_manner": data["performance_manner"],
                      "performance_deadline": data["performance_deadline"], "signatures": data["signatures"],
                      "mediator_signature": data["mediator_signature"], "committee_seal": True,
                      "basis": "PML Art 29"}, ctx)


def record_oral_agreement(case: Case, data: dict, ctx) -> None:
    """PML Art 28, 30: recorded by the mediator; effective on the day the parties agree."""
    _agreement(case, {"kind": "oral", "content": data["content"],
                      "performed_immediately": data["performed_immediately"], "basis": "PML Art 28, 30"}, ctx)


def confirmation_window_closed(case: Case, data: dict, ctx) -> None:
    put(case, confirmation_window={"closed": True, "basis": "PML Art 31-33: 协议仍具法律约束力；争议可以起诉",
                                    **stamp(ctx)})


# -- termination ---------------------------------------------------------------------------------
def _terminate(case: Case, ctx, ground: str, channels: list[str], next_channel: str, basis: str, **extra) -> None:
    record = {"ground": ground, "channels_told": channels,
              "channels_told_labels": [CHANNELS_TOLD[c] for c in channels], "next_channel": next_channel,
              "basis": basis, **extra, **stamp(ctx)}
    put(case, termination=record)
    # the window tells the resident where to go next; a suit is handed to the court by refer_to_court
    ctx.outbox.append(("mediation_terminated", {"termination": record}))


def party_withdraws(case: Case, data: dict, ctx) -> None:
    _terminate(case, ctx, "party_withdrew", data["channels_told"], data["next_channel"],
               "PML Art 23(2), 26; NB Art 23(1)", party=data["party"], reason=data["reason"])


def declare_failure(case: Case, data: dict, ctx) -> None:
    _terminate(case, ctx, data["ground"], data["channels_told"], data["next_channel"], "PML Art 26; NB Art 23",
               reason=data["reason"])


def deadline_expired(case: Case, data: dict, ctx) -> None:
    ground, basis = EXPIRY_GROUND.get(data["clock"], EXPIRY_GROUND["mediation_general"])
    _terminate(case, ctx, ground, DEFAULT_CHANNELS.get(data["clock"], DEFAULT_CHANNELS["mediation_general"]),
               "none", f"{basis}; PML Art 26", clock=data["clock"], notice="终止调解通知书")


def confirmation_rejected_terminate(case: Case, data: dict, ctx) -> None:
    """CPL Art 206: after the rejection the parties choose to sue; the mediation ends (PML Art 26)."""
    record = case.data["confirmation"]
    put(case, confirmation={**record, "remedy": "litigation", "remedy_by": ctx.actor.user_id,
                             "remedy_at": ctx.now.isoformat()})
    _terminate(case, ctx, "confirmation_rejected", data["channels_told"], data["next_channel"],
               "PML Art 33 ¶3; CPL Art 206", reason=data["reason"], jc_case_no=record.get("jc_case_no"))


# -- performance and archive ---------------------------------------------------------------------
def start_supervision(case: Case, data: dict, ctx) -> None:
    put(case, supervision={"supervisor": data["supervisor"], "note": data["note"], "basis": "PML Art 31 ¶2",
                            **stamp(ctx)})


def record_performed(case: Case, data: dict, ctx) -> None:
    put(case, performance={"performed": True, "note": data["note"], **stamp(ctx)})


def report_non_performance(case: Case, data: dict, ctx) -> None:
    confirmed = bool(case.data.get("agreement", {}).get("confirmed"))
    remedy = ({"remedy": "enforcement", "basis": "PML Art 33 ¶2; CPL Art 206"} if confirmed
              else {"remedy": "litigation", "basis": "PML Art 32"})
    put(case, performance={"performed": False, "party": data["party"], "note": data["note"], **remedy, **stamp(ctx)})
    ctx.outbox.append(("performance_disputed", {"performance": case.data["performance"]}))


def archive(case: Case, data: dict, ctx) -> None:
    put(case, archive={"file_no": data["file_no"], "materials": sorted(set(data["materials"])), "note": data["note"],
                        "basis": "PML Art 27", **stamp(ctx)})
