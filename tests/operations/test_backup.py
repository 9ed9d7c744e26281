"""Backups (issue 16): back up a running system, destroy its databases, restore them, and find every
case, party, link, history entry and clock as it was, each history's hash chain valid: on SQLite
(online backup API, consistent with the WAL) and PostgreSQL (pg_dump / pg_restore of the schemas).

    nameko test tests/operations/test_backup.py
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from infra import backup, timekeeping
from infra.config import load_config
from infra.db import make_engine, normalise_url, service_db_url, sqlite_path, upgrade
from infra.manage import CASE_SERVICES
from infra.models import Base
from tests.conftest import PG_URL
from tests.factories import claim, key
from tests.harness import wait_for
from tests.interface.mediation_walk import mediation  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(not backup.have_pg_tools(), reason="pg_dump/pg_restore not installed")


@pytest.fixture
def config(jiefen):
    """The deployment's configuration, every service database created as `make migrate` does."""
    cfg = load_config(**jiefen)
    for service in CASE_SERVICES:
        upgrade(*service_db_url(service, cfg))
    return cfg


def snapshot(config) -> dict:
    """Every row of every table of every service, in primary-key order."""
    out = {}
    for service in CASE_SERVICES:
        engine = make_engine(*service_db_url(service, config))
        try:
            with engine.connect() as conn:
                for table in Base.metadata.sorted_tables:
                    rows = conn.execute(table.select().order_by(*table.primary_key.columns)).mappings().all()
                    out[(service, table.name)] = [dict(r) for r in rows]
        finally:
            engine.dispose()
    return out


def destroy(config, backend: str, jiefen: dict) -> None:
    if backend == "sqlite":
        for service in CASE_SERVICES:
            path = sqlite_path(service_db_url(service, config)[0])
            for f in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                f.unlink(missing_ok=True)
        return
    engine = create_engine(normalise_url(PG_URL))
    with engine.begin() as conn:
        for service in CASE_SERVICES:
            conn.execute(text(f'DROP SCHEMA "{jiefen["db_schema_prefix"]}{service}" CASCADE'))
    engine.dispose()


def test_a_running_system_backed_up_destroyed_and_restored_keeps_every_case_history_and_clock(
        config, intake, mediation, rpc_as, container_factory, service_config, backend, jiefen, tmp_path):
    window, router, supv = rpc_as("window").intake, rpc_as("router").intake, rpc_as("supv").intake
    cases = [window.register_case(claim(), key()) for _ in range(3)]
    routed = router.classify(cases[0]["case_id"], "neighbourhood", cases[0]["version"], key())
    routed = router.route(routed["case_id"], "mediation", "民间纠纷，调解先行", routed["version"], key(),
                          {"target_org_id": "zj-pmc-jiyang"})
    child = wait_for(lambda: window.get_case(routed["case_id"])["links"][0]["case_id"])
    timekeeping.advance(timedelta(days=30))        # the other two cases' clocks run out: the sweep fires
    assert supv.sweep_clocks()["expiries"] == 2
    for proxy in (window, rpc_as("window").mediation):
        wait_for(lambda: proxy.health()["outbox"]["pending"] == 0)   # the relay is idle, the system still runs

    before = snapshot(config)
    manifest = backup.backup(tmp_path / "backup", config)
    assert manifest["services"]["intake"]["cases"] == 3 and manifest["services"]["mediation"]["cases"] == 1
    assert before[("intake", "clocks")] and before[("intake", "audit_entries")] and before[("mediation", "cases")]

    intake.stop()
    mediation.stop()
    destroy(config, backend, jiefen)
    with pytest.raises(Exception):
        snapshot(config)
    backup.restore(tmp_path / "backup", config)
    assert snapshot(config) == before

    for cls in ("services.intake.service:IntakeService", "services.mediation.service:MediationService"):
        module, name = cls.split(":")
        container_factory(getattr(__import__(module, fromlist=[name]), name), service_config).start()
    mediation_rpc = rpc_as({"user_id": "pmc-01", "role": "pmc", "org_id": "zj-pmc-jiyang"}).mediation
    for service, proxy in (("intake", window), ("mediation", mediation_rpc)):
        for row in before[(service, "cases")]:
            verified = proxy.verify_history(row["id"])
            assert verified["valid"] is True and verified["entries"] == sum(
                e["case_id"] == row["id"] for e in before[(service, "audit_entries")])
    assert window.get_case(cases[1]["case_id"])["supervised"] is True
    assert mediation_rpc.get_case(child)["parent"]["case_id"] == routed["case_id"]
