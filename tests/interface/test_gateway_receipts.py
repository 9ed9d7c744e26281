"""The window reissues a query code, and a statutory document issued as the official copy leaves its
SHA-256 in the case's audit trail (issue 14), through the gateway's HTTP routes and the services' RPC,
against the running intake service (real RabbitMQ; SQLite and PostgreSQL)."""
from __future__ import annotations

import hashlib
import json

import pytest

from tests.conftest import ACTORS
from tests.factories import claim
from tests.harness import expect_error
from tests.interface.test_gateway_support import (  # noqa: F401  (fixtures)
    assert_error, gateway, gateway_config, gateway_settings, key, sign_in, users_file)


@pytest.fixture
def web(intake, gateway, web_session):
    return web_session


def lookup(web, case_no: str, code: str):
    return web.get("/api/public/lookup", params={"case_no": case_no, "query_code": code})


def test_a_reissued_query_code_replaces_the_old_one_at_once_and_only_once(web):
    clerk = sign_in(web, "clerk")
    case = web.post("/api/intake/cases", json=claim(), headers={**clerk, "Idempotency-Key": key()}).json()
    old = case["query_code"]
    assert lookup(web, case["case_no"], old).status_code == 200

    url = f"/api/intake/cases/{case['case_id']}/query-code"
    # bad input names the field and changes nothing
    body = assert_error(web.post(url, json={"expected_version": case["version"]},
                                 headers={**clerk, "Idempotency-Key": key()}), 400, "VALIDATION_ERROR")
    assert "reissue_reason" in json.dumps(body["details"], ensure_ascii=False)
    idem = key()
    res = web.post(url, json={"expected_version": case["version"], "reissue_reason": "lost"},
                   headers={**clerk, "Idempotency-Key": idem})
    assert res.status_code == 200, res.text
    reissued = res.json()
    new = reissued["query_code"]
    assert new != old and len(new) == 8 and reissued["version"] == case["version"] + 1
    assert reissued["receipt_qr_svg"].startswith("<svg") and reissued["status"] == case["status"]

    assert_error(lookup(web, case["case_no"], old), 404, "NOT_FOUND")          # the old code stops at once
    assert lookup(web, case["case_no"], new).json()["case_no"] == case["case_no"]

    # a resend with the same key: the same code, no second change
    again = web.post(url, json={"expected_version": case["version"], "reissue_reason": "lost"},
                     headers={**clerk, "Idempotency-Key": idem}).json()
    assert (again["query_code"], again["version"]) == (new, reissued["version"])
    assert web.get(f"/api/intake/cases/{case['case_id']}", headers=clerk).json()["version"] == reissued["version"]
    assert lookup(web, case["case_no"], new).status_code == 200

    # the audit trail records the reissue and its reason, never a code
    history = web.get(f"/api/intake/cases/{case['case_id']}/history", headers=clerk).json()
    assert [h["event"] for h in history].count("reissue_query_code") == 1
    assert history[-1]["data"]["reissue_reason"] == "lost" and history[-1]["event_label"] == "补发查询码"
    assert old not in json.dumps(history) and new not in json.dumps(history)
    # only the window reissues (the router may not)
    router = sign_in(web, "router")
    assert_error(web.post(url, json={"expected_version": reissued["version"], "reissue_reason": "lost"},
                          headers={**router, "Idempotency-Key": key()}), 403, "FORBIDDEN")


def test_an_issued_document_leaves_its_hash_in_the_audit_trail_once(web, rpc_as):
    clerk = sign_in(web, "clerk")
    case = web.post("/api/intake/cases", json=claim(), headers={**clerk, "Idempotency-Key": key()}).json()
    base = f"/api/intake/cases/{case['case_id']}"
    preview = web.get(f"{base}/documents/receipt", headers=clerk)
    assert preview.status_code == 200 and "X-Document-SHA256" not in preview.headers
    assert len(web.get(f"{base}/history", headers=clerk).json()) == 1               # a preview records nothing

    issued = web.get(f"{base}/documents/receipt", params={"issue": "1"}, headers=clerk)
    sha = issued.headers["X-Document-SHA256"]
    assert hashlib.sha256(issued.content).hexdigest() == sha                       # a copy checks against it
    history = web.get(f"{base}/history", headers=clerk).json()
    entry = history[-1]
    assert (entry["event"], entry["from"], entry["to"], entry["version"]) == \
        ("document_issued", case["status"], case["status"], case["version"])        # no state change
    assert entry["data"] | {"title": None} == {"kind": "receipt", "sha256": sha, "algorithm": "SHA-256", "title": None}
    assert entry["user_id"] == "clerk-01"
    # the same content issued again records nothing new; the chain still verifies
    assert web.get(f"{base}/documents/receipt", params={"issue": "1"}, headers=clerk).headers["X-Document-SHA256"] == sha
    assert len(web.get(f"{base}/history", headers=clerk).json()) == len(history)
    assert web.get(f"{base}/verify", headers=clerk).json()["valid"] is True
    timeline = web.get(f"{base}/timeline", headers=clerk).json()
    assert timeline[-1]["event_label"] == "出具文书（存证）" and timeline[-1]["changed"] is False

    # over RPC: another content is a new entry, the same again none; bad input names its field
    window = rpc_as(ACTORS["window"]).intake
    other = "ab" * 32
    first = window.record_document_issued(case["case_id"], "receipt", other, "受理回执", "PSR Art 39")
    assert first["recorded"] is True and first["seq"] == len(history) + 1
    assert window.record_document_issued(case["case_id"], "receipt", other, "受理回执")["recorded"] is False
    err = expect_error("VALIDATION_ERROR", window.record_document_issued, case["case_id"], "receipt", "xyz", "受理回执")
    assert "sha256" in err.details["fields"]
    outsider = rpc_as({"user_id": "x", "role": "pmc", "org_id": "zj-pmc-medical"}).intake
    expect_error("FORBIDDEN", outsider.record_document_issued, case["case_id"], "receipt", "cd" * 32, "受理回执")
    assert window.get_case(case["case_id"])["version"] == case["version"]
