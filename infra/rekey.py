"""Re-encrypting personal data after a key rotation (``python -m infra.manage reencrypt``): every value
written under an older key (or in clear, before encryption at rest) is written again under the newest
key, and every ID number's blind index recomputed. Reads work throughout (old keys still decrypt).
The same command anchors the audit chains of cases written before revision 0002 (``reanchor``)."""
from __future__ import annotations

import hashlib
import json

from sqlalchemy import text

from infra.pii import keyring

TEXT_COLUMNS = {"parties": ("id_number", "phone", "address")}
JSON_COLUMNS = {"case_links": "handoff", "idempotency": "response"}


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def reencrypt(engine) -> dict:
    ring = keyring()
    counts = {"parties": 0, "case_links": 0, "idempotency": 0}
    with engine.begin() as conn:
        for pid, number, phone, address, index in conn.execute(
                text("SELECT id, id_number, phone, address, id_index FROM parties")).all():
            values = {"id_number": number, "phone": phone, "address": address}
            if all(ring.is_current(v) for v in values.values()) and index == ring.blind(ring.decrypt(number)):
                continue
            clear = {k: ring.decrypt(v) for k, v in values.items()}
            conn.execute(text("UPDATE parties SET id_number = :id_number, phone = :phone, address = :address, "
                              "id_index = :id_index WHERE id = :id"),
                         {**{k: ring.encrypt(v) for k, v in clear.items()}, "id_index": ring.blind(clear["id_number"]),
                          "id": pid})
            counts["parties"] += 1
        for table, column in JSON_COLUMNS.items():
            key = "key" if table == "idempotency" else "id"
            for row_key, raw in conn.execute(text(f"SELECT {key}, {column} FROM {table}")).all():
                value = _json(raw)
                token = value.get("enc") if isinstance(value, dict) and set(value) == {"enc"} else None
                if value is None or (token is not None and ring.is_current(token)) or \
                        (token is None and not ring.encrypt_enabled):
                    continue
                clear = json.loads(ring.decrypt(token)) if token is not None else value
                stored = {"enc": ring.encrypt(json.dumps(clear, ensure_ascii=False, sort_keys=True))} \
                    if ring.encrypt_enabled else clear
                conn.execute(text(f"UPDATE {table} SET {column} = :v WHERE {key} = :k"),
                             {"v": json.dumps(stored, ensure_ascii=False), "k": row_key})
                counts[table] += 1
    return counts


def _legacy_hash(e) -> str:
    """How entries were hashed before the keyed chain (revision 0001): SHA-256, unkeyed."""
    from infra import audit
    body = {k: v for k, v in audit.entry_body(e).items() if k != "prev_hash"}
    return hashlib.sha256((e.prev_hash + audit.canonical(body)).encode("utf-8")).hexdigest()


def reanchor(engine) -> dict:
    """Cases written before the keyed, anchored chain: their unkeyed chain is verified first, then every
    entry re-keyed and the case row anchored. A chain that does not verify is left alone and reported."""
    from sqlalchemy import select, update
    from sqlalchemy.orm import Session

    from infra import audit
    from infra.models import AuditEntry, Case
    counts = {"anchored": 0, "broken": []}
    with Session(engine) as s:
        for case_id, in s.execute(select(Case.id).where(Case.audit_head.is_(None))).all():
            entries = list(s.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.seq)))
            prev, ok = audit.GENESIS, True
            for n, e in enumerate(entries, start=1):
                if e.seq != n or e.prev_hash != prev or _legacy_hash(e) != e.hash:
                    ok = False
                    break
                prev = e.hash
            if not ok:
                counts["broken"].append(case_id)
                continue
            prev = audit.GENESIS
            for e in entries:
                e.prev_hash = prev
                e.hash = prev = audit.entry_hash(e)
            s.flush()
            s.execute(update(Case.__table__).where(Case.__table__.c.id == case_id)
                      .values(audit_head=prev, audit_count=len(entries)))
            counts["anchored"] += 1
        s.commit()
    return counts
