"""Shared fixtures: real RabbitMQ (a throwaway vhost per test, from nameko's pytest plugin) and a real
database, SQLite and PostgreSQL both (the ``backend`` fixture is parametrised over them)."""
from __future__ import annotations

import os
import uuid
import warnings
from urllib.parse import urljoin

warnings.filterwarnings("ignore", message=".*Eventlet is deprecated.*")

import pytest  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from contracts.enums import ROLES  # noqa: E402
from infra import timekeeping  # noqa: E402
from infra.db import normalise_url  # noqa: E402

PG_URL = os.environ.get("TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgresql")

ACTORS = {
    **{role: {"user_id": f"{role}-01", "role": role, "org_id": "zj-centre"} for role in ROLES if role != "sys"},
    "window": {"user_id": "clerk-01", "role": "window", "org_id": "zj-centre"},
    "router": {"user_id": "router-01", "role": "router", "org_id": "zj-centre"},
    "supv": {"user_id": "supv-01", "role": "supv", "org_id": "zj-centre"},
    "other_window": {"user_id": "clerk-99", "role": "window", "org_id": "zj-centre-jiyang"},
}


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
        engine = create_engine(normalise_url(PG_URL))
        with engine.begin() as conn:
            for (name,) in conn.execute(text("select nspname from pg_namespace where nspname like :p"),
                                        {"p": prefix + "%"}):
                conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        engine.dispose()
    return {"db_url": PG_URL, "db_schema_prefix": prefix, "data_dir": str(tmp_path)}, drop


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def jiefen(backend, tmp_path):
    settings, cleanup = jiefen_settings(backend, tmp_path)
    yield settings
    cleanup()


@pytest.fixture
def service_config(rabbit_config, jiefen):
    return {**rabbit_config, "JIEFEN": jiefen, "serializer": "json"}


@pytest.fixture
def rpc_as(service_config):
    """rpc_as("window") -> a ClusterRpcProxy whose calls carry that actor (or a dict actor)."""
    proxies: dict = {}

    def make(actor, timeout=20):
        context = ACTORS[actor] if isinstance(actor, str) else actor
        ident = (tuple(sorted(context.items())), timeout)
        if ident not in proxies:
            proxy = ClusterRpcProxy(service_config, context_data=context, timeout=timeout)
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
