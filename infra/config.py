"""The one configuration loader lives in contracts/config.py (the payload limits in contracts/ read it, and
contracts/ imports nothing from infra/); infra's modules keep importing it from here."""
from contracts.config import DEFAULT_AMQP_URI, DEFAULT_FILE, PROFILES, ROOT, Config, default_config, load_config

__all__ = ["DEFAULT_AMQP_URI", "DEFAULT_FILE", "PROFILES", "ROOT", "Config", "default_config", "load_config"]
