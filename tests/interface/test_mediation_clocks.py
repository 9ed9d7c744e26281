"""Every clock of SPEC §3 over RPC with a simulated "now": when it starts, its last day, its warning,
its expiry firing its event exactly once, extension and pause where the table allows them.

Expected dates are worked out by hand (periods start the next day; a holiday last day rolls to the
next working day: CPL Art 85) from the 2026 holiday notice: 清明 4/4-4/6, 国庆 10/1-10/7 (make-up
working days 9/20 and 10/10), no make-up days in March or April. Warnings come at the start of the
third working day before the last day (SPEC §1, T-3 WD [A])."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from infra import timekeeping
from tests.factories import key
from tests.harness import as_party, expect_error, party_actor
from tests.interface.mediation_walk import ACTORS, COURT, application, make_walker, mediation

__all__ = ["mediation"]
SH = ZoneInfo("Asia/Shanghai")
TO_MEDIATION = ["apply", "accept", "assign_mediator"]
TO_AGREEMENT = TO_MEDIATION + ["sign_written_agreement"]


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def walker(mediation, rpc_as):
    return make_walker(mediation, rpc_as)


@pytest.fixture
def sweep(rpc_as):
    return lambda: rpc_as("supv").mediation.sweep_clocks()


@pytest.fixture
def read(rpc_as):
    return lambda case: rpc_as(ACTORS["pmc"]).mediation.get_case(case["case_id"])


@pytest.fixture
def history(rpc_as):
    return lambda case: [h["event"] for h in rpc_as(ACTORS["pmc"]).mediation.case_history(case["case_id"])]


def clock(case, kind):
    return next(c for c in case["clocks"] if c["kind"] == kind)


def running(case):
    return {c["kind"]: c["due_date"] for c in case["clocks"] if c["status"] in ("running", "paused")}


def fire(rpc_as, case, role, event, data):
    actor, data = as_party(ACTORS[role], data)       # a party's act: the committee's staff record it
    return rpc_as(actor).mediation.fire(case["case_id"], event, data, case["version"], key())


# -- acceptance: 3 WD [A] → SUPV warning (督办) ---------------------------------------------------------
def test_acceptance_clock_flags_supervision_once_when_the_committee_has_not_decided(walker, sweep, read, history):
    timekeeping.set_now(at(2026, 3, 2, 10, 0))                     # Monday
    case = walker.drive(["apply"])
    # 3 WD from the next day: 3/3, 3/4, 3/5; no other clock for a neighbourhood dispute
    assert running(case) == {"acceptance": "2026-03-05"}
    timekeeping.set_now(at(2026, 3, 5, 23, 0))                     # last day; the period is shorter than the lead
    assert sweep() == {"warnings": 0, "expiries": 0, "skipped": 0}
    timekeeping.set_now(at(2026, 3, 6, 0, 30))
    assert sweep()["expiries"] == 1
    assert sweep()["expiries"] == 0
    got = read(case)
    assert (got["status"], got["supervised"], clock(got, "acceptance")["status"]) == ("PM_APPLIED", True, "expired")
    assert history(case).count("acceptance_overdue") == 1
    accepted = walker.fire("accept", got)
    assert clock(accepted, "acceptance")["status"] == "stopped"


# -- respondent consent: 3 WD [A] → treated as refusal -------------------------------------------------
@pytest.mark.parametrize("path", [["apply", "request_consent"], ["initiate_proactive"]])
def test_no_answer_from_the_other_party_is_treated_as_refusal(walker, sweep, read, history, path):
    timekeeping.set_now(at(2026, 3, 2, 10, 0))
    case = walker.drive(path)
    assert running(case) == {"respondent_consent": "2026-03-05"}
    timekeeping.set_now(at(2026, 3, 5, 23, 59))
    assert sweep()["expiries"] == 0
    timekeeping.set_now(at(2026, 3, 6, 9, 0))
    assert sweep()["expiries"] == 1
    assert sweep()["expiries"] == 0
    got = read(case)
    assert got["status"] == "PM_REJECTED" and got["terminal"] is True
    assert got["data"]["rejection"]["deemed_refusal"] is True
    assert history(case).count("consent_expired") == 1


def test_consent_in_time_stops_the_consent_clock_and_starts_the_mediation_period(walker):
    timekeeping.set_now(at(2026, 3, 2, 10, 0))
    case = walker.drive(["apply", "request_consent"])
    timekeeping.set_now(at(2026, 3, 4, 10, 0))
    accepted = walker.fire("respondent_consents", case)
    assert clock(accepted, "respondent_consent")["status"] == "stopped"
    assert running(accepted) == {"mediation_general": "2026-04-07"}   # 3/4 + 1 month = 4/4 (清明) → 4/7


# -- general mediation: 1 month from acceptance [A]; both parties extend, no cap; → terminate ------------
def test_general_mediation_period_warns_extends_without_cap_and_terminates_once(walker, rpc_as, sweep, read, history):
    timekeeping.set_now(at(2026, 9, 4, 10, 0))                     # Friday
    case = walker.drive(["apply"])
    assert "mediation_general" not in running(case)                # counts from acceptance, not application
    case = walker.fire("assign_mediator", walker.fire("accept", case))
    # 9/4 + 1 month = 10/4, inside 国庆 (10/1-10/7) → the next working day, 10/8
    assert running(case) == {"mediation_general": "2026-10-08"}
    timekeeping.set_now(at(2026, 9, 27, 23, 0))
    assert sweep() == {"warnings": 0, "expiries": 0, "skipped": 0}
    timekeeping.set_now(at(2026, 9, 28, 8, 0))                     # T-3 WD: 9/30, 9/29, 9/28
    assert sweep()["warnings"] == 1
    assert sweep()["warnings"] == 0
    case = read(case)
    assert clock(case, "mediation_general")["warned"] is True and history(case).count("deadline_warning") == 1

    # both parties ask one month more: the period is 2 months from 9/4 = 11/4 (Wednesday)
    both = {"clock": "mediation_general", "requested_by": [1, 2], "reason": "等待评估报告"}
    case = fire(rpc_as, case, "party", "extend_period", {**both, "amount": 1})
    general = clock(case, "mediation_general")
    assert (general["due_date"], general["warned"]) == ("2026-11-04", False)
    # no cap (NB Art 27: 可以适当延长): a year more is still accepted: 14 months from 9/4 = 2027-11-04 (Thursday)
    case = fire(rpc_as, case, "party", "extend_period", {**both, "amount": 12})
    general = clock(case, "mediation_general")
    assert (general["due_date"], general["extended_by"]) == ("2027-11-04", 13)
    assert [e["amount"] for e in case["data"]["extensions"]] == [1, 12]

    timekeeping.set_now(at(2027, 11, 4, 23, 0))
    assert sweep()["expiries"] == 0
    timekeeping.set_now(at(2027, 11, 5, 0, 30))
    assert sweep()["expiries"] == 1
    assert sweep()["expiries"] == 0
    got = read(case)
    assert got["status"] == "PM_TERMINATED"
    term = got["data"]["termination"]
    assert (term["ground"], term["notice"], term["clock"]) == ("period_expired", "终止调解通知书", "mediation_general")
    assert "NB Art 27" in term["basis"] and term["channels_told"]          # PML Art 26: channels told
    assert history(case).count("deadline_expired") == 1
    assert got["deadlines"] == []                                   # the period ended with the mediation


def test_general_period_may_end_before_a_mediator_is_assigned(walker, sweep, read):
    timekeeping.set_now(at(2026, 3, 2, 10, 0))
    case = walker.drive(["apply", "accept"])
    assert running(case) == {"mediation_general": "2026-04-02"}      # 3/2 + 1 month, a Thursday
    timekeeping.set_now(at(2026, 4, 3, 0, 30))
    assert sweep()["expiries"] == 1
    assert read(case)["status"] == "PM_TERMINATED"


def test_the_general_period_cannot_be_paused(walker, rpc_as):
    case = walker.drive(TO_MEDIATION)
    expect_error("VALIDATION_ERROR", fire, rpc_as, case, "mediator", "clock_pause",
                 {"clock": "mediation_general", "reason": "appraisal"})


# -- medical (医调委): 30 WD from acceptance, appraisal excluded, extension by agreement; → deemed failed --
def medical_actor(role):
    return {**ACTORS[role], "org_id": "zj-pmc-medical",
            **({"user_id": "med-med-01"} if role == "mediator" else {})}


def test_medical_period_excludes_appraisal_and_is_deemed_failed_once(mediation, rpc_as, sweep):
    timekeeping.set_now(at(2026, 3, 2, 10, 0))                     # Monday
    app = application("medical_dispute", committee_id=None)
    created = rpc_as(ACTORS["window"]).mediation.apply(app, key())
    assert created["org_id"] == "zj-pmc-medical"                   # the configured 医调委
    pmc, med = rpc_as(medical_actor("pmc")).mediation, rpc_as(medical_actor("mediator")).mediation
    case = pmc.fire(created["case_id"], "accept", {"respondent_consented": True}, created["version"], key())
    # 30 WD from 3/3: March 3-31 gives 21, April 1-3 → 24, 4/6 is 清明, 4/7-4/10 → 28, 4/13, 4/14 → 30
    assert running(case) == {"mediation_medical": "2026-04-14"}
    case = pmc.fire(case["case_id"], "assign_mediator", {"mediator_ids": ["med-med-01"], "how": "designated"},
                    case["version"], key())

    timekeeping.set_now(at(2026, 3, 10, 9, 0))                     # appraisal commissioned (Tuesday)
    case = med.fire(case["case_id"], "clock_pause", {"clock": "mediation_medical", "reason": "appraisal"},
                    case["version"], key())
    assert clock(case, "mediation_medical")["paused"] is True
    expect_error("GUARD_FAILED", med.fire, case["case_id"], "clock_pause",
                 {"clock": "mediation_medical", "reason": "appraisal"}, case["version"], key())
    timekeeping.set_now(at(2026, 4, 15, 9, 0))                     # past the unpaused last day: nothing fires
    assert sweep() == {"warnings": 0, "expiries": 0, "skipped": 0}
    timekeeping.set_now(at(2026, 3, 17, 16, 0))                    # opinion received (Tuesday)
    case = med.fire(case["case_id"], "clock_resume", {"clock": "mediation_medical"}, case["version"], key())
    # excluded: 3/11, 3/12, 3/13, 3/16, 3/17 (5 WD) → 4/14 + 5 WD = 4/15, 4/16, 4/17, 4/20, 4/21
    assert running(case) == {"mediation_medical": "2026-04-21"}
    assert [e["paused"] for e in case["data"]["appraisals"]] == [True, False]

    timekeeping.set_now(at(2026, 4, 15, 9, 0))
    assert sweep() == {"warnings": 0, "expiries": 0, "skipped": 0}
    timekeeping.set_now(at(2026, 4, 16, 8, 0))                     # T-3 WD: 4/20, 4/17, 4/16
    assert sweep()["warnings"] == 1
    timekeeping.set_now(at(2026, 4, 21, 23, 0))
    assert sweep()["expiries"] == 0
    timekeeping.set_now(at(2026, 4, 22, 0, 30))
    assert sweep()["expiries"] == 1
    assert sweep()["expiries"] == 0
    got = pmc.get_case(case["case_id"])
    assert got["status"] == "PM_TERMINATED"
    assert got["data"]["termination"]["ground"] == "deemed_failed"
    assert "MDR Art 38" in got["data"]["termination"]["basis"]
    assert [h["event"] for h in pmc.case_history(case["case_id"])].count("deadline_expired") == 1


def test_medical_period_is_extended_by_agreement_of_both_sides(mediation, rpc_as):
    timekeeping.set_now(at(2026, 3, 2, 10, 0))
    created = rpc_as(ACTORS["window"]).mediation.apply(
        application("medical_dispute", committee_id="zj-pmc-medical"), key())
    pmc = rpc_as(medical_actor("pmc")).mediation
    case = pmc.fire(created["case_id"], "accept", {"respondent_consented": True}, created["version"], key())
    case = pmc.fire(case["case_id"], "assign_mediator", {"mediator_ids": ["med-med-01"], "how": "designated"},
                    case["version"], key())
    party = rpc_as(party_actor("zj-pmc-medical")).mediation
    case = party.fire(case["case_id"], "extend_period", {"clock": "mediation_medical", "amount": 10,
                                                         "requested_by": [1, 2]}, case["version"], key())
    # 4/14 + 10 WD: 4/15, 16, 17, 20, 21, 22, 23, 24, 27, 28
    assert running(case) == {"mediation_medical": "2026-04-28"}


def test_an_appraisal_pause_needs_appraisal_as_its_reason(mediation, rpc_as):
    created = rpc_as(ACTORS["window"]).mediation.apply(
        application("medical_dispute", committee_id="zj-pmc-medical"), key())
    case = rpc_as(medical_actor("pmc")).mediation.fire(created["case_id"], "accept", {"respondent_consented": True},
                                                        created["version"], key())
    expect_error("VALIDATION_ERROR", fire, rpc_as, case, "pmc", "clock_pause",
                 {"clock": "mediation_medical", "reason": "holiday"})


# -- labour: 15 d from receipt of the application; no extension; → the party may arbitrate --------------
def test_labour_period_counts_from_receipt_and_opens_arbitration_once(walker, rpc_as, sweep, read, history):
    timekeeping.set_now(at(2026, 9, 16, 10, 0))                    # Wednesday
    labour = {"apply": lambda c: application("labour")}
    case = walker.drive(["apply"], labour)
    # 9/16 + 15 d = 10/1, inside 国庆 → 10/8; acceptance: 9/17, 9/18, 9/20 (a make-up working Sunday)
    assert running(case) == {"acceptance": "2026-09-20", "mediation_labour": "2026-10-08"}
    timekeeping.set_now(at(2026, 9, 20, 10, 0))                    # Sunday, a make-up working day
    case = walker.fire("accept", read(case))
    case = walker.fire("assign_mediator", case)
    assert running(case) == {"mediation_labour": "2026-10-08"}      # still from receipt; no general clock
    expect_error("EXTENSION_REFUSED", fire, rpc_as, case, "party", "extend_period",
                 {"clock": "mediation_labour", "amount": 5, "requested_by": [1, 2]})
    timekeeping.set_now(at(2026, 9, 28, 8, 0))                     # T-3 WD: 9/30, 9/29, 9/28
    assert sweep()["warnings"] == 1
    timekeeping.set_now(at(2026, 10, 8, 23, 0))
    assert sweep()["expiries"] == 0
    timekeeping.set_now(at(2026, 10, 9, 0, 30))
    assert sweep()["expiries"] == 1
    assert sweep()["expiries"] == 0
    got = read(case)
    # the right to arbitrate opens (LDL Art 14); mediation may go on if the parties wish
    assert got["status"] == "PM_IN_MEDIATION" and "LDL Art 14" in got["data"]["labour_arbitration_open"]["basis"]
    assert history(case).count("labour_period_expired") == 1
    withdrawn = fire(rpc_as, got, "party", "party_withdraws",
                     {"party": 1, "channels_told": ["labour_arbitration"], "next_channel": "external"})
    assert withdrawn["status"] == "PM_TERMINATED" and clock(withdrawn, "mediation_labour")["status"] == "stopped"


# -- judicial confirmation window: 30 d from the agreement taking effect; none; agreement stays binding --
def test_confirmation_window_runs_through_supervision_and_admits_the_last_day(walker, rpc_as, sweep, read):
    timekeeping.set_now(at(2026, 3, 6, 15, 0))                     # Friday: the agreement takes effect
    case = walker.drive(TO_AGREEMENT)
    # 3/6 + 30 d = 4/5 (Sunday, 清明), 4/6 (清明) → 4/7
    assert running(case) == {"confirmation_window": "2026-04-07"}
    timekeeping.set_now(at(2026, 3, 9, 9, 0))
    case = walker.fire("start_supervision", case)
    assert case["status"] == "PM_PERFORMING" and running(case) == {"confirmation_window": "2026-04-07"}
    timekeeping.set_now(at(2026, 3, 31, 23, 0))
    assert sweep()["warnings"] == 0
    timekeeping.set_now(at(2026, 4, 1, 8, 0))                      # T-3 WD: 4/3, 4/2, 4/1
    assert sweep()["warnings"] == 1
    timekeeping.set_now(at(2026, 4, 7, 22, 0))                     # the last day
    pending = fire(rpc_as, read(case), "party", "apply_judicial_confirmation",
                   {"applicants": [1, 2], "court_id": COURT})
    assert pending["status"] == "PM_CONFIRMATION_PENDING"
    assert clock(pending, "confirmation_window")["status"] == "stopped"
    assert pending["data"]["confirmation"]["court_id"] == COURT
    timekeeping.set_now(at(2026, 4, 8, 0, 30))
    assert sweep()["expiries"] == 0


def test_after_the_window_the_application_is_refused_and_the_agreement_stays_binding(walker, rpc_as, sweep, read,
                                                                                    history):
    timekeeping.set_now(at(2026, 3, 6, 15, 0))
    case = walker.drive(TO_AGREEMENT)
    timekeeping.set_now(at(2026, 4, 8, 0, 10))                     # before any sweep: the guard computes it
    err = expect_error("DEADLINE_PASSED", fire, rpc_as, case, "party", "apply_judicial_confirmation",
                       {"applicants": [1, 2], "court_id": COURT})
    assert "PML Art 33" in err.message and "CPL Art 205" in err.message
    assert sweep()["expiries"] == 1
    assert sweep()["expiries"] == 0
    got = read(case)
    assert got["status"] == "PM_AGREEMENT_EFFECTIVE" and got["data"]["confirmation_window"]["closed"] is True
    assert history(got).count("confirmation_window_closed") == 1
    expect_error("DEADLINE_PASSED", fire, rpc_as, got, "party", "apply_judicial_confirmation",
                 {"applicants": [1, 2], "court_id": COURT})
    # no extension of the window (CPL Art 205): extend_period is not an event of this state
    expect_error("TRANSITION_NOT_ALLOWED", fire, rpc_as, got, "party", "extend_period",
                 {"clock": "confirmation_window", "amount": 5, "requested_by": [1, 2]})
    supervised = walker.fire("start_supervision", got)             # supervision goes on (PML Art 31)
    assert supervised["status"] == "PM_PERFORMING"


def test_a_new_agreement_after_a_rejected_confirmation_opens_a_new_window(walker, rpc_as):
    timekeeping.set_now(at(2026, 3, 6, 15, 0))
    case = walker.drive(TO_AGREEMENT + ["apply_judicial_confirmation"])
    timekeeping.set_now(at(2026, 3, 20, 10, 0))                    # Friday: rejected, back to mediation
    case = walker.fire("confirmation_rejected", case)              # the court's ruling (sys, from its JC case)
    assert case["status"] == "PM_CONFIRMATION_REJECTED" and running(case) == {}
    case = walker.fire("confirmation_rejected_remediate", case)    # the parties' choice
    assert case["status"] == "PM_IN_MEDIATION"
    assert running(case) == {"mediation_general": "2026-04-20"}     # a fresh month: 4/20 (Monday)
    timekeeping.set_now(at(2026, 3, 23, 10, 0))
    case = walker.fire("sign_written_agreement", case)
    assert running(case) == {"confirmation_window": "2026-04-22"}   # 3/23 + 30 d
    assert len(case["data"]["previous_agreements"]) == 1
