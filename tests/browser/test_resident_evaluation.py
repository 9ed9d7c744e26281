"""The resident evaluates a closed case from the lookup page in headless Chromium (gateway → supervision,
which checks the query code with intake; real RabbitMQ, SQLite): 不满意 needs a reason, the answer names
the date by which the handling organisation will visit, a second evaluation is refused in plain words,
and the 回访 task is in the centre's list."""
from __future__ import annotations

import re

from tests.factories import claim, key
from tests.interface.supervision_walk import supervision

__all__ = ["supervision"]


def test_the_resident_evaluates_a_closed_case_from_the_lookup_page(supervision, drive, site, rpc_as):
    window = rpc_as("window").intake
    case = window.register_case(claim(), key())
    code = case["query_code"]
    case = window.fire(case["case_id"], "answer_on_spot", {"kind": "consultation", "answer": "已当场解答"},
                       case["version"], key())
    case = window.fire(case["case_id"], "close", {"outcome": "已答复"}, case["version"], key())
    seen = drive("evaluation", {"case_no": case["case_no"], "query_code": code, "reason": "只作了口头解释，围墙还在"})
    assert seen["no_reason_error"] == "选择不满意时请写明原因"
    assert re.fullmatch(r"感谢您的评价：不满意。我们已请办理单位在\d{4}年\d{1,2}月\d{1,2}日前回访您，了解您不满意的原因。",
                        seen["done"]), seen["done"]
    assert seen["form_visible_after"] is False
    assert seen["second_error"] == "本案已经评价过了，每件案件只能评价一次（《浙江省平安建设条例》第六十二条）"
    assert not re.search(r"[A-Za-z_]{4,}", seen["page_text"].replace(case["case_no"], "")), seen["page_text"]
    tasks = rpc_as("window").supervision.find_cases({"case_type": "return_visit"})["items"]
    assert len(tasks) == 1 and tasks[0]["status"] == "RV_OPEN"
