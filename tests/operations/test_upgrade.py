"""Upgrades (issue 16): a database written at the previous release's schema (the revision before
alembic's head) is upgraded to head with its data intact and served; several instances migrating one
fresh database at once take turns (advisory lock on PostgreSQL, file lock on SQLite) and all succeed.

    nameko test tests/operations/test_upgrade.py
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from nameko.exceptions import RpcTimeout, UnknownService
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text

from infra.config import ROOT, load_config
from infra.db import (alembic_config, current_revision, head_revision, make_engine, service_db_url,
                      upgrade)
from infra import rekey
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


@pytest.fixture
def old(backend, tmp_path):
    settings, cleanup = jiefen_settings(backend, tmp_path / "old")
    (tmp_path / "old").mkdir()
    yield settings
    cleanup()


def previous_release(tmp_path) -> Path:
    """A work tree of the release before the newest migration: the parent of the commit that added it."""
    head_file = next((ROOT / "infra" / "migrations" / "versions").glob(f"{head_revision()}_*.py"))
    git = ["git", "-C", str(ROOT)]
    added = subprocess.run([*git, "log", "--diff-filter=A", "--format=%H", "--", str(head_file)],
                           capture_output=True, text=True).stdout.split()
    if not added:
        pytest.skip("no git history of the migrations here (a shallow clone)")
    tree = tmp_path / "previous-release"
    subprocess.run([*git, "worktree", "add", "--detach", str(tree), f"{added[-1]}^"], check=True,
                   capture_output=True)
    return tree


def run_previous_intake(tree: Path, amqp_uri: str, settings: dict, tmp_path) -> subprocess.Popen:
    config = tmp_path / "previous-nameko.yaml"
    config.write_text(json.dumps({"AMQP_URI": amqp_uri, "serializer": "json", "JIEFEN": settings}))
    # the same PII, index and audit keys as this process: the previous release runs in its own tree, where
    # a relative keys dir would hold keys of its own
    from infra import pii
    env = {**os.environ, "PYTHONPATH": str(tree), "JIEFEN_KEYS_DIR": str(pii.keys_dir().resolve())}
    env.pop("DB_URL", None)
    return subprocess.Popen([sys.executable, "-m", "nameko", "run", "--config", str(config),
                             "services.intake.service:IntakeService"], cwd=tree, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def test_a_database_written_by_the_previous_release_upgrades_to_head_and_is_served(
        rabbit_config, container_factory, rpc_as, old, trust_settings, signer, tmp_path):
    """The previous release's own code writes cases (plain personal data, the unkeyed audit chain); the
    new code upgrades the schema, `reencrypt` (the README's upgrade step) encrypts and anchors them, and
    the new service serves them with every history valid."""
    tree = previous_release(tmp_path)
    # the previous release checks signed callers too (since migration 0002's release): same keys, same signer
    proc = run_previous_intake(tree, rabbit_config["AMQP_URI"], {**old, **trust_settings}, tmp_path)
    try:
        actor = {"user_id": "clerk-01", "role": "window", "org_id": "zj-centre"}
        deadline = time.monotonic() + 90
        while True:
            try:
                with ClusterRpcProxy({**rabbit_config, "serializer": "json"}, context_data=signer.context(actor), timeout=20) as rpc:
                    cases = [rpc.intake.register_case(claim(), key()) for _ in range(3)]
                    router = {**actor, "user_id": "router-01", "role": "router"}
                with ClusterRpcProxy({**rabbit_config, "serializer": "json"}, context_data=signer.context(router), timeout=20) as rpc:
                    rpc.intake.classify(cases[0]["case_id"], "neighbourhood", cases[0]["version"], key())
                break
            except (UnknownService, RpcTimeout):
                assert time.monotonic() < deadline, "the previous release's intake did not start"
                time.sleep(1)
    finally:
        proc.terminate()
        proc.wait(30)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True)

    url, schema = service_db_url("intake", load_config(**old))
    assert current_revision(url, schema) == previous_revision()
    written = rows_of_tables(url, schema, ("cases", "parties", "audit_entries"))
    upgrade(url, schema)                     # what a starting service (or `make migrate`) does
    assert current_revision(url, schema) == head_revision()
    engine = make_engine(url, schema)
    try:
        assert rekey.reanchor(engine)["broken"] == []           # `python -m infra.manage reencrypt`
        rekey.reencrypt(engine)
    finally:
        engine.dispose()
    upgraded = rows_of_tables(url, schema, ("cases", "parties", "audit_entries"))
    assert {n: len(r) for n, r in upgraded.items()} == {n: len(r) for n, r in written.items()}

    container_factory(IntakeService, {**rabbit_config, "JIEFEN": {**old, **trust_settings},
                                      "serializer": "json"}).start()
    window = rpc_as("window").intake
    for c in cases:
        assert window.verify_history(c["case_id"])["valid"] is True
        got = window.get_case(c["case_id"])
        assert got["case_no"] == c["case_no"] and got["parties"][0]["id_number"] == c["parties"][0]["id_number"]
    assert window.get_case(cases[0]["case_id"])["category"] == "neighbourhood"
    more = window.register_case(claim(), key())          # and the upgraded database takes new cases
    assert more["case_no"] > max(c["case_no"] for c in cases)


def rows_of_tables(url, schema, names) -> dict:
    engine = make_engine(url, schema)
    with engine.connect() as conn:
        out = {n: conn.execute(text(f"SELECT * FROM {n}")).all() for n in names}
    engine.dispose()
    return out


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
