"""Duplicate and parallel-channel detection (SPEC §2.2). Duplicates are flagged and linked, never
dropped: LVR Art 44(1) makes a failure to register a violation.

Key [A]: party-ID set + category + subject fingerprint (address/parcel/contract no.) + claim type;
exact = duplicate (D1, CPLI Art 247 by analogy), partial = human review."""
from __future__ import annotations

import re

from sqlalchemy import bindparam, select

from infra.models import Case, Party
from infra.pii import blind_all


def _norm(value: str | None) -> str:
    return re.sub(r"[\s,，。.;；:：\-—_/#号]", "", (value or "")).lower()


# built once (issue 17: building and hashing this statement per call was most of the search's cost)
_SAME_PARTIES = (select(Case)
                 .where(Case.id != bindparam("case_id"), Case.case_type == bindparam("case_type"),
                        Case.id.in_(select(Party.case_id)
                                    .where(Party.id_index.in_(bindparam("indexes", expanding=True)))))
                 .order_by(Case.created_at.desc()).limit(bindparam("limit")))


def fingerprint(case: Case) -> dict:
    return {
        "party_ids": sorted({p.id_number for p in case.parties if p.id_number}),
        "category": case.category,
        "subject": _norm((case.data or {}).get("subject_ref")),
        "claim_type": (case.data or {}).get("claim_type") or None,
    }


def candidates(session, case: Case, reader_org: str, directory, limit: int = 20) -> list[dict]:
    """Matches the reader's organisation may read, whole; of other organisations' matches only how many
    there are and whose they are (个人信息保护法 Art 6: no more than the purpose needs), so the clerk can
    coordinate with that organisation without learning its case numbers or states."""
    mine = fingerprint(case)
    if not mine["party_ids"]:
        return []
    others = session.scalars(_SAME_PARTIES, {"case_id": case.id, "case_type": case.case_type,
                                             "indexes": blind_all(mine["party_ids"]), "limit": limit}).all()
    found, hidden = [], {}
    for other in others:
        theirs = fingerprint(other)
        shared = sorted(set(mine["party_ids"]) & set(theirs["party_ids"]))
        exact = (theirs["party_ids"] == mine["party_ids"] and theirs["category"] == mine["category"]
                 and theirs["subject"] == mine["subject"] and theirs["claim_type"] == mine["claim_type"])
        if not exact and theirs["category"] != mine["category"]:
            continue
        if not directory.governs(reader_org, other.org_id):
            org = directory.get(other.org_id)
            entry = hidden.setdefault(other.org_id, {
                "hidden": True, "org_id": other.org_id, "org_name": org.name if org else other.org_id,
                "count": 0, "match": "partial",
                "note": "其他机构受理的可能重复件：请与该机构协调（案件详情仅该机构可见）"})
            entry["count"] += 1
            if exact:
                entry["match"] = "exact"
            continue
        found.append({
            "case_id": other.id, "case_no": other.case_no, "status": other.status,
            "match": "exact" if exact else "partial",
            "rule": "D1" if exact else "review",
            "shared_parties": len(shared),
            "basis": "CPLI Art 247 (by analogy): same parties, subject matter and claim" if exact
            else "SPEC §2.2 key [A]: partial match, for the router to review",
        })
    return found + list(hidden.values())
