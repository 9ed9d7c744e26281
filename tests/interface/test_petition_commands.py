"""The petition service over RPC: registration from every LVR Art 17 channel, at the petition office,
at a competent organ, or handed over by intake; the organs that act on a case (handler, review organ
= the handler's superior, re-review organ = the reviewer's superior); repeated petitions; satisfaction
and 督办."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from infra import timekeeping
from services.petition.casetype import PETITION
from tests.factories import person_id
from tests.harness import expect_error
from tests.interface.petition_walk import (Flow, actor, handoff, paths, petition, petition_service,
                                           start_petition)

__all__ = ["petition_service"]
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def flow(petition_service, rpc_as):
    return Flow(rpc_as)


@pytest.mark.parametrize("channel", ["network", "letter", "phone", "fax", "visit"])
def test_every_lvr_art_17_channel_registers(flow, channel):
    office = flow.proxy("xfb", "zj-xfj-county")
    sent = petition(person_id(), channel=channel, oral=False)
    case = office.register(sent, "k" * 8 + channel)
    assert case["case_no"].startswith("PT-330681-") and case["status"] == "PT_RECEIVED"
    assert (case["channel"], case["org_id"], case["data"]["petition_office"]) == (channel, "zj-xfj-county",
                                                                                 "zj-xfj-county")
    assert case["data"]["oral"] is (channel in ("phone", "visit"))       # LVR Art 19 ¶1: recorded as told
    assert [d["kind"] for d in case["deadlines"]] == ["transfer"]
    # the same key gives the same case (at-least-once delivery)
    assert office.register(sent, "k" * 8 + channel)["case_id"] == case["case_id"]
    expect_error("IDEMPOTENCY_MISMATCH", office.register, {**sent, "summary": "另一事项"}, "k" * 8 + channel)


def test_unknown_channel_or_missing_petitioner_is_a_validation_error(flow):
    office = flow.proxy("xfb", "zj-xfj-county")
    err = expect_error("VALIDATION_ERROR", office.register, petition(channel="email_only"), "k" * 16)
    assert "channel" in err.details["fields"]["data"]
    no_applicant = petition()
    no_applicant["parties"][0]["role"] = "respondent"
    expect_error("VALIDATION_ERROR", office.register, no_applicant, "k" * 17)
    assert office.find_cases({}, {})["total"] == 0


def test_the_centre_window_registers_for_the_county_petition_office(flow):
    case = flow.proxy("window", "zj-centre").register(petition(), "k" * 16)
    assert case["org_id"] == "zj-xfj-county" and case["data"]["registered"]["org_id"] == "zj-centre"
    listed = flow.proxy("xfb", "zj-xfj-county").find_cases({}, {})
    assert [c["case_id"] for c in listed["items"]] == [case["case_id"]]


def test_a_competent_organ_receiving_directly_handles_it_itself(flow):
    case = flow.new("PT_RECEIVED", org_id="zj-nr")
    assert (case["org_id"], case["data"]["handler_org_id"], case["data"]["direct_receipt"]) == ("zj-nr", "zj-nr", True)
    assert [d["kind"] for d in case["deadlines"]] == ["acknowledge_direct"]
    handler = flow.proxy("handler", "zj-nr")
    # the organ may refuse a repeat itself (LVR Art 36 ¶3 binds every organ; issue 13 item 2)
    assert {e["id"] for e in handler.allowed_events(case["case_id"])} == {"acknowledge", "redirect", "reject_duplicate"}
    accepted = flow.fire(case, "acknowledge")
    assert accepted["status"] == "PT_ACCEPTED" and accepted["data"]["acceptance"]["basis"] == "LVR Art 23 ¶2"
    assert accepted["deadlines"] == []                  # LVR Art 34's 60 days are for Art 31(6) matters
    handling = flow.fire(accepted, "start_handling")
    assert [d["kind"] for d in handling["deadlines"]] == ["handling"]


def test_open_from_handoff_lands_at_the_named_petition_office_once(flow):
    router = flow.proxy("router", "zj-centre")
    sent = handoff()
    case = router.open_from_handoff(sent, "handoff:intake:x:1")
    assert case["status"] == "PT_RECEIVED" and case["org_id"] == "zj-xfj-county"
    assert case["parent"] == {"service": "intake", "case_id": sent["parent_case_id"]}
    assert case["links"][0]["link_type"] == "parent" and case["links"][0]["case_no"] == sent["parent_case_no"]
    assert (case["channel"], case["data"]["source_channel"], case["data"]["petition_kind"]) == ("visit", "window", "claim")
    again = router.open_from_handoff(sent, "handoff:intake:x:1")
    assert again["case_id"] == case["case_id"]
    office = flow.proxy("xfb", "zj-xfj-county")
    assert office.find_cases({"parent_case_id": sent["parent_case_id"]}, {})["total"] == 1
    expect_error("FORBIDDEN", office.open_from_handoff, handoff(), "handoff:intake:x:2")   # only the router
    expect_error("VALIDATION_ERROR", router.open_from_handoff, {**handoff(), "parties": []}, "handoff:intake:x:3")


@pytest.mark.parametrize("target,org,direct", [
    ("zj-court", "zj-xfj-county", False),      # not a petition office/government/department: county office
    (None, "zj-xfj-county", False),
    ("zj-nr", "zj-nr", True),                  # a department with competence receives it directly
    ("sx-xfj", "sx-xfj", False),               # another petition office
])
def test_open_from_handoff_chooses_the_receiving_body(flow, target, org, direct):
    case = flow.proxy("router", "zj-centre").open_from_handoff(handoff(target_org_id=target), f"handoff:{target}:1")
    assert (case["org_id"], case["data"]["direct_receipt"]) == (org, direct)
    assert case["data"]["handoff"]["requested_org_id"] == target


@pytest.mark.parametrize("office,handler,reviewer,rechecker", [
    ("zj-xfj-county", "zj-nr", "zj-gov-county", "sx-gov"),           # county department
    ("zj-xfj-county", "zj-gov-jiyang", "zj-gov-county", "sx-gov"),   # township government
    ("sx-xfj", "sx-nr", "sx-gov", "zj-gov"),                         # city department
])
def test_review_and_recheck_reach_the_right_superior_organisations(flow, office, handler, reviewer, rechecker):
    case = flow.new(paths()["PT_REVIEW_SERVED"], org_id=office, over={"transfer": {"handler_org_id": handler}})
    assert case["data"]["review"]["org_id"] == reviewer and case["data"]["review"]["of_org_id"] == handler
    chain = flow.proxy("xfb", office).review_chain(case["case_id"])
    assert (chain["handler_org_id"], chain["review_org_id"], chain["recheck_org_id"]) == (handler, reviewer, rechecker)
    assert chain["recorded"] == {"review": True, "recheck": False}

    case = flow.fire(case, "request_recheck")
    assert case["data"]["recheck"]["org_id"] == rechecker and case["data"]["recheck"]["of_org_id"] == reviewer
    # the re-review organ finds the case among its own, and only it decides (LVR Art 36)
    listed = flow.proxy("sup", rechecker).find_cases({"status": ["PT_RECHECK"]}, {})
    assert case["case_id"] in [c["case_id"] for c in listed["items"]]
    for org in (reviewer, handler):
        err = expect_error("GUARD_FAILED", flow.fire, case, "issue_recheck", None, "sup", org)
        assert "LVR Art 36" in err.message
    expect_error("FORBIDDEN", flow.fire, case, "issue_recheck", None, "sup", "zj-court")
    final = flow.fire(case, "issue_recheck", None, "sup", rechecker)
    assert final["status"] == "PT_FINAL" and final["terminal"] is True
    assert final["data"]["recheck"]["issued"]["org_id"] == rechecker
    history = flow.history(final)
    by_event = {h["event"]: h["org_id"] for h in history}
    assert (by_event["acknowledge"], by_event["issue_review"], by_event["issue_recheck"]) == (handler, reviewer,
                                                                                               rechecker)


def test_a_sustained_objection_returns_the_matter_for_another_transfer(flow):
    case = flow.new("PT_OBJECTED")
    assert case["data"]["objection"]["status"] == "pending"
    back = flow.fire(case, "objection_upheld")
    assert back["status"] == "PT_RECEIVED" and back["data"]["handler_org_id"] is None
    # the organ that objected no longer takes part in the case
    expect_error("FORBIDDEN", flow.proxy("handler", "zj-nr").get_case, case["case_id"])
    moved = flow.fire(back, "transfer", {"handler_org_id": "zj-gov-jiyang"})
    accepted = flow.fire(moved, "acknowledge")
    assert accepted["status"] == "PT_ACCEPTED" and [t["handler_org_id"] for t in accepted["data"]["transfers"]] == [
        "zj-nr", "zj-gov-jiyang"]


def test_assign_records_the_report_date(flow):
    case = flow.new("PT_RECEIVED")
    assigned = flow.fire(case, "assign", {"handler_org_id": "zj-nr", "report_due": "2099-01-31"})
    assert assigned["data"]["transfer"]["mode"] == "assign" and assigned["data"]["transfer"]["report_due"] == "2099-01-31"


def test_redirects_and_statutory_procedures(flow):
    law = flow.fire(flow.new("PT_RECEIVED"), "redirect",
                    {"kind": "law_related", "target_org_id": "zj-court", "channel_told": "向人民法院申请再审"})
    assert law["status"] == "PT_REDIRECTED" and "Art 20 ¶2" in law["data"]["redirect"]["label"]
    accusation = flow.fire(flow.new("PT_RECEIVED"), "redirect",
                           {"kind": "accusation", "target_org_id": "zj-cdi", "channel_told": "已转纪委监委"})
    assert accusation["data"]["redirect"]["target_name"] == "诸暨市纪委监委"
    routed = flow.fire(flow.new("PT_ACCEPTED"), "route_to_legal_procedure",
                       {"procedure": "administrative", "target_org_id": "zj-gov-county"})
    assert routed["status"] == "PT_ROUTED_LEGAL" and "Art 31(4)" in routed["data"]["legal_procedure"]["basis"]


def test_a_repeated_petition_after_re_review_is_not_accepted_again(flow):
    petitioner = person_id("19950505")
    final = flow.new("PT_FINAL", petitioner=petitioner)
    again = flow.new("PT_RECEIVED", petitioner=petitioner)
    assert again["data"]["duplicate_candidates"] == [{"case_id": final["case_id"], "case_no": final["case_no"],
                                                     "status": "PT_FINAL", "rule": "D4", "org_id": "zj-xfj-county"}]
    assert flow.proxy("xfb", "zj-xfj-county").find_duplicates(again["case_id"])[0]["rule"] == "D4"
    refused = flow.fire(again, "reject_duplicate", {"duplicate_of": final["case_no"], "rule": "D4"})
    assert refused["status"] == "PT_REDIRECTED" and refused["terminal"] is True
    assert refused["refusal"]["basis"].startswith("LVR Art 36 ¶3")
    assert refused["data"]["duplicate"]["duplicate_of"] == final["case_id"]
    assert any(l["link_type"] == "duplicate_of" and l["case_id"] == final["case_id"] for l in refused["links"])
    # PT_FINAL is where a re-reviewed matter stays (SPEC §5): every event from it is a self-loop
    assert [e.id for e in PETITION.events_from("PT_FINAL") if e.target is not None] == []
    third = flow.new("PT_RECEIVED", petitioner=petitioner)
    assert flow.fire(third, "reject_duplicate", {"duplicate_of": final["case_id"], "rule": "D4"})["status"] == "PT_REDIRECTED"


def test_raised_again_higher_up_while_in_progress_is_not_accepted(flow):
    petitioner = person_id("19960606")
    timekeeping.set_now(datetime(2026, 3, 2, 10, 0, tzinfo=SH))
    earlier = flow.new("PT_HANDLING", petitioner=petitioner)                   # an Art 31(6) matter (LVR Art 34)
    timekeeping.set_now(datetime(2026, 3, 20, 10, 0, tzinfo=SH))
    city = flow.new("PT_RECEIVED", petitioner=petitioner, org_id="sx-xfj")   # the superior petition office
    assert city["data"]["duplicate_candidates"][0]["rule"] == "D3"
    refused = flow.fire(city, "reject_duplicate", {"duplicate_of": earlier["case_id"], "rule": "D3"})
    assert refused["status"] == "PT_REDIRECTED" and refused["refusal"]["basis"].startswith("LVR Art 19 ¶3")
    # the same matter once its handling period has run out is no longer "within its period"
    late = flow.new("PT_RECEIVED", petitioner=petitioner, org_id="sx-xfj")
    timekeeping.set_now(datetime(2026, 5, 7, 10, 0, tzinfo=SH))               # 60 d from 3/2 ended on 5/6
    err = expect_error("GUARD_FAILED", flow.fire, flow.get(late), "reject_duplicate",
                       {"duplicate_of": earlier["case_id"], "rule": "D3"})
    assert "LVR Art 19 ¶3" in err.message


def test_zhejiang_refuses_a_matter_in_progress_at_any_organ(container_factory, service_config, rpc_as):
    start_petition(container_factory, service_config, profile="zhejiang")
    flow = Flow(rpc_as)
    petitioner = person_id("19970707")
    earlier = flow.new("PT_HANDLING", petitioner=petitioner)
    again = flow.new("PT_RECEIVED", petitioner=petitioner)                     # the same petition office
    refused = flow.fire(again, "reject_duplicate", {"duplicate_of": earlier["case_id"], "rule": "D3"})
    assert refused["status"] == "PT_REDIRECTED" and "ZJLV Art 20(5)" in refused["refusal"]["basis"]


def test_satisfaction_is_recorded(flow):
    closed = flow.fire(flow.new("PT_OPINION_SERVED"), "accept_opinion", {"satisfaction": "basically_satisfied"})
    assert closed["status"] == "PT_CLOSED" and closed["data"]["satisfaction"]["label"] == "基本满意"
    final = flow.new("PT_FINAL")
    for value, label in (("dissatisfied", "不满意"), ("satisfied", "满意")):
        final = flow.fire(final, "record_satisfaction", {"satisfaction": value, "note": "回访"})
        assert final["data"]["satisfaction"]["label"] == label and final["data"]["satisfaction"]["state"] == "PT_FINAL"
    assert [s["value"] for s in final["data"]["satisfaction_history"]] == ["dissatisfied", "satisfied"]
    expect_error("VALIDATION_ERROR", flow.fire, final, "record_satisfaction", {"satisfaction": "so-so"})
    settled = flow.then(flow.new("PT_MEDIATING"), "sign_settlement")
    assert settled["status"] == "PT_CLOSED" and settled["data"]["satisfaction"]["value"] == "satisfied"


def test_the_petition_office_supervises_and_the_flag_is_an_overlay(flow):
    case = flow.new("PT_HANDLING")
    flagged = flow.fire(case, "deadline_expired", {"reason": "办理拖延"})
    assert flagged["status"] == "PT_HANDLING" and flagged["supervised"] is True
    entry = flagged["data"]["supervision"][0]
    assert entry["cause"] == "finding" and entry["supervising_org_id"] == "zj-xfj-county"
    # handling goes on, and the flag stays
    opinion = flow.fire(flagged, "issue_opinion")
    assert opinion["status"] == "PT_OPINION_ISSUED" and opinion["supervised"] is True
    assert flow.proxy("xfb", "zj-xfj-county").find_cases({"supervised": True}, {})["total"] == 1


def test_case_definition_carries_the_profile_periods(flow):
    d = flow.proxy("xfb", "zj-xfj-county").case_definition()
    periods = {c["kind"]: (c["period"]["amount"], c["period"]["unit"]) for c in d["clocks"]}
    assert periods == {"transfer": (15, "days"), "acknowledge_direct": (15, "days"),
                       "acknowledge_transferred": (15, "days"), "objection": (5, "working_days"),
                       "handling": (60, "days"), "review_window": (30, "days"), "review_decision": (30, "days"),
                       "recheck_window": (30, "days"), "recheck_decision": (30, "days")}
    handling = next(c for c in d["clocks"] if c["kind"] == "handling")
    assert handling["extension"]["max_total"] == 30 and set(handling["extension"]["needs"]) == {"approval", "reason",
                                                                                                  "notice"}
    assert next(c for c in d["clocks"] if c["kind"] == "recheck_decision")["pausable"] is True
    assert {s["code"] for s in d["states"] if s["terminal"]} == {"PT_REDIRECTED", "PT_ROUTED_LEGAL", "PT_FINAL",
                                                                 "PT_CLOSED"}


def test_zhejiang_case_definition(container_factory, service_config, rpc_as):
    start_petition(container_factory, service_config, profile="zhejiang")
    d = rpc_as(actor("xfb", "zj-xfj-county")).petition.case_definition()
    periods = {c["kind"]: (c["period"]["amount"], c["period"]["unit"]) for c in d["clocks"]}
    assert periods["handling"] == (30, "days") and periods["transfer"] == (5, "working_days")
    assert periods["acknowledge_transferred"] == (5, "working_days") and periods["review_window"] == (30, "days")
    handling = next(c for c in d["clocks"] if c["kind"] == "handling")
    assert handling["extension"]["max_total"] == 60                       # ZJLV Art 23: 延长期限不得超过六十日
