"""Intake's clocks (SPEC §2.4) over RPC, with a simulated "now": start, warning, expiry firing once,
supervision flag, overdue listings, both profiles. Expected dates are worked out by hand from the
2026 holiday notice (国庆 10/1-7, make-up Saturday 10/10; 中秋 9/25-27)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from infra import timekeeping
from tests.factories import claim, key

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def sweep(rpc_as):
    return rpc_as("supv").intake.sweep_clocks()


def events_of(rpc_as, case_id):
    return [h["event"] for h in rpc_as("window").intake.case_history(case_id)]


def test_classify_route_clock_warns_once_then_expires_once_and_flags_supervision(intake, rpc_as):
    timekeeping.set_now(at(2026, 9, 30, 10, 0))            # Wednesday before the National Day holiday
    case = rpc_as("window").intake.register_case(claim(), key())
    clock = case["deadlines"][0]
    # 5 WD counted from the next day: 10/8, 10/9, 10/10 (make-up Saturday), 10/12, 10/13
    assert (clock["kind"], clock["due_date"], clock["days_left"]) == ("classify_route", "2026-10-13", 5)

    timekeeping.set_now(at(2026, 10, 8, 12, 0))
    assert sweep(rpc_as) == {"warnings": 0, "expiries": 0, "skipped": 0}
    timekeeping.set_now(at(2026, 10, 9, 8, 0))              # T-3 WD: 10/12, 10/10, 10/9
    assert sweep(rpc_as)["warnings"] == 1
    assert sweep(rpc_as)["warnings"] == 0
    got = rpc_as("window").intake.get_case(case["case_id"])
    # working days left after 10/9: 10/10, 10/12, 10/13
    assert got["deadlines"][0]["warned"] is True and got["deadlines"][0]["days_left"] == 3

    timekeeping.set_now(at(2026, 10, 13, 23, 0))            # still the last day
    assert sweep(rpc_as)["expiries"] == 0
    timekeeping.set_now(at(2026, 10, 14, 0, 30))
    assert sweep(rpc_as)["expiries"] == 1
    assert sweep(rpc_as)["expiries"] == 0
    got = rpc_as("window").intake.get_case(case["case_id"])
    assert got["supervised"] is True and got["status"] == "IN_RECEIVED"
    assert got["deadlines"][0]["status"] == "expired" and got["deadlines"][0]["days_left"] == -1
    assert events_of(rpc_as, case["case_id"]).count("deadline_expired") == 1
    assert events_of(rpc_as, case["case_id"]).count("deadline_warning") == 1

    overdue = rpc_as("supv").intake.overdue_cases({})
    assert [i["case_id"] for i in overdue["items"]] == [case["case_id"]]
    assert rpc_as("window").intake.find_cases({"overdue": True}, {})["total"] == 1

    # routing stops the clock: no longer overdue
    c = rpc_as("router").intake.classify(case["case_id"], "neighbourhood", got["version"], key())
    c = rpc_as("router").intake.route(case["case_id"], "mediation", "调解先行", c["version"], key())
    assert c["deadlines"] == [] and c["clocks"][0]["status"] == "stopped"
    assert rpc_as("supv").intake.overdue_cases({})["total"] == 0


def test_due_within_filter(intake, rpc_as):
    timekeeping.set_now(at(2026, 11, 2, 9, 0))              # Monday; 5 WD → Monday 11/9
    case = rpc_as("window").intake.register_case(claim(), key())
    assert case["deadlines"][0]["due_date"] == "2026-11-09"
    assert rpc_as("window").intake.find_cases({"due_within_days": 6}, {})["total"] == 0
    assert rpc_as("window").intake.find_cases({"due_within_days": 7}, {})["total"] == 1


@pytest.mark.parametrize("profile,unit,due", [
    # national: LVR 15 d from the next day (9/21) → 10/5, inside 国庆, rolls to 10/8
    ("national", "days", "2026-10-08"),
    # zhejiang: ZJLV 5 WD → 9/21, 22, 23, 24, (中秋 9/25-27), 9/28
    ("zhejiang", "working_days", "2026-09-28"),
])
def test_petition_type_claim_runs_the_decision_clock_of_the_profile(container_factory, rabbit_config, jiefen,
                                                                      rpc_as, profile, unit, due):
    from services.intake.service import IntakeService
    jiefen["profile"] = profile
    container_factory(IntakeService, {**rabbit_config, "JIEFEN": jiefen, "serializer": "json"}).start()
    timekeeping.set_now(at(2026, 9, 20, 10, 0))             # make-up Sunday, a working day
    case = rpc_as("window").intake.register_case(claim("administrative"), key())
    petition = next(d for d in case["deadlines"] if d["kind"] == "petition_decision")
    assert (petition["unit"], petition["due_date"]) == (unit, due)
    assert "LVR Art 22, 23" in petition["basis"]
    other = rpc_as("window").intake.register_case(claim("neighbourhood"), key())
    assert [d["kind"] for d in other["deadlines"]] == ["classify_route"]


def test_petition_clock_starts_from_registration_when_classified_later(intake, rpc_as):
    timekeeping.set_now(at(2026, 9, 20, 10, 0))
    case = rpc_as("window").intake.register_case(claim("neighbourhood"), key())
    timekeeping.set_now(at(2026, 9, 22, 10, 0))
    c = rpc_as("router").intake.classify(case["case_id"], "administrative", case["version"], key())
    petition = next(d for d in c["deadlines"] if d["kind"] == "petition_decision")
    assert petition["due_date"] == "2026-10-08"
