"""Duplicate and parallel-channel detection (SPEC §2.2). Duplicates are flagged and linked, never
dropped: LVR Art 44(1) makes a failure to register a violation.

Key [A]: party-ID set + category + subject fingerprint (address/parcel/contract no.) + claim type;
exact = duplicate (D1, CPLI Art 247 by analogy), partial = human review."""
from __future__ import annotations

import re

from sqlalchemy import select

from infra.models import Case, Party


def _norm(value: str | None) -> str:
    return re.sub(r"[\s,，。.;；:：\-—_/#号]", "", (value or "")).lower()


def fingerprint(case: Case) -> dict:
    return {
        "party_ids": sorted({p.id_number for p in case.parties if p.id_number}),
        "category": case.category,
        "subject": _norm((case.data or {}).get("subject_ref")),
        "claim_type": (case.data or {}).get("claim_type") or None,
    }


def candidates(session, case: Case, limit: int = 20) -> list[dict]:
    mine = fingerprint(case)
    if not mine["party_ids"]:
        return []
    others = session.scalars(
        select(Case).where(Case.id != case.id, Case.case_type == case.case_type,
                           Case.id.in_(select(Party.case_id).where(Party.id_number.in_(mine["party_ids"]))))
        .order_by(Case.created_at.desc()).limit(limit)).all()
    found = []
    for other in others:
        theirs = fingerprint(other)
        shared = sorted(set(mine["party_ids"]) & set(theirs["party_ids"]))
        exact = (theirs["party_ids"] == mine["party_ids"] and theirs["category"] == mine["category"]
                 and theirs["subject"] == mine["subject"] and theirs["claim_type"] == mine["claim_type"])
        if not exact and theirs["category"] != mine["category"]:
            continue
        found.append({
            "case_id": other.id, "case_no": other.case_no, "status": other.status,
            "match": "exact" if exact else "partial",
            "rule": "D1" if exact else "review",
            "shared_parties": len(shared),
            "basis": "CPLI Art 247 (by analogy): same parties, subject matter and claim" if exact
            else "SPEC §2.2 key [A]: partial match, for the router to review",
        })
    return found
