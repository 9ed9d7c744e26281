"""Statutory documents issued from a case, recorded in its audit trail (issue 14): the kind and the SHA-256
of the official copy, so that a copy shown later can be checked against what was issued.

The entry is appended to the case's keyed audit chain like a transition's (infra/audit.py), with the
case's state and version unchanged (``from`` = ``to``): issuing a document changes nothing in the case.
The same content issued again records nothing new; a different content of the same kind (the case
changed, so did the document) is a new entry. Who issued it is the signed-in user the gateway calls as.
"""
from __future__ import annotations

import re
from types import SimpleNamespace

from sqlalchemy import select

from contracts.errors import JiefenError, validation_error
from infra.db import is_postgres, write_session
from infra.audit import append_audit
from infra.models import AuditEntry, Case

EVENT = "document_issued"
LABEL = "出具文书（存证）"
SHA256 = re.compile(r"^[0-9a-f]{64}$")
KIND = re.compile(r"^[a-z_]{1,40}$")


def record(env, actor, case_id: str, kind: str, sha256: str, title: str, basis: str) -> dict:
    """Append the entry unless this content of this kind was already issued. Returns
    ``{"recorded": bool, "seq": the entry's number, "sha256", "kind"}``."""
    problems = {}
    if not isinstance(kind, str) or not KIND.match(kind):
        problems["kind"] = ["文书种类无效"]
    if not isinstance(sha256, str) or not SHA256.match(sha256):
        problems["sha256"] = ["须为64位十六进制的SHA-256摘要"]
    if not isinstance(title, str) or not 0 < len(title) <= 40:
        problems["title"] = ["须填写文书名称（不超过40字）"]
    if problems:
        raise validation_error(problems)
    with write_session(env.engine) as s:
        stmt = select(Case).where(Case.id == case_id)
        if is_postgres(env.engine):
            stmt = stmt.with_for_update()           # one issuer at a time per case: no double entry
        case = s.scalars(stmt).first()
        if case is None:
            raise JiefenError("NOT_FOUND", f"案件 {case_id} 不存在", {"case_id": case_id})
        for e in s.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id, AuditEntry.event == EVENT)):
            if (e.summary or {}).get("sha256") == sha256 and (e.summary or {}).get("kind") == kind:
                return {"recorded": False, "seq": e.seq, "sha256": sha256, "kind": kind}
        payload = {"kind": kind, "title": title, "sha256": sha256, "algorithm": "SHA-256"}
        entry = append_audit(s, case, actor, SimpleNamespace(id=EVENT, basis=basis or "PSR Art 39"),
                              case.status, payload, env.now())
        s.commit()
        return {"recorded": True, "seq": entry.seq, "sha256": sha256, "kind": kind}
