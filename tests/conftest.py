"""Shared fixtures: real RabbitMQ (a throwaway vhost per test, from nameko's pytest plugin) and a real
database, SQLite and PostgreSQL both (the ``backend`` fixture is parametrised over them)."""
from __future__ import annotations

import json
import os
import uuid
import warnings
from urllib.parse import urljoin

warnings.filterwarnings("ignore", message=".*Eventlet is deprecated.*")

import pytest  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402

from contracts.signing import Signer, generate_key  # noqa: E402
from infra import timekeeping  # noqa: E402
from infra.db import normalise_url  # noqa: E402

PG_URL = os.environ.get("TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgresql")

# Every role at an organisation whose kind may hold it (config/roles.yaml): a court's judge, a petition
# office's xfb, a committee's mediator. ``party`` is nobody's role: see tests.harness.as_party.
ACTORS = {
    "window": {"user_id": "clerk-01", "role": "window", "org_id": "zj-centre"},
    "router": {"user_id": "router-01", "role": "router", "org_id": "zj-centre"},
    "supv": {"user_id": "supv-01", "role": "supv", "org_id": "zj-centre"},
    "pmc": {"user_id": "pmc-01", "role": "pmc", "org_id": "zj-pmc-jiyang"},
    "mediator": {"user_id": "med-jy-01", "role": "mediator", "org_id": "zj-pmc-jiyang"},
    "filing": {"user_id": "filing-01", "role": "filing", "org_id": "zj-court"},
    "judge": {"user_id": "judge-01", "role": "judge", "org_id": "zj-court"},
    "xfb": {"user_id": "xfb-01", "role": "xfb", "org_id": "zj-xfj-county"},
    "handler": {"user_id": "handler-01", "role": "handler", "org_id": "zj-nr"},
    "sup": {"user_id": "sup-01", "role": "sup", "org_id": "zj-gov-county"},
    "issuer": {"user_id": "issuer-01", "role": "issuer", "org_id": "zj-proc"},
    "rcpt": {"user_id": "rcpt-01", "role": "rcpt", "org_id": "zj-nr"},
    "party": {"user_id": "party-01", "role": "party", "org_id": "zj-centre"},   # refused: use as_party
    "other_window": {"user_id": "clerk-99", "role": "window", "org_id": "zj-centre-jiyang"},
}

# -- trust: one key per client for the whole session, in a tmp directory (never var/keys) ----------------
TEST_CLIENT = "test-suite"
SERVICE_CLIENTS = ("svc-intake", "svc-mediation", "svc-diversion", "svc-petition", "svc-recommendation",
                   "svc-supervision")
TEST_CLIENTS_YAML = """
clients:
  svc-intake: {kind: service, service: intake, orgs: "*", roles: "*", keys: [svc-intake.pub]}
  svc-mediation: {kind: service, service: mediation, orgs: "*", roles: "*", keys: [svc-mediation.pub]}
  svc-diversion: {kind: service, service: diversion, orgs: "*", roles: "*", keys: [svc-diversion.pub]}
  svc-petition: {kind: service, service: petition, orgs: "*", roles: "*", keys: [svc-petition.pub]}
  svc-recommendation: {kind: service, service: recommendation, orgs: "*", roles: "*", keys: [svc-recommendation.pub]}
  svc-supervision: {kind: service, service: supervision, orgs: "*", roles: "*", keys: [svc-supervision.pub]}
  gateway: {kind: gateway, orgs: "*", roles: "*", keys: [gateway.pub]}
  test-suite: {kind: test, orgs: "*", roles: "*", keys: [test-suite.pub], max_ttl: 7200}
  # an integrating system of one mediation committee (trust tests)
  it-pmc-jiyang: {kind: integration, orgs: [zj-pmc-jiyang], roles: [pmc, mediator], keys: [it-pmc-jiyang.pub]}
"""


@pytest.fixture(scope="session")
def trust_settings(tmp_path_factory) -> dict:
    """JIEFEN settings pointing every service at the session's client registry and keys."""
    d = tmp_path_factory.mktemp("keys")
    for client in (*SERVICE_CLIENTS, "gateway", TEST_CLIENT, "it-pmc-jiyang"):
        generate_key(d, client)
    (d / "clients.yaml").write_text(TEST_CLIENTS_YAML, encoding="utf-8")
    return {"clients_file": str(d / "clients.yaml"), "keys_dir": str(d), "dev_keys": False}


@pytest.fixture(scope="session")
def signer(trust_settings) -> Signer:
    """The test client's signer: what ``rpc_as`` signs every actor with."""
    return Signer.from_file(TEST_CLIENT, f"{trust_settings['keys_dir']}/{TEST_CLIENT}.key", ttl=3600)


def client_signer(trust_settings, client_id: str, **kwargs) -> Signer:
    return Signer.from_file(client_id, f"{trust_settings['keys_dir']}/{client_id}.key", **kwargs)


@pytest.fixture
def web_session(web_config_port):
    # nameko's own fixture imports werkzeug's url_join, gone in Werkzeug 3 (ENGINEERING.md §1)
    import requests

    class WebSession(requests.Session):
        def request(self, method, url, *args, **kwargs):
            return super().request(method, urljoin(f"http://127.0.0.1:{web_config_port}/", url), *args, **kwargs)

    with WebSession() as s:
        yield s


@pytest.fixture(autouse=True)
def _real_time():
    timekeeping.reset()
    yield
    timekeeping.reset()


def jiefen_settings(backend: str, tmp_path) -> tuple[dict, callable]:
    """(JIEFEN overrides, cleanup) for a fresh database of the given backend."""
    if backend == "sqlite":
        return {"db_url": f"sqlite:///{tmp_path}/{{service}}.sqlite", "data_dir": str(tmp_path)}, lambda: None
    prefix = f"t{uuid.uuid4().hex[:10]}_"

    def drop():
        # A service thread that outlived its container may still hold a lock on these tables:
        # end its connections first (they carry the schema in application_name, infra/db.py),
        # then drop each schema in its own transaction, again if PostgreSQL saw a deadlock.
        engine = create_engine(normalise_url(PG_URL))
        with engine.begin() as conn:
            names = [n for (n,) in conn.execute(
                text("select nspname from pg_namespace where nspname like :p"), {"p": prefix + "%"})]
        for name in names:
            for attempt in range(5):
                try:
                    with engine.begin() as conn:
                        conn.execute(text("select pg_terminate_backend(pid) from pg_stat_activity "
                                          "where application_name = :a and pid <> pg_backend_pid()"),
                                     {"a": f"jiefen:{name}"[:63]})
                        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
                    break
                except OperationalError:
                    if attempt == 4:
                        raise
        engine.dispose()
    return {"db_url": PG_URL, "db_schema_prefix": prefix, "data_dir": str(tmp_path)}, drop


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def jiefen(backend, tmp_path, trust_settings):
    settings, cleanup = jiefen_settings(backend, tmp_path)
    yield {**settings, **trust_settings}
    cleanup()


@pytest.fixture
def service_config(rabbit_config, jiefen):
    return {**rabbit_config, "JIEFEN": jiefen, "serializer": "json"}


@pytest.fixture
def rpc_as(service_config, signer):
    """rpc_as("window") -> a ClusterRpcProxy whose calls carry that actor (or a dict actor), signed by
    the test client's key (an assertion valid for the test's length); ``signed=False``: the bare
    fields only, as an unauthenticated caller would send them."""
    proxies: dict = {}

    def make(actor, timeout=20, signed=True):
        context = ACTORS[actor] if isinstance(actor, str) else actor
        ident = (json.dumps(context, sort_keys=True), timeout, signed)
        if ident not in proxies:
            data = signer.context(context) if (signed and context) else dict(context)
            proxy = ClusterRpcProxy(service_config, context_data=data, timeout=timeout)
            proxies[ident] = (proxy, proxy.start())
        return proxies[ident][1]

    yield make
    for proxy, _ in proxies.values():
        proxy.stop()


@pytest.fixture
def intake(container_factory, service_config):
    from services.intake.service import IntakeService
    container = container_factory(IntakeService, service_config)
    container.start()
    return container
