"""Numbers that are handed out once: 一案一码 case numbers and the named counters behind them (document
numbers use the same counter)."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import bindparam
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
    # a Core statement on the session's connection, built once per dialect: an ORM flush here would flush
    # (and version) a case an effect is changing, and an ORM-enabled INSERT goes through the ORM's bulk path
    conn = session.connection()
    return conn.execute(_upsert(conn.dialect.name), {"name": name}).scalar_one()


@lru_cache(maxsize=None)
def _upsert(dialect: str):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as upsert
    else:   # pragma: no cover - jiefen runs on PostgreSQL and SQLite only
        raise RuntimeError(f"next_sequence: unsupported database {dialect}")
    table = Sequence.__table__
    stmt = upsert(table).values(name=bindparam("name"), value=1)
    return stmt.on_conflict_do_update(index_elements=[table.c.name], set_={"value": table.c.value + 1}) \
        .returning(table.c.value)
