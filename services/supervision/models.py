"""The centre's read model (PSR Art 39 ¶2, 49–51): one row per case of every case service, its history
(one row per case version) and the event ids already handled. Own tables, own alembic chain
(``services/supervision/migrations``, version table ``alembic_version_supervision``)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from infra.models import TYPE_MAP


class Base(DeclarativeBase):
    type_annotation_map = TYPE_MAP


class SvCase(Base):
    __tablename__ = "sv_cases"
    case_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    service: Mapped[str] = mapped_column(String(32), index=True)
    case_type: Mapped[str] = mapped_column(String(40), index=True)
    case_no: Mapped[str] = mapped_column(String(40), index=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    town_id: Mapped[str | None] = mapped_column(String(64), index=True)     # township ancestor of org_id
    county: Mapped[str | None] = mapped_column(String(6))
    category: Mapped[str | None] = mapped_column(String(40), index=True)
    channel: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(40), index=True)
    terminal: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer)                  # newest case version seen (event or facts)
    facts_version: Mapped[int] = mapped_column(Integer, default=0)  # version of the last full facts applied
    supervised: Mapped[bool] = mapped_column(Boolean, default=False)
    parent_service: Mapped[str | None] = mapped_column(String(32))
    parent_case_id: Mapped[str | None] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    open_due_at: Mapped[datetime | None] = mapped_column(index=True)  # earliest due of the organ's open clocks
    overdue_ever: Mapped[bool] = mapped_column(Boolean, default=False)
    resolution: Mapped[str | None] = mapped_column(String(40))      # outcomes.RESOLVED kind, if 化解
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    clocks: Mapped[list[Any]] = mapped_column(default=list)
    links: Mapped[list[Any]] = mapped_column(default=list)
    stages: Mapped[dict[str, Any]] = mapped_column(default=dict)    # state -> first entered (ISO)
    # derived at ingest for the figures in SQL (figures_sql.py; migration sv0003): the matter (root case of
    # the parent chain), the first conclusion of a mediation / pre-filing / JC case and whether it
    # succeeded, and whether a petition was refused or linked as repeated
    root_case_id: Mapped[str | None] = mapped_column(String(32), index=True)
    concluded_at: Mapped[datetime | None] = mapped_column(index=True)
    concluded_ok: Mapped[bool | None] = mapped_column(Boolean)
    repeated: Mapped[bool] = mapped_column(Boolean, default=False)
    # on a matter's root case: when the matter was first resolved by any of its cases
    matter_resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    # a recommendation's first reply, and whether it came while awaiting (not after the deadline expired)
    replied_at: Mapped[datetime | None] = mapped_column(index=True)
    replied_on_time: Mapped[bool | None] = mapped_column(Boolean)
    # how many configured risk words (民转刑风险) the case's text holds, counted by its service (migration sv0005);
    # deferred: an older migration's backfill (sv0003) loads rows through this model before the column exists
    risk_words: Mapped[int] = mapped_column(Integer, default=0, deferred=True)
    # on a matter's root case: whether the matter has escalated (escalation.py, kept by ingest; migration sv0008);
    # deferred for the same reason as risk_words
    matter_escalated: Mapped[bool] = mapped_column(Boolean, default=False, index=True, deferred=True)


class SvParty(Base):
    """A case's party as the read model knows it (PSR Art 50, 54; migration sv0005): role, kind and the keyed
    blind index (infra.facts.party_index), never a name, ID number, phone or address."""
    __tablename__ = "sv_parties"
    case_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    party_index: Mapped[str | None] = mapped_column(String(64), index=True)
    address_index: Mapped[str | None] = mapped_column(String(64), index=True)   # infra.facts.address_index
    # the case's created_at if it is a dispute received (figures_sql.received: no parent), else None; kept by
    # ingest (derived.received_at) so that the party rules read a period without a lookup per party (sv0007)
    received_at: Mapped[datetime | None] = mapped_column()


class SvHistory(Base):
    """One row per case version: the event that made it (from the bus or a service's replay)."""
    __tablename__ = "sv_history"
    case_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    event: Mapped[str] = mapped_column(String(48))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(index=True)


class SvStay(Base):
    """One stay of a case in a state (entered → the next change of state), with its working days
    (infra/calendar.py, 调休 counted) computed at ingest: ``stage_days`` is an AVG over these rows."""
    __tablename__ = "sv_stays"
    case_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_type: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(40))
    ended_at: Mapped[datetime] = mapped_column(index=True)
    working_days: Mapped[int] = mapped_column(Integer)
    first_in_state: Mapped[bool] = mapped_column(Boolean)    # no earlier stay of the case in this state


class SvInbox(Base):
    """Event ids already ingested (at-least-once delivery)."""
    __tablename__ = "sv_inbox"
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    service: Mapped[str] = mapped_column(String(32))
    handled_at: Mapped[datetime]


class SvEvaluation(Base):
    """A resident's evaluation of a closed case (PSR Art 62: 满意率), one per case, given through the lookup
    with the case's query code; who gave it is recorded (``given_by``)."""
    __tablename__ = "sv_evaluations"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_no: Mapped[str] = mapped_column(String(40), unique=True)       # the 受理编号 the resident holds
    org_id: Mapped[str] = mapped_column(String(64), index=True)         # the organisation that handled it
    town_id: Mapped[str | None] = mapped_column(String(64), index=True)
    category: Mapped[str | None] = mapped_column(String(40))
    rating: Mapped[str] = mapped_column(String(24), index=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    given_by: Mapped[str] = mapped_column(String(24))                   # contracts.evaluation.GIVEN_BY
    given_at: Mapped[datetime] = mapped_column(index=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    return_visit_case_id: Mapped[str | None] = mapped_column(String(32))


class SvPartyRepeat(Base):
    """A blind index met in more than one row that a party rule counts (PSR Art 50, 54; migration sv0006), with
    how many: ``repeats.py`` recounts the indexes a case's parties touch at ingest, in the same transaction, so
    that the rules group only these (a party met once cannot reach a threshold of two or more). ``domain``:
    ``party`` (cases with the index), ``address`` (cases with the address), ``applicants`` (applicant rows in the
    cases where the index is a respondent): each at least what a rule counts for that index in any period."""
    __tablename__ = "sv_party_repeats"
    domain: Mapped[str] = mapped_column(String(12), primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
