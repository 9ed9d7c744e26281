"""The audit trail: one append-only entry per transition, hash-chained per case, so an edited or
deleted entry is found by ``verify``."""
from __future__ import annotations

import hashlib
import json
from typing import Any

from infra.models import AuditEntry
from infra.timekeeping import utc

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def digest(value: Any) -> str:
    return hashlib.sha256(canonical(value).encode("utf-8")).hexdigest()


def entry_hash(e: AuditEntry) -> str:
    body = {
        "case_id": e.case_id, "seq": e.seq, "at": utc(e.at).isoformat(timespec="microseconds"),
        "user_id": e.user_id, "role": e.role, "org_id": e.org_id, "event": e.event,
        "from": e.from_state, "to": e.to_state, "version": e.version, "payload_digest": e.payload_digest,
        "summary": e.summary, "basis": e.basis,
    }
    return hashlib.sha256((e.prev_hash + canonical(body)).encode("utf-8")).hexdigest()


def verify(entries: list[AuditEntry]) -> dict:
    """Walk the chain in seq order; report the first entry that does not hold."""
    prev = GENESIS
    for expected_seq, e in enumerate(entries, start=1):
        problem = None
        if e.seq != expected_seq:
            problem = f"entry {expected_seq} is missing (found seq {e.seq})"
        elif e.prev_hash != prev:
            problem = f"entry {e.seq} does not link to the entry before it"
        elif entry_hash(e) != e.hash:
            problem = f"entry {e.seq} was altered after it was written"
        if problem:
            return {"valid": False, "entries": len(entries), "broken_at": e.seq, "problem": problem}
        prev = e.hash
    return {"valid": True, "entries": len(entries), "broken_at": None, "problem": None, "head": prev}
