"""Upgrades (issue 16): a database written at the previous release's schema (the revision before
alembic's head) is upgraded to head with its data intact and served; several instances migrating one
fresh database at once take turns (advisory lock on PostgreSQL, file lock on SQLite) and all succeed.

    nameko test tests/operations/test_upgrade.py
"""
from __future__ import annotations

import subprocess
import sys
import time

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, text

from infra.config import ROOT, load_config
from infra.db import (alembic_config, current_revision, head_revision, make_engine, service_db_url,
                      upgrade)
from infra.models import Base
from services.intake.service import IntakeService
from tests.conftest import jiefen_settings
from tests.factories import claim, key


def previous_revision() -> str:
    """The schema of the release before this one: the revision head revises (head itself while the
    project has a single revision, so the path is still exercised end to end)."""
    head = head_revision()
    down = ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision(head).down_revision
    assert not isinstance(down, tuple), "merge revisions: name the previous release explicitly"
    return down or head


def rows_of(url, schema) -> dict:
    engine = make_engine(url, schema)
    with engine.connect() as conn:
        out = {t.name: [dict(r) for r in conn.execute(t.select().order_by(*t.primary_key.columns)).mappings()]
               for t in Base.metadata.sorted_tables}
    engine.dispose()
    return out


@pytest.fixture
def old(backend, tmp_path):
    settings, cleanup = jiefen_settings(backend, tmp_path / "old")
    (tmp_path / "old").mkdir()
    yield settings
    cleanup()


def test_a_database_at_the_previous_schema_with_cases_in_it_upgrades_to_head_and_is_served(
        intake, rpc_as, container_factory, rabbit_config, jiefen, old):
    # cases as a running system writes them: registered, classified, routed, one swept
    window, router = rpc_as("window").intake, rpc_as("router").intake
    cases = [window.register_case(claim(), key()) for _ in range(3)]
    router.classify(cases[0]["case_id"], "neighbourhood", cases[0]["version"], key())
    intake.stop()
    written = rows_of(*service_db_url("intake", load_config(**jiefen)))

    # the same rows in a database at the previous release's schema (only the columns it had)
    url, schema = service_db_url("intake", load_config(**old))
    previous = previous_revision()
    upgrade(url, schema, previous)
    assert current_revision(url, schema) == previous
    engine = make_engine(url, schema)
    with engine.begin() as conn:
        then = MetaData()
        then.reflect(conn)
        for table in Base.metadata.sorted_tables:
            if table.name not in then.tables or not written[table.name]:
                continue
            columns = set(then.tables[table.name].columns.keys())
            conn.execute(table.insert(), [{k: v for k, v in r.items() if k in columns} for r in written[table.name]])
            if conn.dialect.name == "postgresql" and "id" in columns and table.c.id.autoincrement is True:
                # rows copied with their ids: move the serial on, as the original writes had
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                  f"(SELECT max(id) FROM {table.name}))"))
    engine.dispose()

    upgrade(url, schema)                     # what a starting service (or `make migrate`) does
    assert current_revision(url, schema) == head_revision()
    upgraded = rows_of(url, schema)
    for name, rows in written.items():
        assert len(upgraded[name]) == len(rows), name

    container_factory(IntakeService, {**rabbit_config, "JIEFEN": old, "serializer": "json"}).start()
    for c in cases:
        assert window.verify_history(c["case_id"])["valid"] is True
        assert window.get_case(c["case_id"])["case_no"] == c["case_no"]
    assert window.get_case(cases[0]["case_id"])["category"] == "neighbourhood"
    more = window.register_case(claim(), key())          # and the upgraded database takes new cases
    assert more["case_no"] > max(c["case_no"] for c in cases)


def test_instances_starting_together_take_turns_at_migrating_one_fresh_database(backend, tmp_path, old):
    url, schema = service_db_url("petition", load_config(**old))
    go = tmp_path / "go"
    script = ("import sys, time, pathlib, warnings; warnings.filterwarnings('ignore')\n"
              "from infra.db import upgrade\n"
              "while not pathlib.Path(sys.argv[1]).exists(): time.sleep(0.01)\n"
              "upgrade(sys.argv[2], sys.argv[3] or None)\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, str(go), url, schema or ""], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(4)]
    time.sleep(3)                            # every process has imported and is waiting for the signal
    go.write_text("go")
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outputs
    assert current_revision(url, schema) == head_revision()
    engine = make_engine(url, schema)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM cases")).scalar() == 0
    engine.dispose()
