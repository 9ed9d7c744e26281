"""Every guard of the petition case type refuses with GUARD_FAILED, cites its article, and changes
nothing (over RabbitMQ, SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import re
from pathlib import Path

import pytest

from infra import timekeeping
from services.petition.casetype import PETITION
from services.petition.guards import GUARDS as G
from tests.factories import person_id
from tests.harness import expect_error
from tests.interface.petition_walk import SUPPORT, Flow, petition, petition_service, start_petition

__all__ = ["petition_service"]
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def flow(petition_service, rpc_as):
    return Flow(rpc_as)


def refused(flow: Flow, guard: str, article: str, case: dict | None, event: str, data: dict | None = None,
            role: str | None = None, org: str | None = None, register: dict | None = None):
    """The event is refused by ``guard`` citing ``article``; the case is unchanged."""
    before = None if case is None else flow.get(case)
    if case is None:
        err = expect_error("GUARD_FAILED", flow.proxy(role or "xfb", org or "zj-xfj-county").register, register,
                           "k" * 16 + guard)
    else:
        err = expect_error("GUARD_FAILED", flow.fire, case, event, data, role, org)
    assert err.message == G[guard].message, (guard, err.message)
    assert article in err.message and err.details["basis"] == G[guard].basis
    if case is not None:
        after = flow.get(case)
        assert (after["status"], after["version"], after["data"]) == (before["status"], before["version"], before["data"])
    return err


def test_registration_guards(flow):
    refused(flow, "reception_org", "LVR Art 14, 23", None, "register", role="window", org="zj-centre",
            register=petition(org_id="zj-centre"))
    refused(flow, "registrar", "LVR Art 18 ¶3", None, "register", register=petition(org_id="zj-gov-county"))
    refused(flow, "group_visit_channel", "LVR Art 20 ¶3", None, "register",
            register=petition(channel="letter", group_visit=True, representatives=["甲"]))
    six = [f"代表{i}" for i in range(6)]
    refused(flow, "representatives", "LVR Art 20 ¶3", None, "register",
            register=petition(channel="visit", group_visit=True, visitor_count=30, representatives=six))
    refused(flow, "representatives", "LVR Art 20 ¶3", None, "register",
            register=petition(channel="visit", group_visit=True, visitor_count=30, representatives=[]))
    # national: 8 visitors may send 4 representatives (LVR Art 20 ¶3 caps at 5 only)
    ok = flow.proxy("xfb", "zj-xfj-county").register(
        petition(channel="visit", group_visit=True, visitor_count=8, representatives=six[:4]), "k" * 20)
    assert ok["data"]["group_visit"]["representatives"] == six[:4] and ok["channel"] == "visit"


def test_zhejiang_caps_representatives_of_ten_or_fewer_at_three(container_factory, service_config, rpc_as):
    start_petition(container_factory, service_config, profile="zhejiang")
    flow = Flow(rpc_as)
    four = ["甲", "乙", "丙", "丁"]
    err = refused(flow, "representatives", "ZJLV Art 15 ¶2", None, "register",
                  register=petition(channel="visit", group_visit=True, visitor_count=8, representatives=four))
    assert "LVR Art 20 ¶3" in err.message
    ok = flow.proxy("xfb", "zj-xfj-county").register(
        petition(channel="visit", group_visit=True, visitor_count=11, representatives=four), "k" * 20)
    assert ok["status"] == "PT_RECEIVED"


def test_transfer_and_acknowledgement_guards(flow):
    case = flow.new("PT_RECEIVED")
    refused(flow, "handling_organ", "LVR Art 22(1)", case, "transfer", {"handler_org_id": "zj-pmc-county"})
    refused(flow, "handling_organ", "LVR Art 22(1)", case, "transfer", {"handler_org_id": "no-such-org"})
    refused(flow, "local_level", "LVR Art 22(2)", case, "transfer", {"handler_org_id": "sx-nr"})   # a city body
    refused(flow, "report_due", "LVR Art 22(3)", case, "assign", {"handler_org_id": "zj-nr"})
    refused(flow, "report_due", "LVR Art 22(3)", case, "assign", {"handler_org_id": "zj-nr", "report_due": "2020-01-01"})
    # a competent organ other than a petition office transfers only within its own system, downwards
    direct = flow.new("PT_RECEIVED", org_id="zj-gov-county")
    refused(flow, "local_level", "23 ¶1", direct, "transfer", {"handler_org_id": "zj-court"})
    assert flow.fire(direct, "transfer", {"handler_org_id": "zj-nr"})["status"] == "PT_TRANSFERRED"

    moved = flow.fire(case, "transfer")
    # the county government governs the handling organ, but only the handling organ acknowledges
    refused(flow, "is_handler", "LVR Art 22, 23 ¶3", moved, "acknowledge", role="handler", org="zj-gov-county")
    refused(flow, "written_notice", "LVR Art 23 ¶2, ¶3", moved, "acknowledge", {"notified_how": "letter"})
    unclear = flow.fire(moved, "acknowledge", {"address_unclear": True})      # Art 23 ¶2: no notice possible
    assert unclear["status"] == "PT_ACCEPTED"
    # a petition received at the petition office is transferred, not acknowledged there (Art 22)
    at_office = flow.new("PT_RECEIVED")
    refused(flow, "is_handler", "LVR Art 22, 23 ¶3", at_office, "acknowledge", role="handler", org="zj-xfj-county")


def test_objection_guards(flow):
    case = flow.new("PT_TRANSFERRED")
    refused(flow, "objection_reasons", "LVR Art 23 ¶3", case, "object_misdirected", {"reasons": ""})
    case = flow.then(case, "object_misdirected", "objection_dismissed")
    assert case["status"] == "PT_TRANSFERRED" and case["data"]["objection"]["status"] == "dismissed"
    refused(flow, "objection_not_settled", "LVR Art 23 ¶3", case, "object_misdirected")

    timekeeping.set_now(datetime(2026, 3, 2, 10, 0, tzinfo=SH))               # Monday
    in_time, late = flow.new("PT_TRANSFERRED"), flow.new("PT_TRANSFERRED")
    timekeeping.set_now(datetime(2026, 3, 9, 23, 0, tzinfo=SH))               # 5 WD: 3/3, 4, 5, 6, 9
    assert flow.fire(in_time, "object_misdirected")["status"] == "PT_OBJECTED"
    timekeeping.set_now(datetime(2026, 3, 10, 0, 30, tzinfo=SH))
    refused(flow, "objection_in_time", "LVR Art 23 ¶3", late, "object_misdirected")


def test_redirect_and_duplicate_guards(flow):
    case = flow.new("PT_RECEIVED")
    refused(flow, "redirect_target", "LVR Art 20 ¶2", case, "redirect",
            {"kind": "law_related", "target_org_id": "zj-nr", "channel_told": "向法院提出"})
    refused(flow, "redirect_target", "LVR Art 22 ¶2, 30", case, "redirect",
            {"kind": "accusation", "target_org_id": "zj-court", "channel_told": "向纪委监委提出"})
    assert flow.fire(case, "redirect", {"kind": "law_related", "target_org_id": "zj-court",
                                        "channel_told": "向人民法院申请再审"})["status"] == "PT_REDIRECTED"

    petitioner = person_id("19930303")
    final = flow.new("PT_FINAL", petitioner=petitioner)
    open_one = flow.new("PT_HANDLING", petitioner=petitioner, subject_ref="另一地块")
    again = flow.new("PT_RECEIVED", petitioner=petitioner)
    other = flow.new("PT_RECEIVED")                                           # another petitioner
    refused(flow, "same_petition", "LVR Art 19 ¶3, 36 ¶3", other, "reject_duplicate",
            {"duplicate_of": final["case_id"], "rule": "D4"})
    refused(flow, "same_petition", "LVR Art 19 ¶3, 36 ¶3", again, "reject_duplicate",
            {"duplicate_of": open_one["case_id"], "rule": "D3"})                 # another subject
    refused(flow, "d4_final", "LVR Art 36 ¶3", again, "reject_duplicate",
            {"duplicate_of": final["case_id"], "rule": "D4", "new_facts_or_reasons": True})
    second = person_id("19940404")
    same_open = flow.new("PT_HANDLING", petitioner=second)
    later = flow.new("PT_RECEIVED", petitioner=second)
    refused(flow, "d4_final", "LVR Art 36 ¶3", later, "reject_duplicate",
            {"duplicate_of": same_open["case_id"], "rule": "D4"})
    # D3 at the same petition office: Art 19 ¶3 only bars raising it again higher up
    refused(flow, "d3_in_progress", "LVR Art 19 ¶3", later, "reject_duplicate",
            {"duplicate_of": same_open["case_id"], "rule": "D3"})
    refused(flow, "d3_in_progress", "LVR Art 19 ¶3", again, "reject_duplicate",
            {"duplicate_of": final["case_id"], "rule": "D3"})                    # not in progress: ended


def test_handling_guards(flow):
    accepted = flow.new("PT_ACCEPTED")
    refused(flow, "suggestion_kind", "LVR Art 29", accepted, "classify_suggestion")
    refused(flow, "legal_target", "LVR Art 31(1)-(4)", accepted, "route_to_legal_procedure",
            {"procedure": "litigation", "target_org_id": "zj-nr"})
    refused(flow, "legal_target", "LVR Art 31(1)-(4)", accepted, "route_to_legal_procedure",
            {"procedure": "arbitration", "target_org_id": "zj-court"})
    suggestion = flow.new("PT_ACCEPTED", petition_kind="suggestion", category="suggestion")
    refused(flow, "claim_kind", "LVR Art 31", suggestion, "start_handling")
    refused(flow, "claim_kind", "LVR Art 31", suggestion, "route_to_legal_procedure")
    studied = flow.fire(suggestion, "classify_suggestion")
    refused(flow, "claim_kind", "LVR Art 31", studied, "start_mediation")
    refused(flow, "hearing_grounds", "LVR Art 31(6)", studied, "hold_hearing")

    handling = flow.new("PT_HANDLING")
    refused(flow, "hearing_grounds", "LVR Art 31(6)", handling, "hold_hearing", {"note": "无理由"})
    reply = flow.fire(accepted, "start_handling", {"handling_basis": "31(5)"})
    refused(flow, "hearing_grounds", "LVR Art 31(6)", reply, "hold_hearing", {"grounds": "major"})
    refused(flow, "mediation_consent", "LVR Art 33", handling, "start_mediation",
            {"petitioner_consents": True, "other_side_consents": False})
    mediating = flow.fire(handling, "start_mediation")
    refused(flow, "settlement_written", "LVR Art 33", mediating, "sign_settlement",
            {"agreement_ref": "协议1号", "signed_by": ["petitioner"]})
    refused(flow, "settlement_written", "LVR Art 33", mediating, "sign_settlement",
            {"signed_by": ["petitioner", "other_side"]})
    handling = flow.fire(mediating, "mediation_failed")
    refused(flow, "opinion_contents", "LVR Art 32", handling, "issue_opinion",
            {"outcome": "not_support", "reasons": "缺乏事实根据"})
    explained = flow.fire(handling, "issue_opinion", {"outcome": "explain", "reasons": "诉求合理但缺乏法律依据"})
    assert explained["data"]["opinion"]["label"] == "解释说明"


def test_extension_guard_after_the_handling_period(flow):
    timekeeping.set_now(datetime(2026, 3, 2, 10, 0, tzinfo=SH))
    handling = flow.new("PT_HANDLING")
    timekeeping.set_now(datetime(2026, 5, 7, 0, 30, tzinfo=SH))               # 60 d ended on 5/6 (after 五一)
    refused(flow, "extension_open", "LVR Art 34", handling, "extend")
    refused(flow, "is_handler", "LVR Art 22, 23 ¶3", handling, "extend", role="handler", org="zj-gov-county")


def test_review_guards(flow):
    timekeeping.set_now(datetime(2026, 3, 2, 10, 0, tzinfo=SH))
    opinion = flow.new("PT_OPINION_SERVED")                                   # served the same day
    timekeeping.set_now(datetime(2026, 4, 2, 0, 30, tzinfo=SH))               # 30 d from receipt ended on 4/1
    refused(flow, "review_window", "LVR Art 35", opinion, "request_review")
    timekeeping.reset()

    accepted = flow.new("PT_ACCEPTED")
    reply = flow.then(accepted, "start_handling", "issue_opinion", "serve_opinion",
                      over={"start_handling": {"handling_basis": "31(5)"}})
    refused(flow, "reviewable", "LVR Art 35", reply, "request_review")

    review = flow.new("PT_REVIEW")
    assert review["data"]["review"]["org_id"] == "zj-gov-county"
    # the city government governs the county government, but the review is the county government's
    refused(flow, "is_reviewer", "LVR Art 35", review, "issue_review", role="sup", org="sx-gov")
    refused(flow, "is_reviewer", "LVR Art 35", review, "issue_review", role="sup", org="zj-xfj-county")
    refused(flow, "written_reply", "LVR Art 35", review, "issue_review", {"outcome": "not_support", "reasons": "维持"})

    # a provincial organ handles: the directory knows no superior to review it
    top = flow.new(["register", "transfer", "acknowledge", "start_handling", "issue_opinion", "serve_opinion"],
                   org_id="zj-xfj",
                   over={"transfer": {"handler_org_id": "zj-gov"}})
    refused(flow, "handler_has_superior", "LVR Art 35", top, "request_review")


def test_recheck_guards(flow):
    timekeeping.set_now(datetime(2026, 3, 2, 10, 0, tzinfo=SH))
    issued = flow.new("PT_REVIEW_SERVED")
    timekeeping.set_now(datetime(2026, 4, 2, 0, 30, tzinfo=SH))
    refused(flow, "recheck_window", "LVR Art 36", issued, "request_recheck")
    timekeeping.reset()

    recheck = flow.new("PT_RECHECK")
    assert recheck["data"]["recheck"]["org_id"] == "sx-gov"
    refused(flow, "is_rechecker", "LVR Art 36", recheck, "issue_recheck", role="sup", org="zj-gov")
    refused(flow, "is_rechecker", "LVR Art 36", recheck, "issue_recheck", role="sup", org="zj-gov-county")
    refused(flow, "is_rechecker", "LVR Art 36", recheck, "clock_pause", role="sup", org="zj-gov")
    refused(flow, "written_recheck", "LVR Art 36", recheck, "issue_recheck", {"outcome": "not_support", "reasons": "维持"})
    refused(flow, "publicise_after_hearing", "LVR Art 36 ¶2", recheck, "issue_recheck",
            {"outcome": "not_support", "reasons": "维持", "written_reply_ref": "复核1号", "publicise": True})
    refused(flow, "pause_for_hearing", "LVR Art 36 ¶2", recheck, "clock_pause",
            {"clock": "recheck_decision", "reason": "appraisal"})
    paused = flow.fire(recheck, "clock_pause")
    refused(flow, "hearing_over", "LVR Art 36 ¶2", paused, "issue_recheck")
    resumed = flow.fire(paused, "clock_resume")
    final = flow.fire(resumed, "issue_recheck", {"outcome": "not_support", "reasons": "维持", "written_reply_ref": "复核2号",
                                                 "publicise": True})
    assert final["status"] == "PT_FINAL" and final["data"]["recheck"]["publicise"] is True

    # a city government handles: the review is the province's, which has no superior in the directory
    city = flow.new(["register", "transfer", "acknowledge", "start_handling", "issue_opinion", "serve_opinion",
                     "request_review", "issue_review", "serve_review"], org_id="sx-xfj",
                    over={"transfer": {"handler_org_id": "sx-gov"}})
    assert city["data"]["review"]["org_id"] == "zj-gov"
    refused(flow, "reviewer_has_superior", "LVR Art 36", city, "request_recheck")


def test_supervision_guards(flow):
    case = flow.new("PT_HANDLING")
    refused(flow, "supervision_grounds", "LVR Art 40", case, "deadline_expired", {"reason": ""})
    refused(flow, "supervision_grounds", "LVR Art 40", case, "deadline_expired", {"clock": "handling", "reason": "x"})
    opinion = flow.new("PT_OPINION_ISSUED")
    refused(flow, "support_opinion", "LVR Art 32 ¶2", opinion, "execution_overdue")
    supported = flow.new("PT_OPINION_ISSUED", over={"issue_opinion": SUPPORT})
    flagged = flow.fire(supported, "execution_overdue")
    assert flagged["supervised"] is True
    assert flagged["data"]["supervision"][-1]["cause"] == "execution_overdue"


# -- issue 13 (the law, read again) -------------------------------------------------------------------
def test_service_date_guards(flow):
    """送达 is a real day between the reply and today: the windows count from it (LVR Art 35, 36 ¶1)."""
    timekeeping.set_now(datetime(2026, 3, 2, 10, 0, tzinfo=SH))
    opinion = flow.new("PT_OPINION_ISSUED")
    refused(flow, "opinion_service_date", "LVR Art 35", opinion, "serve_opinion",
            {"served_on": "2026-03-03", "method": "post"})                     # tomorrow
    refused(flow, "opinion_service_date", "LVR Art 35", opinion, "serve_opinion",
            {"served_on": "2026-03-01", "method": "post"})                     # before the opinion
    refused(flow, "is_handler", "LVR Art 22, 23 ¶3", opinion, "serve_opinion", role="handler", org="zj-gov-county")
    review = flow.new("PT_REVIEW_ISSUED")
    refused(flow, "review_service_date", "LVR Art 36 ¶1", review, "serve_review",
            {"served_on": "2026-03-09", "method": "direct"})
    final = flow.new("PT_FINAL")
    refused(flow, "recheck_service_date", "ZJLV Art 25(3)", final, "serve_recheck",
            {"served_on": "2026-02-27", "method": "electronic"})
    timekeeping.reset()


def test_the_petitioner_evaluates(flow):
    served = flow.new("PT_OPINION_SERVED")
    refused(flow, "petitioner_evaluates", "LVR Art 21 ¶2", served, "record_satisfaction",
            {"satisfaction": "satisfied"}, role="xfb")
    mediating = flow.fire(flow.new("PT_HANDLING"), "start_mediation")
    refused(flow, "petitioner_evaluates", "LVR Art 21 ¶2", mediating, "sign_settlement",
            {"agreement_ref": "和解协议书1号", "signed_by": ["petitioner", "other_side"], "satisfaction": "satisfied"},
            role="handler")
    recorded = flow.fire(served, "record_satisfaction", {"satisfaction": "satisfied", "via": "phone",
                                                         "evaluator": "王五"}, role="xfb")
    entry = recorded["data"]["satisfaction"]
    assert (entry["given_by"], entry["evaluator"], entry["via"], entry["via_label"], entry["recorded_by_role"]) == \
        ("petitioner", "王五", "phone", "电话回访", "xfb")
    own = flow.fire(recorded, "record_satisfaction", {"satisfaction": "basically_satisfied"}, role="party")
    assert (own["data"]["satisfaction"]["via"], own["data"]["satisfaction"]["recorded_by_role"]) == ("self_service", "party")
    assert [e["value"] for e in own["data"]["satisfaction_history"]] == ["satisfied", "basically_satisfied"]


def test_law_related_matters_leave_the_ordinary_procedure(flow):
    """诉访分离 in the petition service itself (LVR Art 22 ¶2, 28 ¶2, 31(1); ZJLV Art 3)."""
    at_office = flow.new("PT_RECEIVED", category="law_related")
    assert at_office["data"]["law_related"] is True
    refused(flow, "not_law_related", "LVR Art 22 ¶2, 28 ¶2", at_office, "transfer", {"handler_org_id": "zj-court"})
    refused(flow, "not_law_related", "LVR Art 22 ¶2, 28 ¶2", at_office, "assign", {"handler_org_id": "zj-nr",
                                                                                    "report_due": "2026-12-31"})
    direct = flow.new("PT_RECEIVED", org_id="zj-nr", category="law_related")
    refused(flow, "not_law_related", "28 ¶2", direct, "acknowledge")
    # the lawful way: to the political-legal organ (redirect), for a civil suit to the court
    out = flow.fire(at_office, "redirect", {"kind": "law_related", "target_org_id": "zj-court",
                                            "channel_told": "向人民法院依法提起诉讼"})
    assert out["status"] == "PT_REDIRECTED" and out["data"]["redirect"]["target_org_id"] == "zj-court"
    assert flow.fire(direct, "redirect", {"kind": "law_related", "channel_told": "向人民检察院申请监督"},
                     role="handler")["status"] == "PT_REDIRECTED"


def test_a_matter_re_reviewed_is_not_taken_up_again_by_any_organ(flow):
    petitioner = person_id("19950505")
    final = flow.new("PT_FINAL", petitioner=petitioner)
    direct = flow.new("PT_RECEIVED", petitioner=petitioner, org_id="zj-nr")
    refused(flow, "not_finally_settled", "LVR Art 36 ¶3", direct, "acknowledge")
    at_office = flow.new("PT_RECEIVED", petitioner=petitioner)
    refused(flow, "not_finally_settled", "LVR Art 36 ¶3", at_office, "transfer")
    refused(flow, "not_finally_settled", "LVR Art 36 ¶3", at_office, "assign", {"handler_org_id": "zj-nr",
                                                                                 "report_due": "2026-12-31"})
    # the organ that received it directly refuses it itself (D4), not only the petition office
    refusal = flow.fire(direct, "reject_duplicate", {"duplicate_of": final["case_no"], "rule": "D4"}, role="handler")
    assert refusal["status"] == "PT_REDIRECTED" and refusal["data"]["duplicate"]["rule"] == "D4"
    assert "LVR Art 36 ¶3" in refusal["data"]["duplicate"]["basis"]
    # new facts and reasons: transferred and accepted again
    moved = flow.fire(at_office, "transfer", {"handler_org_id": "zj-nr", "new_facts_or_reasons": True})
    assert moved["status"] == "PT_TRANSFERRED" and moved["data"]["transfer"]["new_facts_or_reasons"] is True
    fresh = flow.new("PT_RECEIVED", petitioner=petitioner, org_id="zj-nr")
    accepted = flow.fire(fresh, "acknowledge", {"written_notice_ref": "告知2号", "new_facts_or_reasons": True})
    assert accepted["status"] == "PT_ACCEPTED" and accepted["data"]["acceptance"]["new_facts_or_reasons"] is True


def test_statutory_channel_refusal_is_zhejiang_only(flow):
    national = flow.new("PT_RECEIVED")
    refused(flow, "statutory_channel_profile", "ZJLV Art 19, 20(1)", national, "redirect",
            {"kind": "statutory_channel", "channel_told": "向劳动人事争议仲裁委员会申请仲裁", "written_notice_ref": "告知1号"})


def test_zhejiang_refuses_statutory_channel_matters_only_in_writing(container_factory, service_config, rpc_as):
    start_petition(container_factory, service_config, profile="zhejiang")
    flow = Flow(rpc_as)
    case = flow.new("PT_RECEIVED")
    refused(flow, "refusal_in_writing", "ZJLV Art 20(1)", case, "redirect",
            {"kind": "statutory_channel", "channel_told": "向劳动人事争议仲裁委员会申请仲裁"})
    out = flow.fire(case, "redirect", {"kind": "statutory_channel", "channel_told": "向劳动人事争议仲裁委员会申请仲裁",
                                       "written_notice_ref": "诸信不受〔2026〕1号"})
    assert out["status"] == "PT_REDIRECTED" and out["data"]["redirect"]["written_notice_ref"] == "诸信不受〔2026〕1号"
    assert "ZJLV Art 19, 20(1)" in out["data"]["redirect"]["label"]


def test_every_guard_has_a_refusal_test():
    """Every guard of the case type is refused somewhere above, and every event's guards are named in G."""
    source = Path(__file__).read_text(encoding="utf-8")
    tested = set(re.findall(r'refused\(flow, "(\w+)"', source))
    assert tested == set(G), set(G) ^ tested
    assert {g for e in PETITION.events for g in e.guards} == set(G.values())
