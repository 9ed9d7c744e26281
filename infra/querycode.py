"""The resident's query code (查询码): 8 characters handed out once at registration, stored only as a keyed
hash. Issued by every body that registers a matter a resident may follow (the centre's window, a petition
office: LVR Art 21 ¶2 方便信访人查询), checked by each service's ``lookup_by_query_code``."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from infra.pii import keyring

QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"   # no 0/O, 1/I: read aloud at the window


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(8))


def query_code_hash(case_id: str, code: str) -> str:
    """Only this keyed hash of the resident's query code is stored: 8 characters of a 32-letter alphabet
    are too few to survive an unkeyed hash being guessed offline from a copied database."""
    return keyring().audit_mac(f"query-code:{case_id}:{code.upper()}")


def legacy_query_code_hash(case_id: str, code: str) -> str:
    """Cases registered before the keyed hash (issue 12) keep their unkeyed one."""
    return hashlib.sha256(f"{case_id}:{code.upper()}".encode()).hexdigest()


def issue(case, ctx) -> str:
    """A new code for the case: its hash on the row, the code itself only in this answer (ctx.extra)."""
    code = new_query_code()
    case.query_code_hash = query_code_hash(case.id, code)
    ctx.extra["query_code"] = code
    return code


def matches(case, code: str) -> bool:
    code = (code or "").strip()
    return bool(case is not None and case.query_code_hash and (
        hmac.compare_digest(case.query_code_hash, query_code_hash(case.id, code))
        or hmac.compare_digest(case.query_code_hash, legacy_query_code_hash(case.id, code))))
