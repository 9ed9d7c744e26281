"""Every route of the gateway over real HTTP, against the running intake service (real RabbitMQ,
SQLite and PostgreSQL), including each error status of the error contract.

    nameko test tests/interface/test_gateway_http.py
"""
from __future__ import annotations

import time
from datetime import timedelta

import pytest

from infra import timekeeping
from services.gateway.service import GatewayService
from tests.factories import claim
from tests.interface.test_gateway_support import (  # noqa: F401  (fixtures)
    PASSWORD, assert_error, gateway, gateway_config, gateway_settings, key, sign_in, users_file)


@pytest.fixture
def web(intake, gateway, web_session):
    return web_session


def register(web, headers, data=None, idem=None):
    res = web.post("/api/intake/cases", json=data or claim(), headers={**headers, "Idempotency-Key": idem or key()})
    assert res.status_code == 201, res.text
    return res.json()


def fire(web, headers, case, event, data=None, version=None):
    return web.post(f"/api/intake/cases/{case['case_id']}/events/{event}",
                    json={"data": data or {}, "expected_version": version or case["version"]},
                    headers={**headers, "Idempotency-Key": key()})


# -- sign-in ----------------------------------------------------------------------------------------
def test_sign_in_gives_a_token_that_names_the_user_and_sign_out_ends_it(web):
    res = web.post("/api/session", json={"user_id": "clerk-01", "password": PASSWORD})
    assert res.status_code == 201
    body = res.json()
    assert body["user"] == {"user_id": "clerk-01", "name": "张敏", "role": "window", "org_id": "zj-centre",
                            "org_name": "诸暨市社会治理中心（矛调中心）"}
    assert len(body["token"]) >= 40 and body["expires_at"].endswith("Z")
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert web.get("/api/session", headers=headers).json()["user"]["user_id"] == "clerk-01"

    assert web.delete("/api/session", headers=headers).status_code == 204
    assert_error(web.get("/api/session", headers=headers), 401, "UNAUTHENTICATED")
    assert_error(web.get("/api/intake/cases", headers=headers), 401, "UNAUTHENTICATED")
    assert_error(web.delete("/api/session", headers=headers), 401, "UNAUTHENTICATED")


@pytest.mark.parametrize("user_id, password", [("clerk-01", "wrong password"), ("nobody", PASSWORD),
                                               ("gone-01", PASSWORD)])
def test_a_wrong_password_an_unknown_or_a_disabled_user_is_refused_alike(web, user_id, password):
    body = assert_error(web.post("/api/session", json={"user_id": user_id, "password": password}),
                        401, "UNAUTHENTICATED")
    assert body["message"] == "用户名或密码不正确"


@pytest.mark.parametrize("payload", [{}, {"user_id": "clerk-01"}, {"user_id": 5, "password": "x"}, [1, 2]])
def test_a_malformed_sign_in_is_a_validation_error(web, payload):
    assert_error(web.post("/api/session", json=payload), 400, "VALIDATION_ERROR")


def test_sign_in_is_limited_after_repeated_failures_from_one_address(web):
    for _ in range(10):
        assert_error(web.post("/api/session", json={"user_id": "clerk-01", "password": "guess"}), 401,
                     "UNAUTHENTICATED")
    res = web.post("/api/session", json={"user_id": "clerk-01", "password": PASSWORD})
    assert_error(res, 429, "RATE_LIMITED")
    assert int(res.headers["Retry-After"]) > 0


API_ROUTES = [
    ("GET", "/api/session"), ("DELETE", "/api/session"), ("GET", "/api/services"), ("GET", "/api/enums"),
    ("GET", "/api/organisations"), ("POST", "/api/intake/cases"), ("GET", "/api/intake/cases/x/duplicates"),
    ("GET", "/api/intake/definition"), ("GET", "/api/intake/cases"), ("GET", "/api/intake/cases/x"),
    ("GET", "/api/intake/cases/x/history"), ("GET", "/api/intake/cases/x/verify"),
    ("GET", "/api/intake/cases/x/allowed-events"), ("POST", "/api/intake/cases/x/events/classify"),
    ("GET", "/api/intake/overdue"), ("POST", "/api/intake/sweep"), ("GET", "/api/mediation/cases"),
]


@pytest.mark.parametrize("method, path", API_ROUTES)
def test_nothing_but_the_resident_lookup_works_without_signing_in(web, method, path):
    assert_error(web.request(method, path), 401, "UNAUTHENTICATED")
    assert_error(web.request(method, path, headers={"Authorization": "Bearer forged-token"}), 401,
                 "UNAUTHENTICATED")
    assert_error(web.request(method, path, headers={"Authorization": "Basic Y2xlcms6cHc="}), 401,
                 "UNAUTHENTICATED")


# -- registering and reading --------------------------------------------------------------------------
def test_the_clerk_registers_a_claim_and_reads_it_back_every_way(web):
    clerk = sign_in(web, "clerk")
    sent = claim()
    case = register(web, clerk, sent)
    assert case["case_no"].startswith("JF-330681-") and case["status"] == "IN_RECEIVED"
    assert len(case["query_code"]) >= 4
    case_url = f"/api/intake/cases/{case['case_id']}"

    got = web.get(case_url, headers=clerk).json()
    assert got["case_no"] == case["case_no"] and "query_code" not in got
    assert got["parties"][0]["id_number"] == sent["parties"][0]["id_number"]      # own organisation: whole

    listed = web.get("/api/intake/cases", params={"org_id": "zj-centre", "status": "IN_RECEIVED,IN_CLASSIFIED",
                                                  "text": case["case_no"], "page": 1, "size": 5}, headers=clerk).json()
    assert listed["total"] == 1 and listed["items"][0]["case_id"] == case["case_id"]
    assert listed["size"] == 5 and listed["items"][0]["deadlines"][0]["kind"] == "classify_route"
    assert web.get("/api/intake/cases", params={"status": "IN_CLOSED"}, headers=clerk).json()["total"] == 0

    history = web.get(f"{case_url}/history", headers=clerk).json()
    assert [(e["event"], e["event_label"]) for e in history] == [("register_claim", "接待登记")]
    # the signed-in user is the actor of the RPC call
    assert (history[0]["user_id"], history[0]["role"], history[0]["org_id"]) == ("clerk-01", "window", "zj-centre")
    assert web.get(f"{case_url}/verify", headers=clerk).json() == {
        "case_id": case["case_id"], "valid": True, "entries": 1, "broken_at": None, "code": None, "problem": None,
        "head": history[0]["hash"]}

    assert {e["id"] for e in web.get(f"{case_url}/allowed-events", headers=clerk).json()} == {"answer_on_spot", "reissue_query_code"}
    router = sign_in(web, "router")
    allowed = web.get(f"{case_url}/allowed-events", headers=router).json()
    assert [e["id"] for e in allowed] == ["classify"]
    assert {f["name"] for f in allowed[0]["data"]} == {"category", "claim_type", "note"}

    assert web.get(f"{case_url}/duplicates", headers=clerk).json() == []
    definition = web.get("/api/intake/definition", headers=clerk).json()
    assert definition["code"] == "intake" and "register_claim" in {e["id"] for e in definition["events"]}


def test_reference_data_for_the_page(web):
    clerk = sign_in(web, "clerk")
    services = web.get("/api/services", headers=clerk).json()
    assert {"name": "intake", "label": "一站式受理"} in services
    assert {s["name"] for s in services} == {"intake", "mediation", "diversion", "petition", "recommendation",
                                                 "supervision"}
    enums = web.get("/api/enums", headers=clerk).json()
    assert enums["categories"]["neighbourhood"] == "邻里纠纷" and enums["roles"]["window"] == "窗口受理员"
    orgs = web.get("/api/organisations", params={"kind": "mediation_committee"}, headers=clerk).json()
    assert "zj-pmc-jiyang" in {o["code"] for o in orgs} and {o["kind"] for o in orgs} == {"mediation_committee"}


def test_a_resent_registration_with_the_same_key_registers_once(web):
    clerk = sign_in(web, "clerk")
    sent, idem = claim(), key()
    first = register(web, clerk, sent, idem)
    again = register(web, clerk, sent, idem)
    assert again["case_id"] == first["case_id"]
    assert web.get("/api/intake/cases", params={"text": first["case_no"]}, headers=clerk).json()["total"] == 1
    other = claim(summary="另一件事")
    res = web.post("/api/intake/cases", json=other, headers={**clerk, "Idempotency-Key": idem})
    assert_error(res, 409, "IDEMPOTENCY_MISMATCH")


@pytest.mark.parametrize("body, headers, field", [
    (claim(), {}, "Idempotency-Key"),
    (claim(), {"Idempotency-Key": "short"}, "Idempotency-Key"),
    (claim(parties=[{"role": "applicant", "kind": "person", "name": "张三", "id_number": "330681199003120011"}]),
     None, "parties"),
    (claim(summary=""), None, "summary"),
    (claim(category="not-a-category"), None, "category"),
    (claim(summary="含\x00字符"), None, "body.summary"),
])
def test_a_bad_registration_is_a_validation_error_naming_the_field(web, body, headers, field):
    clerk = sign_in(web, "clerk")
    res = web.post("/api/intake/cases", json=body,
                   headers={**clerk, **({"Idempotency-Key": key()} if headers is None else headers)})
    err = assert_error(res, 400, "VALIDATION_ERROR")
    assert field in str(err["details"])


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\xff\xfe", b'"text"'])
def test_a_body_that_is_not_a_json_object_is_a_validation_error(web, raw):
    clerk = sign_in(web, "clerk")
    res = web.post("/api/intake/cases", data=raw, headers={**clerk, "Idempotency-Key": key(),
                                                           "Content-Type": "application/json"})
    assert_error(res, 400, "VALIDATION_ERROR")


def test_a_bad_id_number_is_refused_with_its_checksum_message(web):
    clerk = sign_in(web, "clerk")
    bad = claim()
    good = bad["parties"][0]["id_number"]
    bad["parties"][0]["id_number"] = good[:-1] + ("0" if good[-1] != "0" else "1")
    err = assert_error(web.post("/api/intake/cases", json=bad, headers={**clerk, "Idempotency-Key": key()}),
                       400, "VALIDATION_ERROR")
    assert "id_number" in err["details"]["fields"]["parties"]["0"]


@pytest.mark.parametrize("params", [{"page": 0}, {"size": 101}, {"page": "x"}, {"colour": "red"},
                                    {"category": "nonsense"}, {"overdue": "maybe"}, {"page": [1, 2]}])
def test_a_bad_query_is_a_validation_error(web, params):
    clerk = sign_in(web, "clerk")
    assert_error(web.get("/api/intake/cases", params=params, headers=clerk), 400, "VALIDATION_ERROR")


# -- firing events ------------------------------------------------------------------------------------
def test_the_router_fires_events_and_the_timeline_follows(web):
    clerk, router = sign_in(web, "clerk"), sign_in(web, "router")
    case = register(web, clerk)
    res = fire(web, router, case, "classify", {"category": "neighbourhood", "note": "相邻通行"})
    assert res.status_code == 200, res.text
    classified = res.json()
    assert (classified["status"], classified["version"]) == ("IN_CLASSIFIED", 2)
    res = fire(web, router, classified, "route_to_mediation", {"reason": "民间纠纷，调解先行",
                                                               "target_org_id": "zj-pmc-jiyang"})
    assert res.status_code == 200, res.text
    routed = res.json()
    assert routed["status"] == "IN_ROUTED" and routed["links"][0]["service"] == "mediation"
    history = web.get(f"/api/intake/cases/{case['case_id']}/history", headers=clerk).json()
    assert [(e["event"], e["user_id"]) for e in history] == [
        ("register_claim", "clerk-01"), ("classify", "router-01"), ("route_to_mediation", "router-01")]
    assert web.get(f"/api/intake/cases/{case['case_id']}/verify", headers=clerk).json()["valid"] is True


def test_a_resent_event_with_the_same_key_runs_once(web):
    clerk, router = sign_in(web, "clerk"), sign_in(web, "router")
    case = register(web, clerk)
    url = f"/api/intake/cases/{case['case_id']}/events/classify"
    body = {"data": {"category": "neighbourhood"}, "expected_version": 1}
    headers = {**router, "Idempotency-Key": key()}
    first, again = web.post(url, json=body, headers=headers), web.post(url, json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json()["version"] == again.json()["version"] == 2


def test_a_stale_version_is_a_version_conflict(web):
    clerk, router = sign_in(web, "clerk"), sign_in(web, "router")
    case = register(web, clerk)
    assert fire(web, router, case, "classify", {"category": "neighbourhood"}).status_code == 200
    err = assert_error(fire(web, router, case, "classify", {"category": "neighbourhood"}, version=1), 409,
                       "VERSION_CONFLICT")
    assert err["details"]["current_version"] == 2


def test_an_event_the_state_does_not_allow_is_a_conflict(web):
    clerk, router = sign_in(web, "clerk"), sign_in(web, "router")
    case = register(web, clerk)
    err = assert_error(fire(web, router, case, "route_to_mediation", {"reason": "x"}), 409, "TRANSITION_NOT_ALLOWED")
    assert err["details"]["state"] == "IN_RECEIVED"


def test_a_failed_legal_condition_is_422_citing_the_article(web):
    clerk, router = sign_in(web, "clerk"), sign_in(web, "router")
    case = register(web, clerk, claim("administrative"))
    classified = fire(web, router, case, "classify", {"category": "administrative"}).json()
    err = assert_error(fire(web, router, classified, "route_to_mediation", {"reason": "试试调解"}), 422,
                       "GUARD_FAILED")
    assert "《人民调解法》第二条" in err["message"] and "Art" not in err["message"]   # cited as a reader cites it


@pytest.mark.parametrize("body", [{}, {"expected_version": 0}, {"expected_version": 2 ** 40},
                                  {"expected_version": "one"}, {"expected_version": 1, "data": []},
                                  {"expected_version": 1, "extra": True}])
def test_a_malformed_event_body_is_a_validation_error(web, body):
    clerk, router = sign_in(web, "clerk"), sign_in(web, "router")
    case = register(web, clerk)
    res = web.post(f"/api/intake/cases/{case['case_id']}/events/classify", json=body,
                   headers={**router, "Idempotency-Key": key()})
    assert_error(res, 400, "VALIDATION_ERROR")


def test_event_data_the_contract_refuses_is_a_validation_error(web):
    clerk, router = sign_in(web, "clerk"), sign_in(web, "router")
    case = register(web, clerk)
    err = assert_error(fire(web, router, case, "classify", {"category": "nonsense"}), 400, "VALIDATION_ERROR")
    assert "category" in err["details"]["fields"]["data"]
    assert_error(fire(web, router, case, "no_such_event"), 400, "VALIDATION_ERROR")


# -- who may do what ----------------------------------------------------------------------------------
def test_a_role_that_may_not_fire_the_event_is_forbidden(web):
    clerk = sign_in(web, "clerk")
    case = register(web, clerk)
    err = assert_error(fire(web, clerk, case, "classify", {"category": "neighbourhood"}), 403, "FORBIDDEN")
    assert err["details"]["allowed_roles"] == ["router"]


def test_another_organisation_may_not_read_or_act_on_the_case(web):
    clerk, outsider = sign_in(web, "clerk"), sign_in(web, "jiyang_clerk")
    case = register(web, clerk)
    for suffix in ("", "/history", "/verify", "/allowed-events"):
        assert_error(web.get(f"/api/intake/cases/{case['case_id']}{suffix}", headers=outsider), 403, "FORBIDDEN")
    assert_error(fire(web, outsider, case, "answer_on_spot", {"kind": "consultation", "answer": "x"}), 403,
                 "FORBIDDEN")
    assert web.get("/api/intake/cases", headers=outsider).json()["total"] == 0


def test_only_the_supervisor_may_sweep_the_clocks(web):
    assert_error(web.post("/api/intake/sweep", headers=sign_in(web, "clerk")), 403, "FORBIDDEN")
    res = web.post("/api/intake/sweep", headers=sign_in(web, "supv"))
    assert res.status_code == 200 and isinstance(res.json(), dict)


# -- not found, not allowed ----------------------------------------------------------------------------
def test_unknown_cases_services_and_paths_are_404(web):
    clerk = sign_in(web, "clerk")
    assert_error(web.get("/api/intake/cases/no-such-case", headers=clerk), 404, "NOT_FOUND")
    assert_error(web.get("/api/intake/cases/no-such-case/history", headers=clerk), 404, "NOT_FOUND")
    assert_error(fire(web, sign_in(web, "router"), {"case_id": "no-such-case", "version": 1}, "classify",
                      {"category": "neighbourhood"}), 404, "NOT_FOUND")
    assert_error(web.get("/api/nosuchservice/cases", headers=clerk), 404, "NOT_FOUND")
    assert_error(web.get("/api/gateway/definition", headers=clerk), 404, "NOT_FOUND")
    assert_error(web.get("/api/nowhere/at/all/really", headers=clerk), 404, "NOT_FOUND")
    assert_error(web.get("/static/../service.py"), 404, "NOT_FOUND")
    assert_error(web.get("/static/nothing.js"), 404, "NOT_FOUND")


def test_a_method_the_path_does_not_take_is_405_in_the_same_shape(web):
    res = web.put("/api/intake/cases")
    assert_error(res, 405, "METHOD_NOT_ALLOWED")
    assert "POST" in res.headers["Allow"]


# -- overdue ------------------------------------------------------------------------------------------
def test_overdue_cases_appear_in_the_overdue_list_oldest_first(web):
    clerk, supv = sign_in(web, "clerk"), sign_in(web, "supv")
    first, second = register(web, clerk), register(web, clerk)
    assert web.get("/api/intake/overdue", headers=supv).json()["total"] == 0
    timekeeping.advance(timedelta(days=30))        # the in-process intake container reads this clock
    listed = web.get("/api/intake/overdue", params={"size": 10}, headers=supv).json()
    assert [c["case_id"] for c in listed["items"]] == [first["case_id"], second["case_id"]]
    assert listed["items"][0]["overdue_clock"]["overdue"] is True
    assert web.get("/api/intake/cases", params={"overdue": "true"}, headers=clerk).json()["total"] == 2
    assert_error(web.get("/api/intake/overdue", params={"size": 0}, headers=supv), 400, "VALIDATION_ERROR")


# -- the resident's lookup -----------------------------------------------------------------------------
def test_the_resident_sees_milestones_with_the_right_query_code_and_nothing_personal(web):
    clerk, router = sign_in(web, "clerk"), sign_in(web, "router")
    sent = claim()
    case = register(web, clerk, sent)
    fire(web, router, case, "classify", {"category": "neighbourhood"})
    res = web.get("/api/public/lookup", params={"case_no": case["case_no"], "query_code": case["query_code"]})
    assert res.status_code == 200, res.text
    seen = res.json()
    assert seen["case_no"] == case["case_no"] and seen["status_label"] == "已分类"
    assert [m["label"] for m in seen["milestones"]] == ["接待登记", "分类"]
    assert seen["category_label"] == "邻里纠纷" and seen["next_deadline"]
    text = res.text
    for secret in (sent["parties"][0]["name"], sent["parties"][0]["id_number"], sent["parties"][0]["phone"],
                   "clerk-01", "router-01", case["case_id"]):
        assert secret not in text


def test_a_wrong_query_code_is_404_and_guessing_is_rate_limited(web):
    case = register(web, sign_in(web, "clerk"))
    for _ in range(5):
        res = web.get("/api/public/lookup", params={"case_no": case["case_no"], "query_code": "WRONG1"})
        assert_error(res, 404, "NOT_FOUND")
    for _ in range(4):
        res = web.get("/api/public/lookup", params={"case_no": "JF-330681-2026-999999", "query_code": "ABCDEF"})
        assert_error(res, 404, "NOT_FOUND")
    assert_error(web.get("/api/public/lookup", params={"case_no": "x"}), 400, "VALIDATION_ERROR")   # 10th try
    res = web.get("/api/public/lookup", params={"case_no": case["case_no"], "query_code": case["query_code"]})
    body = assert_error(res, 429, "RATE_LIMITED")                                                     # 11th
    assert int(res.headers["Retry-After"]) > 500 and body["details"]["retry_after"] > 500


# -- services that do not answer ------------------------------------------------------------------------
def test_a_service_not_deployed_is_503_at_once(web):
    clerk = sign_in(web, "clerk")
    started = time.monotonic()
    err = assert_error(web.get("/api/mediation/cases", headers=clerk), 503, "SERVICE_UNAVAILABLE")
    assert time.monotonic() - started < 2.5          # unroutable: no waiting for the timeout
    assert err["details"]["service"] == "mediation"
    assert_error(web.get("/api/recommendation/definition", headers=clerk), 503, "SERVICE_UNAVAILABLE")


def test_a_stopped_service_is_503_within_the_timeout_never_a_hang(intake, gateway, web_session):
    web = web_session
    clerk = sign_in(web, "clerk")
    case = register(web, clerk)
    intake.stop()                                  # its durable queue stays, nobody consumes it
    for method, path in [("GET", f"/api/intake/cases/{case['case_id']}"), ("GET", "/api/intake/cases"),
                         ("GET", "/api/public/lookup?case_no=JF-330681-2026-000001&query_code=ABCDEF")]:
        started = time.monotonic()
        err = assert_error(web.request(method, path, headers=clerk, timeout=30), 503, "SERVICE_UNAVAILABLE")
        assert 2.5 < time.monotonic() - started < 8   # rpc_timeout is 3 s in these tests
        assert err["details"]["timeout"] == 3


# -- documents and pages ---------------------------------------------------------------------------------
def test_openapi_documents_every_api_route_with_the_error_contract(web):
    spec = web.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    documented = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    # the served document has every route (tests/unit/test_openapi_routes.py: the rule, without a broker)
    from tests.unit.test_openapi_routes import PAGES, gateway_routes
    assert documented == gateway_routes() - PAGES
    schemas = spec["components"]["schemas"]
    assert schemas["RegisterCase"]["required"] == ["category", "channel", "parties", "request", "summary"]
    assert "intake.classify" in schemas and schemas["Error"]["required"] == ["details", "error", "message"]
    lookup = spec["paths"]["/api/public/lookup"]["get"]
    assert lookup["security"] == [] and "429" in lookup["responses"]
    fire_op = spec["paths"]["/api/{service}/cases/{case_id}/events/{event}"]["post"]
    assert {"400", "401", "403", "404", "409", "422", "503"} <= set(fire_op["responses"])


def test_the_reference_page_and_the_web_pages_are_served_without_a_cdn(web):
    res = web.get("/docs")
    assert res.status_code == 200 and res.headers["Content-Type"].startswith("text/html")
    assert "/api/{service}/cases/{case_id}/events/{event}" in res.text and "RegisterCase" in res.text
    res = web.get("/", allow_redirects=False)
    assert res.status_code == 302 and res.headers["Location"] == "/window/"
    res = web.get("/window", allow_redirects=False)
    assert res.status_code in (301, 308) and res.headers["Location"].endswith("/window/")
    for path, marker in [("/window/", "受理回执"), ("/lookup", "办理进度查询"), ("/static/app.js", "allowed-events"),
                         ("/static/validate.js", "RIC_WEIGHTS"), ("/static/dom.js", "JiefenDom"),
                         ("/static/app.css", "@media print")]:
        res = web.get(path)
        assert res.status_code == 200 and marker in res.text, path
        assert "default-src 'self'" in res.headers["Content-Security-Policy"]
        assert "http://" not in res.text and "https://" not in res.text, path


# -- the same routes serve every case service ------------------------------------------------------------
OTHER_SERVICES = {"mediation": "MediationService", "diversion": "DiversionService", "petition": "PetitionService",
                  "recommendation": "RecommendationService"}


def _service_class(name):
    import importlib
    try:
        return getattr(importlib.import_module(f"services.{name}.service"), OTHER_SERVICES[name])
    except Exception as exc:          # being built elsewhere: not here yet
        pytest.skip(f"services.{name} is not available here: {exc!r}")


@pytest.mark.parametrize("name", sorted(OTHER_SERVICES))
def test_another_case_service_is_served_by_the_same_routes_without_gateway_changes(
        name, container_factory, service_config, intake, gateway, web_session):
    container = container_factory(_service_class(name), service_config)
    container.start()
    supv = sign_in(web_session, "supv")
    definition = web_session.get(f"/api/{name}/definition", headers=supv)
    assert definition.status_code == 200, definition.text
    assert definition.json()["service"] == name
    listed = web_session.get(f"/api/{name}/cases", params={"size": 5}, headers=supv)
    assert listed.status_code == 200 and listed.json()["total"] == 0
    assert web_session.get(f"/api/{name}/overdue", headers=supv).json()["items"] == []
    assert_error(web_session.get(f"/api/{name}/cases/no-such-case", headers=supv), 404, "NOT_FOUND")
    assert web_session.post(f"/api/{name}/sweep", headers=supv).status_code == 200


# -- sessions expire; the shipped users file loads ------------------------------------------------------
def test_a_session_expires_after_its_time(intake, container_factory, service_config, web_config, users_file,
                                          web_session):
    config = {**service_config, **web_config, "GATEWAY": gateway_settings(users_file, session_ttl=1)}
    container_factory(GatewayService, config).start()
    clerk = sign_in(web_session, "clerk")
    assert web_session.get("/api/session", headers=clerk).status_code == 200
    time.sleep(1.5)
    assert_error(web_session.get("/api/intake/cases", headers=clerk), 401, "UNAUTHENTICATED")


def test_the_shipped_users_file_names_known_roles_and_organisations():
    from infra.config import ROOT
    from infra.orgs import load_directory
    from services.gateway.passwords import verify_password
    from services.gateway.users import load_users
    users = load_users(str(ROOT / "config" / "users.yaml"), load_directory(str(ROOT / "config" / "organisations.yaml")))
    assert users["clerk-01"].role == "window" and users["clerk-01"].org_id == "zj-centre"
    assert verify_password("jiefen-demo", users["clerk-01"].password_hash)
    assert len({u.password_hash for u in users.values()}) == len(users)       # a salt per user
