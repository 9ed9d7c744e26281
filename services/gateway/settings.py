"""The gateway's settings: the ``GATEWAY`` key of the nameko config, then environment variables,
then defaults. Nothing here is a statutory value."""
from __future__ import annotations

import os
from dataclasses import dataclass

from infra.config import ROOT
from contracts.services import CASE_SERVICES as MANAGED

# The case services sharing the uniform RPC surface (infra/service.py). A name outside this list is
# a 404; a listed service that is not running answers 503.
CASE_SERVICES = tuple(MANAGED)
SERVICE_LABELS = {
    "intake": "一站式受理",
    "mediation": "人民调解",
    "diversion": "诉非分流",
    "petition": "信访",
    "recommendation": "司法建议/检察建议",
    "supervision": "督办",
}

# services hosting more than one case type: its own first, then the others (e.g. 司法确认 at the court)
SERVICE_CASE_TYPES = {"diversion": ("diversion", "jc"),
                      "supervision": ("supervision", "listed_supervision", "return_visit", "warning_task")}   # 挂牌督办, 回访, 预警处置


@dataclass(frozen=True)
class Settings:
    rpc_timeout: float = 10.0                 # seconds; every RPC call the gateway makes is bounded by it
    users_file: str = str(ROOT / "config" / "users.yaml")
    session_ttl: int = 8 * 3600               # a working day
    lookup_tries: int = 10                    # failed resident lookups per client address ...
    lookup_window: int = 600                  # ... per this many seconds, then 429 (a hall kiosk's right ones never count)
    lookup_case_tries: int = 5                # failed lookups of one case number, from anywhere, per lookup_window
    login_failures: int = 10                  # failed sign-ins per client address per lookup_window
    services: tuple[str, ...] = CASE_SERVICES
    max_body: int = 1 << 20                   # bytes of JSON the API accepts
    ready_timeout: float = 3.0                # seconds each service has to answer health() for /readyz


def _env(name: str, cast, default):
    value = os.environ.get(name)
    return default if value in (None, "") else cast(value)


def load_settings(container_config: dict) -> Settings:
    given = dict(container_config.get("GATEWAY") or {})
    d = Settings()
    services = given.get("services") or _env("JIEFEN_GATEWAY_SERVICES", lambda v: v.split(","), d.services)
    return Settings(
        rpc_timeout=float(given.get("rpc_timeout") or _env("JIEFEN_RPC_TIMEOUT", float, d.rpc_timeout)),
        users_file=str(given.get("users_file") or _env("JIEFEN_USERS_FILE", str, d.users_file)),
        session_ttl=int(given.get("session_ttl") or _env("JIEFEN_SESSION_TTL", int, d.session_ttl)),
        lookup_tries=int(given.get("lookup_tries") or _env("JIEFEN_LOOKUP_TRIES", int, d.lookup_tries)),
        lookup_window=int(given.get("lookup_window") or _env("JIEFEN_LOOKUP_WINDOW", int, d.lookup_window)),
        lookup_case_tries=int(given.get("lookup_case_tries") or _env("JIEFEN_LOOKUP_CASE_TRIES", int,
                                                                     d.lookup_case_tries)),
        login_failures=int(given.get("login_failures") or _env("JIEFEN_LOGIN_FAILURES", int, d.login_failures)),
        services=tuple(s.strip() for s in services if s.strip()),
        max_body=int(given.get("max_body") or d.max_body),
        ready_timeout=float(given.get("ready_timeout") or _env("JIEFEN_READY_TIMEOUT", float, d.ready_timeout)),
    )
