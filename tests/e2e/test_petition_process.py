"""Intake and petition as separate OS processes (`nameko run`), over RabbitMQ: the window registers an
administrative dispute, the router routes it to the county petition office, the petition case runs
transfer → acceptance → handling with an extension → opinion served (送达) → review (复查) → review served
→ re-review (复核) → PT_FINAL, intake tracks it to closed; the same petition raised again is refused
(LVR Art 36 ¶3) and cannot be transferred again."""
from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime
from zoneinfo import ZoneInfo

from contracts.errors import JiefenError
from tests.harness import party_actor
from tests.conftest import ACTORS
from tests.e2e.conftest import wait_for
from tests.factories import claim, key

PETITIONER_CLAIM = {
    "summary": "对房屋征收补偿决定不服",
    "request": "请求撤销房屋征收补偿决定，按市场评估价重新核定补偿",
    "facts": "2026年3月收到征收补偿决定，补偿标准明显低于同地段市场评估价……",
    "subject_ref": "暨阳街道某村12号",
}


def today(view: dict) -> str:
    """The Shanghai date of the case's last change: the day the reply is served in this run."""
    return datetime.fromisoformat(view["updated_at"]).astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()


def who(role: str, org: str) -> dict:
    return {"user_id": f"{role}-{org}", "role": role, "org_id": org}


def test_window_to_re_review_and_a_repeated_petition_refused(cluster):
    cluster.start("intake", "petition")
    with ExitStack() as stack:
        rpc = {name: stack.enter_context(cluster.rpc(a)) for name, a in {
            "window": ACTORS["window"], "router": ACTORS["router"],
            "xfb": who("xfb", "zj-xfj-county"), "handler": who("handler", "zj-nr"),
            "party": party_actor("zj-xfj-county"), "reviewer": who("sup", "zj-gov-county"),
            "rechecker": who("sup", "sx-gov")}.items()}
        sent = claim("administrative", **PETITIONER_CLAIM)
        intake_case, pt = route_to_petition(rpc, sent)
        assert (pt["org_id"], pt["status"], pt["channel"]) == ("zj-xfj-county", "PT_RECEIVED", "visit")
        assert pt["parent"] == {"service": "intake", "case_id": intake_case["case_id"]}
        # intake moves to tracking by itself once the petition case exists
        tracking = wait_for(lambda: (c := rpc["window"].intake.get_case(intake_case["case_id"]))["status"]
                            == "IN_TRACKING" and c)
        link = tracking["links"][0]
        assert (link["service"], link["case_id"], link["case_no"]) == ("petition", pt["case_id"], pt["case_no"])

        petition = rpc["xfb"].petition
        pt = petition.fire(pt["case_id"], "transfer", {"handler_org_id": "zj-nr", "note": "属自然资源部门职责"},
                           pt["version"], key())
        handler = rpc["handler"].petition
        pt = handler.fire(pt["case_id"], "acknowledge", {"written_notice_ref": "诸自然资信告〔2026〕9号"},
                          pt["version"], key())
        assert pt["status"] == "PT_ACCEPTED"
        pt = handler.fire(pt["case_id"], "start_handling", {"handling_basis": "31(6)"}, pt["version"], key())
        before = next(c for c in pt["deadlines"] if c["kind"] == "handling")
        pt = handler.fire(pt["case_id"], "extend", {"amount": 20, "approval": "局长批准", "reason": "需补充评估",
                                                     "notice": "已书面告知信访人延期理由"}, pt["version"], key())
        after = next(c for c in pt["deadlines"] if c["kind"] == "handling")
        assert (before["amount"], after["extended_by"]) == (60, 20) and after["due_date"] > before["due_date"]
        pt = handler.fire(pt["case_id"], "issue_opinion",
                          {"outcome": "not_support", "reasons": "补偿已按评估价核定",
                           "legal_basis": "《国有土地上房屋征收与补偿条例》第十九条"}, pt["version"], key())
        assert pt["status"] == "PT_OPINION_ISSUED"
        # the 复查 window runs from receipt (LVR Art 35): the service is recorded first
        pt = handler.fire(pt["case_id"], "serve_opinion", {"served_on": today(pt), "method": "direct",
                                                            "received_by": "王五"}, pt["version"], key())
        window = next(c for c in pt["deadlines"] if c["kind"] == "review_window")
        assert pt["status"] == "PT_OPINION_SERVED" and window["amount"] == 30

        pt = rpc["party"].petition.fire(pt["case_id"], "request_review", {"reasons": "评估方法有误"}, pt["version"], key())
        assert (pt["status"], pt["data"]["review"]["org_id"]) == ("PT_REVIEW", "zj-gov-county")
        pt = rpc["reviewer"].petition.fire(pt["case_id"], "issue_review",
                                           {"outcome": "not_support", "reasons": "原意见事实清楚",
                                            "written_reply_ref": "诸政信复查〔2026〕3号"}, pt["version"], key())
        pt = rpc["reviewer"].petition.fire(pt["case_id"], "serve_review", {"served_on": today(pt), "method": "post",
                                                                           "receipt_ref": "EMS回执"}, pt["version"], key())
        assert pt["status"] == "PT_REVIEW_SERVED"
        pt = rpc["party"].petition.fire(pt["case_id"], "request_recheck", {"reasons": "仍不服"}, pt["version"], key())
        assert (pt["status"], pt["data"]["recheck"]["org_id"]) == ("PT_RECHECK", "sx-gov")
        pt = rpc["rechecker"].petition.fire(pt["case_id"], "issue_recheck",
                                            {"outcome": "not_support", "reasons": "复查意见正确",
                                             "written_reply_ref": "绍政信复核〔2026〕1号"}, pt["version"], key())
        assert (pt["status"], pt["terminal"]) == ("PT_FINAL", True)
        pt = rpc["rechecker"].petition.fire(pt["case_id"], "serve_recheck", {"served_on": today(pt),
                                                                             "method": "electronic"}, pt["version"], key())

        # intake tracks its child to the end
        closed = wait_for(lambda: (c := rpc["window"].intake.get_case(intake_case["case_id"]))["status"] == "IN_CLOSED" and c)
        assert closed["links"][0]["status"] == "PT_FINAL" and closed["links"][0]["terminal"] is True

        # the same petitioner, same facts and reasons, comes back to the window
        again_intake, again = route_to_petition(rpc, claim("administrative", parties=sent["parties"], **PETITIONER_CLAIM))
        assert again["data"]["duplicate_candidates"][0]["case_id"] == pt["case_id"]
        assert again["data"]["duplicate_candidates"][0]["rule"] == "D4"
        try:     # LVR Art 36 ¶3 binds the petition office too: no transfer into the procedure again
            petition.fire(again["case_id"], "transfer", {"handler_org_id": "zj-nr"}, again["version"], key())
            raise AssertionError("a matter re-reviewed is not taken up again")
        except JiefenError as err:
            assert err.code == "GUARD_FAILED" and "LVR Art 36 ¶3" in err.message
        try:
            petition.fire(again["case_id"], "reject_duplicate", {"duplicate_of": pt["case_no"], "rule": "D3"},
                          again["version"], key())
            raise AssertionError("D3 does not apply to a matter already re-reviewed")
        except JiefenError as err:
            assert err.code == "GUARD_FAILED" and "LVR Art 19 ¶3" in err.message
        refused = petition.fire(again["case_id"], "reject_duplicate", {"duplicate_of": pt["case_no"], "rule": "D4"},
                                again["version"], key())
        assert refused["status"] == "PT_REDIRECTED"
        assert refused["refusal"]["basis"].startswith("LVR Art 36 ¶3") and "不再受理" in refused["refusal"]["basis"]
        wait_for(lambda: rpc["window"].intake.get_case(again_intake["case_id"])["status"] == "IN_CLOSED")

        history = [h["event"] for h in petition.case_history(pt["case_id"])]
        assert history == ["register_from_handoff", "transfer", "acknowledge", "start_handling", "extend",
                           "issue_opinion", "serve_opinion", "request_review", "issue_review", "serve_review",
                           "request_recheck", "issue_recheck", "serve_recheck"]
        assert petition.verify_history(pt["case_id"])["valid"] is True


def route_to_petition(rpc, sent: dict) -> tuple[dict, dict]:
    """Window registration → classification → routing to the county petition office; returns the routed
    intake case and the petition case the hand-off opened."""
    case = rpc["window"].intake.register_case(sent, key())
    case = rpc["router"].intake.classify(case["case_id"], "administrative", case["version"], key())
    case = rpc["router"].intake.route(case["case_id"], "petition", "对征收补偿决定不服，属信访事项", case["version"], key(),
                                      {"target_org_id": "zj-xfj-county"})
    assert case["status"] == "IN_ROUTED"
    found = wait_for(lambda: rpc["xfb"].petition.find_cases({"parent_case_id": case["case_id"]}, {})["items"])
    return case, rpc["xfb"].petition.get_case(found[0]["case_id"])
