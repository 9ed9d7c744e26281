"""SPEC §2.2 rule D7: a matter already pre-mediated without success gets no second pre-filing
diversion (SZ Art 69 ¶2, a comparator: "已经相关单位或者组织先行调解的，不适用"; default [A]).

Two sources, each switchable in config ``diversion.d7``:
- ``earlier_cases``: this service's earlier DV cases whose pre-filing mediation failed (they passed
  through DV_FAILED), with the same set of party ID numbers, the same category and, where both
  record one, the same subject (SPEC §2.2 key [A]: party-ID set + category + subject fingerprint);
- ``mediation_handoffs``: a hand-off from a people's mediation case that ended terminated
  (SPEC §7: PM_TERMINATED → DV_RECEIVED; PML Art 26).
"""
from __future__ import annotations

from sqlalchemy import select

from infra.models import Case, Party
from infra.pii import blind_all

BASIS = "SZ Art 69 ¶2; SPEC §2.2 D7"
FAILED_OUTCOMES = ("terminated", "failed", "PM_TERMINATED")


def settings(config) -> dict:
    d7 = (config.get("diversion") or {}).get("d7") or {}
    return {"enabled": d7.get("enabled", True), "earlier_cases": d7.get("earlier_cases", True),
            "mediation_handoffs": d7.get("mediation_handoffs", True)}


def prior_mediation(case: Case) -> dict | None:
    handoff = (case.data or {}).get("handoff") or {}
    if handoff.get("parent_service") != "mediation":
        return None
    data = handoff.get("data") or {}
    prior = data.get("prior_mediation") or {}
    outcome = prior.get("outcome") or data.get("parent_status")
    if outcome in FAILED_OUTCOMES:
        return {"source": "mediation", "case_id": handoff.get("parent_case_id"),
                "case_no": handoff.get("parent_case_no"), "outcome": outcome}
    return None


def earlier_failures(session, case: Case) -> list[dict]:
    ids = {p.id_number for p in case.parties if p.id_number}
    if not ids:
        return []
    subject = (case.data or {}).get("complaint", {}).get("subject_ref")
    stmt = select(Case).where(Case.case_type == case.case_type, Case.id != case.id,
                              Case.id.in_(select(Party.case_id).where(Party.id_index.in_(blind_all(ids)))))
    found = []
    for other in session.scalars(stmt):
        other_subject = (other.data or {}).get("complaint", {}).get("subject_ref")
        if (other.data or {}).get("prefiling_failed") and other.category == case.category \
                and {p.id_number for p in other.parties if p.id_number} == ids \
                and (not subject or not other_subject or subject == other_subject):
            found.append({"source": "diversion", "case_id": other.id, "case_no": other.case_no,
                          "outcome": "DV_FAILED"})
    return found


def matches(session, case: Case, config) -> list[dict]:
    """Every reason D7 applies to this case (empty: it does not, or the rule is switched off)."""
    s = settings(config)
    if not s["enabled"]:
        return []
    found = []
    if s["mediation_handoffs"] and (prior := prior_mediation(case)):
        found.append(prior)
    if s["earlier_cases"]:
        found += earlier_failures(session, case)
    return found
