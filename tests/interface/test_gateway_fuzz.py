"""Fuzzing the gateway from its own /openapi.json with schemathesis (hypothesis underneath): valid and
invalid requests for every operation, signed in as each of several roles, against the running intake
service (SQLite and PostgreSQL). No answer may be a 5xx; every status, content type and body must be the documented ones.

    nameko test tests/interface/test_gateway_fuzz.py -s     # -s prints how many cases were tried
"""
from __future__ import annotations

import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_schema_conformance,
                                 status_code_conformance)

from services.gateway.service import GatewayService
from tests.factories import claim
from tests.interface.test_gateway_support import (  # noqa: F401  (fixtures)
    gateway_settings, key, sign_in, users_file)

EXAMPLES = int(os.environ.get("JIEFEN_FUZZ_EXAMPLES", "40"))     # per operation and generation mode
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def fuzz_gateway(container_factory, intake, service_config, web_config, users_file):
    config = {**service_config, **web_config,
              "GATEWAY": gateway_settings(users_file, services=["intake"], lookup_tries=1000, login_failures=1000)}
    container = container_factory(GatewayService, config)
    container.start()
    return container


def test_no_request_generated_from_the_openapi_document_gets_a_5xx(fuzz_gateway, web_session, web_config_port):
    web = web_session
    base_url = f"http://127.0.0.1:{web_config_port}"
    spec = web.get("/openapi.json").json()
    tokens = {who: sign_in(web, who) for who in ("clerk", "router", "supv", "jiyang_clerk")}
    cases = [web.post("/api/intake/cases", json=claim(), headers={**tokens["clerk"], "Idempotency-Key": key()}).json()
             for _ in range(3)]
    events = [e["id"] for e in web.get("/api/intake/definition", headers=tokens["clerk"]).json()["events"]]
    schema = schemathesis.openapi.from_dict(spec)
    tried: Counter = Counter()
    statuses: Counter = Counter()

    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
            def attempt(case, data):
                who = data.draw(st.sampled_from(sorted(tokens)))
                headers = dict(tokens[who])
                if case.path_parameters:
                    if "case_id" in case.path_parameters and data.draw(st.booleans()):
                        case.path_parameters["case_id"] = data.draw(st.sampled_from(cases))["case_id"]
                    if "event" in case.path_parameters and data.draw(st.booleans()):
                        case.path_parameters["event"] = data.draw(st.sampled_from(events))
                if isinstance(case.body, dict) and "expected_version" in case.body and data.draw(st.booleans()):
                    case.body["expected_version"] = data.draw(st.integers(1, 3))    # near the real versions
                if (operation.method.upper(), operation.path) == ("DELETE", "/api/session"):
                    headers = sign_in(web, who)            # sign out a session of its own, not the shared one
                response = case.call(base_url=base_url, headers=headers, timeout=30)
                tried[f"{operation.method.upper()} {operation.path}"] += 1
                statuses[response.status_code] += 1
                case.validate_response(response, checks=CHECKS)

            try:
                attempt()
            except Unsatisfiable:
                # nothing to make invalid (no parameters, no body): the positive run covered it
                assert mode is GenerationMode.NEGATIVE, operation.label

    total = sum(tried.values())
    print(f"\nfuzz: {total} cases over {len(tried)} operations; statuses {dict(sorted(statuses.items()))}")
    for label, n in sorted(tried.items()):
        print(f"  {n:>5}  {label}")
    assert not [s for s in statuses if s >= 500]
    assert len(tried) == sum(len(ops) for ops in spec["paths"].values())
    assert statuses[200] + statuses[201] > 0 and statuses[400] > 0
