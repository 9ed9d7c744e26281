"""The petition office's journey in the staff page, every person signed in as themselves, no API or CLI
step (issue 14): a letter registered at the petition office, 交办, accepted, answered and served; 复查 and
复核 asked by the petitioner and recorded by the office with the evidence; the review and re-review organs'
answers, served; the petitioner's lookup at each stage; no screen shows an internal code."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.browser.test_journeys import internal_codes
from tests.factories import person_id
from tests.interface.petition_walk import petition_service  # noqa: F401  (fixture)
from tests.interface.test_gateway_support import PASSWORD, USERS, gateway_settings

STAFF = {**USERS,
         "xfb": {"user_id": "xfb-01", "name": "孙伟", "role": "xfb", "org_id": "zj-xfj-county"},
         "handler": {"user_id": "handler-01", "name": "钱敏", "role": "handler", "org_id": "zj-nr"},
         "review": {"user_id": "sup-01", "name": "吴建华", "role": "sup", "org_id": "zj-gov-county"},
         "recheck": {"user_id": "sup-02", "name": "沈国平", "role": "sup", "org_id": "sx-gov"}}
BEIJING = timezone(timedelta(hours=8))


@pytest.fixture
def gateway_config(service_config, web_config, users_file):
    return {**service_config, **web_config,
            "GATEWAY": gateway_settings(users_file, services=["intake", "petition"], rpc_timeout=10)}


def test_a_letter_goes_from_the_petition_office_through_review_and_re_review_to_final(drive, petition_service, site):
    today = datetime.now(BEIJING).date()
    seen = drive("petition_journey", {"password": PASSWORD, "petitioner_id": person_id("19900808", 81),
                                      "today": today.isoformat(), "report_due": (today + timedelta(days=30)).isoformat()},
                 timeout=400)
    # registration in the page: 新建案件, a form in Chinese, the field the service refused named under it
    assert "新建案件" in seen["nav"] and seen["openings"] == ["登记来信来访"]
    assert {"来源渠道 *", "信访事项类型 *", "请求事项 *", "当事人 *", "姓名或名称 *"} <= set(seen["register_labels"])
    assert seen["register_required"] == "请先填写标出的项目"
    assert "第1位当事人的联系电话" in seen["register_server_error"] and seen["register_phone_error"]
    assert seen["case_no"].startswith("PT-330681-") and len(seen["query_code"]) == 8
    # 交办 with a picker of the bodies that may handle it, and the written notice of where it went
    assert "诸暨市自然资源和规划局" in seen["assign_choices"] and "诸暨市人民法院" not in seen["assign_choices"]
    assert "诸暨市信访局" not in seen["assign_choices"]
    assert seen["assigned_status"] == "已转送/交办"
    assert any(d.startswith("信访事项交办告知书") for d in seen["documents_after_assign"])
    from tests.unit.test_documents import norm, pypdf_text
    text = pypdf_text(open(seen["assign_notice_pdf"], "rb").read())
    for needed in ("信访事项交办告知书", seen["case_no"], "王五", "交由诸暨市自然资源和规划局办理", "诸暨市信访局(印章)"):
        assert norm(needed) in text, needed
    # the department: accepted, handled, answered, served; the 处理意见书 is printable
    assert "受理并书面告知" in seen["handler_actions"]
    assert seen["served_status"] == "处理意见已送达"
    assert any(d.startswith("信访事项处理意见书") for d in seen["documents_after_opinion"])
    # the petitioner's own acts, recorded by the office with the evidence: no dead end
    waiting = seen["handler_waiting_row"]           # the handler's own list: 待当事人, with the 复查 window's last day
    assert "待当事人：" in waiting and "请求复查" in waiting and "前" in waiting, waiting
    assert "请求复查" in seen["office_actions_after_service"] and seen["review_status"] == "复查中"
    assert "代为记录：第1位当事人本人所为（书面申请，复查申请书（2026）第1号）" in seen["timeline_after_request"]
    assert "孙伟（信访部门，诸暨市信访局）" in seen["timeline_after_request"]
    assert seen["review_served_status"] == "复查意见已送达"
    assert seen["final_status"] == "复核终结"
    assert any(d.startswith("信访事项复核意见书") for d in seen["final_documents"])
    # the lookup at each stage: who has it (with the phone), what the petitioner may do and by when
    opinion, review, final = (seen["lookups"][k] for k in ("opinion", "review", "final"))
    assert opinion["who"] == "诸暨市自然资源和规划局（电话：0575-00000004）"
    assert "三十日内请求原办理机关的上一级机关复查" in opinion["may-do"]
    # 30 days from service; a last day on a holiday rolls to the next working day (infra/calendar.py)
    from infra.calendar import Calendar
    due = Calendar().next_working_day(today + timedelta(days=30))
    assert f"请在{due.year}年{due.month}月{due.day}日前提出" in opinion["may-do"]
    assert "《信访工作条例》第三十五条" in opinion["basis"]
    assert review["who"] == "诸暨市人民政府（电话：0575-00000002）" and "请求复核" in review["may-do"]
    assert final["who"] == "绍兴市人民政府（电话：0575-00000001）" and "办理终结" in final["where"]
    assert len(final["milestones"]) >= 10 and seen["lookup_overflow"] is False
    problems = {s["screen"]: internal_codes(s["text"], (seen["query_code"],)) for s in seen["texts"]}
    assert {k: v for k, v in problems.items() if v} == {}
