"""The domain change each recommendation event makes to the case row (no I/O beyond the transition's
session): what was decided, by whom and when, kept in ``case.data``."""
from __future__ import annotations

from contracts import recommendation as c
from contracts.recommendation import KINDS, PROCURATORATE
from infra import clocks
from infra.casedata import amend_last, append, put, stamp
from infra.models import CaseLink
from services.recommendation import letters
from services.recommendation.sides import org_of, side_of

SOURCE_BASIS = "SPEC §7: aggregated risk pattern → RC_DRAFTING (centre supplies data only); PSR Art 61 ¶2; JSR Art 1"


def _org_ref(org) -> dict:
    return {"org_id": org.code, "name": org.name, "kind": org.kind, "level": org.level}


def draft(case, data, ctx) -> None:
    issuer = org_of(ctx, ctx.actor.org_id)
    recipient = org_of(ctx, data["recipient_org_id"])
    case.org_id = issuer.code
    case.category = data["category"]
    case.summary, case.facts, case.request = data["title"], data["problems"], data["recommendations"]
    pattern = data.get("risk_pattern")
    case.data = {
        "kind": data["kind"], "kind_label": KINDS[data["kind"]][1], "issuer": _org_ref(issuer),
        "recipient": _org_ref(recipient), "found_in": data["found_in"],
        "origin": "risk_pattern" if pattern else "casework",
        "risk_pattern": pattern,
        "revision": 1, "consultations": [], "drafted": stamp(ctx),
    }
    for ref in data["source_cases"]:
        case.links.append(CaseLink(link_type="source", target_service=ref["service"], target_case_id=ref["case_id"],
                                   target_case_no=ref["case_no"], target_status=None, target_terminal=False,
                                   basis=SOURCE_BASIS, created_at=ctx.now, updated_at=ctx.now))


def consult(case, data, ctx) -> None:
    append(case, "consultations", {**data, **stamp(ctx)})


def submit(case, data, ctx) -> None:
    put(case, submitted={**data, **stamp(ctx)})


def approve_issue(case, data, ctx) -> None:
    """Number the letter (per issuer and year) and fix the periods it states."""
    config, kind = ctx.env.config, case.data["kind"]
    year = letters.local_year(ctx.now)
    seq = letters.next_doc_seq(ctx.session, case.org_id, year)
    letter = {
        "doc_no": letters.doc_number(letters.doc_prefix(config, case.org_id), kind, year, seq),
        "year": year, "seq": seq, "issued_at": ctx.now.isoformat(),
        "approved_by": data["approved_by"], "approved_by_label": c.APPROVERS[data["approved_by"]],
        "meeting_ref": data["meeting_ref"], "signed_by": data["signed_by"],
        "signed_by_president": data["signed_by_president"],
        "reply_period": letters.reply_period(config, kind, data),
        "special_provision": data["special_provision"], "urgent": data["urgent"],
        "damage_spreading": data["damage_spreading"],
        "objection_period": letters.objection_period(config, data) if side_of(case) == PROCURATORATE else None,
        "amendments": [],
    }
    put(case, letter=letter)
    ctx.extra["doc_no"] = letter["doc_no"]


def serve(case, data, ctx) -> None:
    service = {**data, "manner_label": c.SERVICE_MANNERS[data["manner"]], "revision": case.data["revision"],
               **stamp(ctx)}
    objection = case.data["letter"].get("objection_period")
    if objection:   # PRR Art 23: the recipient may object within the period the letter states [A]
        due = ctx.env.calendar.due_at(ctx.now, objection["amount"], objection["unit"])
        service["objection_due_at"] = due.isoformat()
        service["objection_due_date"] = clocks.local_date(due).isoformat()
    put(case, served=True, service=service, centre_org=letters.setting(ctx.env.config, "centre_org"),
         services=[*(case.data.get("services") or []), service])


def raise_objection(case, data, ctx) -> None:
    append(case, "objections", {**data, "revision": case.data["revision"], **stamp(ctx)})


def decide_objection(outcome: str):
    def effect(case, data, ctx) -> None:
        amend_last(case, "objections", {"decision": {"outcome": outcome, **data, **stamp(ctx)}})
        if outcome == "upheld_amend":    # the amended letter keeps its number and is served again
            letter = case.data["letter"]
            put(case, revision=case.data["revision"] + 1, letter={
                **letter, "amendments": [*letter["amendments"], {"amendment": data["amendment"], **stamp(ctx)}]})
        elif outcome == "upheld_withdraw":
            put(case, withdrawn={"reasons": data["reasons"], **stamp(ctx)})
    return effect


def submit_reply(case, data, ctx) -> None:
    append(case, "replies", {**data, "adoption_label": c.ADOPTION[data["adoption"]],
                              "late_days": letters.days_overdue(case, ctx.now),
                              "revision": case.data["revision"], **stamp(ctx)})


def overdue(case, data, ctx) -> None:
    case.supervised = True     # SPEC §7: RC_OVERDUE → SUPV 挂牌督办/约谈 (PSR Art 60, 65)
    clock = letters.reply_clock(case)
    put(case, overdue={"clock": data["clock"], "due_date": clocks.local_date(clock.due_at).isoformat()
                        if clock else None, "at": ctx.now.isoformat()})
    ctx.outbox.append(("recommendation_overdue", {"recipient": case.data["recipient"],
                                                  "centre_org": case.data.get("centre_org")}))


def urge(case, data, ctx) -> None:
    append(case, "urgings", {**data, "method_label": c.URGE_METHODS[data["method"]], **stamp(ctx)})


def escalation_due(case, data, ctx) -> None:
    """The urge period [A] ran out: a warning to the issuer and the centre, not an escalation. Whether the
    recipient has no just cause, and which measure, is decided by people (PRR: the chief procurator; JSR
    Art 9: the court; PSR Art 60, 65: the centre), with ``escalate``."""
    clock = clocks.open_clock(case, "escalation")
    due = {"clock": data["clock"], "due_date": clocks.local_date(clock.due_at).isoformat() if clock else None,
           "at": ctx.now.isoformat(), "basis": "SPEC §6 [A]: 督促后15日; PRR; JSR Art 9; PSR Art 60, 65"}
    append(case, "escalation_due", due)
    ctx.outbox.append(("recommendation_escalation_due", {"recipient": case.data["recipient"],
                                                         "centre_org": case.data.get("centre_org"),
                                                         "due_date": due["due_date"]}))


def escalate(case, data, ctx) -> None:
    measures = data["measures"]
    case.supervised = True
    append(case, "escalations", {**data, "measures": measures,
                                  "measure_labels": [c.ESCALATION_MEASURES[m] for m in measures], **stamp(ctx)})
    ctx.outbox.append(("recommendation_escalated", {"recipient": case.data["recipient"], "measures": measures,
                                                    "centre_org": case.data.get("centre_org")}))


def supervise(case, data, ctx) -> None:
    case.supervised = True
    labels = [c.ESCALATION_MEASURES[m] for m in data["measures"]]
    append(case, "supervision", {**data, "measure_labels": labels, **stamp(ctx)})


def file_suit(case, data, ctx) -> None:
    put(case, suit={**data, **stamp(ctx)})


def verify(case, data, ctx) -> None:
    append(case, "verifications", {**data, "method_label": c.VERIFY_METHODS[data["method"]], **stamp(ctx)})


def verification_result(result: str):
    def effect(case, data, ctx) -> None:
        amend_last(case, "verifications", {"result": result, **data, "decided": stamp(ctx)})
        if result == "implemented":
            put(case, outcome={"result": "implemented", "findings": data["findings"], **stamp(ctx)})
    return effect


def service_overdue(case, data, ctx) -> None:
    put(case, service_late={"clock": data["clock"], "at": ctx.now.isoformat()})
    ctx.outbox.append(("recommendation_service_overdue", {}))
