"""Issue 13 (items 1-8): the petition case type read again against the texts, over RPC on SQLite and
PostgreSQL, under both profiles where the texts differ (national LVR 2022, zhejiang ZJLV 2016).

The refusals themselves (each guard, its message and article) are in test_petition_guards.py; here are
the lawful paths and the clocks. 2026 calendar: 03-02 is a Monday; 05-01..05-05 is the Labour Day holiday.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from infra import timekeeping
from infra.config import load_config
from tests.factories import person_id
from tests.harness import expect_error
from tests.interface.petition_walk import Flow, start_petition

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=SH)


@pytest.fixture(params=["national", "zhejiang"])
def profile(request):
    return request.param


@pytest.fixture
def flow(container_factory, service_config, rpc_as, profile):
    start_petition(container_factory, service_config, profile=profile)
    timekeeping.set_now(T0)
    yield Flow(rpc_as)
    timekeeping.reset()


def at(day: str, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=SH).replace(hour=hour, minute=minute)


def sweep(flow: Flow) -> None:
    for _ in range(6):
        fired = flow.proxy("supv", "zj-centre").sweep_clocks()
        if not (fired["warnings"] or fired["expiries"] or fired["skipped"]):
            return
    raise AssertionError(f"the sweep kept finding work: {fired}")


def clocks_of(view: dict, kind: str) -> list[dict]:
    return [c for c in view["clocks"] if c["kind"] == kind]


def events(flow: Flow, case: dict, name: str) -> list[dict]:
    return [h for h in flow.history(case) if h["event"] == name]


# -- item 1: the 复查/复核 windows run from service (LVR Art 35, 36 ¶1: 自收到书面答复之日起) -------------------
def test_a_review_asked_within_thirty_days_of_receipt_is_accepted(flow):
    opinion = flow.new("PT_OPINION_ISSUED")                    # issued Mon 03-02
    assert opinion["status"] == "PT_OPINION_ISSUED" and clocks_of(opinion, "review_window") == []
    # not served yet: nothing to ask a review of
    err = expect_error("TRANSITION_NOT_ALLOWED", flow.fire, opinion, "request_review")
    assert err.details["state"] == "PT_OPINION_ISSUED"

    timekeeping.set_now(at("2026-03-20", 9))                     # the post office's receipt comes back
    served = flow.fire(opinion, "serve_opinion", {"served_on": "2026-03-18", "method": "post",
                                                  "receipt_ref": "EMS回执1100223344", "received_by": "王五"})
    assert served["status"] == "PT_OPINION_SERVED"
    service = served["data"]["opinion"]["service"]
    assert (service["served_on"], service["method"], service["method_label"]) == ("2026-03-18", "post", "邮寄送达")
    [window] = clocks_of(served, "review_window")
    assert (window["status"], window["due_date"]) == ("running", "2026-04-17")   # 03-18 + 30 d
    assert window["started_at"].startswith("2026-03-17T16:00")                  # 03-18 00:00 Shanghai

    timekeeping.set_now(at("2026-04-17", 23))                    # 46 days after the opinion, 30 after receipt
    sweep(flow)
    assert events(flow, served, "review_window_expired") == []
    review = flow.fire(flow.get(served), "request_review")
    assert review["status"] == "PT_REVIEW" and review["data"]["review"]["org_id"] == "zj-gov-county"


def test_the_review_window_closes_the_day_after_its_last_day_from_receipt(flow):
    opinion = flow.new("PT_OPINION_ISSUED")
    timekeeping.set_now(at("2026-03-20", 9))
    served = flow.fire(opinion, "serve_opinion", {"served_on": "2026-03-18", "method": "direct"})
    timekeeping.set_now(at("2026-04-18", 0, 10))                 # the window ended with 04-17; no sweep yet
    err = expect_error("GUARD_FAILED", flow.fire, served, "request_review")
    assert "自收到书面答复之日起30日" in err.message and "LVR Art 35" in err.message
    timekeeping.set_now(at("2026-04-18", 0, 30))
    sweep(flow)
    closed = flow.get(served)
    assert closed["status"] == "PT_CLOSED" and len(events(flow, served, "review_window_expired")) == 1
    assert closed["data"]["finality"] == "ZJLV Art 25(2)"


def test_the_recheck_window_runs_from_the_service_of_the_review(flow):
    review = flow.new("PT_REVIEW_ISSUED")                        # issued 03-02
    assert clocks_of(review, "recheck_window") == []
    timekeeping.set_now(at("2026-03-10", 15))
    served = flow.fire(review, "serve_review", {"served_on": "2026-03-09", "method": "electronic",
                                                "receipt_ref": "浙里办送达记录 0309"})
    assert served["status"] == "PT_REVIEW_SERVED"
    assert served["data"]["review"]["service"]["method_label"] == "电子送达"
    [window] = clocks_of(served, "recheck_window")
    assert window["due_date"] == "2026-04-08"                    # 03-09 + 30 d
    timekeeping.set_now(at("2026-04-08", 16))
    sweep(flow)
    recheck = flow.fire(flow.get(served), "request_recheck")
    assert recheck["status"] == "PT_RECHECK"
    final = flow.fire(recheck, "issue_recheck")
    timekeeping.set_now(at("2026-04-10", 9))
    served_final = flow.fire(final, "serve_recheck", {"served_on": "2026-04-09", "method": "direct"})
    assert served_final["status"] == "PT_FINAL" and served_final["data"]["recheck"]["service"]["served_on"] == "2026-04-09"


# -- item 7: the handling clock is LVR Art 34's for Art 31(6) matters; ZJLV Art 23's for every matter -----
def test_the_handling_clock_runs_for_the_matters_the_text_names(flow, profile):
    accepted = flow.new("PT_ACCEPTED")                           # accepted Mon 03-02
    suggestion = flow.then(flow.new("PT_ACCEPTED", petition_kind="suggestion", category="suggestion"),
                           "classify_suggestion")
    reply = flow.fire(flow.new("PT_ACCEPTED"), "start_handling", {"handling_basis": "31(5)"})
    timekeeping.set_now(at("2026-03-10", 9))
    handling = flow.fire(flow.get(accepted), "start_handling", {"handling_basis": "31(6)"})
    if profile == "national":
        # LVR Art 34: only Art 31(6) matters, 60 d counted from acceptance (not from start_handling)
        assert clocks_of(accepted, "handling") == []
        assert clocks_of(suggestion, "handling") == [] and clocks_of(reply, "handling") == []
        [clock] = clocks_of(handling, "handling")
        assert clock["due_date"] == "2026-05-06" and clock["started_at"].startswith("2026-03-02T02:00")
    else:
        # ZJLV Art 23: every matter the organ handles, 30 d from acceptance
        for case in (accepted, suggestion, reply, handling):
            [clock] = clocks_of(case, "handling")
            assert clock["due_date"] == "2026-04-01"
    timekeeping.set_now(at("2026-05-07", 0, 30))                # past both profiles' last days
    sweep(flow)
    flagged = {c["case_id"]: flow.get(c)["supervised"] for c in (suggestion, reply, handling)}
    assert flagged[handling["case_id"]] is True
    assert flagged[suggestion["case_id"]] is flagged[reply["case_id"]] is (profile == "zhejiang")


# -- item 5: Zhejiang 处理终结 (ZJLV Art 25(1), (2)) bars a repeat; the national LVR bars it after 复核 only -----
def test_a_repeat_after_the_review_window_or_acceptance(flow, profile):
    petitioner = person_id("19960606")
    first = flow.fire(flow.new("PT_OPINION_SERVED", petitioner=petitioner), "accept_opinion")
    assert first["status"] == "PT_CLOSED" and first["data"]["finality"] == "ZJLV Art 25(2)"
    repeat = flow.new("PT_RECEIVED", petitioner=petitioner, org_id="zj-nr")
    [found] = flow.proxy("xfb", "zj-nr").find_duplicates(repeat["case_id"])
    if profile == "zhejiang":
        assert found["rule"] == "D4"
        err = expect_error("GUARD_FAILED", flow.fire, repeat, "acknowledge")
        assert "ZJLV Art 25 ¶2" in err.message
        refused = flow.fire(repeat, "reject_duplicate", {"duplicate_of": first["case_id"], "rule": "D4"}, role="handler")
        assert refused["status"] == "PT_REDIRECTED"
    else:
        assert found["rule"] is None                              # LVR Art 36 ¶3 needs a 复核
        err = expect_error("GUARD_FAILED", flow.fire, repeat, "reject_duplicate",
                           {"duplicate_of": first["case_id"], "rule": "D4"}, "handler")
        assert "LVR Art 36 ¶3" in err.message
        assert flow.fire(repeat, "acknowledge")["status"] == "PT_ACCEPTED"


def test_a_settlement_ends_the_matter_in_zhejiang_once_performed(flow, profile):
    performed, pending = person_id("19970707"), person_id("19970708")
    for who, done in ((performed, True), (pending, False)):
        mediating = flow.fire(flow.new("PT_HANDLING", petitioner=who), "start_mediation")
        settled = flow.fire(mediating, "sign_settlement", {"agreement_ref": "和解协议书（2026）第9号",
                                                           "signed_by": ["petitioner", "other_side"], "performed": done},
                            role="handler")
        assert settled["status"] == "PT_CLOSED" and settled["data"]["settlement"]["performed"] is done
    rules = {who: flow.proxy("xfb", "zj-nr").find_duplicates(flow.new("PT_RECEIVED", petitioner=who,
                                                                      org_id="zj-nr")["case_id"])[0]["rule"]
             for who in (performed, pending)}
    assert rules == {performed: "D4" if profile == "zhejiang" else None, pending: None}


# -- item 4: the extension cap is ZJLV Art 23's sixty days in Zhejiang (a county may set less [A]) ---------
def test_the_zhejiang_extension_cap_is_configurable_below_the_statute(container_factory, service_config, rpc_as):
    section = {**load_config()["petition"], "handling_extension_max": {"zhejiang": {"amount": 40, "unit": "days"}}}
    start_petition(container_factory, service_config, profile="zhejiang", petition=section)
    timekeeping.set_now(T0)
    flow = Flow(rpc_as)
    case = flow.new("PT_HANDLING")
    ext = {"approval": "局长批准", "reason": "取证困难", "notice": "书面告知"}
    err = expect_error("EXTENSION_REFUSED", flow.fire, case, "extend", {"amount": 45, **ext})
    assert err.details["max_total"] == 40 and "ZJLV Art 23" in err.message
    extended = flow.fire(case, "extend", {"amount": 40, **ext})
    [clock] = clocks_of(extended, "handling")
    assert (clock["extended_by"], clock["due_date"]) == (40, "2026-05-11")     # 03-02 + 70 d
    timekeeping.reset()
