"""The committee's, the court's and the issuers' own openings (services/gateway/openings.py, issue 14): each
sees its own; a party's application at a committee is recorded by its staff with the evidence
(data.party_act, PML Art 17), and refused without it; the court registers a complaint at itself. Real
RabbitMQ, SQLite and PostgreSQL.

    nameko test tests/interface/test_gateway_openings_court.py
"""
from __future__ import annotations

import pytest

from tests.factories import claim
from tests.interface.test_gateway_support import (  # noqa: F401  (fixtures)
    PASSWORD, USERS, assert_error, gateway, gateway_settings, key, users_file)

STAFF = {**USERS,
         "pmc": {"user_id": "pmc-01", "name": "周建国", "role": "pmc", "org_id": "zj-pmc-jiyang"},
         "filing": {"user_id": "filing-01", "name": "吴磊", "role": "filing", "org_id": "zj-court"},
         "court_issuer": {"user_id": "issuer-02", "name": "沈洁", "role": "issuer", "org_id": "zj-court"},
         "proc_issuer": {"user_id": "issuer-01", "name": "冯刚", "role": "issuer", "org_id": "zj-proc"}}


@pytest.fixture
def gateway_config(service_config, web_config, users_file):
    return {**service_config, **web_config, "GATEWAY": gateway_settings(
        users_file, services=["intake", "mediation", "diversion", "recommendation"], rpc_timeout=10)}


@pytest.fixture
def web(container_factory, service_config, gateway, web_session):
    from services.diversion.service import DiversionService
    from services.mediation.service import MediationService
    for cls in (MediationService, DiversionService):
        container_factory(cls, service_config).start()
    return web_session


def sign_in(web, who):
    res = web.post("/api/session", json={"user_id": STAFF[who]["user_id"], "password": PASSWORD})
    assert res.status_code == 201, res.text
    return {"Authorization": f"Bearer {res.json()['token']}"}


def dispute() -> dict:
    c = claim()
    return {k: c[k] for k in ("category", "summary", "request", "facts", "parties")}


def test_each_institution_sees_its_own_openings(web):
    seen = {who: [(o["service"], o["command"]) for o in web.get("/api/openings", headers=sign_in(web, who)).json()]
            for who in ("pmc", "filing", "court_issuer", "proc_issuer", "clerk")}
    assert seen["pmc"] == [("mediation", "apply"), ("mediation", "initiate_proactive")]
    assert seen["filing"] == [("diversion", "receive_complaint"), ("diversion", "apply_for_confirmation")]
    assert seen["court_issuer"] == seen["proc_issuer"] == [("recommendation", "draft")]
    assert seen["clerk"] == []
    apply = next(o for o in web.get("/api/openings", headers=sign_in(web, "pmc")).json() if o["command"] == "apply")
    fields = {f["name"]: f for f in apply["fields"]}
    assert fields["committee_id"]["widget"]["kind"] == "hidden"          # the committee is the user's own
    assert [f["name"] for f in fields["party_act"]["fields"]] == ["party", "evidence_kind", "evidence_ref"]
    assert apply["basis_text"] == "《人民调解法》第十七条"


def test_a_partys_application_at_the_committee_is_recorded_with_its_evidence(web):
    pmc = sign_in(web, "pmc")
    body = {**dispute(), "party_act": {"party": 1, "evidence_kind": "written_application", "evidence_ref": "调解申请书第7号"}}
    res = web.post("/api/openings/mediation/apply", json=body, headers={**pmc, "Idempotency-Key": key()})
    assert res.status_code == 201, res.text
    case = res.json()
    assert case["status"] == "PM_APPLIED" and case["org_id"] == "zj-pmc-jiyang"
    history = web.get(f"/api/mediation/cases/{case['case_id']}/history", headers=pmc).json()
    assert [(e["event"], e["user_id"], e["role"]) for e in history] == [("apply", "pmc-01", "pmc")]
    assert history[0]["data"]["party_act"]["evidence_ref"] == "调解申请书第7号"
    # the committee's staff cannot apply in their own name: the law gives the application to the party
    refused = assert_error(web.post("/api/openings/mediation/apply", json=dispute(),
                                    headers={**pmc, "Idempotency-Key": key()}), 403, "FORBIDDEN")
    assert "代为记录" in refused["message"]
    assert web.get("/api/mediation/cases", headers=pmc).json()["total"] == 1


def test_the_court_registers_a_complaint_at_itself(web):
    filing = sign_in(web, "filing")
    res = web.post("/api/openings/diversion/receive_complaint", json=dispute(), headers={**filing, "Idempotency-Key": key()})
    assert res.status_code == 201, res.text
    case = res.json()
    assert case["case_no"].startswith("DV-") and case["org_id"] == "zj-court" and case["service"] == "diversion"


def test_a_case_waiting_on_the_partys_own_act_is_in_the_committees_list(web):
    """PML Art 17: the committee asked the respondent whether they agree; only the respondent's answer (or
    the clock) moves the case on. The committee's staff record that answer, so the case is in their list,
    marked 待当事人, with the date the answer is due."""
    pmc = sign_in(web, "pmc")
    body = {**dispute(), "party_act": {"party": 1, "evidence_kind": "written_application", "evidence_ref": "调解申请书第8号"}}
    case = web.post("/api/openings/mediation/apply", json=body, headers={**pmc, "Idempotency-Key": key()}).json()
    row = lambda: next(r for r in web.get("/api/tasks", headers=pmc).json()["items"] if r["case_id"] == case["case_id"])  # noqa: E731
    assert row()["waiting_on_party"] is False and "征询对方意愿" in row()["actions"]
    res = web.post(f"/api/mediation/cases/{case['case_id']}/events/request_consent",
                   json={"data": {"how": "phone"}, "expected_version": case["version"]},
                   headers={**pmc, "Idempotency-Key": key()})
    assert res.status_code == 200 and res.json()["status"] == "PM_CONSENT_PENDING", res.text
    waiting = row()
    assert waiting["waiting_on_party"] is True and waiting["status_label"] == "征询对方意愿"
    assert set(waiting["actions"]) == {"对方同意调解", "当事人拒绝调解"}
    assert waiting["next_due"]["due_date"] and waiting["next_due"]["label"]
    # the court, not acting on it, has no such row
    filing = sign_in(web, "filing")
    assert case["case_id"] not in [r["case_id"] for r in web.get("/api/tasks", headers=filing).json()["items"]]
