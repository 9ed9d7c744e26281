"""Structured logs (issue 16): a refusal is one JSON line naming the code, service, method, case id and
actor; INTERNAL carries its traceback; personal data never reaches a log line.

    nameko test tests/operations/test_logs.py
"""
from __future__ import annotations

import io
import json
import logging

import pytest

from contracts.errors import JiefenError
from infra import logs
from infra.service import api
from tests.factories import claim, key
from tests.harness import expect_error
from tests.interface.test_gateway_support import gateway_config, users_file  # noqa: F401  (fixtures)
from tests.operations.test_health import gateway  # noqa: F401  (fixture)


@pytest.fixture
def captured():
    """Every log line of the process while the test runs, formatted as `nameko run` formats it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def personal_values(sent: dict) -> list[str]:
    return [v for p in sent["parties"] for v in (p["id_number"], p["phone"], p["name"], p["address"])]


def test_each_refusal_is_one_json_line_with_its_call_and_no_personal_data(intake, rpc_as, captured):
    sent = claim()
    case = rpc_as("window").intake.register_case(sent, key())
    bad = claim()
    bad["parties"][0]["id_number"] = bad["parties"][0]["id_number"][:-1] + ("1" if bad["parties"][0]["id_number"][-1] != "1" else "2")
    expect_error("VALIDATION_ERROR", rpc_as("window").intake.register_case, bad, key())
    expect_error("NOT_FOUND", rpc_as("window").intake.get_case, "no-such-case")
    expect_error("TRANSITION_NOT_ALLOWED", rpc_as("window").intake.fire, case["case_id"], "close",
                 {"outcome": "x"}, case["version"], key())
    expect_error("FORBIDDEN", rpc_as({"role": "window"}, signed=False).intake.get_case, case["case_id"])

    text = captured.getvalue()
    for value in personal_values(sent) + personal_values(bad) + [case["query_code"]]:
        assert value not in text, f"personal data {value!r} in the logs"

    refusals = [line for line in lines(captured) if line.get("msg") == "refused"]
    by_code = {r["code"]: r for r in refusals}
    assert sorted(by_code) == ["FORBIDDEN", "NOT_FOUND", "TRANSITION_NOT_ALLOWED", "VALIDATION_ERROR"]
    assert len(refusals) == 4                                          # one line each, no traceback
    assert all("exc" not in r and r["service"] == "intake" and r["call_id"].startswith("intake.") for r in refusals)
    assert by_code["VALIDATION_ERROR"]["method"] == "register_case"
    assert by_code["VALIDATION_ERROR"]["fields"] == ["case"]
    assert by_code["NOT_FOUND"]["case_id"] == "no-such-case"
    moved = by_code["TRANSITION_NOT_ALLOWED"]
    assert (moved["method"], moved["case_id"], moved["user_id"], moved["org_id"]) == \
        ("fire", case["case_id"], "clerk-01", "zj-centre")
    assert "user_id" not in by_code["FORBIDDEN"]
    assert all(len(line.splitlines()) == 1 for line in captured.getvalue().splitlines())


class _Ctx:
    call_id = "demo.explode.1"


class _Platform:
    context = {"user_id": "clerk-01", "role": "window", "org_id": "zj-centre"}


class Demo:
    name = "demo"
    ops, platform = _Ctx(), _Platform()

    @api
    def explode(self, case_id):
        raise RuntimeError(f"unexpected: party 330681199003120018 phone 13800138000 in {case_id}")

    @api
    def refuse(self, case_id):
        raise JiefenError("GUARD_FAILED", "依据《人民调解法》第十七条…", {"case_id": case_id})


def test_internal_is_logged_with_its_traceback_redacted_and_the_caller_sees_no_trace(captured):
    err = expect_error("INTERNAL", Demo().explode, "case-1")
    assert err.message == "服务内部错误，已记录，未做任何更改"
    (line,) = [line for line in lines(captured) if line.get("code") == "INTERNAL"]
    assert line["level"] == "ERROR" and line["method"] == "explode" and line["case_id"] == "case-1"
    assert "Traceback" in line["exc"] and "RuntimeError" in line["exc"]
    assert "330681199003120018" not in captured.getvalue() and "13800138000" not in captured.getvalue()


def test_a_guard_refusal_is_one_info_line_and_the_binding_ends_with_the_call(captured):
    expect_error("GUARD_FAILED", Demo().refuse, "case-2")
    logging.getLogger("after").info("later")
    first, later = lines(captured)
    assert (first["code"], first["level"], first["case_id"]) == ("GUARD_FAILED", "INFO", "case-2")
    assert "case_id" not in later and "service" not in later


def test_the_gateway_logs_each_refusal_as_one_line_with_route_status_and_user(intake, gateway, web_session, captured):  # noqa: F811
    from tests.interface.test_gateway_support import PASSWORD
    assert web_session.post("/api/session", json={"user_id": "clerk-01", "password": "wrong"}).status_code == 401
    token = web_session.post("/api/session", json={"user_id": "clerk-01", "password": PASSWORD}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    bad = claim()
    bad["parties"][0]["phone"] = "not a phone 13700137000"
    res = web_session.post("/api/intake/cases", json=bad, headers={**headers, "Idempotency-Key": key()})
    assert res.status_code == 400
    assert web_session.get("/api/intake/cases/nope", headers=headers).status_code == 404

    text = captured.getvalue()
    for value in personal_values(bad) + ["13700137000", PASSWORD]:
        assert value not in text, f"personal data {value!r} in the logs"
    refused = [line for line in lines(captured) if line.get("msg") == "refused" and line.get("service") == "gateway"]
    assert [(r["code"], r["status"], r["route"]) for r in refused] == [
        ("UNAUTHENTICATED", 401, "POST /api/session"),
        ("VALIDATION_ERROR", 400, "POST /api/intake/cases"),
        ("NOT_FOUND", 404, "GET /api/<service>/cases/<case_id>")]
    assert refused[2]["case_id"] == "nope" and refused[2]["user_id"] == "clerk-01" and refused[2]["call_id"]
    assert "user_id" not in refused[0]
    # the service's own line of the same refusal names the gateway request it came from
    (inner,) = [line for line in lines(captured) if line.get("service") == "intake" and line.get("code") == "NOT_FOUND"]
    assert inner["origin_call_id"] == refused[2]["call_id"] and inner["call_id"] != refused[2]["call_id"]
