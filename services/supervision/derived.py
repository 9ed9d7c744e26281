"""What the read model stores beside a case's row so that the figures are SQL aggregations
(figures_sql.py): the matter (root case) the case belongs to, its first conclusion, whether a petition was a
repeated one, and its stays per state with their working days (the calendar is needed there, so it is
applied once at ingest rather than in every query). Called by ``ingest._derive`` for every change of a row,
and by migration sv0003 for the rows stored before it."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from sqlalchemy import delete, func, select, update

from infra.calendar import Calendar
from services.supervision import outcomes
from services.supervision.figures import DISPUTE_TYPES
from services.supervision.models import SvCase, SvStay


@lru_cache(maxsize=1)
def default_calendar() -> Calendar:
    from infra.config import load_config
    return Calendar(str(load_config().path("holidays")))


def _at(value) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def root_of(s, row: SvCase) -> str:
    """The matter's first case: the parent's root (or the parent itself, not stored yet); no parent: itself."""
    if not row.parent_case_id:
        return row.case_id
    parent_root = s.scalar(select(SvCase.root_case_id).where(SvCase.case_id == row.parent_case_id))
    return parent_root or row.parent_case_id


def received_at(row: SvCase) -> datetime | None:
    """When the case was received as a dispute (``figures_sql.received``: a dispute type without a parent case,
    a routed child being the same matter), else None: kept on its parties for the party rules (``ingest._derive``;
    not in ``derive``, which migration sv0003 runs before sv_parties exists)."""
    return row.created_at if row.case_type in DISPUTE_TYPES and not row.parent_case_id else None


def derive(s, row: SvCase, history: list[dict], calendar: Calendar | None = None) -> None:
    """Set the row's derived columns from its history (sorted by version) and replace its stays."""
    calendar = calendar or default_calendar()
    root = root_of(s, row)
    if root != row.root_case_id:
        row.root_case_id = root
        # cases already stored below this one (a child can arrive before its parent) follow it
        s.execute(update(SvCase).where(SvCase.root_case_id == row.case_id, SvCase.case_id != row.case_id)
                  .values(root_case_id=root).execution_options(synchronize_session=False))
    at, ok = outcomes.conclusion(row.case_type, history)
    row.concluded_at, row.concluded_ok = (_at(at) if at else None), ok
    row.repeated = row.case_type == "petition" and outcomes.repeated(history, row.links or [])
    at, ok = outcomes.first_reply(history) if row.case_type == "recommendation" else (None, None)
    row.replied_at, row.replied_on_time = (_at(at) if at else None), ok
    s.flush()
    # the matter's first resolution, on its root case (by itself or by any case it was routed to)
    first = select(func.min(SvCase.resolved_at)).where(SvCase.root_case_id == root,
                                                       SvCase.case_type.in_(DISPUTE_TYPES)).scalar_subquery()
    s.execute(update(SvCase).where(SvCase.case_id == root).values(matter_resolved_at=first)
              .execution_options(synchronize_session=False))
    if root == row.case_id:
        s.refresh(row, ["matter_resolved_at"])
    s.execute(delete(SvStay).where(SvStay.case_id == row.case_id))
    seen: set[str] = set()
    for i, (state, entered, left) in enumerate(outcomes.stays(history)):
        s.add(SvStay(case_id=row.case_id, seq=i, case_type=row.case_type, state=state, ended_at=_at(left),
                     working_days=calendar.working_days_between(_at(entered), _at(left)),
                     first_in_state=state not in seen))
        seen.add(state)
