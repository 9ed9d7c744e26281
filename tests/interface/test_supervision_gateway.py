"""The centre's supervision over HTTP (gateway → supervision over real RabbitMQ, SQLite and
PostgreSQL): figures and their drill-down for the director (supv) and the router, the centre's list of
every case, 督办 of a case and 挂牌督办; other roles are refused with the error contract."""
from __future__ import annotations

from tests.interface.supervision_walk import LISTED_EXAMPLES, TARGET, in_days, loaded, supervision, target
from tests.interface.test_gateway_support import (  # noqa: F401  (fixtures)
    assert_error, gateway, gateway_config, gateway_settings, key, sign_in, users_file)
from tests.unit.supervision_dataset import EXPECTED, TOWN

__all__ = ["loaded", "supervision", "target"]
PERIOD = "from=2026-09-01&to=2026-10-31"


def test_figures_and_their_drill_down_over_http(loaded, gateway, web_session):
    supv = sign_in(web_session, "supv")
    res = web_session.get(f"/api/supervision/figures?{PERIOD}&group_by=town", headers=supv)
    assert res.status_code == 200, res.text
    body = res.json()
    assert {k: body["total"][k] for k in EXPECTED} == EXPECTED
    assert {g["key"]: g["label"] for g in body["groups"]}[TOWN] == "诸暨市暨阳街道办事处"
    res = web_session.get(f"/api/supervision/drill-down?figure=closed_on_time_rate&part=denominator&{PERIOD}",
                          headers=sign_in(web_session, "router"))
    assert res.status_code == 200 and res.json()["total"] == 8
    res = web_session.get(f"/api/supervision/drill-down?figure=mediation_success_rate&{PERIOD}&group_by=town&group={TOWN}",
                          headers=supv)
    assert [c["case_no"] for c in res.json()["items"]] == ["NO-m1"]
    warned = web_session.get(f"/api/supervision/warnings?{PERIOD}", headers=supv)
    assert warned.status_code == 200 and warned.json()["items"]
    for w in warned.json()["items"]:        # every case behind a warning, a page at a time
        about = {k: w[k] or "" for k in ("town_id", "category", "org_id", "root_case_id", "subject", "case_id") if k in w}
        res = web_session.get("/api/supervision/warning-cases", headers=supv,
                              params={"rule": w["rule"], **dict(p.split("=") for p in PERIOD.split("&")), **about, "size": 1})
        assert res.status_code == 200, res.text
        assert res.json()["total"] == w["case_count"] and [c["case_id"] for c in res.json()["items"]] == w["case_ids"][:1]
    assert_error(web_session.get(f"/api/supervision/warning-cases?rule=no_such_rule&{PERIOD}", headers=supv),
                 400, "VALIDATION_ERROR")
    listed = web_session.get("/api/supervision/all-cases?service=petition&size=10", headers=supv).json()
    assert {c["case_no"] for c in listed["items"]} == {"NO-p1", "NO-p2"}


def test_the_monthly_report_downloads_as_a_workbook(loaded, gateway, web_session):
    from io import BytesIO

    from openpyxl import load_workbook
    res = web_session.get("/api/supervision/monthly-report?month=2026-09", headers=sign_in(web_session, "supv"))
    assert res.status_code == 200, res.text
    assert res.headers["Content-Disposition"] == 'attachment; filename="jiefen-2026-09.xlsx"'
    ws = load_workbook(BytesIO(res.content))["汇总"]
    rows = {r[0]: r[1:4] for r in ws.iter_rows(min_row=5, values_only=True)}
    # September: received i2 m2 (i1 on 09-28 too); answered i2; d1 settled; r1 replied on time
    assert rows["受理矛盾纠纷（件）"][0] == 3 and rows["当场答复（件）"][0] == 1
    assert rows["诉前调解成功率"] == (1.0, 1, 1) and rows["建议按期回复率"] == (1.0, 1, 1)
    # the month as a clerk writes it, and a month that cannot be read refused in those words
    res = web_session.get("/api/supervision/monthly-report?month=2026年9月", headers=sign_in(web_session, "supv"))
    assert res.headers["Content-Disposition"] == 'attachment; filename="jiefen-2026-09.xlsx"'
    err = assert_error(web_session.get("/api/supervision/monthly-report?month=2026-13", headers=sign_in(web_session, "supv")),
                       400, "VALIDATION_ERROR")
    assert err["details"]["fields"] == {"month": ["月份应写作“2026年10月”的样式"]} and "YYYY" not in repr(err)


def test_the_feed_downloads_as_json_lines(loaded, gateway, web_session):
    import json
    res = web_session.get("/api/supervision/feed?limit=10", headers=sign_in(web_session, "supv"))
    assert res.status_code == 200 and res.headers["X-Feed-Version"] == "1.0"
    assert len(res.text.splitlines()) == 10 and json.loads(res.text.splitlines()[0])["feed_version"] == "1.0"
    rest = web_session.get(f"/api/supervision/feed?after_id={res.headers['X-Next-After']}",
                           headers=sign_in(web_session, "supv"))
    assert len(rest.text.splitlines()) == 4 and "X-Next-After" not in rest.headers


def test_refusals_keep_the_error_contract(loaded, gateway, web_session):
    clerk = sign_in(web_session, "clerk")
    assert_error(web_session.get(f"/api/supervision/figures?{PERIOD}", headers=clerk), 403, "FORBIDDEN")
    supv = sign_in(web_session, "supv")
    body = assert_error(web_session.get("/api/supervision/figures?from=2026-10-01&to=2026-09-01", headers=supv),
                        400, "VALIDATION_ERROR")
    assert "period" in body["details"]["fields"]
    assert_error(web_session.get(f"/api/supervision/figures?{PERIOD}&colour=red", headers=supv), 400, "VALIDATION_ERROR")


def test_supervise_a_case_and_list_a_problem_over_http(target, gateway, web_session):
    supv = sign_in(web_session, "supv")
    res = web_session.post("/api/supervision/supervise", headers={**supv, "Idempotency-Key": key()},
                           json={"target_case_id": TARGET, "reason": "久拖未决", "deadline": in_days(7)})
    assert res.status_code == 201, res.text
    case = res.json()
    assert case["status"] == "SV_OPEN" and case["case_no"].startswith("DB-330681-")
    res = web_session.post("/api/supervision/listings", headers={**supv, "Idempotency-Key": key()},
                           json=LISTED_EXAMPLES["list_for_supervision"])
    assert res.status_code == 201 and res.json()["status"] == "GP_LISTED"
    # the uniform case surface serves both case types
    mine = web_session.get("/api/supervision/cases?size=10", headers=supv).json()
    assert {c["case_type"] for c in mine["items"]} == {"supervision", "listed_supervision"}
    clerk = sign_in(web_session, "clerk")
    assert_error(web_session.post("/api/supervision/supervise", headers={**clerk, "Idempotency-Key": key()},
                                  json={"target_case_id": TARGET, "reason": "x", "deadline": in_days(7)}),
                 403, "FORBIDDEN")
