"""The recommendation service's own commands over real RabbitMQ, on SQLite and PostgreSQL: document
numbers, drafts from a risk pattern, evidence references, the objection review command, idempotent
replays, and the centre's per-recipient dashboard (PSR Art 60-65)."""
from __future__ import annotations

from datetime import datetime

import pytest

from infra import timekeeping
from infra.calendar import SHANGHAI
from tests.factories import key
from tests.harness import expect_error
from tests.interface.recommendation_walk import COURT_DRAFT, DRAFT, EXAMPLES, SHA, Flow, recommendation

__all__ = ["recommendation"]


def at(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def flow(recommendation, rpc_as):
    timekeeping.set_now(at(2026, 3, 2))
    return Flow(rpc_as)


REFS = [{"service": "intake", "case_id": f"case{i}", "case_no": f"JF-330681-2026-00001{i}"} for i in range(3)] + [
    {"service": "mediation", "case_id": "pm1", "case_no": "PM-330681-2026-000007"}]
PATTERN = {"description": "2026年1-2月同一工地欠薪纠纷12件", "category": "labour", "case_count": 12,
           "period_from": "2026-01-01", "period_to": "2026-02-28"}


def test_document_numbers_count_per_issuer_and_year(flow):
    nos = [flow.issued()["data"]["letter"]["doc_no"] for _ in range(2)]
    assert nos == ["暨检建〔2026〕1号", "暨检建〔2026〕2号"]
    court = flow.issued(court=True)
    assert court["data"]["letter"]["doc_no"] == "暨法建〔2026〕1号" and court["doc_no"] == "暨法建〔2026〕1号"
    assert court["data"]["letter"]["reply_period"] == {"amount": 1, "unit": "months"}
    timekeeping.set_now(at(2027, 1, 4))
    assert flow.issued()["data"]["letter"]["doc_no"] == "暨检建〔2027〕1号"


def test_a_replayed_issue_takes_no_second_number(flow):
    case = flow.pending()
    k = key()
    first = flow.rc("issuer").fire(case["case_id"], "approve_issue", EXAMPLES["approve_issue"], case["version"], k)
    again = flow.rc("issuer").fire(case["case_id"], "approve_issue", EXAMPLES["approve_issue"], case["version"], k)
    assert again == first and first["data"]["letter"]["doc_no"] == "暨检建〔2026〕1号"
    assert flow.issued()["data"]["letter"]["doc_no"] == "暨检建〔2026〕2号"


def test_draft_from_a_risk_pattern_links_the_cases_that_show_it(flow):
    court = flow.rc("court_issuer")
    case = court.open_draft_from_risk_pattern(COURT_DRAFT, REFS, PATTERN, key())
    assert case["status"] == "RC_DRAFTING" and case["org_id"] == "zj-court"
    assert case["data"]["origin"] == "risk_pattern"
    assert case["data"]["risk_pattern"]["period_from"] == "2026-01-01"
    assert [(l["link_type"], l["service"], l["case_id"], l["case_no"]) for l in case["links"]] == [
        ("source", r["service"], r["case_id"], r["case_no"]) for r in REFS]
    assert "PSR Art 61" in case["links"][0]["basis"]
    # the centre supplies data; only the court or procuratorate drafts (JSR Art 4)
    expect_error("FORBIDDEN", flow.rc("supv").open_draft_from_risk_pattern, COURT_DRAFT, REFS, PATTERN, key())
    err = expect_error("VALIDATION_ERROR", court.open_draft_from_risk_pattern, COURT_DRAFT, [], PATTERN, key())
    assert "source_cases" in err.details["fields"]
    err = expect_error("VALIDATION_ERROR", court.open_draft_from_risk_pattern, COURT_DRAFT, REFS + REFS[:1],
                       PATTERN, key())
    assert "source_cases" in str(err.details["fields"])
    err = expect_error("VALIDATION_ERROR", court.open_draft_from_risk_pattern, COURT_DRAFT,
                       [{**REFS[0], "service": "nowhere"}], PATTERN, key())
    assert court.find_cases({})["total"] == 1


def test_a_plain_draft_may_name_the_cases_it_came_from(flow):
    case = flow.draft(source_cases=REFS[:1])
    assert case["data"]["origin"] == "casework" and len(case["links"]) == 1


@pytest.mark.parametrize("digest, ok", [
    (SHA, True), (SHA.upper(), True), (SHA[:-1], False), (SHA + "0", False), ("g" * 64, False), ("", False)])
def test_evidence_is_referenced_by_id_and_sha256(flow, digest, ok):
    case = flow.served()
    reply = {**EXAMPLES["submit_reply"], "evidence": [{"document_id": "doc-1", "sha256": digest, "title": "整改报告"}]}
    if ok:
        replied = flow.fire("rcpt", case, "submit_reply", reply)
        assert replied["data"]["replies"][-1]["evidence"][0]["sha256"] == SHA      # kept in lower case
    else:
        err = expect_error("VALIDATION_ERROR", flow.fire, "rcpt", case, "submit_reply", reply)
        assert "sha256" in str(err.details["fields"]["data"]["evidence"])
        assert flow.rc("issuer").get_case(case["case_id"])["version"] == case["version"]


def test_the_same_document_twice_is_refused(flow):
    case = flow.served()
    doc = {"document_id": "doc-1", "sha256": SHA, "title": "整改报告"}
    err = expect_error("VALIDATION_ERROR", flow.fire, "rcpt", case, "submit_reply",
                       {**EXAMPLES["submit_reply"], "evidence": [doc, doc]})
    assert "evidence" in str(err.details["fields"])


def test_review_objection_command(flow):
    rc = flow.rc("issuer")
    for decision, state in (("upheld_amend", "RC_ISSUED"), ("upheld_withdraw", "RC_WITHDRAWN"),
                            ("dismissed", "RC_AWAITING_REPLY")):
        case = flow.fire("rcpt", flow.served(), "raise_objection")
        event = {"upheld_amend": "objection_upheld_amend", "upheld_withdraw": "objection_upheld_withdraw",
                 "dismissed": "objection_dismissed"}[decision]
        done = rc.review_objection(case["case_id"], decision, EXAMPLES[event], case["version"], key())
        assert done["status"] == state
        assert done["data"]["objections"][-1]["decision"]["outcome"] == decision
    case = flow.fire("rcpt", flow.served(), "raise_objection")
    expect_error("VALIDATION_ERROR", rc.review_objection, case["case_id"], "maybe", {}, case["version"], key())
    expect_error("FORBIDDEN", flow.rc("rcpt").review_objection, case["case_id"], "dismissed",
                 EXAMPLES["objection_dismissed"], case["version"], key())


def test_the_recipient_dashboard_shows_days_overdue_and_escalation(flow):
    # served Mon 03-02 10:00
    a = flow.served(kind="social_governance", recipient_org_id="zj-hrss", approve={"urgent": True})  # due 03-17
    b = flow.served(court=True)                                                                      # due 04-02
    c = flow.served(approve={"damage_spreading": True})                                              # due 03-17
    d = flow.fire("rcpt", flow.served(), "submit_reply")
    d = flow.fire("issuer", flow.fire("issuer", d, "verify_implementation"), "mark_implemented")
    assert d["status"] == "RC_CLOSED"
    flow.draft()                                                          # a draft is not the centre's business
    timekeeping.set_now(at(2026, 3, 18, 0, 5))
    flow.rc("supv").sweep_clocks()                                        # a and c overdue
    timekeeping.set_now(at(2026, 3, 18, 10))
    c = flow.fire("supv", flow.rc("supv").get_case(c["case_id"]), "urge")  # escalation due Thu 04-02
    timekeeping.set_now(at(2026, 4, 3, 0, 5))
    flow.rc("supv").sweep_clocks()                                        # b overdue, c's urge period out
    c = flow.rc("supv").get_case(c["case_id"])
    assert c["status"] == "RC_URGED" and c["data"]["escalation_due"]   # a warning; people escalate
    c = flow.fire("supv", c, "escalate", {"no_just_cause": True, "measures": ["refer_to_centre"]})

    board = flow.rc("supv").recipient_dashboard()
    assert board["as_of"] == "2026-04-03"
    nr, hrss = board["recipients"]                                        # the escalated recipient first
    assert (nr["org_id"], nr["name"]) == ("zj-nr", "诸暨市自然资源和规划局")
    assert (nr["open"], nr["overdue"], nr["urged"], nr["escalated"]) == (1, 1, 0, 1)
    assert nr["escalation_state"] == "escalated"
    assert (nr["days_overdue_max"], nr["days_overdue_total"]) == (17, 17)           # 03-17 → 04-03
    assert nr["closed"] == {"implemented": 1, "withdrawn": 0, "litigation": 0}
    [item] = nr["recommendations"]
    assert (item["case_id"], item["status"], item["escalation_state"]) == (c["case_id"], "RC_ESCALATED", "escalated")
    assert item["escalation_measures"] == ["refer_to_centre"] and item["urgings"] == 1
    assert item["doc_no"] == c["data"]["letter"]["doc_no"] and item["reply_due_date"] == "2026-03-17"
    assert hrss["org_id"] == "zj-hrss"
    assert (hrss["open"], hrss["overdue"], hrss["escalation_state"], hrss["supervised"]) == (2, 2, "overdue", 2)
    assert (hrss["days_overdue_max"], hrss["days_overdue_total"]) == (17, 18)       # a: 17, b: 04-02 → 04-03: 1
    assert [i["case_id"] for i in hrss["recommendations"]] == [a["case_id"], b["case_id"]]
    assert board["totals"] == {"open": 3, "overdue": 3, "urged": 0, "escalated": 1}

    # the centre's 约谈 shows on the board
    c = flow.rc("supv").get_case(c["case_id"])
    flow.fire("supv", c, "supervise", {"measures": ["interview", "listed_supervision"], "rectify_by": "2026-04-30"})
    nr = flow.rc("supv").recipient_dashboard()["recipients"][0]
    assert nr["recommendations"][0]["supervision_measures"] == ["interview", "listed_supervision"]


def test_the_dashboard_is_the_centres(flow):
    flow.served()
    expect_error("FORBIDDEN", flow.rc("issuer").recipient_dashboard)
    expect_error("FORBIDDEN", flow.rc("rcpt").recipient_dashboard)
    township = {"user_id": "jy-01", "role": "supv", "org_id": "zj-centre-jiyang"}
    assert flow.rc(township).recipient_dashboard()["recipients"] == []
    assert flow.rc("supv").recipient_dashboard()["recipients"][0]["open"] == 1


def test_a_draft_needs_its_fields(flow):
    err = expect_error("VALIDATION_ERROR", flow.rc("issuer").draft, {**DRAFT, "kind": "advice", "title": ""}, key())
    assert {"kind", "title"} <= set(err.details["fields"]["data"])
    expect_error("VALIDATION_ERROR", flow.rc("issuer").draft, DRAFT, None)
