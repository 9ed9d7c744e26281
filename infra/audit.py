"""The audit trail: one append-only entry per transition, chained per case and keyed, and anchored on
the case row, so that ``verify`` finds

- a deleted entry in the middle (a gap in ``seq``) or at the tail (fewer entries than the case row's
  ``audit_count``, or a head that is not the case row's ``audit_head``);
- an edited entry, even with its hash recomputed: each hash is an HMAC-SHA256 under the server's audit
  key (infra.pii keyring), so without the key no edit can be made to verify;
- a case row edited behind the engine's back: its ``status`` and ``version`` must be those the newest
  entry recorded.

``daily_root`` folds every case's head into one digest per day, exported (infra.anchor) so an outside
party can later prove the history was not rewritten.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from infra.casetype import NEW
from infra.db import insert_rows
from infra.models import AuditEntry, Case
from infra.pii import keyring
from infra.timekeeping import utc

GENESIS = "0" * 64

# what verify reports: a code for machines, a Chinese message for people
PROBLEMS = {
    "ENTRY_MISSING": "第 {seq} 条审计记录缺失（记录序号不连续）",
    "LINK_BROKEN": "第 {seq} 条审计记录与前一条记录的哈希链接不符（记录被替换或插入）",
    "ENTRY_ALTERED": "第 {seq} 条审计记录在写入后被修改（内容与其密钥哈希不符）",
    "TAIL_MISSING": "审计记录被删除：案件登记了 {expected} 条，现存 {found} 条",
    "HEAD_MISMATCH": "审计链末端与案件记录的锚定哈希不符（最后的记录被替换或删除）",
    "STATUS_MISMATCH": "案件状态 {status} 与最后一条审计记录的状态 {recorded} 不符（案件记录被直接修改）",
    "VERSION_MISMATCH": "案件版本 {version} 与最后一条审计记录的版本 {recorded} 不符（案件记录被直接修改）",
    "UNANCHORED": "案件记录没有审计链锚定信息（本版本之前写入，需运行 python -m infra.manage reencrypt 补锚定）",
}


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def digest(value: Any) -> str:
    return hashlib.sha256(canonical(value).encode("utf-8")).hexdigest()


def entry_body(e: AuditEntry) -> dict:
    """Every field of an entry that carries meaning (all but the row id and the hash itself)."""
    return {
        "case_id": e.case_id, "seq": e.seq, "at": utc(e.at).isoformat(timespec="microseconds"),
        "user_id": e.user_id, "role": e.role, "org_id": e.org_id, "event": e.event,
        "from": e.from_state, "to": e.to_state, "version": e.version, "payload_digest": e.payload_digest,
        "summary": e.summary, "basis": e.basis, "prev_hash": e.prev_hash,
    }


def entry_hash(e: AuditEntry) -> str:
    return keyring().audit_mac(canonical(entry_body(e)))


def _problem(code: str, seq: int | None, entries: int, **kw) -> dict:
    return {"valid": False, "entries": entries, "broken_at": seq, "code": code,
            "problem": PROBLEMS[code].format(seq=seq, **kw)}


def verify(entries: list[AuditEntry], case: Case | None = None) -> dict:
    """Walk the chain in seq order, then hold it against the case row's anchor; report the first check
    that fails, with a code and a Chinese message."""
    prev = GENESIS
    n = len(entries)
    for expected_seq, e in enumerate(entries, start=1):
        if e.seq != expected_seq:
            return _problem("ENTRY_MISSING", expected_seq, n)
        if e.prev_hash != prev:
            return _problem("LINK_BROKEN", e.seq, n)
        if entry_hash(e) != e.hash:
            return _problem("ENTRY_ALTERED", e.seq, n)
        prev = e.hash
    if case is not None:
        if case.audit_head is None:
            return _problem("UNANCHORED", None, n)
        if (case.audit_count or 0) != n:
            return _problem("TAIL_MISSING", case.audit_count if (case.audit_count or 0) > n else n, n,
                            expected=case.audit_count, found=n)
        if case.audit_head != prev:
            return _problem("HEAD_MISMATCH", n, n)
        last = entries[-1] if entries else None
        if last is not None and case.status != last.to_state:
            return _problem("STATUS_MISMATCH", n, n, status=case.status, recorded=last.to_state)
        if last is not None and case.version != last.version:
            return _problem("VERSION_MISMATCH", n, n, version=case.version, recorded=last.version)
    return {"valid": True, "entries": n, "broken_at": None, "code": None, "problem": None, "head": prev}


def daily_root(heads: list[tuple[str, int, str]]) -> str:
    """One digest over every case's (case id, entry count, head), in case id order."""
    h = hashlib.sha256()
    for case_id, count, head in sorted(heads):
        h.update(f"{case_id}:{count}:{head}\n".encode())
    return h.hexdigest()


# -- appending an entry (the transition engine's audit step; infra/issued.py's document entries) ----------
PARTY_ACT = "party_act"
ENTRY_COLUMNS = tuple(c.key for c in AuditEntry.__table__.columns if c.key != "id")   # id: the database's


def last_entry(session, case, from_state) -> tuple[int, str]:
    """(seq, hash) of the case's last audit entry, without a query where the case row says it: a case
    being created has none; an existing one carries its anchor (audit_count, audit_head), kept by every
    append below in the same transaction, on a row the caller has locked (FOR UPDATE on PostgreSQL,
    BEGIN IMMEDIATE on SQLite). A row from before the anchor (audit_head empty) is read from its entries."""
    if from_state == NEW:
        return 0, GENESIS
    if case.audit_head is not None:
        return case.audit_count, case.audit_head
    last = session.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id)
                           .order_by(AuditEntry.seq.desc()).limit(1)).first()
    return (last.seq, last.hash) if last else (0, GENESIS)


def append_audit(session, case, actor, event, from_state, payload, now, party_act=None,
                 version: int | None = None) -> AuditEntry:
    """Insert the case's next audit entry and move the case row's anchor (audit_head, audit_count) to it.

    The entry is a Core INSERT on the session's transaction (infra.db.insert_rows): append-only, the ORM
    adds nothing to it. The returned AuditEntry is transient (not in the session), for the caller's outbox
    rows and answer.

    ``version``: the version the case row takes when the caller's transaction flushes it (the transition
    engine, which changes the case: 1 for a case being created, the loaded version + 1 otherwise). The
    anchor is then set on the case object itself, so it goes into the case's own INSERT or versioned UPDATE
    (one statement, issue 17); the engine checks after its flush that the row took that version. Without
    ``version`` (an entry that changes nothing else, infra/issued.py) the case keeps its version and the
    anchor is written by a bulk UPDATE, which the ORM does not version."""
    last_seq, last_hash = last_entry(session, case, from_state)
    entry = AuditEntry(
        case_id=case.id, seq=last_seq + 1, at=now, user_id=actor.user_id, role=actor.role,
        org_id=actor.org_id, event=event.id, from_state=None if from_state == NEW else from_state,
        to_state=case.status, version=case.version if version is None else version,
        payload_digest=digest(payload),
        summary=json.loads(canonical(public_summary(payload, party_act))), basis=event.basis,
        prev_hash=last_hash)
    entry.hash = entry_hash(entry)
    insert_rows(session, AuditEntry.__table__, {c: getattr(entry, c) for c in ENTRY_COLUMNS})
    if version is not None:
        case.audit_head, case.audit_count = entry.hash, entry.seq
        return entry
    # the loaded row learns it too (as committed, not dirty), so a second entry in this transaction follows this one
    session.execute(update(Case).where(Case.id == case.id).values(audit_head=entry.hash, audit_count=entry.seq)
                    .execution_options(synchronize_session=False))
    set_committed_value(case, "audit_head", entry.hash)
    set_committed_value(case, "audit_count", entry.seq)
    return entry


PERSONAL_FIELDS = {"parties", "id_number", "phone", "address"}


def public_summary(payload: dict, party_act: dict | None = None) -> dict:
    """What the timeline shows of an event's data: no personal data, long text cut. A party's act
    recorded by staff says so: which party, what evidence (the entry's user is who recorded it)."""
    out = {}
    if party_act is not None:
        out[PARTY_ACT] = {**party_act, "recorded_by": "staff", "note": str(party_act.get("note") or "")[:200]}
    for k, v in payload.items():
        if k in PERSONAL_FIELDS:
            continue
        if isinstance(v, str) and len(v) > 200:
            v = v[:200] + "…"
        out[k] = v
    return out
