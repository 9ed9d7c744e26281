"""Every clock of SPEC §6 over real RabbitMQ, on SQLite and PostgreSQL: start, warning, expiry firing
its event exactly once, and what each leaves behind. Time is frozen and moved with
``infra.timekeeping.set_now``; the sweep is called as the centre (the sweep timer runs as well).

Expected dates are worked out by hand (SPEC §1: periods start the next day, a last day that is not a
working day rolls to the next one; warning at T-3 working days [A]). 2026 calendar: 03-02 is a
Monday; 05-01..05-05 is the Labour Day holiday (国办发明电〔2025〕7号), 05-06 a Wednesday.
"""
from __future__ import annotations

from datetime import datetime

import pytest

from infra import timekeeping
from infra.calendar import SHANGHAI
from services.recommendation.casetype import RECOMMENDATION
from tests.harness import expect_error
from tests.interface.recommendation_walk import Flow, recommendation

__all__ = ["recommendation"]


def at(month, day, hour=0, minute=0, second=1) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=SHANGHAI)


T0 = at(3, 2, 10, 0, 0)


@pytest.fixture
def flow(recommendation, rpc_as):
    timekeeping.set_now(T0)
    return Flow(rpc_as)


def sweep(flow, when: datetime) -> None:
    timekeeping.set_now(when)
    flow.rc("supv").sweep_clocks()


def events(flow, case, name: str, who="issuer") -> list[dict]:
    return [h for h in flow.rc(who).case_history(case["case_id"]) if h["event"] == name]


def clock(case: dict, kind: str) -> dict:
    return next(c for c in reversed(case["clocks"]) if c["kind"] == kind)


def get(flow, case, who="issuer") -> dict:
    return flow.rc(who).get_case(case["case_id"])


def test_no_clock_of_spec_6_is_pausable_or_extendable():
    # SPEC §6 names no extension and no pause for these periods
    assert {c.kind for c in RECOMMENDATION.clocks} == {"court_reply", "procuratorate_reply", "public_interest_reply",
                                                       "service", "escalation"}
    assert not any(c.pausable or c.extension for c in RECOMMENDATION.clocks)


def test_the_configured_periods_are_shown_in_the_definition(flow):
    clocks = {c["kind"]: c for c in flow.rc("issuer").case_definition()["clocks"]}
    assert clocks["service"]["period"] == {"amount": 7, "unit": "days"}
    assert clocks["escalation"]["period"] == {"amount": 15, "unit": "days"}
    assert clocks["court_reply"]["period"] is None          # set per case, in the letter


def test_service_clock_warns_then_flags_late_service_once(flow):
    case = flow.issued()
    svc = clock(case, "service")
    # issued Mon 03-02; 7 d → Mon 03-09; warning 3 WD before: 03-04
    assert (svc["status"], svc["due_date"]) == ("running", "2026-03-09")
    sweep(flow, at(3, 3, 23, 59, 59))
    assert events(flow, case, "deadline_warning") == []
    sweep(flow, at(3, 4))
    warned = events(flow, case, "deadline_warning")
    assert [w["data"] for w in warned] == [{"clock": "service"}] and warned[0]["role"] == "sys"
    assert clock(get(flow, case), "service")["warned"] is True
    sweep(flow, at(3, 9, 23, 59, 59))
    assert events(flow, case, "service_overdue") == []
    sweep(flow, at(3, 10))
    sweep(flow, at(3, 11))
    assert len(events(flow, case, "service_overdue")) == 1
    late = get(flow, case)
    assert late["status"] == "RC_ISSUED" and late["data"]["service_late"]["clock"] == "service"
    assert clock(late, "service")["status"] == "expired"
    assert [c["case_id"] for c in flow.rc("issuer").overdue_cases()["items"]] == [case["case_id"]]
    served = flow.fire("issuer", late, "serve")
    assert clock(served, "service")["status"] == "stopped"


def test_court_reply_period_set_in_the_letter_runs_out_into_overdue_once(flow):
    case = flow.served(court=True)              # letter: reply within 1 month; served Mon 03-02
    reply = clock(case, "court_reply")
    assert (reply["amount"], reply["unit"], reply["due_date"]) == (1, "months", "2026-04-02")
    assert [c["kind"] for c in case["deadlines"]] == ["court_reply"]     # the service clock stopped
    sweep(flow, at(3, 29, 23, 59, 59))
    assert events(flow, case, "deadline_warning", "court_issuer") == []
    sweep(flow, at(3, 30))                      # 3 WD before Thu 04-02: 04-01, 03-31, 03-30
    assert len(events(flow, case, "deadline_warning", "court_issuer")) == 1
    sweep(flow, at(4, 2, 23, 59, 59))
    assert get(flow, case, "court_issuer")["status"] == "RC_AWAITING_REPLY"
    sweep(flow, at(4, 3))
    sweep(flow, at(4, 4))
    overdue = get(flow, case, "court_issuer")
    assert overdue["status"] == "RC_OVERDUE" and overdue["supervised"] is True
    assert len(events(flow, case, "deadline_expired", "court_issuer")) == 1
    assert overdue["data"]["overdue"]["due_date"] == "2026-04-02"
    assert clock(overdue, "court_reply")["status"] == "stopped"       # the state it ran in is left
    [row] = flow.rc("supv").recipient_dashboard()["recipients"]
    assert row["recommendations"][0]["days_overdue"] == 2             # 04-04 is two days past 04-02


@pytest.mark.parametrize("kind, recipient, approve, due", [
    ("social_governance", "zj-hrss", {}, "2026-05-06"),                 # 2 months → Sat 05-02, holiday → Wed 05-06
    ("social_governance", "zj-hrss", {"urgent": True}, "2026-03-17"),   # 15 d → Tue 03-17
    ("public_interest", "zj-nr", {}, "2026-05-06"),                     # PIL Art 21: 2 months
    ("public_interest", "zj-nr", {"damage_spreading": True}, "2026-03-17"),   # PIL Art 21: 15 d
    # a period the letter states: 20 d → Sun 03-22 → Mon 03-23
    ("correct_violation", "zj-police", {"reply_period": {"amount": 20, "unit": "days"}}, "2026-03-23"),
])
def test_procuratorial_reply_periods(flow, kind, recipient, approve, due):
    case = flow.served(kind=kind, recipient_org_id=recipient, approve=approve)
    want = "public_interest_reply" if kind == "public_interest" else "procuratorate_reply"
    assert [c["kind"] for c in case["deadlines"]] == [want]
    assert clock(case, want)["due_date"] == due


def test_public_interest_reply_expiry_and_the_suit(flow):
    case = flow.served(approve={"damage_spreading": True})          # due Tue 03-17
    sweep(flow, at(3, 17, 23, 59, 59))          # fires the warning (due since 03-12) and holds a 60 s claim
    assert get(flow, case)["status"] == "RC_AWAITING_REPLY"
    assert len(events(flow, case, "deadline_warning")) == 1
    sweep(flow, at(3, 18, 0, 5))
    overdue = get(flow, case)
    assert overdue["status"] == "RC_OVERDUE"
    assert [e["data"] for e in events(flow, case, "deadline_expired")] == [{"clock": "public_interest_reply"}]
    sued = flow.fire("issuer", overdue, "file_public_interest_suit")
    assert sued["status"] == "RC_LITIGATION" and sued["terminal"] is True
    assert clock(sued, "public_interest_reply")["status"] == "stopped"


def _overdue_urgent(flow):
    case = flow.served(kind="social_governance", recipient_org_id="zj-hrss", approve={"urgent": True})
    sweep(flow, at(3, 18))                       # the 15-day period ended Tue 03-17
    return get(flow, case)


def test_urge_period_runs_out_with_a_warning_and_people_escalate(flow):
    # issue 13 item 19: escalation needs a finding of no just cause and a decision (PRR: the chief
    # procurator; JSR Art 9; PSR Art 60, 65); the 15-day [A] clock only tells the issuer and the centre
    overdue = _overdue_urgent(flow)
    assert overdue["status"] == "RC_OVERDUE"
    timekeeping.set_now(at(3, 18, 10, 0, 0))
    urged = flow.fire("supv", overdue, "urge")
    esc = clock(urged, "escalation")
    # urged Wed 03-18; 15 d → Thu 04-02; warning 3 WD before: 03-30
    assert (esc["status"], esc["amount"], esc["due_date"]) == ("running", 15, "2026-04-02")
    sweep(flow, at(3, 30))
    assert [w["data"] for w in events(flow, urged, "deadline_warning")] == [{"clock": "escalation"}]
    sweep(flow, at(4, 2, 23, 59, 59))
    assert events(flow, urged, "escalation_due") == []
    sweep(flow, at(4, 3))
    sweep(flow, at(4, 5))
    due = get(flow, urged)
    fired = events(flow, urged, "escalation_due")
    assert len(fired) == 1 and fired[0]["role"] == "sys" and fired[0]["data"]["clock"] == "escalation"
    # still urged, nothing escalated by the system; the warning is on the case for the issuer and centre
    assert due["status"] == "RC_URGED" and events(flow, urged, "escalate") == []
    assert [d["due_date"] for d in due["data"]["escalation_due"]] == ["2026-04-02"]
    assert clock(due, "escalation")["status"] == "expired"
    # the system cannot escalate at all
    expect_error("FORBIDDEN", flow.fire, "sys", due, "escalate", {"no_just_cause": True,
                                                                 "measures": ["refer_to_centre"]})
    # the centre escalates only on a finding of no just cause
    err = expect_error("GUARD_FAILED", flow.fire, "supv", due, "escalate", {"measures": ["listed_supervision"]})
    assert "无正当理由" in err.message and "PSR Art 65" in err.message
    assert get(flow, urged)["version"] == due["version"]
    escalated = flow.fire("supv", due, "escalate", {"no_just_cause": True, "measures": ["listed_supervision"]})
    assert escalated["status"] == "RC_ESCALATED" and escalated["supervised"] is True
    [esc_row] = events(flow, urged, "escalate")
    assert esc_row["role"] == "supv"
    assert escalated["data"]["escalations"][-1]["measures"] == ["listed_supervision"]
    # the reply is still outstanding: 19 days past Tue 03-17 on 04-05
    [row] = flow.rc("supv").recipient_dashboard()["recipients"]
    assert row["recommendations"][0]["days_overdue"] == 19
    replied = flow.fire("court_rcpt", escalated, "submit_reply")
    assert replied["status"] == "RC_REPLIED"
    assert replied["data"]["replies"][-1]["late_days"] == 19
    assert replied["deadlines"] == []


def test_a_reply_after_urging_stops_the_escalation_clock(flow):
    urged = flow.fire("issuer", _overdue_urgent(flow), "urge")
    timekeeping.set_now(at(3, 25, 9))
    replied = flow.fire("court_rcpt", urged, "submit_reply")
    assert clock(replied, "escalation")["status"] == "stopped"
    sweep(flow, at(4, 20))
    assert get(flow, replied)["status"] == "RC_REPLIED" and events(flow, replied, "escalation_due") == []


def test_not_implemented_after_verification_urges_again_with_a_new_escalation_clock(flow):
    case = flow.fire("court_rcpt", flow.served(kind="social_governance", recipient_org_id="zj-hrss"), "submit_reply")
    case = flow.fire("issuer", case, "verify_implementation")
    timekeeping.set_now(at(3, 6, 15))               # Fri 03-06 + 15 d = Sat 03-21 → Mon 03-23
    urged = flow.fire("issuer", case, "mark_not_implemented")
    assert urged["status"] == "RC_URGED" and clock(urged, "escalation")["due_date"] == "2026-03-23"


def test_objection_period_stated_in_the_letter(flow):
    default = flow.served()                          # 10 d [A] from Mon 03-02 → Thu 03-12
    assert default["data"]["service"]["objection_due_date"] == "2026-03-12"
    five = {"objection_period": {"amount": 5, "unit": "days"}}
    on_time, late = flow.served(approve=five), flow.served(approve=five)   # Sat 03-07 → Mon 03-09
    assert on_time["data"]["service"]["objection_due_date"] == "2026-03-09"
    timekeeping.set_now(at(3, 9, 23, 59, 0))
    assert flow.fire("rcpt", on_time, "raise_objection")["status"] == "RC_OBJECTION_REVIEW"
    timekeeping.set_now(at(3, 10))
    err = expect_error("GUARD_FAILED", flow.fire, "rcpt", late, "raise_objection")
    assert "PRR Art 23" in err.message
    assert flow.fire("rcpt", default, "raise_objection")["status"] == "RC_OBJECTION_REVIEW"


def test_a_dismissed_objection_gives_the_letter_period_afresh(flow):
    case = flow.served(kind="social_governance", recipient_org_id="zj-hrss", approve={"urgent": True})
    first = clock(case, "procuratorate_reply")
    assert first["due_date"] == "2026-03-17"
    timekeeping.set_now(at(3, 5, 9))
    objected = flow.fire("court_rcpt", case, "raise_objection")
    assert objected["deadlines"] == [] and clock(objected, "procuratorate_reply")["status"] == "stopped"
    timekeeping.set_now(at(3, 10, 10))            # Tue 03-10 + 15 d = Wed 03-25 [A]
    dismissed = flow.fire("issuer", objected, "objection_dismissed")
    assert dismissed["status"] == "RC_AWAITING_REPLY"
    assert [(c["kind"], c["status"], c["due_date"]) for c in dismissed["clocks"] if c["kind"] != "service"] == [
        ("procuratorate_reply", "stopped", "2026-03-17"), ("procuratorate_reply", "running", "2026-03-25")]
    sweep(flow, at(3, 18))
    assert get(flow, case)["status"] == "RC_AWAITING_REPLY"      # the first period no longer counts


def test_an_amended_letter_is_served_again_with_its_own_clocks(flow):
    case = flow.served()
    timekeeping.set_now(at(3, 4, 9))
    case = flow.fire("rcpt", case, "raise_objection")
    timekeeping.set_now(at(3, 6, 9))
    amended = flow.fire("issuer", case, "objection_upheld_amend")
    assert amended["status"] == "RC_ISSUED" and amended["data"]["revision"] == 2
    assert clock(amended, "service")["due_date"] == "2026-03-13"        # Fri 03-06 + 7 d
    timekeeping.set_now(at(3, 9, 9))
    served = flow.fire("issuer", amended, "serve")
    assert served["data"]["letter"]["doc_no"] == case["data"]["letter"]["doc_no"]
    assert served["data"]["service"]["objection_due_date"] == "2026-03-19"   # Mon 03-09 + 10 d
    # Mon 03-09 + 2 months = Sat 05-09, a 调休 make-up working day (国办发明电〔2025〕7号): no roll-over
    assert clock(served, "public_interest_reply")["due_date"] == "2026-05-09"
    assert flow.fire("rcpt", served, "raise_objection")["status"] == "RC_OBJECTION_REVIEW"   # one per letter


def test_sweep_is_for_the_centre_only(flow):
    expect_error("FORBIDDEN", flow.rc("issuer").sweep_clocks)
