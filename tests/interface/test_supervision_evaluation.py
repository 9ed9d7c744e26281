"""Residents evaluate closed cases, and 满意率 (PSR Art 62), against real RabbitMQ (intake checks the
query code, supervision keeps the evaluation) on SQLite and PostgreSQL: a closed case is evaluated once;
an open case, a wrong code and a second evaluation are refused in plain Chinese; a retry changes nothing;
不满意 opens a 回访 task with its clock for the organisation that handled the case; 满意率 counts 满意 and
基本满意 over every evaluation. And the centre's warnings as 预警处置 tasks, opened once per warning."""
from __future__ import annotations

from infra import timekeeping
from infra.calendar import Calendar, to_shanghai_date
from infra.config import default_config
from tests.factories import claim, key
from tests.harness import expect_error
from tests.interface.supervision_walk import CENTRE, loaded, supervision
from tests.interface.test_gateway_support import (  # noqa: F401  (fixtures)
    assert_error, gateway, gateway_config, gateway_settings, sign_in, users_file)

__all__ = ["loaded", "supervision"]
RESIDENT = {}          # no sign-in: the case number and the query code are the resident's proof


def _closed(rpc_as, close=True) -> dict:
    """A case answered on the spot at the centre's window and, if ``close``, 办结销号."""
    window = rpc_as("window").intake
    case = window.register_case(claim(), key())
    code = case["query_code"]
    case = window.fire(case["case_id"], "answer_on_spot", {"kind": "consultation", "answer": "已当场解答相邻关系法律规定"},
                       case["version"], key())
    if close:
        case = window.fire(case["case_id"], "close", {"outcome": "已答复"}, case["version"], key())
    return {**case, "query_code": code}


def test_a_closed_case_is_evaluated_once_and_counts_in_the_satisfaction_rate(intake, supervision, rpc_as):
    resident = rpc_as(RESIDENT, signed=False).supervision
    case = _closed(rpc_as)
    k = key()
    got = resident.evaluate(case["case_no"], case["query_code"].lower(), "basically_satisfied", "", k)
    assert (got["rating_label"], got["given_by"], got["return_visit"]) == ("基本满意", "resident", None)
    assert "凭查询码" in got["given_by_label"]
    assert resident.evaluate(case["case_no"], case["query_code"], "basically_satisfied", "", k) == got   # a retry
    err = expect_error("IDEMPOTENCY_MISMATCH", resident.evaluate, case["case_no"], case["query_code"], "satisfied", "", k)
    err = expect_error("GUARD_FAILED", resident.evaluate, case["case_no"], case["query_code"], "satisfied", "", key())
    assert "只能评价一次" in err.message and "《浙江省平安建设条例》第六十二条" in err.message
    # an open case, a wrong code, bad input
    still_open = _closed(rpc_as, close=False)
    err = expect_error("GUARD_FAILED", resident.evaluate, still_open["case_no"], still_open["query_code"], "satisfied", "", key())
    assert "办结后" in err.message
    expect_error("NOT_FOUND", resident.evaluate, case["case_no"], "WRONG123", "satisfied", "", key())
    err = expect_error("VALIDATION_ERROR", resident.evaluate, case["case_no"], case["query_code"], "dissatisfied", "", key())
    assert set(err.details["fields"]) == {"reason"}
    err = expect_error("VALIDATION_ERROR", resident.evaluate, case["case_no"], case["query_code"], "great", "", key())
    assert set(err.details["fields"]) == {"rating"}
    # 满意率: 1 基本满意 and 1 不满意 -> 50%
    other = _closed(rpc_as)
    resident.evaluate(other["case_no"], other["query_code"], "dissatisfied", "答复没有解决问题", key())
    today = to_shanghai_date(timekeeping.now()).isoformat()
    supv = rpc_as("supv").supervision
    figures = supv.figures({"from": today, "to": today}, "org")
    rate = figures["satisfaction"]
    assert (rate["total"]["value"], rate["total"]["numerator"], rate["total"]["denominator"]) == (0.5, 1, 2)
    assert rate["total"]["by_rating"] == {"satisfied": 0, "basically_satisfied": 1, "dissatisfied": 1}
    assert rate["groups"][CENTRE]["denominator"] == 2
    assert supv.satisfaction({"from": today, "to": today})["total"]["value"] == 0.5
    expect_error("FORBIDDEN", rpc_as("handler").supervision.satisfaction, {"from": today, "to": today})


def test_dissatisfied_opens_a_return_visit_for_the_handling_organisation(intake, supervision, rpc_as):
    resident = rpc_as(RESIDENT, signed=False).supervision
    case = _closed(rpc_as)
    k = key()
    got = resident.evaluate(case["case_no"], case["query_code"], "dissatisfied", "只给了口头答复，问题没解决", k)
    calendar = Calendar(str(default_config().path("holidays")))
    due = calendar.period_end(timekeeping.now(), 5, "working_days").isoformat()    # [A] 5 working days
    assert got["return_visit"]["due_date"] == due and got["return_visit"]["case_no"].startswith("HF-330681-")
    assert resident.evaluate(case["case_no"], case["query_code"], "dissatisfied", "只给了口头答复，问题没解决", k) == got
    # in the task list of the organisation that handled it (answered on the spot: the centre's window)
    window = rpc_as("window").supervision
    tasks = window.find_cases({"case_type": "return_visit"})["items"]
    assert [t["case_no"] for t in tasks] == [got["return_visit"]["case_no"]]        # one, despite the retry
    task = window.get_case(tasks[0]["case_id"])
    assert task["status"] == "RV_OPEN" and task["data"]["given_by"] == "resident"
    assert task["data"]["evaluated_case_no"] == case["case_no"] and task["data"]["reason"] == "只给了口头答复，问题没解决"
    assert [(d["kind"], d["due_date"]) for d in task["deadlines"]] == [("return_visit", due)]
    expect_error("FORBIDDEN", rpc_as("handler").supervision.get_case, task["case_id"])     # not another body's
    done = window.fire(task["case_id"], "record_return_visit",
                       {"visit_result": "explained_understood", "note": "电话回访，已解释，当事人表示理解"}, task["version"], key())
    assert done["status"] == "RV_DONE" and done["data"]["visit"]["result_label"] == "已解释说明，当事人表示理解"


def test_each_warning_becomes_one_task_of_the_centre(loaded, rpc_as):
    router = rpc_as("router").supervision
    period = {"from": "2026-09-01", "to": "2026-10-31"}
    warned = router.warnings(period)["items"]
    opened = router.raise_warning_tasks(period)["opened"]
    assert len(opened) == len(warned) >= 1
    task = opened[0]
    w = warned[0]
    assert (task["status"], task["org_id"], task["case_type"]) == ("WT_OPEN", CENTRE, "warning_task")
    assert (task["data"]["level_label"], task["data"]["explanation"], task["data"]["case_ids"]) == \
        (w["level_label"], w["explanation"], w["case_ids"])
    assert task["deadlines"][0]["kind"] == "warning_response"
    assert task["data"]["case_nos"] and all(n.startswith("NO-") for n in task["data"]["case_nos"])
    # what the page's link needs to list every case behind it: the period, what it is about, how many
    data = task["data"]
    assert (data["case_count"], data["period_from"], data["period_to"]) == (w["case_count"], "2026-09-01", "2026-10-31")
    every = router.warning_cases(data["rule"], {"from": data["period_from"], "to": data["period_to"]}, data["about"])
    assert every["total"] == data["case_count"] and [r["case_id"] for r in every["items"]] == data["case_ids"]
    assert router.raise_warning_tasks(period)["opened"] == []          # still open: not raised again
    listed = router.find_cases({"case_type": "warning_task"})
    assert listed["total"] == len(warned)
    task = router.fire(task["case_id"], "acknowledge_warning", {"note": "已签收"}, task["version"], key())
    task = rpc_as("supv").supervision.fire(task["case_id"], "handle_warning", {"measures": "已约请村社排查"}, task["version"], key())
    assert task["status"] == "WT_HANDLED"
    again = router.raise_warning_tasks(period)["opened"]                # handled, the warning still holds: a new task
    assert [t["data"]["fingerprint"] for t in again] == [task["data"]["fingerprint"]]
    expect_error("FORBIDDEN", rpc_as("handler").supervision.raise_warning_tasks, period)


def test_over_http_without_sign_in_and_guessing_is_rate_limited_like_the_lookup(intake, supervision, gateway,
                                                                                 web_session, rpc_as):
    case = _closed(rpc_as)
    body = {"case_no": case["case_no"], "query_code": case["query_code"], "rating": "satisfied"}
    assert_error(web_session.post("/api/public/evaluation", json=body), 400, "VALIDATION_ERROR")   # no Idempotency-Key
    # the form is validated once, by the service (the RPC boundary): its words reach the resident, and a bad
    # form is no failed try
    for _ in range(6):
        err = assert_error(web_session.post("/api/public/evaluation", json={**body, "rating": "dissatisfied"},
                                            headers={"Idempotency-Key": key()}), 400, "VALIDATION_ERROR")
        assert (err["message"], err["details"]["fields"]) == ("请更正：理由", {"reason": ["选择不满意时请写明原因"]}), err
    assert_error(web_session.post("/api/public/evaluation", json={**body, "extra": 1}, headers={"Idempotency-Key": key()}),
                 400, "VALIDATION_ERROR")
    res = web_session.post("/api/public/evaluation", json=body, headers={"Idempotency-Key": key()})
    assert res.status_code == 201, res.text
    assert res.json()["rating_label"] == "满意" and case["case_id"] not in res.text
    err = assert_error(web_session.post("/api/public/evaluation", json=body, headers={"Idempotency-Key": key()}),
                       422, "GUARD_FAILED")
    assert "只能评价一次" in err["message"]
    for _ in range(5):                    # lookup_case_tries: wrong codes for one case number, then 429
        assert_error(web_session.post("/api/public/evaluation", json={**body, "query_code": "WRONG123"},
                                      headers={"Idempotency-Key": key()}), 404, "NOT_FOUND")
    res = web_session.post("/api/public/evaluation", json=body, headers={"Idempotency-Key": key()})
    assert_error(res, 429, "RATE_LIMITED")
    assert int(res.headers["Retry-After"]) > 0
    # an 不满意 evaluation: the 回访 is in the web task list of the centre's window staff, with its action
    other = _closed(rpc_as)
    res = web_session.post("/api/public/evaluation", headers={"Idempotency-Key": key()},
                           json={"case_no": other["case_no"], "query_code": other["query_code"],
                                 "rating": "dissatisfied", "reason": "问题没有解决"})
    assert res.status_code == 201, res.text
    visit = res.json()["return_visit"]
    tasks = web_session.get("/api/tasks?service=supervision", headers=sign_in(web_session, "clerk")).json()["items"]
    row = next(t for t in tasks if t["case_no"] == visit["case_no"])
    assert (row["status_label"], row["actions"], row["next_due"]["due_date"]) == ("待回访", ["记录回访情况"], visit["due_date"])
    timeline = web_session.get(f"/api/supervision/cases/{row['case_id']}/timeline", headers=sign_in(web_session, "clerk"))
    assert timeline.status_code == 200, timeline.text
    opened = timeline.json()[0]
    assert (opened["event_label"], opened["to_label"]) == ("不满意评价转回访", "待回访")
    assert {"群众评价：不满意", "理由：问题没有解决", "回访单位：诸暨市社会治理中心（矛调中心）"} <= set(opened["data"]), opened["data"]
