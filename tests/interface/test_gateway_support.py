"""Fixtures and helpers for the gateway's tests (imported by tests/interface/test_gateway_*.py and
tests/browser/); no tests of its own. The gateway runs as a nameko container in the test process,
next to the intake container, on the test's throwaway vhost and database (SQLite and PostgreSQL)."""
from __future__ import annotations

import uuid

import pytest
import yaml

from services.gateway.passwords import hash_password

PASSWORD = "窗口-test-pass"
USERS = {
    "clerk": {"user_id": "clerk-01", "name": "张敏", "role": "window", "org_id": "zj-centre"},
    "router": {"user_id": "router-01", "name": "李强", "role": "router", "org_id": "zj-centre"},
    "supv": {"user_id": "supv-01", "name": "王芳", "role": "supv", "org_id": "zj-centre"},
    "jiyang_clerk": {"user_id": "clerk-99", "name": "赵丽", "role": "window", "org_id": "zj-centre-jiyang"},
    "locked": {"user_id": "gone-01", "name": "离职人员", "role": "window", "org_id": "zj-centre", "disabled": True},
}


@pytest.fixture
def users_file(tmp_path, request):
    """The gateway's users: the test module's ``STAFF`` when it names more people, else ``USERS``."""
    path = tmp_path / "users.yaml"
    staff = getattr(request.module, "STAFF", USERS)
    # n=2**10 keeps the tests quick; the stored parameters travel with each hash
    rows = [{**u, "password_hash": hash_password(PASSWORD, n=2 ** 10)} for u in staff.values()]
    path.write_text(yaml.safe_dump(rows, allow_unicode=True), encoding="utf-8")
    return str(path)


def gateway_settings(users_file: str, **overrides) -> dict:
    return {"users_file": users_file, "rpc_timeout": 3, "lookup_tries": 10, "lookup_window": 600,
            "login_failures": 10, **overrides}


@pytest.fixture
def gateway_config(service_config, web_config, users_file):
    return {**service_config, **web_config, "GATEWAY": gateway_settings(users_file)}


@pytest.fixture
def gateway(container_factory, gateway_config):
    from services.gateway.service import GatewayService, _definitions
    _definitions.clear()            # case definitions cached by an earlier test's gateway (another service set)
    container = container_factory(GatewayService, gateway_config)
    container.start()
    return container


def key() -> str:
    return uuid.uuid4().hex


def sign_in(web, who: str) -> dict:
    """Headers of a signed-in session for one of USERS."""
    res = web.post("/api/session", json={"user_id": USERS[who]["user_id"], "password": PASSWORD})
    assert res.status_code == 201, res.text
    return {"Authorization": f"Bearer {res.json()['token']}"}


def assert_error(res, status: int, code: str) -> dict:
    assert res.status_code == status, (res.status_code, res.text)
    assert res.headers["Content-Type"].startswith("application/json")
    body = res.json()
    assert set(body) == {"error", "message", "details"}, body
    assert body["error"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["details"], dict)
    return body
