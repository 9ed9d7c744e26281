"""Every clock of SPEC §4's diversion deadline table, over RPC with a simulated "now": start, due date,
warning, expiry firing its event exactly once, extension within and beyond its cap, pause and resume.
Expected dates are worked out by hand from the 2026 holiday notice (春节 2/15-23 with make-up
Saturdays 2/14 and 2/28; 中秋 9/25-27; 国庆 10/1-7 with make-up Sunday 9/20 and Saturday 10/10),
counting from the next day and rolling a holiday last day over (CPL Art 85; CPLI Art 125)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from infra import timekeeping
from tests.factories import key
from tests.harness import expect_error
from tests.interface.diversion_walk import ACTORS, COMMITTEE, diversion, dv_walker, jc_walker

__all__ = ["diversion"]
SH = ZoneInfo("Asia/Shanghai")
TO_DESIGNATING = ["receive_complaint", "explain_mediation", "plaintiff_consents"]
TO_AWAITING_MEDIATOR = TO_DESIGNATING + ["designate_mediator"]
TO_AWAITING_RESPONDENT = TO_AWAITING_MEDIATOR + ["mediator_accepts"]
TO_SETTLED = TO_AWAITING_RESPONDENT + ["respondent_consents", "sign_agreement"]


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def sweep(rpc_as, when: datetime) -> None:
    timekeeping.set_now(when)
    rpc_as("supv").diversion.sweep_clocks()


def get(rpc_as, case_id):
    return rpc_as(ACTORS["filing"]).diversion.get_case(case_id)


def count(rpc_as, case_id, event):
    return [h["event"] for h in rpc_as(ACTORS["filing"]).diversion.case_history(case_id)].count(event)


def clock(case, kind):
    return [c for c in case["clocks"] if c["kind"] == kind][-1]


def fire(walker, case, event, data=None, role=None):
    return walker.fire(event, case, {event: data} if data is not None else None, role)


def expires_once(rpc_as, case_id, event, before: datetime, after: datetime) -> dict:
    """Nothing fires on the last day; the expiry event fires once after it, however often the sweep runs."""
    sweep(rpc_as, before)
    assert count(rpc_as, case_id, event) == 0
    sweep(rpc_as, after)
    sweep(rpc_as, after)
    assert count(rpc_as, case_id, event) == 1
    return get(rpc_as, case_id)


# -- DV ---------------------------------------------------------------------------------------------------
def test_court_designation_three_working_days_across_the_spring_festival(diversion, rpc_as):
    dv = dv_walker(diversion, rpc_as)
    timekeeping.set_now(at(2026, 2, 13, 10, 0))            # Friday; consent given
    case = dv.drive(TO_DESIGNATING)
    c = clock(case, "court_designation")
    # 2/14 (make-up Saturday), 2/15-23 off, 2/24, 2/25
    assert (c["unit"], c["due_date"], c["days_left"], c["status"]) == ("working_days", "2026-02-25", 3, "running")
    assert "OMR Art 10" in c["basis"]
    got = expires_once(rpc_as, case["case_id"], "deadline_overdue", at(2026, 2, 25, 23, 0), at(2026, 2, 26, 0, 30))
    assert got["supervised"] is True and got["status"] == "DV_DESIGNATING"
    assert clock(got, "court_designation")["status"] == "expired"
    assert count(rpc_as, case["case_id"], "deadline_warning") == 0    # a 3-WD period is shorter than the T-3 WD lead
    done = fire(dv, got, "designate_mediator", {"by": "court", "mediator_org_id": COMMITTEE}, role="filing")
    assert clock(done, "court_designation")["status"] == "stopped" and done["deadlines"][0]["kind"] == "mediator_acceptance"


def test_mediator_acceptance_across_national_day_then_re_designation(diversion, rpc_as):
    dv = dv_walker(diversion, rpc_as)
    timekeeping.set_now(at(2026, 9, 30, 10, 0))            # Wednesday before 国庆
    case = dv.drive(TO_AWAITING_MEDIATOR)
    # 10/1-7 off, then 10/8, 10/9, 10/10 (make-up Saturday)
    assert clock(case, "mediator_acceptance")["due_date"] == "2026-10-10"
    got = expires_once(rpc_as, case["case_id"], "deadline_expired_redesignate", at(2026, 10, 10, 23, 0),
                       at(2026, 10, 11, 0, 30))
    assert got["status"] == "DV_DESIGNATING" and got["data"]["designation"] is None
    assert COMMITTEE not in got["data"]["participants"]
    assert got["data"]["declined_designations"][0]["basis"] == "OMR Art 12 ¶2"
    # the court's designation period starts again: 10/12, 10/13, 10/14
    again = clock(got, "court_designation")
    assert (again["status"], again["due_date"]) == ("running", "2026-10-14")
    # and the parties may choose again within two working days (10/12, 10/13)
    timekeeping.set_now(at(2026, 10, 13, 20, 0))
    chosen = fire(dv, got, "designate_mediator", {"by": "parties_jointly", "mediator_org_id": COMMITTEE}, role="party")
    assert chosen["status"] == "DV_AWAITING_MEDIATOR"


def test_respondent_inquiry_and_the_thirty_day_mediation_with_appraisal_and_extension(diversion, rpc_as):
    dv = dv_walker(diversion, rpc_as)
    timekeeping.set_now(at(2026, 9, 18, 10, 0))            # Friday: the mediator accepts
    case = dv.drive(TO_AWAITING_RESPONDENT)
    # respondent inquiry, 3 WD: 9/19 off, 9/20 (make-up Sunday), 9/21, 9/22
    assert clock(case, "respondent_inquiry")["due_date"] == "2026-09-22"
    # mediation, 30 d from the acceptance (OMR Art 24 ¶2): 10/18 is a Sunday, so 10/19
    assert clock(case, "prefiling_mediation")["due_date"] == "2026-10-19"
    got = expires_once(rpc_as, case["case_id"], "deadline_overdue", at(2026, 9, 22, 23, 0), at(2026, 9, 23, 0, 30))
    assert got["supervised"] is True and got["status"] == "DV_AWAITING_RESPONDENT"
    assert clock(got, "prefiling_mediation")["status"] == "running"

    timekeeping.set_now(at(2026, 9, 24, 10, 0))
    case = fire(dv, got, "respondent_consents")
    assert case["status"] == "DV_MEDIATING" and clock(case, "prefiling_mediation")["due_date"] == "2026-10-19"
    timekeeping.set_now(at(2026, 9, 28, 10, 0))             # appraisal starts (OMR Art 26)
    case = fire(dv, case, "clock_pause")
    assert clock(case, "prefiling_mediation")["status"] == "paused"
    timekeeping.set_now(at(2026, 10, 8, 10, 0))             # appraisal done: 10 days not counted
    case = fire(dv, case, "clock_resume")
    c = clock(case, "prefiling_mediation")
    assert (c["status"], c["excluded"], c["due_date"]) == ("running", 10, "2026-10-28")
    # every party agrees to 10 more days: 9/18 + 50 = 11/7 (Saturday), so 11/9; no cap (OMR Art 24)
    case = fire(dv, case, "extend_period", {"clock": "prefiling_mediation", "amount": 10, "agreed_by": [1, 2]})
    c = clock(case, "prefiling_mediation")
    assert (c["extended_by"], c["due_date"]) == (10, "2026-11-09")
    # warning at T-3 WD: 11/6, 11/5, 11/4
    sweep(rpc_as, at(2026, 11, 3, 23, 0))
    assert count(rpc_as, case["case_id"], "deadline_warning") == 0
    sweep(rpc_as, at(2026, 11, 4, 8, 0))
    sweep(rpc_as, at(2026, 11, 4, 9, 0))
    assert count(rpc_as, case["case_id"], "deadline_warning") == 1
    got = expires_once(rpc_as, case["case_id"], "deadline_expired", at(2026, 11, 9, 23, 0), at(2026, 11, 10, 0, 30))
    assert got["status"] == "DV_FAILED" and got["data"]["failure"]["ground"] == "period_expired_no_extension"
    assert clock(got, "prefiling_mediation")["status"] == "stopped"


def test_entrusted_mediation_seven_days_summary_fifteen_ordinary(diversion, rpc_as):
    dv = dv_walker(diversion, rpc_as)
    filed = ["receive_complaint", "direct_to_filing", "file_case", "entrust_mediation"]
    # the judge entrusts on 9/25; the period counts from the mediator's signed receipt on 9/30
    # (SIM Art 27 ¶3; OMR Art 24 ¶2; issue 13 item 13), not from the entrustment
    timekeeping.set_now(at(2026, 9, 25, 10, 0))
    summary = dv.drive(filed, {"entrust_mediation": {"procedure": "summary", "mediator_org_id": COMMITTEE}})
    ordinary = dv.drive(filed, {"entrust_mediation": {"procedure": "ordinary", "mediator_org_id": COMMITTEE}})
    assert summary["status"] == "DV_ENTRUST_PENDING" and not [c for c in summary["clocks"] if c["kind"] == "entrusted_mediation"]
    timekeeping.set_now(at(2026, 9, 30, 10, 0))
    summary, ordinary = (fire(dv, c, "entrusted_file_received") for c in (summary, ordinary))
    assert summary["status"] == "DV_ENTRUSTED" and summary["data"]["entrusted"]["received"]["received_by"] == "med-jy-01"
    assert clock(summary, "entrusted_mediation")["due_date"] == "2026-10-08"     # 10/7 is a holiday
    assert clock(ordinary, "entrusted_mediation")["due_date"] == "2026-10-15"
    assert clock(ordinary, "filing_decision")["status"] == "stopped"              # filed: that clock ended
    # extension by consent, not counted in the trial period; no cap (SIM Art 27)
    extend = {"clock": "entrusted_mediation", "amount": 10, "agreed_by": [1, 2]}
    summary = fire(dv, summary, "extend_period", extend)
    summary = fire(dv, summary, "extend_period", {**extend, "amount": 30})
    assert (clock(summary, "entrusted_mediation")["extended_by"], clock(summary, "entrusted_mediation")["due_date"]) \
        == (40, "2026-11-16")                                                     # 9/30 + 47 = 11/16 (Monday)
    got = expires_once(rpc_as, ordinary["case_id"], "deadline_expired_resume_trial", at(2026, 10, 15, 23, 0),
                       at(2026, 10, 16, 0, 30))
    assert got["status"] == "DV_TRIAL_RESUMED" and got["data"]["trial_resumed"]["basis"].startswith("SIM Art 27")
    assert get(rpc_as, summary["case_id"])["status"] == "DV_ENTRUSTED"


def test_filing_decision_seven_days_counts_again_from_the_corrected_complaint(diversion, rpc_as):
    dv = dv_walker(diversion, rpc_as)
    timekeeping.set_now(at(2026, 2, 10, 10, 0))             # Tuesday
    case = dv.drive(["receive_complaint", "direct_to_filing"])
    # 7 d: 2/17 is in the Spring Festival holiday (2/15-23), so 2/24
    assert clock(case, "filing_decision")["due_date"] == "2026-02-24"
    # T-3 WD before 2/24: 2/14 (make-up Saturday), 2/13, 2/12
    sweep(rpc_as, at(2026, 2, 11, 23, 0))
    assert count(rpc_as, case["case_id"], "deadline_warning") == 0
    sweep(rpc_as, at(2026, 2, 12, 8, 0))
    assert count(rpc_as, case["case_id"], "deadline_warning") == 1
    timekeeping.set_now(at(2026, 2, 12, 10, 0))
    case = fire(dv, get(rpc_as, case["case_id"]), "request_correction")
    assert case["status"] == "DV_CORRECTING" and clock(case, "filing_decision")["status"] == "stopped"
    timekeeping.set_now(at(2026, 2, 25, 10, 0))             # the corrected complaint arrives
    case = fire(dv, case, "complaint_corrected")
    assert clock(case, "filing_decision")["due_date"] == "2026-03-04"             # CPLI Art 126: 2/25 + 7
    got = expires_once(rpc_as, case["case_id"], "deadline_overdue", at(2026, 3, 4, 23, 0), at(2026, 3, 5, 0, 30))
    assert got["supervised"] is True and got["status"] == "DV_FILING_REVIEW"


def test_confirmation_window_thirty_days_then_the_settled_case_stays_settled_and_its_clock_stops(diversion, rpc_as):
    dv = dv_walker(diversion, rpc_as)
    timekeeping.set_now(at(2026, 9, 5, 10, 0))              # agreement signed (Saturday session)
    applied = dv.drive(TO_SETTLED)
    idle = dv.drive(TO_SETTLED)
    # 9/5 + 30 = 10/5, inside 国庆: the window ends 10/8
    assert clock(idle, "confirmation_window")["due_date"] == "2026-10-08"
    timekeeping.set_now(at(2026, 10, 8, 22, 0))             # the last day: still in time (CPL Art 205)
    applied = fire(dv, applied, "apply_judicial_confirmation", {"applicants": [1, 2]})
    link = [l for l in applied["links"] if l["link_type"] == "child" and l["service"] == "diversion"][0]
    assert link["status"] == "JC_APPLIED" and link["case_id"]
    got = expires_once(rpc_as, idle["case_id"], "confirmation_window_closed", at(2026, 10, 8, 23, 30),
                       at(2026, 10, 9, 0, 30))
    assert got["status"] == "DV_SETTLED" and got["data"]["confirmation_window"]["closed"] is True
    # a window for the parties, not a duty of the body: no running clock left, nothing overdue (督办)
    assert got["deadlines"] == []
    assert clock(got, "confirmation_window")["status"] == "stopped"
    assert idle["case_id"] not in {c["case_id"] for c in rpc_as(ACTORS["filing"]).diversion.overdue_cases({})["items"]}
    assert get(rpc_as, applied["case_id"])["status"] == "DV_SETTLED"
    err = expect_error("GUARD_FAILED", fire, dv, got, "apply_judicial_confirmation", {"applicants": [1, 2]})
    assert "CPL Art 205" in err.message
    jc = get(rpc_as, link["case_id"])
    assert jc["status"] == "JC_APPLIED"                     # the confirmation goes on in its own case


# -- JC ---------------------------------------------------------------------------------------------------
def test_jc_acceptance_three_days_across_national_day(diversion, rpc_as):
    jc = jc_walker(diversion, rpc_as)
    timekeeping.set_now(at(2026, 9, 30, 10, 0))
    case = jc.drive(["apply"])
    c = clock(case, "jc_acceptance")
    assert (c["unit"], c["due_date"]) == ("days", "2026-10-08")                  # 10/3 is a holiday
    assert "JC11 Art 4" in c["basis"]
    got = expires_once(rpc_as, case["case_id"], "deadline_overdue", at(2026, 10, 8, 23, 0), at(2026, 10, 9, 0, 30))
    assert got["supervised"] is True and got["status"] == "JC_APPLIED"
    accepted = fire(jc, got, "accept")
    assert clock(accepted, "jc_acceptance")["status"] == "stopped"
    assert rpc_as("supv").diversion.overdue_cases({})["total"] == 0


def test_jc_decision_fifteen_days_plus_ten_with_the_presidents_approval(diversion, rpc_as):
    jc = jc_walker(diversion, rpc_as)
    timekeeping.set_now(at(2026, 9, 20, 10, 0))             # make-up Sunday
    case = jc.drive(["apply", "accept"])
    c = clock(case, "jc_decision")
    assert c["due_date"] == "2026-10-08"                    # 9/20 + 15 = 10/5, inside 国庆
    ext = {"clock": "jc_decision", "amount": 5, "reason": "需调查核实"}
    err = expect_error("EXTENSION_REFUSED", fire, jc, case, "extend_review", ext)
    assert "JC11 Art 5" in err.message and err.details["missing"] == ["approved_by"]
    case = fire(jc, case, "extend_review", {**ext, "approved_by": "president-01"})
    assert clock(case, "jc_decision")["due_date"] == "2026-10-10"                 # a make-up Saturday
    err = expect_error("EXTENSION_REFUSED", fire, jc, case, "extend_review", {**ext, "amount": 6,
                                                                             "approved_by": "president-01"})
    assert err.details["max_total"] == 10 and "JC11 Art 5" in err.message
    case = fire(jc, case, "extend_review", {**ext, "approved_by": "president-01"})
    assert (clock(case, "jc_decision")["extended_by"], clock(case, "jc_decision")["due_date"]) == (10, "2026-10-15")

    timekeeping.set_now(at(2026, 9, 21, 10, 0))             # a supplement does not stop the decision clock
    case = fire(jc, case, "request_supplement", {"items": "补充权属证明", "days": 5})
    assert clock(case, "jc_supplement")["due_date"] == "2026-09-28"              # 9/26 is in 中秋
    assert clock(case, "jc_decision")["status"] == "running"
    timekeeping.set_now(at(2026, 9, 24, 10, 0))
    case = fire(jc, case, "supplement_received")
    assert clock(case, "jc_supplement")["status"] == "stopped" and clock(case, "jc_decision")["status"] == "running"
    # warning at T-3 WD before 10/15: 10/14, 10/13, 10/12
    sweep(rpc_as, at(2026, 10, 11, 23, 0))
    assert count(rpc_as, case["case_id"], "deadline_warning") == 0
    sweep(rpc_as, at(2026, 10, 12, 8, 0))
    assert count(rpc_as, case["case_id"], "deadline_warning") == 1
    got = expires_once(rpc_as, case["case_id"], "deadline_overdue", at(2026, 10, 15, 23, 0), at(2026, 10, 16, 0, 30))
    assert got["supervised"] is True and got["status"] == "JC_UNDER_REVIEW"


def test_jc_supplement_period_then_deemed_withdrawn(diversion, rpc_as):
    jc = jc_walker(diversion, rpc_as)
    timekeeping.set_now(at(2026, 2, 13, 10, 0))
    case = jc.drive(["apply", "accept", "request_supplement"])   # 5 days
    assert clock(case, "jc_supplement")["due_date"] == "2026-02-24"              # 2/18 is in the Spring Festival
    got = expires_once(rpc_as, case["case_id"], "deadline_expired", at(2026, 2, 24, 23, 0), at(2026, 2, 25, 0, 30))
    assert got["status"] == "JC_WITHDRAWN"
    assert got["data"]["withdrawal"]["deemed"] is True and "CPLI Art 357 ¶2" in got["data"]["withdrawal"]["basis"]
    # no period named: the configured default (7 d [A]); 9/21 + 7 = 9/28
    timekeeping.set_now(at(2026, 9, 21, 10, 0))
    other = jc.drive(["apply", "accept", "request_supplement"], {"request_supplement": {"items": "补充身份证明"}})
    assert (clock(other, "jc_supplement")["due_date"], other["data"]["supplement"]["days"]) == ("2026-09-28", 7)


def test_a_clock_that_is_not_pausable_cannot_be_paused(diversion, rpc_as):
    dv = dv_walker(diversion, rpc_as)
    case = dv.drive(TO_AWAITING_RESPONDENT + ["respondent_consents"])
    expect_error("VALIDATION_ERROR", rpc_as(ACTORS["mediator"]).diversion.fire, case["case_id"], "clock_pause",
                 {"clock": "entrusted_mediation", "reason": "appraisal"}, case["version"], key())
    paused = fire(dv, case, "clock_pause")
    expect_error("GUARD_FAILED", fire, dv, paused, "clock_pause")            # already paused


# -- DV_FAILED is no dead end (issue 13 item 12; SIM Art 21 ¶1; OMR Art 15 ¶2, 21(2)) ---------------------
def test_a_failed_mediation_file_goes_back_to_the_court_on_a_clock_with_supervision(diversion, rpc_as):
    dv = dv_walker(diversion, rpc_as)
    timekeeping.set_now(at(2026, 11, 2, 10, 0))                    # Monday
    failed = dv.drive(["receive_complaint", "explain_mediation", "plaintiff_consents", "designate_mediator",
                       "mediator_accepts", "respondent_refuses"])
    assert failed["status"] == "DV_FAILED"
    assert clock(failed, "file_return")["due_date"] == "2026-11-05"  # [A] 3 working days for 即时
    got = expires_once(rpc_as, failed["case_id"], "deadline_overdue", at(2026, 11, 5, 23, 0), at(2026, 11, 6, 0, 30))
    assert got["status"] == "DV_FAILED" and got["supervised"] is True           # 督办
    assert got["data"]["overdue"][-1]["clock"] == "file_return"
    # the court takes the file back itself, recording the plaintiff's decision to sue
    review = fire(dv, got, "transfer_to_filing", role="filing")
    assert review["status"] == "DV_FILING_REVIEW" and clock(review, "file_return")["status"] == "stopped"
    assert review["data"]["suit_decision"]["recorded"]["role"] == "filing"


def test_a_plaintiff_who_does_not_sue_ends_the_case(diversion, rpc_as):
    dv = dv_walker(diversion, rpc_as)
    failed = dv.drive(["receive_complaint", "explain_mediation", "plaintiff_consents", "designate_mediator",
                       "mediator_accepts", "respondent_refuses"])
    before = dv.snapshot(failed["case_id"])
    err = expect_error("GUARD_FAILED", dv.fire, "plaintiff_withdraws", failed,
                       {"plaintiff_withdraws": {"party": 2, "statement": "被告要求结案"}})
    assert "CPL Art 122(1)" in err.message and dv.snapshot(failed["case_id"]) == before
    ended = fire(dv, failed, "plaintiff_withdraws")
    assert (ended["status"], ended["terminal"]) == ("DV_WITHDRAWN", True)
    assert clock(ended, "file_return")["status"] == "stopped" and ended["data"]["withdrawn"]["party"] == 1
