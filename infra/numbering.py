"""Numbers that are handed out once: 一案一码 case numbers and the named counters behind them (document
numbers use the same counter)."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from infra.calendar import SHANGHAI
from infra.models import Sequence

if TYPE_CHECKING:
    from infra.context import Env


def next_case_no(session: Session, env: Env, now: datetime) -> str:
    """一案一码: prefix-county-year-sequence."""
    county = env.config.county_code
    year = now.astimezone(SHANGHAI).year
    prefix = env.case_type.case_no_prefix
    return f"{prefix}-{county}-{year}-{next_sequence(session, f'{prefix}:{county}:{year}'):06d}"


def next_sequence(session: Session, name: str) -> int:
    """The next value of a named counter (case numbers, document numbers), in one statement:
    ``INSERT … ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value``. Concurrent first
    uses of a counter (a new service, every 1 January) no longer race an UPDATE-then-INSERT into a
    unique violation; the row stays locked by the write transaction, and a rolled-back transaction gives
    its number back, so committed numbers are unique and never reused."""
    # core statements only: an ORM flush here would flush (and version) a case an effect is changing
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as upsert
    else:   # pragma: no cover - jiefen runs on PostgreSQL and SQLite only
        raise RuntimeError(f"next_sequence: unsupported database {dialect}")
    stmt = upsert(Sequence).values(name=name, value=1)
    stmt = stmt.on_conflict_do_update(index_elements=[Sequence.name], set_={"value": Sequence.value + 1})
    return session.execute(stmt.returning(Sequence.value)).scalar_one()
