"""The audit chain is keyed and anchored (infra.audit): each field of an entry is covered, an edit
with a recomputed hash is found without the server's key, and the case row's anchor finds a deleted
tail and a status or version edited behind the engine's back."""
import copy
import hashlib
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from infra import audit, pii
from infra.models import AuditEntry

FIELDS = {
    "case_id": "c" * 32, "seq": 7, "at": datetime(2026, 12, 2, tzinfo=timezone.utc), "user_id": "someone-else",
    "role": "supv", "org_id": "zj-other", "event": "close", "from_state": "IN_RECEIVED", "to_state": "IN_CLOSED",
    "version": 9, "payload_digest": "f" * 64, "summary": {"outcome": "改过"}, "basis": "改过的依据", "prev_hash": "e" * 64,
}


@pytest.fixture(autouse=True)
def ring():
    pii.set_keyring(pii.Keyring([b"k" * 32], b"i" * 32, b"a" * 32))
    yield
    pii.set_keyring(None)


def chain(n=3):
    entries, prev = [], audit.GENESIS
    for seq in range(1, n + 1):
        e = AuditEntry(case_id="a" * 32, seq=seq, at=datetime(2026, 12, 1, 1, seq, tzinfo=timezone.utc),
                       user_id="clerk-01", role="window", org_id="zj-centre", event=f"event{seq}",
                       from_state=None if seq == 1 else f"S{seq - 1}", to_state=f"S{seq}", version=seq,
                       payload_digest=str(seq) * 64, summary={"note": f"第{seq}步"}, basis="LVR Art 19",
                       prev_hash=prev)
        e.hash = audit.entry_hash(e)
        prev = e.hash
        entries.append(e)
    case = SimpleNamespace(audit_head=prev, audit_count=n, status=f"S{n}", version=n)
    return entries, case


def test_an_untouched_chain_verifies():
    entries, case = chain()
    assert audit.verify(entries, case)["valid"] is True


def test_the_entry_body_covers_every_column_but_the_row_id_and_hash():
    columns = {c.name for c in AuditEntry.__table__.columns} - {"id", "hash"}
    covered = {"from_state" if k == "from" else "to_state" if k == "to" else k for k in audit.entry_body(chain(1)[0][0])}
    assert columns == covered == set(FIELDS)


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_tampering_with_any_field_is_detected(field):
    entries, case = chain()
    setattr(entries[1], field, copy.deepcopy(FIELDS[field]))
    report = audit.verify(entries, case)
    assert report["valid"] is False and report["broken_at"] == 2
    assert report["code"] in ("ENTRY_ALTERED", "LINK_BROKEN", "ENTRY_MISSING"), report
    assert "第 2 条" in report["problem"]


def test_a_rehashed_edit_without_the_key_is_detected():
    entries, case = chain()
    e = entries[2]
    e.summary = {"note": "篡改"}
    e.hash = hashlib.sha256((e.prev_hash + audit.canonical(audit.entry_body(e))).encode()).hexdigest()
    case.audit_head = e.hash                     # even with the anchor rewritten too
    report = audit.verify(entries, case)
    assert report["code"] == "ENTRY_ALTERED" and "被修改" in report["problem"]


def test_a_deleted_tail_is_detected_by_the_anchor():
    entries, case = chain()
    report = audit.verify(entries[:-1], case)
    assert report["code"] == "TAIL_MISSING" and "案件登记了 3 条，现存 2 条" in report["problem"]


def test_a_case_row_status_or_version_edit_is_detected():
    entries, case = chain()
    case.status = "IN_CLOSED"
    assert audit.verify(entries, case)["code"] == "STATUS_MISMATCH"
    entries, case = chain()
    case.version = 99
    assert audit.verify(entries, case)["code"] == "VERSION_MISMATCH"


def test_the_daily_root_changes_when_any_head_does():
    heads = [("a", 3, "x" * 64), ("b", 1, "y" * 64)]
    root = audit.daily_root(heads)
    assert root == audit.daily_root(list(reversed(heads)))
    assert root != audit.daily_root([("a", 3, "z" * 64), ("b", 1, "y" * 64)])
    assert root != audit.daily_root(heads[:1])
