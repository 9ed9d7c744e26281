"""Whether a matter has escalated (矛盾升级; PSR Art 50, 54; LVR Art 35-36), kept on its root case
(``matter_escalated``, migration sv0008): a case of the matter entered a failed mediation state and the matter has a
petition, or a petition of it reached 复查/复核. ``ingest._derive`` recomputes it from the matter's cases in the same
transaction (never incremented: a replay changes nothing), so that the escalating rule (warnings_sql) reads only
these matters instead of every case a period involves. The rule still groups a matter's cases as the reference does
(split at the cases a period does not involve); a part of a matter can only escalate if the whole matter has (the
conditions only ever grow with more cases), so the flag chooses the matters and never drops a warning."""
from __future__ import annotations

from sqlalchemy import and_, bindparam, exists, false, or_, select, true, update

from services.supervision.models import SvCase, SvHistory

C, H = SvCase.__table__, SvHistory.__table__

FAILED = ("PM_TERMINATED", "DV_FAILED")            # mediation failed (PML Art 26), pre-filing mediation failed
REVIEWED = ("PT_REVIEW", "PT_RECHECK")             # a petition's 复查 / 复核 (LVR Art 35-36)


def _escalated(root):
    """The SQL condition that the matter whose root case id is ``root`` (a value or a column) has escalated."""
    M = C.alias("member")

    def entered(states, *where):
        return exists(select(M.c.case_id).join(H, H.c.case_id == M.c.case_id).where(
            M.c.root_case_id == root, H.c.to_state.in_(states), *where))
    petition = exists(select(M.c.case_id).where(M.c.root_case_id == root, M.c.case_type == "petition"))
    return or_(and_(entered(FAILED), petition), entered(REVIEWED, M.c.case_type == "petition"))


_ROOT = bindparam("root")
# built once: building it per event (an alias of sv_cases, three subqueries) cost more than running it
_KEEP = update(C).where(C.c.case_id == _ROOT).values(matter_escalated=_escalated(_ROOT)) \
    .execution_options(synchronize_session=False)


def keep(s, *case_ids: str) -> None:
    """Recompute the flag of these cases as roots: the matter's root, and a case that was a root until its parent
    arrived (then no case has it as root, and its flag is cleared)."""
    for case_id in {c for c in case_ids if c}:
        s.execute(_KEEP, {"root": case_id})


def keep_all(conn) -> None:
    """Every matter's flag from its cases (the migration's backfill of a live county, the benchmark's generated
    one): cleared, then set on the roots of the cases that entered a failed or a review state (index
    ix_sv_history_to_state) whose matter has escalated."""
    conn.execute(update(C).where(C.c.matter_escalated).values(matter_escalated=false()))
    candidates = select(C.c.root_case_id).join(H, H.c.case_id == C.c.case_id).where(H.c.to_state.in_(FAILED + REVIEWED))
    conn.execute(update(C).where(C.c.case_id.in_(candidates), C.c.case_id == C.c.root_case_id,
                                 _escalated(C.c.case_id)).values(matter_escalated=true()))


def kept(conn) -> set[str]:
    """The root case ids flagged now."""
    return set(conn.scalars(select(C.c.case_id).where(C.c.matter_escalated)))
