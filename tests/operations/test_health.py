"""Health and readiness (issue 16): every service answers health() over RPC; a service whose database
is gone reports not ready (and why) instead of failing calls one by one; the gateway's /readyz names
the services that are not ready; the process's ops port answers /healthz.

    nameko test tests/operations/test_health.py
"""
from __future__ import annotations

import shutil

import pytest
import requests
from sqlalchemy import create_engine, text

from infra import ops
from infra.db import normalise_url
from tests.conftest import PG_URL
from tests.interface.test_gateway_support import (  # noqa: F401  (fixtures)
    gateway_config, gateway_settings, users_file)


@pytest.fixture
def gateway(container_factory, service_config, web_config, users_file):  # noqa: F811
    from services.gateway.service import GatewayService
    config = {**service_config, **web_config,
              "GATEWAY": gateway_settings(users_file, services=["intake", "mediation"], ready_timeout=2)}
    container = container_factory(GatewayService, config)
    container.start()
    return container


class BrokenDatabase:
    """Take the intake database away from the running service, and give it back."""

    def __init__(self, backend, jiefen, tmp_path):
        self.backend, self.jiefen, self.tmp_path = backend, jiefen, tmp_path

    def _pg(self, sql):
        engine = create_engine(normalise_url(PG_URL))
        with engine.begin() as conn:
            conn.execute(text(sql))
        engine.dispose()

    def break_it(self):
        if self.backend == "sqlite":      # an operator's cleanup deleted var/ under the running service
            shutil.move(self.tmp_path / "intake.sqlite", self.tmp_path / "intake.sqlite.gone")
        else:                             # the schema was dropped (renamed here, so it can come back)
            schema = self.jiefen["db_schema_prefix"] + "intake"
            self._pg(f'ALTER SCHEMA "{schema}" RENAME TO "{schema}_gone"')

    def mend(self):
        if self.backend == "sqlite":
            shutil.move(self.tmp_path / "intake.sqlite.gone", self.tmp_path / "intake.sqlite")
        else:
            schema = self.jiefen["db_schema_prefix"] + "intake"
            self._pg(f'ALTER SCHEMA "{schema}_gone" RENAME TO "{schema}"')


def test_every_case_service_answers_health_with_its_database_lag_and_sweep(intake, rpc_as):
    h = rpc_as("window").intake.health()
    assert h["ready"] is True and h["service"] == "intake" and h["broker"] == {"ok": True}
    assert h["database"]["ok"] is True
    assert h["outbox"]["pending"] >= 0 and h["outbox"]["lag_seconds"] >= 0
    assert h["handoff"] == {"waiting": 0, "lag_seconds": 0.0}
    rpc_as("supv").intake.sweep_clocks()
    swept = rpc_as("window").intake.health()["last_sweep"]
    assert swept["fired"] == {"warnings": 0, "expiries": 0, "skipped": 0} and swept["age_seconds"] < 30
    # health needs no actor: the orchestrator and the gateway ask it
    assert rpc_as({}).intake.health()["ready"] is True


def test_a_service_without_its_database_is_not_ready_and_the_gateway_says_which(
        intake, gateway, web_session, rpc_as, backend, jiefen, tmp_path):
    assert web_session.get("/healthz").json() == {"status": "ok", "service": "gateway"}
    res = web_session.get("/readyz")
    # mediation is listed but not deployed: not ready; intake is
    assert res.status_code == 503
    body = res.json()
    assert body["not_ready"] == ["mediation"] and body["services"]["intake"]["ready"] is True
    assert body["services"]["mediation"]["error"] == "SERVICE_UNAVAILABLE"

    db = BrokenDatabase(backend, jiefen, tmp_path)
    db.break_it()
    try:
        h = rpc_as("window").intake.health()
        assert h["ready"] is False and h["database"]["ok"] is False and h["database"]["error"]
        body = web_session.get("/readyz").json()
        assert body["not_ready"] == ["intake", "mediation"]
        assert body["services"]["intake"]["database"] is False and body["services"]["intake"]["reason"]
    finally:
        db.mend()
    assert rpc_as("window").intake.health()["ready"] is True
    assert web_session.get("/readyz").json()["services"]["intake"]["ready"] is True


def test_the_ops_port_serves_healthz_for_the_services_of_its_process(intake, rpc_as, backend, jiefen, tmp_path):
    port = ops.serve(0, host="127.0.0.1")
    res = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
    assert res.status_code == 200 and res.json()["services"]["intake"]["ready"] is True
    assert res.json()["broker"] == {"ok": True}
    assert ops.broker_health("amqp://guest:guest@127.0.0.1:1/", timeout=1)["ok"] is False   # a closed port
    db = BrokenDatabase(backend, jiefen, tmp_path)
    db.break_it()
    try:
        res = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        assert res.status_code == 503 and res.json()["not_ready"] == ["intake"]
    finally:
        db.mend()
    assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
