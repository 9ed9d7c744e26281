"""Which bodies take part in a petition, and how a repeated petition is recognised.

Pure functions over the case row, the organisation directory and the configuration (no I/O besides
the session handed in), shared by the guards and the effects of the petition case type."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import or_, select

from infra.models import Case, Party
from infra.pii import blind_all
from infra.orgs import LEVELS
from infra.timekeeping import utc

CASE_TYPE = "petition"
TERMINAL = ("PT_REDIRECTED", "PT_ROUTED_LEGAL", "PT_FINAL", "PT_CLOSED")   # as in the case type (SPEC §5)
# bodies that receive petitions: petition offices (LVR Art 14) and the organs with competence (Art 23)
HANDLING_KINDS = ("government", "department", "court", "procuratorate", "police")
RECEIVING_KINDS = ("petition_office", *HANDLING_KINDS)
# a hand-off from intake lands at its target if that is a petition office, government or department
HANDOFF_KINDS = ("petition_office", "government", "department")
POLITICAL_LEGAL_KINDS = ("court", "procuratorate", "police")      # 政法部门 (LVR Art 22 ¶2, 28 ¶2)
LEGAL_PROCEDURE_KINDS = {                                          # LVR Art 31(1)-(4)
    "litigation": ("court",), "judicial_review": ("court",), "procuratorial": ("procuratorate",),
    "police": ("police",), "arbitration": ("arbitration",), "party_appeal": ("discipline",),
    "administrative": ("government", "department"),
}
# intake channel -> the LVR Art 17 form it arrived in
CHANNEL_FROM_INTAKE = {"window": "visit", "grid": "visit", "online": "network", "letter": "letter",
                       "hotline_12345": "phone", "court_referral": "letter"}
KIND_FROM_CATEGORY = {"suggestion": "suggestion", "accusation": "accusation"}   # otherwise a claim
# clocks whose running out makes a matter "not within its period" (LVR Art 19 ¶3)
DECISION_CLOCKS = ("transfer", "acknowledge_direct", "acknowledge_transferred", "handling", "review_decision",
                   "recheck_decision")


def default_org(config) -> str:
    return config["petition"]["default_org"]


def receiving_org(data: dict, actor, directory, config) -> str:
    """The body a directly registered petition is received by: the one named, else the actor's own
    if it receives petitions, else the county petition office (joint reception, LVR Art 18 ¶3)."""
    if data.get("org_id"):
        return data["org_id"]
    org = directory.get(actor.org_id)
    return org.code if org is not None and org.kind in RECEIVING_KINDS else default_org(config)


def handoff_org(target: str | None, directory, config) -> str:
    org = directory.get(target) if target else None
    return org.code if org is not None and org.kind in HANDOFF_KINDS else default_org(config)


def kind_of(directory, code: str | None) -> str | None:
    org = directory.get(code) if code else None
    return org.kind if org is not None else None


def level_of(directory, code: str) -> int:
    return LEVELS.index(directory.get(code).level)


def handler_org(case) -> str | None:
    return (case.data or {}).get("handler_org_id")


def review_org(case) -> str | None:
    return ((case.data or {}).get("review") or {}).get("org_id")


def recheck_org(case) -> str | None:
    return ((case.data or {}).get("recheck") or {}).get("org_id")


def participants(case) -> list[str]:
    """Organisations besides the owner (the receiving petition office) that act on the case: the
    handling organ, the review organ (Art 35) and the re-review organ (Art 36)."""
    return [o for o in (handler_org(case), review_org(case), recheck_org(case)) if o]


def clock(case, kind: str):
    return next((c for c in case.clocks if c.kind == kind and c.status in ("running", "paused")), None)


def clock_open(case, kind: str, now: datetime) -> bool:
    """The clock runs and its last day has not passed (the sweep may not have fired yet)."""
    c = clock(case, kind)
    return c is not None and utc(now) <= utc(c.due_at)


# -- repeated petitions (SPEC §2.2 D3, D4) -------------------------------------------------------------
def _norm(value: str | None) -> str:
    return re.sub(r"[\s,，。.;；:：\-—_/#号]", "", value or "").lower()


def petitioner_ids(case) -> set[str]:
    return {p.id_number for p in case.parties if p.role == "applicant" and p.id_number}


def same_subject(case, other) -> bool:
    """The subject references if both petitions record one, else the requests."""
    mine, theirs = _norm((case.data or {}).get("subject_ref")), _norm((other.data or {}).get("subject_ref"))
    if mine and theirs:
        return mine == theirs
    return _norm(case.request) == _norm(other.request)


def same_petition(case, other) -> bool:
    """Same petitioner (ID number) and same subject (SPEC §2.2 key, applied to petitions)."""
    return (other is not None and other.id != case.id and other.case_type == case.case_type
            and bool(petitioner_ids(case) & petitioner_ids(other)) and same_subject(case, other))


def find_case(session, ref: str | None) -> Case | None:
    if not ref:
        return None
    return session.scalars(select(Case).where(Case.case_type == CASE_TYPE,
                                              or_(Case.id == ref, Case.case_no == ref))).first()


def re_reviewed(case) -> bool:
    """复核终结: PT_FINAL, or a case archived to PT_CLOSED after it by the former ``archive`` event (stored
    rows keep ``data.final``)."""
    return case.status == "PT_FINAL" or bool((case.data or {}).get("final"))


# ZJLV Art 25: a settlement performed (1), or no 复查/复核 asked for in time (2), ends the matter too
ZJ_FINALITY = ("ZJLV Art 25(1)", "ZJLV Art 25(2)")


def finally_settled(case, profile: str) -> bool:
    """The matter may not be raised again on the same facts and reasons: after re-review (LVR Art 36 ¶3,
    both profiles; ZJLV Art 25(3)); under the Zhejiang profile also when it was 处理终结 by ZJLV Art 25(1)
    or (2) (``data.finality``, set when the case closed that way)."""
    if re_reviewed(case):
        return True
    return profile == "zhejiang" and case.status == "PT_CLOSED" and (case.data or {}).get("finality") in ZJ_FINALITY


def law_related(case) -> bool:
    """涉法涉诉 (诉讼权利救济): separated from the ordinary petition procedure (LVR Art 28 ¶2; ZJLV Art 3)."""
    return case.category == "law_related"


def within_period(case, now: datetime) -> bool:
    """No deciding clock of the case has run out (LVR Art 19 ¶3: "在规定期限内")."""
    for c in case.clocks:
        if c.kind not in DECISION_CLOCKS:
            continue
        if c.status == "expired" or (c.status == "running" and utc(now) > utc(c.due_at)):
            return False
    return True


def acting_orgs(case) -> set[str]:
    return {case.org_id, *participants(case)} - {None, ""}


def candidates(session, case, profile: str = "national", limit: int = 20) -> list[dict]:
    """Earlier petitions of the same petitioner on the same subject, with the rule that may apply: D4
    once the earlier one is finally settled (``finally_settled``), D3 while it is open."""
    ids = petitioner_ids(case)
    if not ids:
        return []
    others = session.scalars(
        select(Case).where(Case.id != case.id, Case.case_type == CASE_TYPE,
                           Case.id.in_(select(Party.case_id).where(Party.id_index.in_(blind_all(ids)))))
        .order_by(Case.created_at.desc()).limit(limit)).all()
    found = []
    for other in others:
        if not same_petition(case, other):
            continue
        rule = "D4" if finally_settled(other, profile) else ("D3" if other.status not in TERMINAL else None)
        found.append({"case_id": other.id, "case_no": other.case_no, "status": other.status, "rule": rule,
                      "org_id": other.org_id})
    return found
