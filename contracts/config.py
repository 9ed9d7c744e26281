"""The one configuration loader: config/jiefen.yaml, then environment variables (re-exported by infra/config.py)."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "config" / "jiefen.yaml"
DEFAULT_AMQP_URI = "amqp://guest:guest@localhost:5672/"
PROFILES = ("national", "zhejiang")
# every timer's period in seconds: where config/jiefen.yaml keeps it, and the environment variable that
# overrides it (tests and `make run` shorten them). nameko fixes a @timer's interval when its class is
# defined, so the timers read these through ``default_config().interval(name)`` at import.
INTERVALS = {
    "sweep": (("clocks", "sweep_interval_seconds"), "JIEFEN_SWEEP_INTERVAL"),      # deadline sweep
    "relay": (("outbox", "relay_interval_seconds"), "JIEFEN_RELAY_INTERVAL"),      # outbox → AMQP
    "handoff": (("handoff", "interval_seconds"), "JIEFEN_HANDOFF_INTERVAL"),       # hand-off delivery, tracking
    "anchor": (("audit", "anchor_interval_seconds"), "JIEFEN_ANCHOR_INTERVAL"),    # the day's audit root
    "prune": (("idempotency", "prune_interval_seconds"), None),                    # old idempotency records
    # the centre's read model: refresh from the services, the early-warning run, the month's figures on the feed
    "supervision_refresh": (("supervision", "refresh_interval_seconds"), "JIEFEN_SUPERVISION_REFRESH_INTERVAL"),
    "supervision_warnings": (("supervision", "warning_interval_seconds"), "JIEFEN_SUPERVISION_WARNING_INTERVAL"),
    "supervision_feed_figures": (("supervision", "feed_figures_interval_seconds"),
                                 "JIEFEN_SUPERVISION_FEED_FIGURES_INTERVAL"),
}


class Config(dict):
    """A dict with typed helpers; keys as in config/jiefen.yaml."""

    @property
    def profile(self) -> str:
        return self["profile"]

    @property
    def county_code(self) -> str:
        return self["county_code"]

    def interval(self, name: str) -> float:
        """A timer's period in seconds (``INTERVALS``)."""
        (section, key), _ = INTERVALS[name]
        return float(self[section][key])

    def path(self, key: str) -> Path:
        p = Path(self[key])
        return p if p.is_absolute() else ROOT / p

    def period(self, *keys: str) -> tuple[int, str]:
        """A period setting ({amount, unit}, or one per profile) as (amount, unit)."""
        node: Any = self
        for k in keys:
            node = node[k]
        if self.profile in node:
            node = node[self.profile]
        return int(node["amount"]), str(node["unit"])


def load_config(path: str | os.PathLike | None = None, **overrides: Any) -> Config:
    path = Path(path or os.environ.get("JIEFEN_CONFIG") or DEFAULT_FILE)
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    env = {
        "amqp_uri": os.environ.get("AMQP_URI"),
        "db_url": os.environ.get("DB_URL"),
        "profile": os.environ.get("JIEFEN_PROFILE"),
        "county_code": os.environ.get("JIEFEN_COUNTY_CODE"),
        "data_dir": os.environ.get("JIEFEN_DATA_DIR"),
        "db_schema_prefix": os.environ.get("JIEFEN_DB_SCHEMA_PREFIX"),
        "clients_file": os.environ.get("JIEFEN_CLIENTS_FILE"),
        "keys_dir": os.environ.get("JIEFEN_KEYS_DIR"),
    }
    data.update({k: v for k, v in env.items() if v})
    if os.environ.get("JIEFEN_DEV_KEYS"):          # 0 in a deployment: keys are provisioned, never generated
        data["dev_keys"] = os.environ["JIEFEN_DEV_KEYS"].lower() not in ("0", "false", "no")
    for (section, key), variable in INTERVALS.values():
        if variable and os.environ.get(variable):
            data[section] = {**(data.get(section) or {}), key: float(os.environ[variable])}
    data.update(overrides)
    data.setdefault("amqp_uri", DEFAULT_AMQP_URI)
    data.setdefault("db_url", None)
    cfg = Config(data)
    if cfg.profile not in PROFILES:
        raise ValueError(f"profile must be one of {PROFILES}, not {cfg.profile!r}")
    if not (str(cfg.county_code).isdigit() and len(str(cfg.county_code)) == 6):
        raise ValueError(f"county_code must be a 6-digit administrative code, not {cfg.county_code!r}")
    return cfg


@lru_cache(maxsize=1)
def default_config() -> Config:
    return load_config()
