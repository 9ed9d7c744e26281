"""Personal data (浙江省平安建设条例 Art 30; 个人信息保护法): ID numbers and phones are masked in every
listing and log; only an actor of the owning organisation reading one case sees them whole."""
from __future__ import annotations


def mask_id_number(value: str | None) -> str | None:
    if not value:
        return value
    if len(value) <= 10:
        return value[:2] + "*" * (len(value) - 2)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def party_view(party, whole: bool) -> dict:
    person = party.kind == "person"
    return {
        "role": party.role,
        "kind": party.kind,
        "name": party.name,
        # a unified social credit code is public registration data; a person's ID number is not
        "id_number": party.id_number if whole or not person else mask_id_number(party.id_number),
        "id_absent_reason": getattr(party, "id_absent_reason", None),
        "phone": party.phone if whole else mask_phone(party.phone),
        "address": party.address if whole or not person else None,
    }


# -- encryption at rest (个人信息保护法 Art 51(3): encryption and de-identification) --------------------
# ID numbers, phones and addresses are stored AES-256-GCM encrypted; a keyed blind index (HMAC-SHA256)
# of each ID number serves exact search and duplicate detection. Keys come from the environment
# (JIEFEN_PII_KEYS: base64 keys, newest first; JIEFEN_INDEX_KEY; JIEFEN_AUDIT_KEY) or from files in
# ``pii.keys_dir`` (var/keys/, gitignored), generated on first use in development. The newest key
# encrypts; every listed key decrypts (rotation: ``python -m infra.manage rotate-key`` then
# ``python -m infra.manage reencrypt``). The index and audit keys are not rotated: a new index key
# would need every index recomputed from the decrypted values (``reencrypt`` does that too).
import base64
import fcntl
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import JSON, Text, TypeDecorator

PREFIX = "enc1:"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"jiefen-key-id:" + key).hexdigest()[:8]


@dataclass
class Keyring:
    keys: list[bytes]            # newest first: keys[0] encrypts, all decrypt
    index_key: bytes
    audit_key: bytes
    encrypt_enabled: bool = True

    def __post_init__(self):
        self._by_id = {key_id(k): AESGCM(k) for k in self.keys}
        self._newest = (key_id(self.keys[0]), AESGCM(self.keys[0]))

    def encrypt(self, text: str | None) -> str | None:
        if text is None or not self.encrypt_enabled:
            return text
        kid, aead = self._newest
        nonce = os.urandom(12)
        return f"{PREFIX}{kid}:{_b64(nonce + aead.encrypt(nonce, text.encode('utf-8'), kid.encode()))}"

    def decrypt(self, token: str | None) -> str | None:
        if token is None or not token.startswith(PREFIX):
            return token                       # written with encryption off, or before it existed
        kid, body = token[len(PREFIX):].split(":", 1)
        aead = self._by_id.get(kid)
        if aead is None:
            raise KeyError(f"no key {kid} in the keyring (JIEFEN_PII_KEYS / pii.keys_dir)")
        raw = _unb64(body)
        return aead.decrypt(raw[:12], raw[12:], kid.encode()).decode("utf-8")

    def is_current(self, token: str | None) -> bool:
        return token is None or (token.startswith(PREFIX) == self.encrypt_enabled
                                 and (not self.encrypt_enabled or token[len(PREFIX):].startswith(self._newest[0])))

    def blind(self, value: str | None, domain: str = "id") -> str | None:
        """The blind index of a normalised identifier (``domain`` id or phone): equal values give equal
        indexes, and without the index key nobody can test a guessed number against the table."""
        if not value:
            return None
        return hmac.new(self.index_key, domain.encode() + b":" + value.encode("utf-8"), hashlib.sha256).hexdigest()

    def audit_mac(self, message: str) -> str:
        return hmac.new(self.audit_key, message.encode("utf-8"), hashlib.sha256).hexdigest()


_KEYRING: Keyring | None = None


def keyring() -> Keyring:
    global _KEYRING
    if _KEYRING is None:
        _KEYRING = load_keyring()
    return _KEYRING


def set_keyring(ring: Keyring | None) -> None:
    """Operators' commands and tests: use this keyring (None: load again from config/env)."""
    global _KEYRING
    _KEYRING = ring


def keys_dir() -> Path:
    from infra.config import ROOT, default_config
    p = Path(os.environ.get("JIEFEN_KEYS_DIR") or (default_config().get("pii") or {}).get("keys_dir") or "var/keys")
    return p if p.is_absolute() else ROOT / p


def _encrypt_enabled() -> bool:
    from infra.config import default_config
    env = os.environ.get("JIEFEN_PII_ENCRYPT")
    if env is not None:
        return env.strip().lower() not in ("0", "false", "no", "off")
    return bool((default_config().get("pii") or {}).get("encrypt", True))


def load_keyring() -> Keyring:
    env_keys = os.environ.get("JIEFEN_PII_KEYS")
    if env_keys:
        keys = [_unb64(k.strip()) for k in env_keys.split(",") if k.strip()]
        index_key = _unb64(os.environ["JIEFEN_INDEX_KEY"])
        audit_key = _unb64(os.environ["JIEFEN_AUDIT_KEY"])
        return Keyring(keys, index_key, audit_key, _encrypt_enabled())
    d = keys_dir()
    d.mkdir(parents=True, exist_ok=True)
    with open(d / ".lock", "w") as lock:          # several services start at once: one generates
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            for name in ("pii.keys", "index.key", "audit.key"):
                path = d / name
                if not path.exists():
                    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    with os.fdopen(fd, "w") as f:
                        f.write(_b64(AESGCM.generate_key(bit_length=256)) + "\n")
            keys = [_unb64(line.strip()) for line in (d / "pii.keys").read_text().splitlines() if line.strip()]
            index_key = _unb64((d / "index.key").read_text().strip())
            audit_key = _unb64((d / "audit.key").read_text().strip())
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return Keyring(keys, index_key, audit_key, _encrypt_enabled())


def rotate_key() -> str:
    """Put a new newest key in front of the development key file; returns its id."""
    d = keys_dir()
    keyring()                                       # make sure the files exist
    new = AESGCM.generate_key(bit_length=256)
    path = d / "pii.keys"
    path.write_text(_b64(new) + "\n" + path.read_text())
    set_keyring(None)
    return key_id(new)


class Encrypted(TypeDecorator):
    """A text column stored encrypted with the keyring's newest key; read back in clear."""
    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return keyring().encrypt(value)

    def process_result_value(self, value, dialect):
        return keyring().decrypt(value)


class EncryptedJSON(TypeDecorator):
    """A JSON column whose whole value is stored encrypted as ``{"enc": token}``."""
    impl = JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        ring = keyring()
        if value is None or not ring.encrypt_enabled:
            return value
        return {"enc": ring.encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True))}

    def process_result_value(self, value, dialect):
        if isinstance(value, dict) and set(value) == {"enc"} and isinstance(value["enc"], str):
            return json.loads(keyring().decrypt(value["enc"]))
        return value


def blind_all(values) -> list[str]:
    """Blind indexes of ID numbers, to compare with ``Party.id_index`` in a query."""
    ring = keyring()
    return sorted({ring.blind(v) for v in values if v})
