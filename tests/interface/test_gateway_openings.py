"""Opening a case over HTTP (services/gateway/openings.py): the openings a signed-in user may use, with
their Chinese form fields; the call as that user, once per idempotency key; bad input named in Chinese;
a role or organisation kind the table does not list is refused. Real RabbitMQ, SQLite and PostgreSQL.

    nameko test tests/interface/test_gateway_openings.py
"""
from __future__ import annotations

import pytest

from tests.interface.petition_walk import petition, petition_service  # noqa: F401  (fixture)
from tests.interface.test_gateway_support import (  # noqa: F401  (fixtures)
    PASSWORD, USERS, assert_error, gateway, gateway_settings, key, users_file)

STAFF = {**USERS,
         "xfb": {"user_id": "xfb-01", "name": "孙伟", "role": "xfb", "org_id": "zj-xfj-county"},
         "handler": {"user_id": "handler-01", "name": "钱敏", "role": "handler", "org_id": "zj-nr"}}


@pytest.fixture
def gateway_config(service_config, web_config, users_file):
    return {**service_config, **web_config,
            "GATEWAY": gateway_settings(users_file, services=["intake", "petition"], rpc_timeout=10)}


@pytest.fixture
def web(petition_service, gateway, web_session):
    return web_session


def sign_in(web, who):
    res = web.post("/api/session", json={"user_id": STAFF[who]["user_id"], "password": PASSWORD})
    assert res.status_code == 201, res.text
    return {"Authorization": f"Bearer {res.json()['token']}"}


def test_the_petition_office_sees_its_opening_with_chinese_fields_and_the_window_sees_none(web):
    xfb, clerk = sign_in(web, "xfb"), sign_in(web, "clerk")
    openings = web.get("/api/openings", headers=xfb).json()
    assert [(o["service"], o["command"], o["title"]) for o in openings] == [("petition", "register", "登记来信来访")]
    fields = {f["name"]: f for f in openings[0]["fields"]}
    assert fields["petition_kind"]["label"] == "信访事项类型" and fields["petition_kind"]["required"]
    assert {o["label"] for o in fields["channel"]["options"]} >= {"书信", "走访"}
    assert fields["parties"]["widget"]["kind"] == "rows" and fields["parties"]["required"]
    assert fields["org_id"]["widget"]["kind"] == "hidden"           # the receiving body is the user's own
    assert openings[0]["basis_text"].startswith("《信访工作条例》第十七条")
    assert web.get("/api/openings", headers=clerk).json() == []
    assert assert_error(web.get("/api/openings"), 401, "UNAUTHENTICATED")


def test_registering_a_letter_opens_one_case_per_key_at_the_users_office(web):
    xfb = sign_in(web, "xfb")
    headers = {**xfb, "Idempotency-Key": key()}
    body = petition(channel="letter")
    res = web.post("/api/openings/petition/register", json=body, headers=headers)
    assert res.status_code == 201, res.text
    case = res.json()
    assert case["status"] == "PT_RECEIVED" and case["org_id"] == "zj-xfj-county" and case["service"] == "petition"
    again = web.post("/api/openings/petition/register", json=body, headers=headers)
    assert again.status_code == 201 and again.json()["case_id"] == case["case_id"]
    found = web.get("/api/petition/cases", params={"case_no": case["case_no"]}, headers=xfb).json()
    assert found["total"] == 1
    history = web.get(f"/api/petition/cases/{case['case_id']}/history", headers=xfb).json()
    assert [(e["event"], e["user_id"], e["role"]) for e in history] == [("register", "xfb-01", "xfb")]
    # the petitioner follows it with the code given once at registration (LVR Art 21 ¶2)
    code = case["query_code"]
    assert len(code) == 8 and again.json()["query_code"] == code
    seen = web.get("/api/public/lookup", params={"case_no": case["case_no"], "query_code": code.lower()})
    assert seen.status_code == 200, seen.text
    view = seen.json()
    assert view["status_label"] == "登记" and view["channel_label"] == "信访"
    assert view["plain"]["who"] == "诸暨市信访局（电话：0575-00000003）"
    assert "十五日内" in view["plain"]["where"] and view["plain"]["next_date"].endswith("日")
    assert [m["label"] for m in view["milestones"]] == ["登记"]
    assert_error(web.get("/api/public/lookup", params={"case_no": case["case_no"], "query_code": "WRONG999"}),
                 404, "NOT_FOUND")


def test_bad_input_is_named_in_chinese_and_other_roles_are_refused(web):
    xfb, handler = sign_in(web, "xfb"), sign_in(web, "handler")
    bad = petition()
    del bad["petition_kind"]
    bad["parties"][0]["phone"] = "12"
    err = assert_error(web.post("/api/openings/petition/register", json=bad, headers={**xfb, "Idempotency-Key": key()}),
                       400, "VALIDATION_ERROR")
    assert set(err["details"]["fields"]) == {"petition_kind", "parties"}
    assert "信访事项类型" in err["message"] and "第1位当事人的联系电话" in err["message"]
    assert "petition_kind" not in err["message"]
    # a handler at a department holds no xfb post: not in the table, refused before any call
    refused = assert_error(web.post("/api/openings/petition/register", json=petition(),
                                    headers={**handler, "Idempotency-Key": key()}), 403, "FORBIDDEN")
    assert "登记来信来访" in refused["message"] and "《信访工作条例》" in refused["message"]
    assert_error(web.post("/api/openings/petition/nothing", json={}, headers={**xfb, "Idempotency-Key": key()}),
                 404, "NOT_FOUND")
    assert_error(web.post("/api/openings/petition/register", json=petition(), headers=xfb), 400, "VALIDATION_ERROR")
    assert web.get("/api/petition/cases", headers=xfb).json()["total"] == 0     # nothing was stored


def test_the_openapi_document_lists_each_opening_with_its_contract(web):
    spec = web.get("/openapi.json").json()
    assert "get" in spec["paths"]["/api/openings"]
    post = spec["paths"]["/api/openings/petition/register"]["post"]
    ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    props = spec["components"]["schemas"][ref]["properties"]
    assert props["petition_kind"]["title"] == "信访事项类型" and "201" in post["responses"]
