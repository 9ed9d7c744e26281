"""Abuse at the edges (issue 12): each is answered with a 4xx / VALIDATION_ERROR while another caller
keeps being served. The other caller's latency during the abuse is printed (figures, not asserted:
`-s` shows them)."""
from __future__ import annotations

import socket
import statistics
import time

import eventlet
import pytest

from tests.conftest import ACTORS
from tests.factories import claim, key
from tests.harness import expect_error
from tests.interface.test_gateway_support import (  # noqa: F401  (fixtures)
    PASSWORD, USERS, assert_error, gateway, gateway_config, gateway_settings, sign_in, users_file)


def nested(depth: int):
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


def while_another_is_served(rpc_as, abuse, label: str):
    """Run ``abuse`` (which returns what it got) while another clerk keeps calling; report latencies."""
    other = rpc_as({**ACTORS["window"], "user_id": "clerk-bystander"})
    other.intake.case_definition()                  # warm
    latencies, done = [], []

    def bystander():
        while not done:
            t = time.perf_counter()
            other.intake.find_cases({}, {"size": 1})
            latencies.append((time.perf_counter() - t) * 1000)

    thread = eventlet.spawn(bystander)
    t = time.perf_counter()
    got = abuse()
    abuse_ms = (time.perf_counter() - t) * 1000
    eventlet.sleep(0.05)
    done.append(True)
    thread.wait()
    print(f"\n[{label}] refused in {abuse_ms:.0f} ms; other caller: {len(latencies)} calls, "
          f"p50 {statistics.median(latencies):.1f} ms, max {max(latencies):.1f} ms")
    assert latencies, "the other caller was not served during the abuse"
    return got


# -- RPC -------------------------------------------------------------------------------------------------
def test_deeply_nested_rpc_payload_gets_a_validation_error_reply(intake, rpc_as):
    abuser = rpc_as({**ACTORS["window"], "user_id": "abuser"})
    for depth in (100, 900):
        err = while_another_is_served(
            rpc_as, lambda: expect_error("VALIDATION_ERROR", abuser.intake.register_case, {"x": nested(depth)}, key()),
            f"RPC JSON {depth} deep")
        assert "嵌套" in err.message


def test_huge_rpc_message_is_refused_before_parsing(intake, rpc_as):
    data = claim()
    data["parties"] = data["parties"] * 50_000          # 100k parties, several MB
    abuser = rpc_as({**ACTORS["window"], "user_id": "abuser"}, timeout=60)
    err = while_another_is_served(
        rpc_as, lambda: expect_error("VALIDATION_ERROR", abuser.intake.register_case, data, key()),
        "RPC 100k parties")
    assert "过大" in err.message


@pytest.mark.parametrize("bad", ["张三\x00", "张\ud800三"])
def test_nul_and_lone_surrogates_are_refused_over_rpc_as_over_http(intake, rpc_as, bad):
    data = claim()
    data["parties"][0]["name"] = bad
    err = expect_error("VALIDATION_ERROR", rpc_as("window").intake.register_case, data, key())
    assert "NUL" in err.message or "Unicode" in err.message
    assert rpc_as("window").intake.find_cases({}, {})["total"] == 0


def test_like_wildcards_in_the_text_filter_are_literal(intake, rpc_as):
    rpc_as("window").intake.register_case(claim(summary="邻里纠纷"), key())
    rpc_as("window").intake.register_case(claim(summary="100%占道"), key())
    find = rpc_as("window").intake.find_cases
    assert find({"text": "%"}, {})["total"] == 1 and find({"text": "_"}, {})["total"] == 0
    assert find({"text": "纠纷"}, {})["total"] == 1


def test_query_code_guessing_is_limited_per_case_number_over_rpc(intake, rpc_as):
    case = rpc_as("window").intake.register_case(claim(), key())
    resident = rpc_as({"user_id": "", "role": "", "org_id": ""})
    def guess_ten():
        for _ in range(10):
            expect_error("NOT_FOUND", resident.intake.lookup_by_query_code, case["case_no"], "WRONG123")
        return expect_error("RATE_LIMITED", resident.intake.lookup_by_query_code, case["case_no"], case["query_code"])
    err = while_another_is_served(rpc_as, guess_ten, "RPC lookup guessing")
    assert err.details["retry_after"] > 0
    other = rpc_as("window").intake.register_case(claim(), key())      # another case is not affected
    assert resident.intake.lookup_by_query_code(other["case_no"], other["query_code"])["case_no"] == other["case_no"]


# -- HTTP ------------------------------------------------------------------------------------------------
@pytest.fixture
def web(intake, gateway, web_session):
    return web_session


def raw_http(port: int, request: bytes) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        chunks = []
        while True:
            data = s.recv(65536)
            if not data:
                break
            chunks.append(data)
    response = b"".join(chunks)
    return int(response.split(b" ", 2)[1]), response.split(b"\r\n\r\n", 1)[1]


def test_deep_or_large_http_bodies_are_refused(web):
    clerk = sign_in(web, "clerk")
    deep = "[" * 2000 + "]" * 2000
    res = web.post("/api/intake/cases", data=deep, headers={**clerk, "Idempotency-Key": key(),
                                                             "Content-Type": "application/json"})
    body = assert_error(res, 400, "VALIDATION_ERROR")
    assert "嵌套" in body["message"]
    res = web.post("/api/intake/cases", data=b"{" + b" " * (2 << 20) + b"}",
                   headers={**clerk, "Idempotency-Key": key(), "Content-Type": "application/json"})
    assert_error(res, 413, "VALIDATION_ERROR")


def test_a_chunked_body_is_read_not_taken_as_empty(web, web_config_port):
    import json
    clerk = sign_in(web, "clerk")
    payload = json.dumps(claim(), ensure_ascii=False).encode()
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(payload[i:i + 500]), payload[i:i + 500])
                       for i in range(0, len(payload), 500)) + b"0\r\n\r\n"
    head = (f"POST /api/intake/cases HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            f"Authorization: {clerk['Authorization']}\r\nIdempotency-Key: {key()}\r\n"
            f"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
    status, body = raw_http(web_config_port, head + chunked)
    assert status == 201, body
    assert json.loads(body)["case_no"].startswith("JF-")


def test_failed_sign_ins_lock_the_account_not_the_address(web):
    for _ in range(10):
        assert_error(web.post("/api/session", json={"user_id": "clerk-01", "password": "guess"}), 401,
                     "UNAUTHENTICATED")
    assert_error(web.post("/api/session", json={"user_id": "clerk-01", "password": PASSWORD}), 429, "RATE_LIMITED")
    sign_in(web, "router")                   # another clerk behind the same NAT address signs in
    sign_in(web, "jiyang_clerk")


def test_a_kiosk_doing_successful_lookups_is_not_locked_out(web):
    clerk = sign_in(web, "clerk")
    res = web.post("/api/intake/cases", json=claim(), headers={**clerk, "Idempotency-Key": key()})
    case = res.json()
    for _ in range(30):
        res = web.get("/api/public/lookup", params={"case_no": case["case_no"], "query_code": case["query_code"]})
        assert res.status_code == 200, res.text
