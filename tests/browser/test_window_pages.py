"""The window terminal page and the resident lookup in headless Chromium, against the running intake
service and gateway (issue 8): sign in, register with a bad ID number (inline error), fix it, print the
receipt, find the case in the work list, open it, fire an event, see the timeline update; the resident
looks the case up with a wrong and the right query code."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import requests

from infra import timekeeping
from tests.factories import claim, person_id
from tests.interface.test_gateway_support import PASSWORD

CST = timezone(timedelta(hours=8))


def _bad(good: str) -> str:
    """The same number with a wrong check character (GB 11643)."""
    return good[:-1] + ("1" if good[-1] != "1" else "2")


def test_the_clerk_registers_prints_finds_opens_and_acts_on_a_case(drive, site):
    good = person_id("19900607", 321)
    seen = drive("window", {"user": "clerk-01", "password": PASSWORD, "good_id": good, "bad_id": _bad(good)})

    assert seen["who"].startswith("张敏（窗口受理员）")
    # the bad ID number is caught as it is typed, and the form is not sent
    assert seen["id_error_while_typing"] == "居民身份证号校验码（第18位）不正确，请核对"
    assert seen["id_invalid_attr"] == "true"
    assert seen["phone_error"].startswith("电话号码格式不正确")
    assert seen["submit_refused"] == "请先更正标红的项目" and seen["posted_while_invalid"] == 0
    assert seen["id_error_after_fix"] == "" and seen["phone_error_after_fix"] == ""
    assert seen["posted"] == 1

    receipt = seen["receipt"]
    assert receipt["case-no"].startswith("JF-330681-") and len(receipt["query-code"]) >= 4
    assert receipt["applicant"] == "张三" and receipt["category"] == "邻里纠纷"
    assert receipt["org"] == "诸暨市社会治理中心（矛调中心）" and receipt["clerk"] == "张敏"
    assert "分类分流期限" in receipt["deadlines"]
    assert seen["print_calls"] == 1
    assert seen["print_visible"] == {"receipt": True, "topbar": False, "print_button": False}
    assert seen["pdf_bytes"] > 10_000 and seen["pdf_pages"] == 1

    assert receipt["case-no"] in seen["row"] and "接待登记" in seen["row"]
    assert "clock" in seen["row_clock_classes"] and "overdue" not in seen["row_clock_classes"]

    assert seen["case_heading"] == receipt["case-no"] and seen["status_before"] == "接待登记"
    assert len(seen["timeline_before"]) == 1 and "接待登记" in seen["timeline_before"][0]
    assert seen["actions"] == ["answer_on_spot", "reissue_query_code"]    # the window role, in IN_RECEIVED
    assert "无关联案件" in seen["links_text"] and "记录完整未被改动" in seen["verify"]
    assert seen["dialog_fields"] == ["kind", "answer"] and seen["dialog_required_error"] == "此项必填"

    assert seen["status_after"] == "当场答复"
    assert len(seen["timeline_after"]) == 2
    latest = seen["timeline_after"][0]
    assert "当场答复" in latest and "张敏（窗口受理员，诸暨市社会治理中心（矛调中心））" in latest and "clerk-01" not in latest
    assert "类型：咨询解答" in latest and "答复内容：已当场解答相邻通行的法律规定" in latest
    assert seen["actions_after"] == ["close", "reissue_query_code"]
    # the reissued query code, shown once on the reprinted receipt (with the QR code), differs from the first
    assert seen["reissue_fields"] == ["reissue_reason", "note"]
    assert seen["reissued_case_no"] == receipt["case-no"]
    assert len(seen["reissued_code"]) == 8 and seen["reissued_code"] != receipt["query-code"]


def _register(site, at: datetime) -> dict:
    timekeeping.set_now(at)
    with requests.Session() as s:
        token = s.post(f"{site}/api/session", json={"user_id": "clerk-01", "password": PASSWORD}).json()["token"]
        res = s.post(f"{site}/api/intake/cases", json=claim(), headers={"Authorization": f"Bearer {token}",
                                                                        "Idempotency-Key": f"browser-{at:%m%d%H}"})
    assert res.status_code == 201, res.text
    return res.json()


def test_the_work_list_shows_overdue_cases_in_red_and_those_due_soon(drive, site):
    # 5 working days to classify and route (SPEC §2.4), counted from the next working day:
    # registered Mon 2 Mar 2026 -> due Mon 9 Mar; Thu 5 Mar -> due Thu 12 Mar; Tue 10 Mar -> due Tue 17 Mar
    late = _register(site, datetime(2026, 3, 2, 10, tzinfo=CST))
    soon = _register(site, datetime(2026, 3, 5, 10, tzinfo=CST))
    fresh = _register(site, datetime(2026, 3, 10, 10, tzinfo=CST))
    seen = drive("worklist", {"user": "clerk-01", "password": PASSWORD,
                              "case_nos": [late["case_no"], soon["case_no"], fresh["case_no"]]})
    rows = seen["rows"]
    assert "overdue" in rows[late["case_no"]]["class"] and "已超期" in rows[late["case_no"]]["text"]
    assert rows[late["case_no"]]["background"] == "rgb(179, 38, 30)"          # red
    assert rows[late["case_no"]]["row_class"] == "row-overdue"
    assert "soon" in rows[soon["case_no"]]["class"] and "2026年3月12日" in rows[soon["case_no"]]["text"]
    assert "ok" in rows[fresh["case_no"]]["class"] and "剩5个工作日" in rows[fresh["case_no"]]["text"]
    assert seen["overdue_list"] == [late["case_no"]]


def test_the_resident_looks_up_with_a_wrong_and_the_right_query_code(drive, site):
    case = _register(site, datetime.now(timezone.utc))
    timekeeping.reset()
    seen = drive("lookup", {"case_no": case["case_no"], "query_code": case["query_code"]})
    assert seen["wrong_error"] == "案件编号或查询码不正确，请核对受理回执" and seen["wrong_result_visible"] is False
    assert seen["error_after"] == ""
    assert seen["status"] == "接待登记"
    assert seen["milestones"] and "接待登记" in seen["milestones"][0]
    assert seen["deadline"] != "—"
    for secret in ("张三", "李四", "clerk-01", claim()["parties"][0]["phone"]):
        assert secret not in seen["page_text"]
