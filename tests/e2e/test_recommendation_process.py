"""End to end: the recommendation service as its own OS process (`nameko run`), driven from outside
over RabbitMQ by the court, the procuratorate, the recipient departments and the centre. Time moves
through JIEFEN_NOW_FILE (cluster.advance_days); the service's own sweep timer (0.5 s here) fires the
deadlines."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from tests.e2e.conftest import wait_for
from tests.factories import key
from tests.harness import expect_error
from tests.interface.recommendation_walk import (ACTORS, COURT_APPROVAL, COURT_DRAFT, COURT_SERVE, DRAFT, EXAMPLES,
                                                 SHA)

SH = ZoneInfo("Asia/Shanghai")


def local_day(iso: str) -> date:
    return datetime.fromisoformat(iso).astimezone(SH).date()


def fire(rpc, case, event, data=None):
    return rpc.recommendation.fire(case["case_id"], event, EXAMPLES.get(event, {}) if data is None else data,
                                   case["version"], key())


def test_court_recommendation_from_draft_to_closed_through_overdue_and_urging(cluster):
    cluster.start("recommendation")
    with cluster.rpc(ACTORS["court_issuer"]) as court, cluster.rpc(ACTORS["court_rcpt"]) as hrss, \
            cluster.rpc(ACTORS["supv"]) as centre:
        case = court.recommendation.draft(COURT_DRAFT, key())
        assert case["case_no"].startswith("RC-330681-") and case["status"] == "RC_DRAFTING"
        case = fire(court, case, "consult_recipient")                 # JSR Art 5
        case = fire(court, case, "submit")
        case = fire(court, case, "approve_issue", COURT_APPROVAL)      # 审委会, 院长签发, reply within 1 month
        year = local_day(case["updated_at"]).year
        assert case["status"] == "RC_ISSUED" and case["data"]["letter"]["doc_no"] == f"暨法建〔{year}〕1号"
        assert [c["kind"] for c in case["deadlines"]] == ["service"]
        case = fire(court, case, "serve", COURT_SERVE)
        assert case["status"] == "RC_AWAITING_REPLY"
        reply = case["deadlines"][0]
        assert (reply["kind"], reply["amount"], reply["unit"]) == ("court_reply", 1, "months")
        served_on, due = local_day(case["updated_at"]), date.fromisoformat(reply["due_date"])
        assert 28 <= (due - served_on).days <= 31 + 9          # a month, plus at most a holiday roll-over

        # the recipient sees the letter served on it
        assert hrss.recommendation.get_case(case["case_id"])["data"]["letter"]["doc_no"] == f"暨法建〔{year}〕1号"

        # the last day passes: the sweep (every 0.5 s) makes the case overdue
        cluster.advance_days((due - served_on).days + 1)
        case = wait_for(lambda: (c := court.recommendation.get_case(case["case_id"]))["status"] == "RC_OVERDUE" and c)
        assert case["supervised"] is True
        board = centre.recommendation.recipient_dashboard()
        [row] = board["recipients"]
        assert (row["org_id"], row["open"], row["overdue"], row["escalation_state"]) == ("zj-hrss", 1, 1, "overdue")
        assert row["recommendations"][0]["days_overdue"] >= 1

        case = fire(centre, case, "urge", {"method": "joint_meeting", "note": "联席会议督促"})
        assert case["status"] == "RC_URGED"
        esc = next(c for c in case["deadlines"] if c["kind"] == "escalation")
        assert (esc["amount"], esc["unit"]) == (15, "days")
        urged_on = local_day(case["updated_at"])
        assert 15 <= (date.fromisoformat(esc["due_date"]) - urged_on).days <= 15 + 9
        assert centre.recommendation.recipient_dashboard()["recipients"][0]["escalation_state"] == "urged"

        evidence = [{"document_id": "hrss-2026-017", "sha256": SHA, "title": "工资专户整改报告"},
                    {"document_id": "hrss-2026-018", "sha256": "ab" * 32, "title": "联合处置机制文件",
                     "media_type": "application/pdf"}]
        case = fire(hrss, case, "submit_reply", {**EXAMPLES["submit_reply"], "evidence": evidence})
        assert case["status"] == "RC_REPLIED"
        assert [(e["document_id"], e["sha256"]) for e in case["data"]["replies"][-1]["evidence"]] == [
            ("hrss-2026-017", SHA), ("hrss-2026-018", "ab" * 32)]
        assert case["data"]["replies"][-1]["late_days"] >= 1
        case = fire(court, case, "verify_implementation", {"method": "follow_up_cases", "note": "后续欠薪案件下降"})
        case = fire(court, case, "mark_implemented")
        assert case["status"] == "RC_CLOSED" and case["terminal"] is True and case["closed_at"]
        assert case["deadlines"] == []

        history = [h["event"] for h in court.recommendation.case_history(case["case_id"])]
        assert history == ["draft", "consult_recipient", "submit", "approve_issue", "serve", "deadline_expired",
                           "urge", "submit_reply", "verify_implementation", "mark_implemented"]
        assert court.recommendation.verify_history(case["case_id"])["valid"] is True
        board = centre.recommendation.recipient_dashboard()
        assert board["recipients"][0]["open"] == 0 and board["recipients"][0]["closed"]["implemented"] == 1


def test_procuratorial_objections_upheld_and_dismissed(cluster):
    cluster.start("recommendation")
    with cluster.rpc(ACTORS["issuer"]) as proc, cluster.rpc(ACTORS["rcpt"]) as nr:
        def served():
            case = fire(proc, proc.recommendation.draft(DRAFT, key()), "submit")
            case = fire(proc, case, "approve_issue")
            return fire(proc, case, "serve")

        # upheld: the letter is amended (same number, revision 2) and served again
        first = served()
        doc_no = first["data"]["letter"]["doc_no"]
        assert doc_no.startswith("暨检建〔") and doc_no.endswith("〕1号")
        objected = fire(nr, first, "raise_objection")
        assert objected["status"] == "RC_OBJECTION_REVIEW"
        amended = proc.recommendation.review_objection(objected["case_id"], "upheld_amend",
                                                       EXAMPLES["objection_upheld_amend"], objected["version"], key())
        assert amended["status"] == "RC_ISSUED" and amended["data"]["revision"] == 2
        assert amended["data"]["letter"]["amendments"][0]["amendment"] == "删除第二项建议"
        again = fire(proc, amended, "serve")
        assert again["status"] == "RC_AWAITING_REPLY" and again["data"]["letter"]["doc_no"] == doc_no
        assert len(again["data"]["services"]) == 2

        # dismissed: reasons explained, the recipient must reply; no second objection on the same letter
        second = served()
        assert second["data"]["letter"]["doc_no"].endswith("〕2号")
        objected = fire(nr, second, "raise_objection")
        dismissed = proc.recommendation.review_objection(objected["case_id"], "dismissed",
                                                         EXAMPLES["objection_dismissed"], objected["version"], key())
        assert dismissed["status"] == "RC_AWAITING_REPLY"
        assert dismissed["data"]["objections"][-1]["decision"]["reasons"] == "临时用地已过期，异议不成立"
        assert [c["kind"] for c in dismissed["deadlines"]] == ["public_interest_reply"]
        # one objection per letter (PRR Art 23): not offered again (infra/preview.py), and refused if sent
        assert {e["id"] for e in nr.recommendation.allowed_events(dismissed["case_id"])} == {"submit_reply"}
        err = expect_error("GUARD_FAILED", fire, nr, dismissed, "raise_objection")
        assert "PRR Art 23" in err.message
        replied = fire(nr, dismissed, "submit_reply")
        assert replied["status"] == "RC_REPLIED"

        # withdrawn (the other upheld outcome) ends the case
        third = fire(nr, served(), "raise_objection")
        withdrawn = proc.recommendation.review_objection(third["case_id"], "upheld_withdraw",
                                                         EXAMPLES["objection_upheld_withdraw"], third["version"], key())
        assert withdrawn["status"] == "RC_WITHDRAWN" and withdrawn["terminal"] is True


def test_an_urged_recipient_is_flagged_after_fifteen_days_and_the_chief_procurator_escalates(cluster):
    cluster.start("recommendation")
    with cluster.rpc(ACTORS["issuer"]) as proc, cluster.rpc(ACTORS["supv"]) as centre:
        case = fire(proc, proc.recommendation.draft(DRAFT, key()), "submit")
        case = fire(proc, case, "approve_issue", {**EXAMPLES["approve_issue"], "damage_spreading": True})
        case = fire(proc, case, "serve")
        due = date.fromisoformat(case["deadlines"][0]["due_date"])
        cluster.advance_days((due - local_day(case["updated_at"])).days + 1)
        case = wait_for(lambda: (c := proc.recommendation.get_case(case["case_id"]))["status"] == "RC_OVERDUE" and c)
        case = fire(proc, case, "urge")
        esc_due = date.fromisoformat(next(c for c in case["deadlines"] if c["kind"] == "escalation")["due_date"])
        cluster.advance_days((esc_due - local_day(case["updated_at"])).days)       # the last day itself
        wait_for(lambda: any(h["event"] == "deadline_warning"
                             for h in proc.recommendation.case_history(case["case_id"])))
        # the positive signal: a whole sweep of this process over today (no clock held by the timer's
        # sweep, so none skipped) has run since, and the last day, not yet over, fired nothing
        wait_for(lambda: centre.recommendation.sweep_clocks()["skipped"] == 0)
        assert proc.recommendation.get_case(case["case_id"])["status"] == "RC_URGED"
        assert "escalation_due" not in [h["event"] for h in proc.recommendation.case_history(case["case_id"])]
        cluster.advance_days(1)
        # the clock only warns (issue 13 item 19): the case stays urged until people decide
        wait_for(lambda: any(h["event"] == "escalation_due"
                             for h in proc.recommendation.case_history(case["case_id"])))
        case = proc.recommendation.get_case(case["case_id"])
        assert case["status"] == "RC_URGED" and case["data"]["escalation_due"][-1]["due_date"] == esc_due.isoformat()
        case = fire(proc, case, "escalate")              # no just cause found; 检察长 decides (PRR)
        assert case["status"] == "RC_ESCALATED"
        assert case["data"]["escalations"][-1]["measures"] == ["report_superior_procuratorate"]
        row = centre.recommendation.recipient_dashboard()["recipients"][0]
        assert (row["org_id"], row["escalation_state"], row["escalated"]) == ("zj-nr", "escalated", 1)
        sued = fire(proc, case, "file_public_interest_suit")
        assert sued["status"] == "RC_LITIGATION"
        assert centre.recommendation.recipient_dashboard()["recipients"][0]["closed"]["litigation"] == 1
