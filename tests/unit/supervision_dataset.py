"""A generated data set with known answers for the centre's figures: 14 cases of every case type,
period 2026-09-01..2026-10-31, across National Day 2026 (10-01..10-07 off, 09-20 and 10-10 worked).
Shared by the pure figure tests and the RPC test (which loads it into the read model as facts)."""
from __future__ import annotations

from datetime import date, datetime

from infra.calendar import SHANGHAI
from services.supervision import outcomes

PERIOD = (date(2026, 9, 1), date(2026, 10, 31))
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=SHANGHAI)
TOWN = "zj-gov-jiyang"


def at(text: str) -> str:
    return datetime.strptime(f"2026-{text}", "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI).isoformat()


def case(case_id, service, case_type, org, steps, *, parent=None, category="neighbourhood", channel=None,
         terminal=False, clocks=(), links=()):
    """steps: (event, from, to, 'MM-DD HH:MM'), the first creates the case."""
    history = [{"event": e, "from": f, "to": t, "at": at(w), "version": i + 1, "role": "x"}
               for i, (e, f, t, w) in enumerate(steps)]
    return {"service": service, "case_type": case_type, "case_id": case_id, "case_no": f"NO-{case_id}",
            "status": history[-1]["to"], "terminal": terminal, "version": len(history), "org_id": org,
            "category": category, "channel": channel, "supervised": False,
            "parent_service": parent[0] if parent else None, "parent_case_id": parent[1] if parent else None,
            "created_at": history[0]["at"], "updated_at": history[-1]["at"],
            "closed_at": history[-1]["at"] if terminal else None, "clocks": list(clocks), "links": list(links),
            "history": history}


def clock(kind, status, due, expired=None, stopped=None):
    return {"kind": kind, "status": status, "started_at": at("08-01 09:00"), "due_at": at(due),
            "stopped_at": at(stopped) if stopped else None, "expired_at": at(expired) if expired else None}


def child(service, case_id):
    return {"link_type": "child", "service": service, "case_id": case_id, "status": None}


FACTS = [
    # I1: window, classified before National Day, routed after it: 6 working days classified
    case("i1", "intake", "intake", "zj-centre", [
        ("register_claim", None, "IN_RECEIVED", "09-28 09:00"), ("classify", "IN_RECEIVED", "IN_CLASSIFIED", "09-28 10:00"),
        ("route_to_mediation", "IN_CLASSIFIED", "IN_ROUTED", "10-12 09:00")], channel="window",
        links=[child("mediation", "m1")]),
    # M1: I1's mediation at the township committee: agreement 10-15, performed 10-20 (化解), closed 10-21
    case("m1", "mediation", "mediation", "zj-pmc-jiyang", [
        ("open_from_handoff", None, "PM_ACCEPTED", "10-12 10:00"), ("assign_mediator", "PM_ACCEPTED", "PM_IN_MEDIATION", "10-12 11:00"),
        ("sign_written_agreement", "PM_IN_MEDIATION", "PM_AGREEMENT_EFFECTIVE", "10-15 09:00"),
        ("start_supervision", "PM_AGREEMENT_EFFECTIVE", "PM_PERFORMING", "10-16 09:00"),
        ("record_performed", "PM_PERFORMING", "PM_PERFORMED", "10-20 09:00"),
        ("archive", "PM_PERFORMED", "PM_CLOSED", "10-21 09:00")], parent=("intake", "i1"), channel="window",
        terminal=True, clocks=[clock("mediation_general", "stopped", "11-12 23:59", stopped="10-15 09:00")]),
    # I2: hotline, answered on the spot (化解) and closed the next day
    case("i2", "intake", "intake", "zj-centre", [
        ("register_claim", None, "IN_RECEIVED", "09-10 09:00"), ("answer_on_spot", "IN_RECEIVED", "IN_ANSWERED_ON_SPOT", "09-10 09:30"),
        ("close", "IN_ANSWERED_ON_SPOT", "IN_CLOSED", "09-11 09:00")], category="consumer", channel="hotline_12345",
        terminal=True),
    # I3: grid, registered on a holiday, routed to petition; P1 is overdue now
    case("i3", "intake", "intake", "zj-centre", [
        ("register_claim", None, "IN_RECEIVED", "10-05 10:00"), ("classify", "IN_RECEIVED", "IN_CLASSIFIED", "10-09 09:00"),
        ("route_to_petition", "IN_CLASSIFIED", "IN_ROUTED", "10-09 10:00")], category="debt_contract", channel="grid",
        links=[child("petition", "p1")]),
    case("p1", "petition", "petition", "zj-xfj-county", [
        ("register_from_handoff", None, "PT_RECEIVED", "10-09 11:00")], parent=("intake", "i3"),
        category="debt_contract", channel="grid", clocks=[clock("transfer", "running", "10-20 23:59")]),
    # M2: a committee's own case (no parent): mediation failed 09-30; its clock expired; closed 10-08
    case("m2", "mediation", "mediation", "zj-pmc-county", [
        ("apply", None, "PM_APPLIED", "09-15 09:00"), ("accept", "PM_APPLIED", "PM_ACCEPTED", "09-16 09:00"),
        ("assign_mediator", "PM_ACCEPTED", "PM_IN_MEDIATION", "09-16 10:00"),
        ("declare_failure", "PM_IN_MEDIATION", "PM_TERMINATED", "09-30 09:00"),
        ("archive", "PM_TERMINATED", "PM_CLOSED", "10-08 09:00")], channel="window", terminal=True,
        clocks=[clock("acceptance", "stopped", "09-10 23:59", expired="09-11 00:00", stopped="09-16 09:00")]),
    # J1 confirmed (化解), J2 rejected: judicial confirmation rate 1/2
    case("j1", "diversion", "jc", "zj-court", [
        ("apply", None, "JC_APPLIED", "10-13 09:00"), ("accept", "JC_APPLIED", "JC_UNDER_REVIEW", "10-14 09:00"),
        ("confirm", "JC_UNDER_REVIEW", "JC_CONFIRMED", "10-20 09:00")], terminal=True),
    case("j2", "diversion", "jc", "zj-court", [
        ("apply", None, "JC_APPLIED", "10-13 09:00"), ("accept", "JC_APPLIED", "JC_UNDER_REVIEW", "10-14 09:00"),
        ("reject", "JC_UNDER_REVIEW", "JC_REJECTED", "10-22 09:00")], terminal=True),
    # P2: registered on a holiday, refused as a repeated petition
    case("p2", "petition", "petition", "zj-xfj-county", [
        ("register", None, "PT_RECEIVED", "10-02 09:00"), ("reject_duplicate", "PT_RECEIVED", "PT_REDIRECTED", "10-08 09:00")],
        terminal=True, links=[{"link_type": "duplicate_of", "service": "petition", "case_id": "p0", "status": None}]),
    # R1 replied in time and adopted; R2 replied after its deadline expired
    case("r1", "recommendation", "recommendation", "zj-court", [
        ("draft", None, "RC_DRAFTING", "09-01 09:00"), ("submit", "RC_DRAFTING", "RC_PENDING_APPROVAL", "09-01 10:00"),
        ("approve_issue", "RC_PENDING_APPROVAL", "RC_ISSUED", "09-01 11:00"), ("serve", "RC_ISSUED", "RC_AWAITING_REPLY", "09-02 09:00"),
        ("submit_reply", "RC_AWAITING_REPLY", "RC_REPLIED", "09-20 09:00"), ("verify_implementation", "RC_REPLIED", "RC_VERIFYING", "09-25 09:00"),
        ("mark_implemented", "RC_VERIFYING", "RC_CLOSED", "10-10 09:00")], category=None, terminal=True),
    case("r2", "recommendation", "recommendation", "zj-proc", [
        ("draft", None, "RC_DRAFTING", "09-01 09:00"), ("submit", "RC_DRAFTING", "RC_PENDING_APPROVAL", "09-01 10:00"),
        ("approve_issue", "RC_PENDING_APPROVAL", "RC_ISSUED", "09-01 11:00"), ("serve", "RC_ISSUED", "RC_AWAITING_REPLY", "09-02 09:00"),
        ("deadline_expired", "RC_AWAITING_REPLY", "RC_OVERDUE", "10-02 00:00"), ("submit_reply", "RC_OVERDUE", "RC_REPLIED", "10-15 09:00")],
        category=None, clocks=[clock("procuratorate_reply", "stopped", "10-01 23:59", expired="10-02 00:00", stopped="10-02 00:00")]),
    # I4: received before the period, routed in it to pre-filing mediation, which settled (化解)
    case("i4", "intake", "intake", "zj-centre", [
        ("register_claim", None, "IN_RECEIVED", "08-20 09:00"), ("classify", "IN_RECEIVED", "IN_CLASSIFIED", "08-21 09:00"),
        ("route_to_diversion", "IN_CLASSIFIED", "IN_ROUTED", "09-05 09:00")], category="damages", channel="window",
        links=[child("diversion", "d1")]),
    case("d1", "diversion", "diversion", "zj-court", [
        ("open_from_handoff", None, "DV_MEDIATING", "09-05 10:00"),
        ("sign_agreement", "DV_MEDIATING", "DV_SETTLED", "09-25 09:00")], parent=("intake", "i4"), category="damages",
        channel="window", terminal=True),
    # outside the period altogether
    case("i5", "intake", "intake", "zj-centre", [("register_claim", None, "IN_RECEIVED", "11-01 09:00")], channel="window"),
]

# the known answers, in total for the period
EXPECTED = {
    "received": {"value": 7},                       # i1 i2 i3 m2 j1 j2 p2 (i4 before; i5 after; r* not disputes)
    "routed_mediation": {"value": 1}, "routed_diversion": {"value": 1}, "routed_petition": {"value": 1},
    "routed_external": {"value": 0}, "answered_on_spot": {"value": 1},
    "resolved": {"value": 4},                       # i1 (by m1), i2, j1, i4 (by d1)
    "resolution_rate": {"value": round(3 / 7, 4), "numerator": 3, "denominator": 7},
    "closed_on_time_rate": {"value": 0.875, "numerator": 7, "denominator": 8},   # m2 was overdue
    "overdue_now": {"value": 1},                    # p1
    "overdue_ever": {"value": 3},                   # p1 m2 r2
    "mediation_success_rate": {"value": 0.5, "numerator": 1, "denominator": 2},
    "prefiling_success_rate": {"value": 1.0, "numerator": 1, "denominator": 1},
    "jc_confirmation_rate": {"value": 0.5, "numerator": 1, "denominator": 2},
    "repeat_petition_rate": {"value": 0.5, "numerator": 1, "denominator": 2},
    "reply_on_time_rate": {"value": 0.5, "numerator": 1, "denominator": 2},
    "recommendations_adopted": {"value": 1},
}
# working days per stage (after the entry day, 调休 counted): i1 6 (across National Day), i3 0, i4 10
STAGE_DAYS = {"intake:IN_CLASSIFIED": {"value": 5.33, "count": 3},
              # m1 10-12→10-15: 3; m2 09-16→09-30: 10 (09-20, a Sunday, worked; 09-25 中秋 off)
              "mediation:PM_IN_MEDIATION": {"value": 6.5, "count": 2}}


def rows_and_history(facts=None, towns=None):
    """Read-model rows and histories as the service builds them (outcomes.*) from the facts."""
    towns = towns or {"zj-pmc-jiyang": TOWN}
    rows, history = [], {}
    for f in facts or FACTS:
        kind, when = outcomes.resolution(f["case_type"], f["history"])
        due = outcomes.open_due_at(f["clocks"])
        rows.append({**f, "town_id": towns.get(f["org_id"]), "county": "330681",
                     "created_at": datetime.fromisoformat(f["created_at"]),
                     "closed_at": datetime.fromisoformat(f["closed_at"]) if f["closed_at"] else None,
                     "resolution": kind, "resolved_at": datetime.fromisoformat(when) if when else None,
                     "open_due_at": datetime.fromisoformat(due) if due else None,
                     "overdue_ever": outcomes.overdue_ever(f["clocks"], f["updated_at"])})
        history[f["case_id"]] = [{**e, "at": datetime.fromisoformat(e["at"])} for e in f["history"]]
    return rows, history
