"""Signed actor assertions: what every caller puts in nameko context data so a service can trust who acts.

An assertion is a short-lived JWT (RFC 7519, EdDSA over Ed25519, PyJWT + cryptography; no hand-made
crypto) carried under the context key ``jiefen_assertion``:

    header  {"alg": "EdDSA", "typ": "JWT", "kid": <key id>}
    claims  {"iss": <client id>, "sub": <user_id>, "role": ..., "org": <org_id>,
             "aud": "jiefen:<county code>", "iat", "exp" (a few minutes), "jti"}

The audience is the deployment, not one service, so nameko's propagation of context data to nested
calls keeps working. The key id is the fingerprint of the public key (``key_id``), so the registry
(config/clients.yaml) needs no separate kid column and a rotated key has a new kid by construction.

This module is the signing half only: the pika client, the CLI and the services import it without
importing infra. Verification lives in infra/trust.py.
"""
from __future__ import annotations

import hashlib
import os
import time
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = ["ASSERTION_KEY", "ALGORITHM", "Signer", "audience", "generate_key", "key_id", "load_private_key",
           "public_pem", "DEFAULT_TTL"]

ASSERTION_KEY = "jiefen_assertion"
ALGORITHM = "EdDSA"
DEFAULT_TTL = 300            # seconds; the registry caps it per client (max_ttl)


def audience(county_code: str | None = None) -> str:
    return f"jiefen:{county_code or os.environ.get('JIEFEN_COUNTY_CODE') or '330681'}"


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)


def load_private_key(path: str | os.PathLike) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path}: not an Ed25519 private key")
    return key


def generate_key(directory: str | os.PathLike, client_id: str) -> tuple[Path, Path]:
    """A new key pair ``<client_id>.key`` (PKCS#8 PEM, mode 0600) and ``<client_id>.pub`` in ``directory``.
    Never overwrites: an existing private key is kept (O_EXCL), so concurrent first runs agree."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    priv_path, pub_path = d / f"{client_id}.key", d / f"{client_id}.pub"
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    try:
        fd = os.open(priv_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        private = load_private_key(priv_path)
    else:
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
    if not pub_path.exists() or pub_path.read_bytes() != public_pem(private):
        tmp = pub_path.with_suffix(f".pub.{uuid.uuid4().hex}")
        tmp.write_bytes(public_pem(private))
        os.replace(tmp, pub_path)
    return priv_path, pub_path


class Signer:
    """Signs actor assertions (and, in infra/trust.py, events) as one client with one private key."""

    def __init__(self, client_id: str, private_key: Ed25519PrivateKey, aud: str | None = None,
                 ttl: int = DEFAULT_TTL):
        self.client_id = client_id
        self.private_key = private_key
        self.kid = key_id(private_key.public_key())
        self.aud = aud or audience()
        self.ttl = ttl

    @classmethod
    def from_file(cls, client_id: str, path: str | os.PathLike, **kwargs) -> "Signer":
        return cls(client_id, load_private_key(path), **kwargs)

    @classmethod
    def from_env(cls, client_id: str | None = None, key_file: str | None = None, **kwargs) -> "Signer | None":
        """The signer an integrator's terminal uses: JIEFEN_CLIENT_ID and JIEFEN_KEY_FILE (or arguments)."""
        client_id = client_id or os.environ.get("JIEFEN_CLIENT_ID")
        key_file = key_file or os.environ.get("JIEFEN_KEY_FILE")
        if not (client_id and key_file):
            return None
        return cls.from_file(client_id, key_file, **kwargs)

    def sign(self, claims: dict, ttl: int | None = None) -> str:
        now = int(time.time())
        body = {"iss": self.client_id, "aud": self.aud, "iat": now, "exp": now + (ttl or self.ttl),
                "jti": uuid.uuid4().hex, **claims}
        return jwt.encode(body, self.private_key, algorithm=ALGORITHM, headers={"kid": self.kid})

    def assertion(self, actor: dict, ttl: int | None = None) -> str:
        claims = {"sub": str(actor["user_id"]), "role": actor["role"], "org": actor["org_id"]}
        if actor.get("party_act"):       # staff recording a party's act (commands without data; hand-offs)
            claims["party_act"] = actor["party_act"]
        return self.sign(claims, ttl)

    def context(self, actor: dict, ttl: int | None = None) -> dict:
        """nameko context data for a call as ``actor``: the plain fields (for logs) and the assertion."""
        return {"user_id": actor["user_id"], "role": actor["role"], "org_id": actor["org_id"],
                ASSERTION_KEY: self.assertion(actor, ttl)}
