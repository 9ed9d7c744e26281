"""RabbitMQ permissions for a deployment: one broker user per service and one for the gateway, each allowed to
write only to its own exchanges and to the RPC paths it needs, and to read only its own queues
(``python -m infra.manage rabbitmq-definitions``; docker-compose.yml loads the file with ``load_definitions``).

nameko 2.14's names (nameko/rpc.py, events.py): the topic exchange ``nameko-rpc``; a service's queue
``rpc-<service>`` bound with ``<service>.*``; reply queues ``rpc.reply-<service>-<uuid>`` (a service's own)
and ``rpc.reply-standalone_rpc_proxy-<uuid>`` (the ClusterRpcProxy its hand-offs use), bound with the uuid;
replies go to ``nameko-rpc`` with the caller's reply key; events go to ``<service>.events`` with the event
type as key, consumed from ``evt-<source>-<type>--<consumer>.<method>``. The pika client's reply queue is
``jiefen-client-reply-<hex>`` (contracts/client.py).

Permissions (https://www.rabbitmq.com/docs/access-control): configure = declare/delete, write = publish and
bind a queue, read = consume and bind from an exchange; topic permissions restrict the routing keys a user
may publish with on a topic exchange. nameko declares the exchanges it uses, so a consumer also needs
configure on its source's events exchange (declaring an existing exchange with the same arguments changes
nothing; the broker itself cannot separate declare from delete). Development keeps guest on localhost.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from pathlib import Path

from contracts.feed import FEED_EXCHANGE

# who calls whom over RPC (hand-offs, and a parent reading its child before it reacts), and whose events
# each consumes (infra/handoff.py); the gateway calls every case service
CALLS = {"intake": ("mediation", "diversion", "petition"), "mediation": ("diversion",), "diversion": ("mediation",),
         "petition": ("diversion",), "recommendation": (),
         "supervision": ("intake", "mediation", "diversion", "petition", "recommendation"),
         "gateway": ("intake", "mediation", "diversion", "petition", "recommendation", "supervision")}
CONSUMES = {"intake": ("mediation", "diversion", "petition"), "mediation": ("diversion",),
            "diversion": ("diversion", "mediation"), "petition": ("diversion",), "recommendation": (),
            "supervision": ("intake", "mediation", "diversion", "petition", "recommendation"), "gateway": ()}
REPLY_KEY = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|jiefen-client-reply-[0-9a-f]{32}"
USERS = tuple(CALLS)
# the feed topic for the provincial 数字平安系统 (contracts/feed.py): the supervision service alone publishes on
# it, with its two kinds of routing key; a consumer's account needs read on the exchange and its own queue
FEED_KEYS = r"^(case_fact\.[a-z_]+|figures\.month)$"
PUBLISHES = {"supervision": (FEED_EXCHANGE,)}


def _alt(names) -> str:
    return "|".join(re.escape(n) for n in names)


def permissions(user: str) -> dict:
    """configure/write/read regexes (resource names) and topic permissions of one service's broker user."""
    own_queues = [rf"rpc-{user}", rf"rpc\.reply-({user}|standalone_rpc_proxy)-[0-9a-f-]+", rf"evt-[a-z]+-[a-z_]+--{user}\.[a-z_]+"]
    sources = [f"{s}.events" for s in CONSUMES[user]]
    own_exchanges = ["nameko-rpc", f"{user}.events", *PUBLISHES.get(user, ())]
    configure = "^(" + "|".join([_alt(own_exchanges + sources), *own_queues]) + ")$"
    write = "^(" + "|".join([_alt(own_exchanges), *own_queues]) + ")$"
    read = "^(" + "|".join([_alt(["nameko-rpc", *sources]), *own_queues]) + ")$"
    rpc_keys = [rf"{re.escape(t)}\.[a-z_]+" for t in CALLS[user]] + [REPLY_KEY]
    topic = [
        {"exchange": "nameko-rpc", "write": "^(" + "|".join(rpc_keys) + ")$", "read": ".*"},
        {"exchange": f"{user}.events", "write": ".*", "read": ".*"},
    ] + [{"exchange": ex, "write": FEED_KEYS, "read": ".*"} for ex in PUBLISHES.get(user, ())]
    return {"configure": configure, "write": write, "read": read, "topic": topic}


def password_hash(password: str) -> str:
    """RabbitMQ's rabbit_password_hashing_sha256: base64(salt + sha256(salt + utf8 password))."""
    salt = secrets.token_bytes(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode("utf-8")).digest()).decode()


def definitions(vhost: str, passwords: dict[str, str]) -> dict:
    users, perms, topics = [], [], []
    for user in USERS:
        p = permissions(user)
        users.append({"name": user, "password_hash": password_hash(passwords[user]),
                      "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": ""})
        perms.append({"user": user, "vhost": vhost, "configure": p["configure"], "write": p["write"],
                      "read": p["read"]})
        topics += [{"user": user, "vhost": vhost, **t} for t in p["topic"]]
    return {"rabbit_version": "3.13.0", "users": users, "vhosts": [{"name": vhost}], "permissions": perms,
            "topic_permissions": topics,
            "exchanges": [{"name": "nameko-rpc", "vhost": vhost, "type": "topic", "durable": True,
                           "auto_delete": False, "internal": False, "arguments": {}}]
            + [{"name": f"{s}.events", "vhost": vhost, "type": "topic", "durable": True, "auto_delete": False,
                "internal": False, "arguments": {}} for s in USERS if s != "gateway"]
            + [{"name": FEED_EXCHANGE, "vhost": vhost, "type": "topic", "durable": True, "auto_delete": False,
                "internal": False, "arguments": {}}]}


def write_definitions(out: Path, env_file: Path, vhost: str = "jiefen") -> dict[str, str]:
    """Write the definitions JSON, and (once) a 0600 env file with each user's password and AMQP_URI
    (reused on later runs, so re-provisioning keeps the passwords)."""
    passwords = {}
    if env_file.exists():
        for line in env_file.read_text().splitlines():
            m = re.match(r"JIEFEN_MQ_PASSWORD_([A-Z]+)=(\S+)$", line.strip())
            if m:
                passwords[m.group(1).lower()] = m.group(2)
    for user in USERS:
        passwords.setdefault(user, secrets.token_urlsafe(24))
    out.parent.mkdir(parents=True, exist_ok=True)
    env_file.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(definitions(vhost, passwords), indent=2), encoding="utf-8")
    env_file.touch(mode=0o600)
    env_file.write_text("".join(f"JIEFEN_MQ_PASSWORD_{u.upper()}={passwords[u]}\n" for u in USERS))
    env_file.chmod(0o600)
    return passwords
