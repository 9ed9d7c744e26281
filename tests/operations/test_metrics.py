"""Metrics (issue 16): a scrape of the process's ops port whose counters move with the calls made:
calls by outcome code, latency, cases by state and overdue, sweeps, outbox lag, the gateway's HTTP.

    nameko test tests/operations/test_metrics.py
"""
from __future__ import annotations

from datetime import timedelta

import requests
from prometheus_client.parser import text_string_to_metric_families

from infra import ops, timekeeping
from tests.factories import claim, key
from tests.harness import expect_error
from tests.operations.test_health import gateway  # noqa: F401  (fixture)
from tests.interface.test_gateway_support import gateway_config, users_file  # noqa: F401


def scrape() -> dict:
    port = ops.serve(0, host="127.0.0.1")
    res = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    assert res.status_code == 200
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(res.text) for s in family.samples}


def value(figures: dict, name: str, **labels) -> float:
    return figures.get((name, tuple(sorted(labels.items()))), 0.0)


def test_counters_move_with_calls_and_the_case_figures_follow_the_database(intake, rpc_as):
    before = scrape()
    window = rpc_as("window")
    cases = [window.intake.register_case(claim(), key()) for _ in range(3)]
    expect_error("NOT_FOUND", window.intake.get_case, "no-such-case")
    expect_error("VALIDATION_ERROR", window.intake.register_case, {"parties": []}, key())
    after = scrape()

    ok = dict(service="intake", method="register_case", code="OK")
    assert value(after, "jiefen_rpc_calls_total", **ok) - value(before, "jiefen_rpc_calls_total", **ok) == 3
    for method, code in (("get_case", "NOT_FOUND"), ("register_case", "VALIDATION_ERROR")):
        labels = dict(service="intake", method=method, code=code)
        assert value(after, "jiefen_rpc_calls_total", **labels) - value(before, "jiefen_rpc_calls_total", **labels) == 1
    hist = dict(service="intake", method="register_case")
    assert value(after, "jiefen_rpc_call_duration_seconds_count", **hist) - \
        value(before, "jiefen_rpc_call_duration_seconds_count", **hist) == 4
    assert value(after, "jiefen_rpc_call_duration_seconds_sum", **hist) > value(before, "jiefen_rpc_call_duration_seconds_sum", **hist)
    status = cases[0]["status"]
    assert value(after, "jiefen_cases", service="intake", case_type="intake", status=status) == 3
    assert value(after, "jiefen_cases_overdue", service="intake") == 0
    assert value(after, "jiefen_service_ready", service="intake") == 1
    assert value(after, "jiefen_outbox_pending", service="intake") >= 0

    # a month later every case's classify-and-route clock is past due; a sweep fires the expiries
    timekeeping.advance(timedelta(days=30))
    assert value(scrape(), "jiefen_cases_overdue", service="intake") == 3
    swept_before = value(after, "jiefen_sweep_duration_seconds_count", service="intake")
    fired_before = value(after, "jiefen_clocks_fired_total", service="intake", act="expiry")
    rpc_as("supv").intake.sweep_clocks()
    swept = scrape()
    assert value(swept, "jiefen_sweep_duration_seconds_count", service="intake") == swept_before + 1
    assert value(swept, "jiefen_clocks_fired_total", service="intake", act="expiry") - fired_before == 3
    assert value(swept, "jiefen_sweep_age_seconds", service="intake") < 30


def test_the_gateway_counts_its_http_requests_by_route_and_status(intake, gateway, web_session):  # noqa: F811
    labels = dict(route="/readyz", method="GET", status="503")
    before = value(scrape(), "jiefen_http_requests_total", **labels)
    assert web_session.get("/readyz").status_code == 503           # mediation is listed, not running
    assert web_session.get("/readyz").status_code == 503
    figures = scrape()
    assert value(figures, "jiefen_http_requests_total", **labels) - before == 2
    assert value(figures, "jiefen_http_request_duration_seconds_count", route="/readyz", method="GET") >= 2


def test_the_grafana_dashboard_only_charts_metrics_the_services_export():
    import json
    import re

    from infra import metrics
    from infra.config import ROOT
    dashboard = json.loads((ROOT / "infra" / "grafana" / "jiefen-operations.json").read_text(encoding="utf-8"))
    exported = {"jiefen_rpc_calls_total", "jiefen_clocks_fired_total", "jiefen_http_requests_total"}
    for hist in ("jiefen_rpc_call_duration_seconds", "jiefen_sweep_duration_seconds", "jiefen_http_request_duration_seconds"):
        exported |= {hist + "_bucket", hist + "_count", hist + "_sum"}
    exported |= {f.name for f in metrics.CaseFigures(ops.local_services, ops.health).collect()}
    used = {m for p in dashboard["panels"] for t in p["targets"] for m in re.findall(r"jiefen_[a-z_]+", t["expr"])}
    assert used and used <= exported, used - exported
