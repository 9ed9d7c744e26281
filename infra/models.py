"""Tables every case service owns in its own database: the case, its parties, links, audit trail,
clocks, outbox, inbox, idempotency records and number sequences."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from contracts.idnumbers import normalise_phone
from infra.pii import Encrypted, EncryptedJSON, keyring


class UTCDateTime(TypeDecorator):
    """Stored as UTC on every backend; read back aware. (SQLite would keep a Shanghai wall time and
    drop its offset.)"""
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: jiefen stores aware times only")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


# how annotated columns map to SQL types, for every declarative base (the supervision read model has its own)
TYPE_MAP = {dict[str, Any]: JSON, list[Any]: JSON, datetime: UTCDateTime}


class Base(DeclarativeBase):
    type_annotation_map = TYPE_MAP


class Case(Base):
    __tablename__ = "cases"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_type: Mapped[str] = mapped_column(String(40), index=True)
    case_no: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str | None] = mapped_column(String(32))
    category: Mapped[str | None] = mapped_column(String(40), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    request: Mapped[str] = mapped_column(Text, default="")
    facts: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    supervised: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    query_code_hash: Mapped[str | None] = mapped_column(String(64))
    # the audit chain's anchor (infra.audit): the newest entry's MAC and the number of entries, written in
    # the same transaction as the entry; verify_history checks them against the chain, version and status
    audit_head: Mapped[str | None] = mapped_column(String(64))
    audit_count: Mapped[int] = mapped_column(Integer, default=0)
    parent_service: Mapped[str | None] = mapped_column(String(32))
    parent_case_id: Mapped[str | None] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    parties: Mapped[list["Party"]] = relationship(
        back_populates="case", order_by="Party.seq", cascade="all, delete-orphan", lazy="selectin")
    clocks: Mapped[list["Clock"]] = relationship(
        back_populates="case", order_by="Clock.id", cascade="all, delete-orphan", lazy="selectin")
    links: Mapped[list["CaseLink"]] = relationship(
        back_populates="case", order_by="CaseLink.id", cascade="all, delete-orphan", lazy="selectin")

    __mapper_args__ = {"version_id_col": version}


class Party(Base):
    __tablename__ = "parties"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    seq: Mapped[int]
    role: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    # personal data encrypted at rest (infra.pii); id_index is the keyed blind index of the (normalised)
    # ID number that search and duplicate detection compare, never the number itself
    id_number: Mapped[str | None] = mapped_column(Encrypted)
    id_index: Mapped[str | None] = mapped_column(String(64), index=True)
    id_absent_reason: Mapped[str | None] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(Encrypted)
    phone_index: Mapped[str | None] = mapped_column(String(64), index=True)   # the staff search by phone
    address: Mapped[str | None] = mapped_column(Encrypted)
    case: Mapped[Case] = relationship(back_populates="parties")

    @validates("id_number")
    def _index_id_number(self, _key, value):
        self.id_index = keyring().blind(value)
        return value

    @validates("phone")
    def _index_phone(self, _key, value):
        self.phone_index = keyring().blind(normalise_phone(value), "phone")
        return value


class CaseParticipant(Base):
    """Organisations besides the owner that act on a case (CaseType.participants), kept by the engine
    so listings can find a case by any of them."""
    __tablename__ = "case_participants"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class CaseLink(Base):
    """A hand-off or relation to another case, in this service or another (SPEC §7)."""
    __tablename__ = "case_links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    link_type: Mapped[str] = mapped_column(String(24))      # child | duplicate_of | source | parent
    target_service: Mapped[str] = mapped_column(String(32))
    target_case_id: Mapped[str | None] = mapped_column(String(32), index=True)
    target_case_no: Mapped[str | None] = mapped_column(String(40))
    target_status: Mapped[str | None] = mapped_column(String(40))
    target_version: Mapped[int] = mapped_column(Integer, default=0)   # newest child event applied
    target_terminal: Mapped[bool] = mapped_column(Boolean, default=False)
    basis: Mapped[str] = mapped_column(Text, default="")
    handoff: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict)   # the decision sent with a child hand-off (may carry parties: encrypted)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    case: Mapped[Case] = relationship(back_populates="links")


class AuditEntry(Base):
    """Append-only; hash-chained per case (see infra.audit)."""
    __tablename__ = "audit_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(32), index=True)
    seq: Mapped[int]
    at: Mapped[datetime]
    user_id: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    org_id: Mapped[str] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(48))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    version: Mapped[int]
    payload_digest: Mapped[str] = mapped_column(String(64))
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    basis: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    __table_args__ = (UniqueConstraint("case_id", "seq", name="uq_audit_case_seq"),)


class Clock(Base):
    """A statutory period running on a case (SPEC §1; clock kinds are defined in each case type)."""
    __tablename__ = "clocks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(48))
    status: Mapped[str] = mapped_column(String(16))          # running | paused | stopped | expired
    unit: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int]
    started_at: Mapped[datetime]
    due_at: Mapped[datetime]
    warn_at: Mapped[datetime | None]
    paused_at: Mapped[datetime | None]
    pauses: Mapped[list[Any]] = mapped_column(default=list)   # [[from, to], ...] ISO strings
    extended_by: Mapped[int] = mapped_column(Integer, default=0)
    excluded: Mapped[int] = mapped_column(Integer, default=0)    # paused time not counted (units; months: days)
    warned: Mapped[bool] = mapped_column(Boolean, default=False)
    stopped_at: Mapped[datetime | None]
    expired_at: Mapped[datetime | None]
    basis: Mapped[str] = mapped_column(Text, default="")
    claimed_until: Mapped[datetime | None]                  # a sweeping instance's claim
    case: Mapped[Case] = relationship(back_populates="clocks")
    __table_args__ = (
        Index("ix_clocks_due", "status", "due_at"),
        Index("ix_clocks_warn", "status", "warned", "warn_at"),
    )


class OutboxRow(Base):
    __tablename__ = "outbox"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)   # the event id consumers dedupe on
    created_at: Mapped[datetime] = mapped_column(index=True)
    event_type: Mapped[str] = mapped_column(String(48))
    payload: Mapped[dict[str, Any]]
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    claimed_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class InboxRow(Base):
    """Event ids a consumer has already handled (at-least-once delivery, ENGINEERING §3)."""
    __tablename__ = "inbox"
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    handled_at: Mapped[datetime]


class IdempotencyRecord(Base):
    __tablename__ = "idempotency"
    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)   # the view a retry gets again: encrypted
    created_at: Mapped[datetime] = mapped_column(index=True)          # pruned after idempotency.retention_hours


class Sequence(Base):
    """Counters for human case numbers (一案一码): one row per county and year, never reset."""
    __tablename__ = "sequences"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
