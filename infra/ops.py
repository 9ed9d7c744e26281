"""What an operator runs a service with: the call id its log lines carry (nameko's call id stack),
its health (database, outbox and hand-off lag, last deadline sweep), and one small HTTP server per
process (``JIEFEN_OPS_PORT``) answering ``/healthz`` for the services of that process and ``/metrics``.

``make run`` runs every service in one process: the first container to start opens the port, the
others register with it, so one port serves them all. In a deployment each container is one process
and serves its own port (docker-compose.yml's healthchecks call it)."""
from __future__ import annotations

import json
import logging
import os
import time
from datetime import datetime, timezone
from pathlib import Path

from nameko.extensions import DependencyProvider
from sqlalchemy import func, or_, select

from infra import metrics
from infra.config import default_config
from infra.logs import redact

log = logging.getLogger(__name__)
SWEEP_INTERVAL = default_config().interval("sweep")
STARTED = time.time()
_containers: dict[str, object] = {}        # service name -> its nameko container, in this process
_sweeps: dict[str, dict] = {}              # service name -> the last deadline sweep
_server: dict = {}                         # the one ops HTTP server of this process


class CallInfo:
    def __init__(self, worker_ctx):
        self.worker_ctx = worker_ctx

    @property
    def call_id(self) -> str | None:
        stack = self.worker_ctx.call_id_stack
        return stack[-1] if stack else None

    @property
    def origin_call_id(self) -> str | None:
        """The first call of the chain (e.g. the gateway request), when this call is part of one."""
        return self.worker_ctx.origin_call_id


class Ops(DependencyProvider):
    """One per service container: registers the service for /healthz and /metrics, opens the
    process's ops port (once), hands each worker its call id."""

    def setup(self):
        _containers[self.container.service_name] = self.container
        port = os.environ.get("JIEFEN_OPS_PORT") or (self.container.config.get("JIEFEN") or {}).get("ops_port")
        if port not in (None, ""):
            serve(int(port))

    def stop(self):
        if _containers.get(self.container.service_name) is self.container:
            _containers.pop(self.container.service_name, None)

    kill = stop

    def get_dependency(self, worker_ctx):
        return CallInfo(worker_ctx)


# -- health -----------------------------------------------------------------------------------------
def record_sweep(service: str, seconds: float, fired: dict) -> None:
    _sweeps[service] = {"at": time.time(), "seconds": round(seconds, 4), "fired": dict(fired)}
    metrics.sweep(service, seconds, fired)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="seconds")


def _age(now: datetime, then: datetime | None) -> float | None:
    if then is None:
        return None
    if then.tzinfo is None:
        then = then.replace(tzinfo=timezone.utc)
    return max(0.0, round((now - then).total_seconds(), 3))


def health(service: str, envs: dict) -> dict:
    """Ready when the database answers (its tables, not only the server); outbox and hand-off lag
    (seconds the oldest waiting row has waited) and the last sweep are reported for alerting."""
    from infra.models import Case, CaseLink, OutboxRow
    env = next(iter(envs.values()))
    out: dict = {"service": service, "ready": False, "checked_at": _iso(time.time()),
                 "uptime_seconds": round(time.time() - STARTED, 1)}
    try:
        path = env.engine.url.database if env.engine.dialect.name == "sqlite" else None
        if path and path != ":memory:" and not Path(path).is_file():
            raise FileNotFoundError("the SQLite database file is missing")
        with env.engine.connect() as conn:
            conn.execute(select(Case.id).limit(1)).all()
            now = env.now()
            pending, oldest = conn.execute(select(func.count(), func.min(OutboxRow.created_at))
                                           .where(OutboxRow.sent_at.is_(None))).one()
            waiting, oldest_link = conn.execute(
                select(func.count(), func.min(CaseLink.created_at))
                .where(CaseLink.link_type == "child", CaseLink.target_case_id.is_(None),
                       or_(CaseLink.target_status.is_(None), CaseLink.target_status.not_like("refused:%")))).one()
        out["database"] = {"ok": True, "backend": env.engine.dialect.name}
        out["outbox"] = {"pending": pending, "lag_seconds": _age(now, oldest) or 0.0}
        out["handoff"] = {"waiting": waiting, "lag_seconds": _age(now, oldest_link) or 0.0}
        out["ready"] = True
    except Exception as exc:              # any failure to read its own tables: not ready, and why
        reason = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
        out["database"] = {"ok": False, "backend": env.engine.dialect.name,
                           "error": redact(f"{type(exc).__name__}: {reason}")}
    sweep = _sweeps.get(service)
    limit = 3 * SWEEP_INTERVAL + 30
    out["last_sweep"] = None if sweep is None else {
        "at": _iso(sweep["at"]), "age_seconds": round(time.time() - sweep["at"], 1), "seconds": sweep["seconds"],
        "fired": sweep["fired"]}
    since = sweep["at"] if sweep else STARTED
    out["sweep_overdue"] = time.time() - since > limit     # the timer has not run for 3 intervals
    return out


def local_services() -> dict[str, dict]:
    """service name -> its case-type environments, for every case service of this process."""
    out = {}
    for name, container in list(_containers.items()):
        try:
            platform = next((d for d in container.dependencies if hasattr(d, "envs")), None)
        except ReferenceError:            # a container that went away without stopping
            _containers.pop(name, None)
            continue
        if platform is not None and getattr(platform, "envs", None):
            out[name] = platform.envs
    return out


metrics.register_case_figures(local_services, health)


def broker_health(amqp_uri: str, timeout: float = 3.0) -> dict:
    """Can this process reach RabbitMQ (a fresh connection, closed at once)?"""
    from kombu import Connection
    try:
        with Connection(amqp_uri, connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}


def local_health() -> dict:
    """Every case service of this process, and the broker (for the container's own healthcheck)."""
    services = {name: health(name, envs) for name, envs in local_services().items()}
    uri = next((c.config.get("AMQP_URI") for c in list(_containers.values()) if _alive(c)), None)
    broker = broker_health(uri) if uri else {"ok": False, "error": "no service running"}
    not_ready = sorted(n for n, s in services.items() if not s["ready"])
    return {"ready": broker["ok"] and not not_ready, "broker": broker, "services": services, "not_ready": not_ready}


def _alive(container) -> bool:
    try:
        return bool(container.config)
    except ReferenceError:
        return False


# -- the ops HTTP server ------------------------------------------------------------------------------
def app(environ, start_response):
    try:
        return _answer(environ, start_response)
    except Exception:
        log.exception("ops port: %s failed", environ.get("PATH_INFO"))
        start_response("500 Internal Server Error", [("Content-Type", "application/json")])
        return [b'{"error": "INTERNAL"}']


def _answer(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/metrics":
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
        body, status, kind = generate_latest(), "200 OK", CONTENT_TYPE_LATEST
    elif path in ("/healthz", "/readyz"):
        state = local_health()
        body = json.dumps(state, ensure_ascii=False).encode()
        status, kind = ("200 OK" if state["ready"] else "503 Service Unavailable"), "application/json"
    else:
        body, status, kind = b'{"error": "NOT_FOUND"}', "404 Not Found", "application/json"
    start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body)))])
    return [body]


def serve(port: int, host: str = "0.0.0.0") -> int:
    """Open the process's ops port once (0: any free port); returns the port."""
    if _server:
        return _server["port"]
    import eventlet
    import eventlet.wsgi
    try:
        sock = eventlet.listen((host, port))
    except OSError as exc:       # the service still runs and answers health() over RPC
        log.error("ops port %s could not be opened: %s", port, exc)
        return 0
    _server["port"] = sock.getsockname()[1]
    _server["thread"] = eventlet.spawn(eventlet.wsgi.server, sock, app, log=logging.getLogger("infra.ops.http"),
                                       log_output=False)
    log.info("ops port %s open: /healthz, /metrics", _server["port"])
    return _server["port"]
