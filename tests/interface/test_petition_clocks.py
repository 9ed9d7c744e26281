"""Every clock of SPEC §5 under both profiles (national LVR, zhejiang ZJLV) over RPC with a simulated
"now": start, warning (T-3 WD) once, expiry firing its event exactly once, the 督办 flag, extension
within and beyond the cap, and the hearing pause of the re-review clock.

Expected dates are worked out by hand from the 2026 holiday notice (清明 4/4-6; 劳动节 5/1-5, make-up
Saturday 5/9). Every case starts on Monday 2026-03-02 10:00 (Shanghai); periods count from the next day;
a last day that is not a working day rolls to the next working day (SPEC §1)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from infra import timekeeping
from tests.harness import expect_error
from tests.interface.petition_walk import DIRECT_RECEIPT, Flow, start_petition

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=SH)

# kind: (state it starts in, path overrides, {profile: (unit, last day, warning day)}, expiry event,
#        state after expiry, supervised after expiry)
D15 = ("days", "2026-03-17", "2026-03-12")          # 3/2 + 15 = Tue 3/17; T-3 WD: 3/16, 3/13, 3/12
WD5 = ("working_days", "2026-03-09", "2026-03-04")  # 3/3, 4, 5, 6, 9; T-3 WD: 3/6, 3/5, 3/4
D30 = ("days", "2026-04-01", "2026-03-27")          # 3/2 + 30 = Wed 4/1; T-3 WD: 3/31, 3/30, 3/27
D60 = ("days", "2026-05-06", "2026-04-28")          # 3/2 + 60 = 5/1 (劳动节 5/1-5) → Wed 5/6; T-3 WD: 4/30, 4/29, 4/28
CLOCKS = {
    "transfer": ("PT_RECEIVED", {}, {"national": D15, "zhejiang": WD5}, "deadline_expired", "PT_RECEIVED", True),
    "acknowledge_direct": ("PT_RECEIVED", DIRECT_RECEIPT, {"national": D15, "zhejiang": WD5}, "deadline_expired",
                           "PT_RECEIVED", True),
    "acknowledge_transferred": ("PT_TRANSFERRED", {}, {"national": D15, "zhejiang": WD5}, "deadline_expired",
                                "PT_TRANSFERRED", True),
    "objection": ("PT_TRANSFERRED", {}, {"national": WD5, "zhejiang": WD5}, "objection_window_expired",
                  "PT_TRANSFERRED", False),
    # an Art 31(6) matter (LVR Art 34; under ZJLV Art 23 the clock already runs from acceptance)
    "handling": ("PT_HANDLING", {}, {"national": D60, "zhejiang": D30}, "deadline_expired", "PT_HANDLING", True),
    # the windows run from the service date, here the same day (LVR Art 35, 36 ¶1)
    "review_window": ("PT_OPINION_SERVED", {}, {"national": D30, "zhejiang": D30}, "review_window_expired",
                      "PT_CLOSED", False),
    "review_decision": ("PT_REVIEW", {}, {"national": D30, "zhejiang": D30}, "deadline_expired", "PT_REVIEW", True),
    "recheck_window": ("PT_REVIEW_SERVED", {}, {"national": D30, "zhejiang": D30}, "recheck_window_expired",
                       "PT_CLOSED", False),
    "recheck_decision": ("PT_RECHECK", {}, {"national": D30, "zhejiang": D30}, "deadline_expired", "PT_RECHECK",
                         True),
}


@pytest.fixture(params=["national", "zhejiang"])
def profile(request):
    return request.param


@pytest.fixture
def flow(container_factory, service_config, rpc_as, profile):
    start_petition(container_factory, service_config, profile=profile)
    return Flow(rpc_as)


def at(day: str, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=SH).replace(hour=hour, minute=minute)


def sweep(flow: Flow) -> None:
    """Sweep until nothing is left to fire. Two clocks of one case due together fire in turn: the sweep
    read the case version once, so the second is skipped and fired by the next sweep."""
    for _ in range(6):
        fired = flow.proxy("supv", "zj-centre").sweep_clocks()
        if not (fired["warnings"] or fired["expiries"] or fired["skipped"]):
            return
    raise AssertionError(f"the sweep kept finding work: {fired}")


def fired(flow: Flow, case: dict, event: str, kind: str) -> int:
    return sum(1 for h in flow.history(case) if h["event"] == event and h["data"].get("clock") == kind)


def clock_of(view: dict, kind: str) -> dict:
    return next(c for c in view["clocks"] if c["kind"] == kind)


@pytest.mark.parametrize("kind", list(CLOCKS))
def test_clock_starts_warns_once_and_expires_once(flow, profile, kind):
    state, over, periods, expiry, after, supervised = CLOCKS[kind]
    unit, last_day, warn_day = periods[profile]
    timekeeping.set_now(T0)
    case = flow.new(state, over, **({"org_id": "zj-nr"} if over else {}))
    assert case["status"] == state
    clock = clock_of(flow.get(case), kind)
    assert (clock["status"], clock["unit"], clock["due_date"]) == ("running", unit, last_day)
    assert "Art" in clock["basis"]

    timekeeping.set_now(at(warn_day) - timedelta(hours=12))           # the day before the warning day
    sweep(flow)
    assert fired(flow, case, "deadline_warning", kind) == 0
    timekeeping.set_now(at(warn_day, 8))
    sweep(flow)
    sweep(flow)
    assert fired(flow, case, "deadline_warning", kind) == 1
    assert clock_of(flow.get(case), kind)["warned"] is True

    timekeeping.set_now(at(last_day, 23))                              # still the last day
    sweep(flow)
    assert fired(flow, case, expiry, kind) == 0
    timekeeping.set_now(at(last_day, 23, 59) + timedelta(minutes=31))  # 00:30 the next day
    sweep(flow)
    sweep(flow)
    assert fired(flow, case, expiry, kind) == 1
    got = flow.get(case)
    assert got["status"] == after
    flags = [e for e in got["data"].get("supervision", []) if e["clock"] == kind]
    if supervised:
        assert got["supervised"] is True and len(flags) == 1
        assert "LVR Art 40" in flags[0]["basis"] and flags[0]["supervising_org_id"] == "zj-xfj-county"
    else:
        # the petitioner's windows and the objection period end without 督办 (under the zhejiang
        # profile the 5-WD acknowledgement of a transferred matter runs out the same day and does flag)
        assert flags == [] and got["supervised"] is (kind == "objection" and profile == "zhejiang")
    if expiry == "objection_window_expired":
        assert got["data"]["objection_barred"]
    if after == "PT_CLOSED":
        assert got["terminal"] is True and got["data"]["closing"]["basis"]


def test_overdue_petitions_are_listed_for_supervision(flow):
    timekeeping.set_now(T0)
    case = flow.new("PT_RECEIVED")
    timekeeping.set_now(at("2026-04-01"))
    listed = flow.proxy("xfb", "zj-xfj-county").overdue_cases({})
    assert [i["case_id"] for i in listed["items"]] == [case["case_id"]]
    assert listed["items"][0]["overdue_clock"]["kind"] == "transfer"
    sweep(flow)
    assert flow.proxy("xfb", "zj-xfj-county").find_cases({"supervised": True}, {})["total"] == 1


@pytest.mark.parametrize("which,second", [(0, 11), (1, 1)])
def test_handling_extension_within_and_beyond_the_cap(flow, profile, which, second):
    # LVR Art 34: 延长期限不得超过30日; ZJLV Art 23: 延长期限不得超过六十日 (issue 13 item 4: +60, 90 in all)
    timekeeping.set_now(T0)
    case = flow.new("PT_HANDLING")
    base, cap = {"national": (60, 30), "zhejiang": (30, 60)}[profile]
    first = (cap - 10, cap)[which]
    # missing approval or notice: refused, citing Art 34
    for missing in ("approval", "notice", "reason"):
        data = {"amount": 5, "approval": "局长批准", "reason": "情况复杂", "notice": "已告知"}
        data.pop(missing)
        err = expect_error("EXTENSION_REFUSED", flow.fire, case, "extend", data)
        assert "LVR Art 34" in err.message and missing in err.details["missing"]
    case = flow.fire(case, "extend", {"amount": first, "approval": "局长批准", "reason": "情况复杂", "notice": "书面告知"})
    clock = clock_of(case, "handling")
    assert clock["extended_by"] == first
    assert clock["due_date"] == _last_day(base + first)
    err = expect_error("EXTENSION_REFUSED", flow.fire, case, "extend",
                       {"amount": second, "approval": "局长批准", "reason": "仍需调查", "notice": "书面告知"})
    assert err.details["max_total"] == cap
    assert ("LVR Art 34" if profile == "national" else "ZJLV Art 23") in err.message
    got = flow.get(case)
    assert clock_of(got, "handling")["extended_by"] == first and len(got["data"]["extensions"]) == 1


def _last_day(days: int) -> str:
    """Hand-worked last days from 3/2 (2026): +50 = 4/21 Tue; +60 = 5/1 → 5/6; +80 = 5/21 Thu; +90 = 5/31 Sun → 6/1."""
    return {50: "2026-04-21", 60: "2026-05-06", 80: "2026-05-21", 90: "2026-06-01"}[days]


def test_handling_extension_moves_the_expiry(flow, profile):
    timekeeping.set_now(T0)
    case = flow.new("PT_HANDLING")
    case = flow.fire(case, "extend", {"amount": 30, "approval": "局长批准", "reason": "情况复杂", "notice": "书面告知"})
    last = {"national": "2026-06-01", "zhejiang": "2026-05-06"}[profile]   # 90 d / 60 d from 3/2, rolled over
    assert clock_of(case, "handling")["due_date"] == last
    timekeeping.set_now(at(last, 23))
    sweep(flow)
    assert not flow.get(case)["supervised"]
    timekeeping.set_now(at(last, 23, 59) + timedelta(minutes=31))
    sweep(flow)
    assert fired(flow, case, "deadline_expired", "handling") == 1 and flow.get(case)["supervised"]


def test_recheck_clock_excludes_hearing_time(flow):
    timekeeping.set_now(T0)
    case = flow.new("PT_RECHECK")
    assert clock_of(case, "recheck_decision")["due_date"] == "2026-04-01"
    timekeeping.set_now(at("2026-03-10", 9))
    case = flow.fire(case, "clock_pause", {"clock": "recheck_decision", "reason": "hearing", "note": "听证开始"})
    assert clock_of(case, "recheck_decision")["status"] == "paused"
    timekeeping.set_now(at("2026-04-05", 9))                          # paused: the sweep leaves it alone
    sweep(flow)
    assert fired(flow, case, "deadline_expired", "recheck_decision") == 0
    timekeeping.set_now(at("2026-03-20", 15))
    case = flow.fire(flow.get(case), "clock_resume", {"clock": "recheck_decision", "reason": "hearing", "note": "听证结束"})
    clock = clock_of(case, "recheck_decision")
    # 10 days excluded: 3/2 + 40 = Sat 4/11 → Mon 4/13
    assert (clock["status"], clock["excluded"], clock["due_date"]) == ("running", 10, "2026-04-13")
    assert [h["event"] for h in case["data"]["recheck"]["hearings"]] == ["clock_pause", "clock_resume"]
    timekeeping.set_now(at("2026-04-13", 23))
    sweep(flow)
    assert fired(flow, case, "deadline_expired", "recheck_decision") == 0
    timekeeping.set_now(at("2026-04-14", 0, 30))
    sweep(flow)
    assert fired(flow, case, "deadline_expired", "recheck_decision") == 1


def test_only_the_recheck_clock_pauses(flow):
    timekeeping.set_now(T0)
    case = flow.new("PT_RECHECK")
    err = expect_error("VALIDATION_ERROR", flow.fire, case, "clock_pause", {"clock": "handling", "reason": "hearing"})
    assert "recheck_decision" in str(err.details)
    expect_error("GUARD_FAILED", flow.fire, case, "clock_resume")          # not paused
