"""The staff workspace routes (services/gateway/workspace.py) over real HTTP against running services:
one task list across services, searchable by case number, party name, ID number and phone, one row per
case; the timeline in Chinese; a committee's mediator roster.

    nameko test tests/interface/test_gateway_workspace.py
"""
from __future__ import annotations

import copy
import re

import pytest

from tests.factories import claim, person_id
from tests.harness import wait_for
from tests.interface.test_gateway_support import (  # noqa: F401  (fixtures)
    assert_error, gateway, gateway_settings, key, sign_in, users_file)


@pytest.fixture
def gateway_config(service_config, web_config, users_file):
    return {**service_config, **web_config,
            "GATEWAY": gateway_settings(users_file, services=["intake", "mediation"], rpc_timeout=10)}


@pytest.fixture
def mediation(container_factory, service_config):
    from services.mediation.service import MediationService
    container = container_factory(MediationService, service_config)
    container.start()
    return container


@pytest.fixture
def web(intake, mediation, gateway, web_session):
    return web_session


def register(web, headers, **overrides):
    res = web.post("/api/intake/cases", json=claim(**overrides), headers={**headers, "Idempotency-Key": key()})
    assert res.status_code == 201, res.text
    return res.json()


def tasks(web, headers, **query):
    res = web.get("/api/tasks", params=query, headers=headers)
    assert res.status_code == 200, res.text
    return res.json()


def test_the_task_list_holds_each_open_case_once_waiting_for_the_role(web):
    clerk, router = sign_in(web, "clerk"), sign_in(web, "router")
    first = register(web, clerk)
    second = register(web, clerk)
    mine = tasks(web, router)
    nos = [r["case_no"] for r in mine["items"]]
    assert sorted(nos) == sorted([first["case_no"], second["case_no"]]) and len(set(nos)) == len(nos)
    row = next(r for r in mine["items"] if r["case_no"] == first["case_no"])
    assert row["service_label"] == "一站式受理" and row["status_label"] == "接待登记"
    assert "分类" in row["actions"] and row["applicant"] == "张三"
    assert row["next_due"]["due_date"] and mine["problems"] == []
    assert tasks(web, router) == mine                       # asking again duplicates nothing


def test_the_task_list_is_searched_by_name_phone_id_number_and_case_number(web):
    clerk, router = sign_in(web, "clerk"), sign_in(web, "router")
    parties = copy.deepcopy(claim()["parties"])
    parties[0].update(name="王小明", phone="13700137000", id_number=person_id("19950505", 77))
    wanted = register(web, clerk, parties=parties)
    other = register(web, clerk)
    for term in ("王小明", "13700137000", parties[0]["id_number"], wanted["case_no"]):
        found = [r["case_no"] for r in tasks(web, router, text=term)["items"]]
        assert found == [wanted["case_no"]], term
    assert other["case_no"] in [r["case_no"] for r in tasks(web, router, scope="all")["items"]]
    assert tasks(web, router, category="labour")["items"] == []
    err = assert_error(web.get("/api/tasks", params={"bogus": "1"}, headers=router), 400, "VALIDATION_ERROR")
    assert "bogus" in err["details"]["fields"]


def test_a_routed_case_reaches_the_committee_list_and_the_timeline_reads_chinese(web):
    clerk, router = sign_in(web, "clerk"), sign_in(web, "router")
    case = register(web, clerk)
    classified = web.post(f"/api/intake/cases/{case['case_id']}/events/classify",
                          json={"data": {"category": "neighbourhood"}, "expected_version": case["version"]},
                          headers={**router, "Idempotency-Key": key()}).json()
    routed = web.post(f"/api/intake/cases/{case['case_id']}/events/route_to_mediation",
                      json={"data": {"reason": "调解先行", "target_org_id": "zj-pmc-jiyang"},
                            "expected_version": classified["version"]}, headers={**router, "Idempotency-Key": key()})
    assert routed.status_code == 200, routed.text
    supv = sign_in(web, "supv")
    rows = wait_for(lambda: [r for r in tasks(web, supv, scope="all", service="mediation")["items"]
                             if r["case_no"].startswith("PM-")], timeout=20)
    assert len(rows) == 1 and rows[0]["service_label"] == "人民调解"

    timeline = web.get(f"/api/intake/cases/{case['case_id']}/timeline", headers=router).json()
    assert [t["event_label"] for t in timeline][:3] == ["接待登记", "分类", "分流至人民调解"]
    route = timeline[2]
    assert route["who"] == "李强（分流员，诸暨市社会治理中心（矛调中心））"
    assert "接收机构：暨阳街道人民调解委员会" in route["data"]
    for t in timeline:          # Chinese only; a case number (一案一码) is meant to be read
        words = re.sub(r"[A-Z]{2}-\d{6}-\d{4}-\d{6}", "", t["event_label"] + t["to_label"] + t["who"] + "".join(t["data"]))
        assert not re.search(r"[A-Za-z]", words), t


def test_the_mediator_roster_of_a_committee(web):
    supv = sign_in(web, "supv")
    roster = web.get("/api/mediation/mediators", params={"committee_id": "zj-pmc-jiyang"}, headers=supv).json()
    assert [m["name"] for m in roster] == ["王秀英", "陈建国", "陈静"]


# -- the resident lookup: plain words; limits a hall kiosk survives ---------------------------------------
def lookup(web, case, code=None):
    return web.get("/api/public/lookup", params={"case_no": case["case_no"], "query_code": code or case["query_code"]})


def test_a_hall_kiosk_is_never_limited_for_right_query_codes_and_reads_plain_words(web):
    clerk = sign_in(web, "clerk")
    case = register(web, clerk)
    for _ in range(15):                                  # more than lookup_tries (10): right ones never count
        res = lookup(web, case)
        assert res.status_code == 200, res.text
    plain = res.json()["plain"]
    assert plain["where"].startswith("窗口已登记") and plain["who"] == "诸暨市社会治理中心（矛调中心）"
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", plain["next_date"])


def test_guessing_one_case_number_locks_that_case_not_the_kiosk(web):
    clerk = sign_in(web, "clerk")
    guessed, other = register(web, clerk), register(web, clerk)
    for _ in range(5):                                    # lookup_case_tries
        assert_error(lookup(web, guessed, "WRONG1"), 404, "NOT_FOUND")
    body = assert_error(lookup(web, guessed), 429, "RATE_LIMITED")     # even the right code, for a while
    assert body["details"]["retry_after"] > 500
    assert lookup(web, other).status_code == 200                       # the kiosk serves the next resident
