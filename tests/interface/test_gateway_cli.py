"""The ``jiefen`` terminal CLI (services/gateway/cli.py) against the running intake service, over the
pika client and a real RabbitMQ."""
from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest

from infra import timekeeping
from services.gateway import cli
from services.gateway.passwords import verify_password
from tests.factories import claim


@pytest.fixture
def run(intake, rabbit_config, capsys, jiefen):
    def run(*argv, role="window", user="clerk-01", org="zj-centre", client="test-suite"):
        signing = ["--client", client, "--key-file", f"{jiefen['keys_dir']}/{client}.key"] if client else []
        code = cli.main(["--amqp-uri", rabbit_config["AMQP_URI"], "--user", user, "--role", role, "--org", org,
                         *signing, "--timeout", "10", *argv])
        out, err = capsys.readouterr()
        return code, out, err
    return run


@pytest.fixture
def claim_file(tmp_path):
    path = tmp_path / "claim.json"
    path.write_text(json.dumps(claim(), ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_register_from_a_json_file_prints_the_case_number_and_query_code(run, claim_file):
    code, out, err = run("register", claim_file)
    assert code == 0, err
    assert "JF-330681-" in out and "查询码" in out
    code, out, _ = run("--json", "register", claim_file)
    case = json.loads(out)
    assert case["status"] == "IN_RECEIVED" and case["query_code"]


def test_show_fire_and_history(run, claim_file):
    case = json.loads(run("--json", "register", claim_file)[1])
    code, out, err = run("fire", case["case_id"], "classify", "--data", '{"category": "neighbourhood"}',
                         "--version", "1", role="router", user="router-01")
    assert code == 0, err
    assert "IN_CLASSIFIED" in out and "version 2" in out
    code, out, _ = run("show", case["case_id"], "--history")
    assert code == 0
    assert case["case_no"] in out and "已分类" in out
    assert "register_claim" in out and "classify" in out and "router-01 (router, zj-centre)" in out
    # no --version: the CLI reads the current one
    code, out, err = run("fire", case["case_id"], "route_to_mediation", "--data",
                         '{"reason": "调解先行", "target_org_id": "zj-pmc-jiyang"}', role="router", user="router-01")
    assert code == 0, err
    assert "IN_ROUTED" in out


def test_refusals_print_the_error_contract_and_exit_1(run, claim_file):
    case = json.loads(run("--json", "register", claim_file)[1])
    code, _, err = run("fire", case["case_id"], "classify", "--data", '{"category": "neighbourhood"}')
    assert code == 1 and json.loads(err)["error"] == "FORBIDDEN"
    code, _, err = run("fire", case["case_id"], "classify", "--data", '{"category": "neighbourhood"}',
                       "--version", "7", role="router", user="router-01")
    assert code == 1 and json.loads(err)["error"] == "VERSION_CONFLICT"
    code, _, err = run("show", "no-such-case")
    assert code == 1 and json.loads(err)["error"] == "NOT_FOUND"


def test_a_service_not_deployed_exits_3(run):
    code, _, err = run("overdue", "--service", "mediation")
    assert code == 3 and json.loads(err)["error"] == "SERVICE_UNAVAILABLE"


def test_overdue_lists_cases_past_their_deadline(run, claim_file):
    case = json.loads(run("--json", "register", claim_file)[1])
    assert run("overdue", role="supv", user="supv-01")[1].startswith("0 overdue")
    timekeeping.advance(timedelta(days=30))
    code, out, _ = run("overdue", role="supv", user="supv-01")
    assert code == 0 and out.startswith("1 overdue") and case["case_no"] in out and "分类分流期限" in out


def test_the_actor_must_be_given(intake, rabbit_config, capsys, monkeypatch, jiefen):
    for name in ("JIEFEN_USER", "JIEFEN_ROLE", "JIEFEN_ORG", "JIEFEN_CLIENT_ID", "JIEFEN_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main(["--amqp-uri", rabbit_config["AMQP_URI"], "show", "x"]) == 2
    assert "--role" in capsys.readouterr().err
    monkeypatch.setenv("JIEFEN_USER", "clerk-01")
    monkeypatch.setenv("JIEFEN_ROLE", "window")
    monkeypatch.setenv("JIEFEN_ORG", "zj-centre")
    assert cli.main(["--amqp-uri", rabbit_config["AMQP_URI"], "show", "x"]) == 2     # no key to sign with
    assert "--key-file" in capsys.readouterr().err
    monkeypatch.setenv("JIEFEN_CLIENT_ID", "test-suite")
    monkeypatch.setenv("JIEFEN_KEY_FILE", f"{jiefen['keys_dir']}/test-suite.key")
    assert cli.main(["--amqp-uri", rabbit_config["AMQP_URI"], "show", "x"]) == 1     # actor from env: NOT_FOUND
    assert json.loads(capsys.readouterr().err)["error"] == "NOT_FOUND"


def test_hash_password_prints_a_hash_that_verifies(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert cli.main(["hash-password"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed.startswith("scrypt$") and verify_password("a-long-password", printed)
    assert not verify_password("another-password", printed)
