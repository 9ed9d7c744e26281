"""Trust on the bus: the client registry (config/clients.yaml), verification of signed actor assertions,
and signed events. Signing itself is contracts/signing.py (the pika client needs it without infra).

Threat model, in short: anything that reaches RabbitMQ can publish any RPC request and any event. So a
service trusts an actor only from an assertion signed by a registered client whose grant covers that
organisation and role (and the role must be one the organisation's kind may hold, config/roles.yaml);
``sys`` only from a service's own key; ``party`` from nobody (staff record a party's act, see
infra/engine.py). An event is acted on only when signed by the service whose exchange it came from,
and a parent then reads the child case over authenticated RPC and reacts to what it reads.

One place for event signing/verification: ``sign_event`` / ``verify_event``.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import jwt
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from contracts.enums import ROLES
from contracts.errors import JiefenError
from contracts.signing import ALGORITHM, ASSERTION_KEY, Signer, audience, generate_key, key_id, load_private_key
from infra.actors import Actor
from infra.config import ROOT, Config
from infra.orgs import Directory

log = logging.getLogger(__name__)
CLIENT_KINDS = ("gateway", "service", "integration", "test")
# where each role's institution comes from (config/roles.yaml), cited when a role is refused at an organisation
ROLE_BASIS = {
    "window": "PSR Art 39", "router": "PSR Art 39", "supv": "PSR Art 60, 65", "pmc": "PML Art 13, 19",
    "mediator": "PML Art 13, 19; SIM Art 4", "filing": "CPL Art 126; OMR Art 7", "judge": "CPL Art 205, 206",
    "xfb": "LVR Art 17", "handler": "LVR Art 31", "sup": "LVR Art 35, 36", "issuer": "JSR Art 1; PRR Art 2",
    "rcpt": "JSR Art 3; PRR Art 2",
}
SIGNATURE_KEY = "signature"          # the event payload's field holding the publisher's signature
DEFAULT_MAX_TTL = 600
RELOAD_EVERY = 1.0                   # seconds between mtime checks of the registry


def service_client_id(service: str) -> str:
    return f"svc-{service}"


@dataclass
class Client:
    id: str
    kind: str
    service: str | None = None
    orgs: frozenset[str] | None = None       # None: every organisation
    org_kinds: frozenset[str] = frozenset()
    roles: frozenset[str] | None = None      # None: every role its organisation may hold
    keys: dict[str, Ed25519PublicKey] = field(default_factory=dict)
    revoked: frozenset[str] = frozenset()
    max_ttl: int = DEFAULT_MAX_TTL

    def grants_org(self, directory: Directory, org_id: str) -> bool:
        if self.orgs is None:
            return True
        org = directory.get(org_id)
        return org_id in self.orgs or (org is not None and org.kind in self.org_kinds)

    def grants_role(self, role: str) -> bool:
        return self.roles is None or role in self.roles


def _forbidden(message: str, reason: str, **details) -> JiefenError:
    return JiefenError("FORBIDDEN", message, {"reason": reason, **details})


class Registry:
    """The clients that may call jiefen, with their public keys and grants. Reloaded when the file or the
    keys directory changes (checked at most once a second), so a revoked key is refused right after."""

    def __init__(self, path: str | os.PathLike, keys_dir: str | os.PathLike, directory: Directory):
        self.path, self.keys_dir, self.directory = Path(path), Path(keys_dir), directory
        self._lock = threading.Lock()
        self._checked = 0.0
        self._stamp = None
        self.clients: dict[str, Client] = {}
        self.generation = 0
        self.reload()

    def _mtime(self):
        stamps = [self.path.stat().st_mtime_ns if self.path.exists() else 0]
        if self.keys_dir.exists():
            stamps.append(self.keys_dir.stat().st_mtime_ns)
        return tuple(stamps)

    def reload(self) -> None:
        with self._lock:
            stamp = self._mtime()
            self.clients = parse_registry(self.path, self.keys_dir, self.directory)
            self._stamp, self._checked = stamp, time.monotonic()
            self.generation += 1

    def maybe_reload(self, force: bool = False) -> None:
        if not force and time.monotonic() - self._checked < RELOAD_EVERY:
            return
        self._checked = time.monotonic()
        if force or self._mtime() != self._stamp:
            self.reload()

    def client(self, client_id: str) -> Client | None:
        self.maybe_reload()
        return self.clients.get(client_id)

    def public_key(self, client: Client, kid: str) -> Ed25519PublicKey:
        if kid in client.revoked:
            raise _forbidden(f"调用方 {client.id} 的密钥 {kid} 已吊销，请使用新密钥", "revoked_key", kid=kid)
        key = client.keys.get(kid)
        if key is None:
            self.maybe_reload(force=True)                # a key added (rotation) since the last load
            client = self.clients.get(client.id) or client
            key = client.keys.get(kid)
        if key is None:
            raise _forbidden(f"调用方 {client.id} 的密钥 {kid} 未登记", "unknown_key", kid=kid)
        return key


def _load_public(value: str, keys_dir: Path, where: str) -> Ed25519PublicKey | None:
    if "BEGIN PUBLIC KEY" in value:
        data = value.encode()
    else:
        p = Path(value) if Path(value).is_absolute() else keys_dir / value
        if not p.exists():
            log.warning("%s: public key file %s not found (yet)", where, p.name)
            return None
        data = p.read_bytes()
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{where}: not an Ed25519 public key")
    return key


def parse_registry(path: Path, keys_dir: Path, directory: Directory) -> dict[str, Client]:
    """Read and check config/clients.yaml; a grant the role table forbids fails loudly, naming the client."""
    with open(path, encoding="utf-8") as f:
        raw = (yaml.safe_load(f) or {}).get("clients") or {}
    clients = {}
    for cid, row in raw.items():
        where = f"{path.name}: client {cid}"
        row = row or {}
        kind = row.get("kind")
        if kind not in CLIENT_KINDS:
            raise ValueError(f"{where}: kind must be one of {CLIENT_KINDS}, not {kind!r}")
        orgs, org_kinds = row.get("orgs", []), set()
        if orgs == "*":
            orgs = None
        else:
            codes = set()
            for o in orgs or []:
                if isinstance(o, str) and o.startswith("kind:"):
                    org_kinds.add(o[5:])
                elif directory.get(o) is None:
                    raise ValueError(f"{where}: unknown organisation {o!r}")
                else:
                    codes.add(o)
            orgs = frozenset(codes)
        roles = row.get("roles", [])
        roles = None if roles == "*" else frozenset(roles or [])
        for r in roles or ():
            if r not in ROLES or r == "party" or (r == "sys" and kind != "service"):
                raise ValueError(f"{where}: role {r!r} may not be granted (sys: services only; party: nobody)")
        if orgs is not None and roles is not None:       # every granted role must be holdable somewhere granted
            holdable = set().union(*(directory.roles_of(o) for o in orgs), *(directory.roles.get(k, ()) for k in org_kinds))
            bad = sorted(r for r in roles if r != "sys" and r not in holdable)
            if bad:
                raise ValueError(f"{where}: roles {bad} may be held by none of its organisations (config/roles.yaml)")
        keys = {}
        for spec in row.get("keys") or []:
            key = _load_public(spec, keys_dir, where)
            if key is not None:
                keys[key_id(key)] = key
        clients[cid] = Client(cid, kind, row.get("service"), orgs, frozenset(org_kinds), roles, keys,
                              frozenset(row.get("revoked") or []), int(row.get("max_ttl", DEFAULT_MAX_TTL)))
    return clients


# -- actor assertions ---------------------------------------------------------------------------------
class Trust:
    """What a service (or the gateway) needs: the registry, the directory, the audience, its own signer."""

    def __init__(self, registry: Registry, directory: Directory, aud: str, signer: Signer | None = None):
        self.registry, self.directory, self.aud, self.signer = registry, directory, aud, signer
        self._cache: dict[str, tuple[Actor, int, int]] = {}

    def verify(self, token: str | None) -> Actor:
        """The actor a signed assertion vouches for, or FORBIDDEN (the message says why, in Chinese)."""
        if not token or not isinstance(token, str):
            raise _forbidden("调用未附签名的操作人声明（jiefen_assertion），拒绝执行", "no_assertion")
        self.registry.maybe_reload()
        hit = self._cache.get(token)
        if hit and hit[2] == self.registry.generation and hit[1] > time.time():
            return hit[0]
        actor, exp = self._verify(token)
        if len(self._cache) > 4096:
            self._cache.clear()
        self._cache[token] = (actor, exp, self.registry.generation)
        return actor

    def _verify(self, token: str) -> tuple[Actor, int]:
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise _forbidden("操作人声明格式无效", "malformed") from None
        client = self.registry.client(str(unverified.get("iss")))
        if client is None:
            raise _forbidden(f"调用方 {unverified.get('iss')!r} 未在客户端登记表中", "unknown_client")
        key = self.registry.public_key(client, str(header.get("kid")))
        try:
            claims = jwt.decode(token, key, algorithms=[ALGORITHM], audience=self.aud, issuer=client.id,
                                options={"require": ["exp", "iat", "iss", "aud", "sub", "jti"]})
        except jwt.ExpiredSignatureError:
            raise _forbidden("操作人声明已过期，请重新签发", "expired") from None
        except jwt.InvalidAudienceError:
            raise _forbidden(f"操作人声明的受众不是本部署（{self.aud}）", "wrong_audience") from None
        except jwt.PyJWTError:
            raise _forbidden("操作人声明签名无效", "bad_signature") from None
        if claims["exp"] - claims["iat"] > client.max_ttl:
            raise _forbidden(f"操作人声明有效期超过 {client.max_ttl} 秒上限", "ttl_too_long")
        user_id, role, org_id = claims.get("sub"), claims.get("role"), claims.get("org")
        self.check_grant(client, role, org_id)
        # a party's act the staff member records, for commands that take no data (validated by the engine);
        # services forward it in hand-offs the act causes
        party_act = claims.get("party_act") if isinstance(claims.get("party_act"), dict) else None
        return Actor(str(user_id), role, org_id, client=client.id, party_act=party_act), int(claims["exp"])

    def check_grant(self, client: Client, role: str, org_id: str) -> None:
        d = self.directory
        if role not in ROLES:
            raise _forbidden(f"未知角色 {role!r}", "unknown_role", role=role)
        if role == "party":
            raise _forbidden("任何调用方均不得以当事人身份操作；当事人的行为由承办机构工作人员代为记录（party_act）",
                             "party_claimed", role=role)
        if role == "sys" and client.kind != "service":
            raise _forbidden("系统角色仅限本系统各服务使用，外部调用方不得声明", "sys_from_outside", client=client.id)
        if d.get(org_id) is None:
            raise _forbidden(f"未知机构 {org_id!r}", "unknown_org", org_id=org_id)
        if not client.grants_org(d, org_id) or not client.grants_role(role):
            raise _forbidden(f"调用方 {client.id} 无权以{ROLES.get(role, role)}（{role}）身份代表机构 {org_id} 操作",
                             "outside_grant", client=client.id, org_id=org_id, role=role)
        if role != "sys" and not d.may_hold(org_id, role):
            org = d.get(org_id)
            raise _forbidden(f"{org.name}（{org_id}）的工作人员不能担任{ROLES[role]}（{role}）"
                             f"（依据 {ROLE_BASIS.get(role, 'config/roles.yaml')}）",
                             "role_not_for_org", org_id=org_id, role=role, kind=org.kind)

    def actor_from_context(self, data: dict | None) -> Actor:
        return self.verify((data or {}).get(ASSERTION_KEY))

    # -- the service's own calls -------------------------------------------------------------------
    def context_for(self, actor: Actor | dict) -> dict:
        """Context data for a call this service makes as ``actor`` (its sys, or a user it forwards)."""
        if self.signer is None:
            raise RuntimeError("this process has no signing key")
        a = actor.to_dict() if isinstance(actor, Actor) else actor
        return self.signer.context(a)


# -- events -------------------------------------------------------------------------------------------
def _digest(payload: dict) -> str:
    body = {k: v for k, v in payload.items() if k != SIGNATURE_KEY}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                                     default=str).encode()).hexdigest()


def sign_event(signer: Signer, payload: dict) -> dict:
    """The payload with the publishing service's signature over all of it (no expiry: a relay may be late)."""
    now = int(time.time())
    token = jwt.encode({"iss": signer.client_id, "aud": signer.aud, "iat": now, "sub": str(payload.get("event_id")),
                        "dig": _digest(payload)}, signer.private_key, algorithm=ALGORITHM,
                       headers={"kid": signer.kid})
    return {**payload, SIGNATURE_KEY: token}


def verify_event(trust: Trust, payload: dict, source_service: str) -> bool:
    """True when ``payload`` was signed, unchanged, by ``source_service`` (the exchange it came from).
    What fails is logged in one line (no personal data) and must be dropped by the caller."""
    reason = None
    try:
        token = (payload or {}).get(SIGNATURE_KEY)
        if not token:
            reason = "unsigned"
        else:
            unverified = jwt.decode(token, options={"verify_signature": False})
            client = trust.registry.client(str(unverified.get("iss")))
            if client is None or client.kind != "service" or client.service != source_service:
                reason = f"signer {unverified.get('iss')!r} is not service {source_service}"
            else:
                key = trust.registry.public_key(client, str(jwt.get_unverified_header(token).get("kid")))
                claims = jwt.decode(token, key, algorithms=[ALGORITHM], audience=trust.aud, issuer=client.id,
                                    options={"require": ["iss", "aud", "sub"], "verify_exp": False})
                if claims.get("dig") != _digest(payload) or claims["sub"] != str(payload.get("event_id")):
                    reason = "payload does not match its signature"
    except (jwt.PyJWTError, JiefenError, ValueError) as err:
        reason = f"bad signature ({getattr(err, 'code', type(err).__name__)})"
    if reason:
        log.warning("event dropped: from exchange %s.events, type %s, id %s: %s", source_service,
                    str((payload or {}).get("event_type"))[:40], str((payload or {}).get("event_id"))[:40], reason)
        return False
    return True


# -- loading ------------------------------------------------------------------------------------------
def _path(config: Config, key: str, default: str) -> Path:
    p = Path(config.get(key) or default)
    return p if p.is_absolute() else ROOT / p


def keys_dir(config: Config) -> Path:
    return _path(config, "keys_dir", "var/keys")


def ensure_dev_keys(config: Config) -> list[str]:
    """Development: generate the key of every registry entry marked ``dev_key: true`` that has none yet
    (into keys_dir, private keys 0600). Off when ``dev_keys`` is false (production provisions keys)."""
    if not config.get("dev_keys", True):
        return []
    path = _path(config, "clients_file", "config/clients.yaml")
    with open(path, encoding="utf-8") as f:
        raw = (yaml.safe_load(f) or {}).get("clients") or {}
    made, kd = [], keys_dir(config)
    for cid, row in raw.items():
        if (row or {}).get("dev_key") and not (kd / f"{cid}.key").exists():
            generate_key(kd, cid)
            made.append(cid)
    return made


def load_trust(config: Config, directory: Directory, client_id: str | None = None) -> Trust:
    ensure_dev_keys(config)
    registry = Registry(_path(config, "clients_file", "config/clients.yaml"), keys_dir(config), directory)
    aud = audience(config.county_code)
    signer = None
    if client_id:
        key_file = keys_dir(config) / f"{client_id}.key"
        for attempt in range(20):        # a concurrent first run may be writing it this instant
            try:
                signer = Signer(client_id, load_private_key(key_file), aud=aud,
                                ttl=int(config.get("assertion_ttl", 300)))
                break
            except (ValueError, FileNotFoundError):
                if attempt == 19:
                    raise
                time.sleep(0.1)
    return Trust(registry, directory, aud, signer)
