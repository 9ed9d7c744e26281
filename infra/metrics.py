"""Prometheus metrics (``prometheus_client``), served on the process's ops port (infra/ops.py):

- ``jiefen_rpc_calls_total{service,method,code}`` and ``jiefen_rpc_call_duration_seconds`` (the api wrapper);
- ``jiefen_sweep_duration_seconds{service}``, ``jiefen_clocks_fired_total{service,act}``;
- ``jiefen_http_requests_total{route,method,status}``, ``jiefen_http_request_duration_seconds`` (gateway);
- read from each service's database at scrape time: ``jiefen_cases{service,case_type,status}``,
  ``jiefen_cases_overdue{service}``, ``jiefen_outbox_pending`` / ``jiefen_outbox_lag_seconds``,
  ``jiefen_handoff_waiting`` / ``jiefen_handoff_lag_seconds``, ``jiefen_service_ready``,
  ``jiefen_sweep_age_seconds``.
Labels never carry a case id or anything about a person: only names from the code."""
from __future__ import annotations

import logging

from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger(__name__)
LATENCY = (.0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30)

CALLS = Counter("jiefen_rpc_calls", "RPC calls answered, by outcome: OK or the error code",
                ["service", "method", "code"])
CALL_SECONDS = Histogram("jiefen_rpc_call_duration_seconds", "RPC handling time in the service",
                         ["service", "method"], buckets=LATENCY)
SWEEP_SECONDS = Histogram("jiefen_sweep_duration_seconds", "Deadline sweep duration", ["service"], buckets=LATENCY)
CLOCKS_FIRED = Counter("jiefen_clocks_fired", "Deadline events fired by the sweep (warning, expiry) or skipped",
                       ["service", "act"])
HTTP_REQUESTS = Counter("jiefen_http_requests", "Gateway HTTP requests", ["route", "method", "status"])
HTTP_SECONDS = Histogram("jiefen_http_request_duration_seconds", "Gateway HTTP handling time",
                         ["route", "method"], buckets=LATENCY)


def call(service: str, method: str, code: str, seconds: float) -> None:
    CALLS.labels(service, method, code).inc()
    CALL_SECONDS.labels(service, method).observe(seconds)


def sweep(service: str, seconds: float, fired: dict) -> None:
    SWEEP_SECONDS.labels(service).observe(seconds)
    for act, key in (("warning", "warnings"), ("expiry", "expiries"), ("skipped", "skipped")):
        CLOCKS_FIRED.labels(service, act).inc(fired.get(key, 0))


def http(route: str, method: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(route, method, str(status)).inc()
    HTTP_SECONDS.labels(route, method).observe(seconds)


class CaseFigures:
    """Figures read from the databases of the services in this process when scraped. What it reads is
    handed in by infra/ops.py (``local_services``, ``health``), which imports this module, not the reverse."""

    def __init__(self, local_services, health):
        self.local_services, self.health = local_services, health

    def describe(self):
        return []            # registering must not read any database

    def collect(self):
        cases = GaugeMetricFamily("jiefen_cases", "Cases by state", labels=["service", "case_type", "status"])
        overdue = GaugeMetricFamily("jiefen_cases_overdue", "Open cases with a clock past due", labels=["service"])
        ready = GaugeMetricFamily("jiefen_service_ready", "1 when the service reads its database", labels=["service"])
        pending = GaugeMetricFamily("jiefen_outbox_pending", "Events not yet published", labels=["service"])
        lag = GaugeMetricFamily("jiefen_outbox_lag_seconds", "Age of the oldest unpublished event", labels=["service"])
        waiting = GaugeMetricFamily("jiefen_handoff_waiting", "Hand-offs not yet opened", labels=["service"])
        hlag = GaugeMetricFamily("jiefen_handoff_lag_seconds", "Age of the oldest waiting hand-off", labels=["service"])
        swept = GaugeMetricFamily("jiefen_sweep_age_seconds", "Seconds since the last deadline sweep", labels=["service"])
        for service, envs in self.local_services().items():
            h = self.health(service, envs)
            ready.add_metric([service], 1 if h["ready"] else 0)
            if h["last_sweep"]:
                swept.add_metric([service], h["last_sweep"]["age_seconds"])
            if not h["ready"]:
                continue
            pending.add_metric([service], h["outbox"]["pending"])
            lag.add_metric([service], h["outbox"]["lag_seconds"])
            waiting.add_metric([service], h["handoff"]["waiting"])
            hlag.add_metric([service], h["handoff"]["lag_seconds"])
            try:
                by_state, late = _case_figures(envs)
            except Exception:
                log.warning("case figures of %s unavailable", service, exc_info=True)
                continue
            for (case_type, status), n in sorted(by_state.items()):
                cases.add_metric([service, case_type, status], n)
            overdue.add_metric([service], late)
        return [cases, overdue, ready, pending, lag, waiting, hlag, swept]


def _case_figures(envs: dict) -> tuple[dict, int]:
    from sqlalchemy import func, select

    from infra import clocks
    from infra.db import read_session
    from infra.models import Case, Clock
    env = next(iter(envs.values()))
    types = [e.case_type.code for e in envs.values()]
    with read_session(env.engine) as s:
        rows = s.execute(select(Case.case_type, Case.status, func.count()).where(Case.case_type.in_(types))
                         .group_by(Case.case_type, Case.status)).all()
        late = s.scalar(select(func.count(func.distinct(Clock.case_id))).join(Case, Case.id == Clock.case_id)
                        .where(clocks.overdue_filter(env.now()), Case.case_type.in_(types)))
    return {(t, st): n for t, st, n in rows}, late or 0


def register_case_figures(local_services, health) -> None:
    """Once per process (infra/ops.py calls it at import)."""
    if not getattr(REGISTRY, "_jiefen_case_figures", False):
        REGISTRY.register(CaseFigures(local_services, health))
        REGISTRY._jiefen_case_figures = True
