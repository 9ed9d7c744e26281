"""Everything that enters the read model goes through here: events from the case services' exchanges
(``ingest``) and a service's facts (``apply_facts``, from its ``replay_facts`` RPC).

``ingest`` is the one place an incoming event is accepted: event authenticity (signed events, issue 11)
is checked here at merge. Idempotent per event id; in order per case by version: an older version
never overwrites a newer one (a later event or newer facts may arrive first)."""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from infra.db import is_postgres, write_session
from infra.orgs import Directory
from infra.views import iso
from services.supervision import derived, escalation, outcomes, repeats
from services.supervision.models import SvCase, SvHistory, SvInbox, SvParty

CASE_EVENTS = ("case_registered", "case_transitioned", "case_routed")


def parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def town_of(directory: Directory, org_id: str) -> str | None:
    """The township (乡镇/街道) an organisation below county level belongs to: the township government
    in its chain (itself or an ancestor); failing that, the first township-level body in it."""
    org = directory.get(org_id)
    if org is None or org.level not in ("township", "village"):
        return None
    township = [o for o in [org, *directory.ancestors(org_id)] if o.level == "township"]
    government = next((o for o in township if o.kind == "government"), None)
    return (government or township[0]).code if township else None


def _retrying(engine, work: Callable) -> object:
    """Run ``work(session)`` in one write transaction; a concurrent insert of the same key retries."""
    for attempt in range(3):
        with write_session(engine) as s:
            try:
                result = work(s)
                s.commit()
                return result
            except IntegrityError:
                s.rollback()
                if attempt == 2:
                    raise


def _locked(s, engine, case_id: str) -> SvCase | None:
    stmt = select(SvCase).where(SvCase.case_id == case_id)
    if is_postgres(engine):
        stmt = stmt.with_for_update()
    return s.scalars(stmt).first()


def _history(s, case_id: str) -> list[dict]:
    return [{"event": h.event, "from": h.from_state, "to": h.to_state, "at": iso(h.at), "version": h.version}
            for h in s.scalars(select(SvHistory).where(SvHistory.case_id == case_id).order_by(SvHistory.version))]


def _add_history(s, case_id: str, entries: list[dict]) -> None:
    have = set(s.scalars(select(SvHistory.version).where(SvHistory.case_id == case_id)))
    for h in entries:
        if h["version"] not in have:
            have.add(h["version"])
            s.add(SvHistory(case_id=case_id, version=h["version"], event=h["event"], from_state=h.get("from"),
                            to_state=h["to"], at=parse(h["at"])))
    s.flush()


def _set_parties(s, case_id: str, parties: list[dict]) -> None:
    """The case's parties as (role, kind, blind index) only (infra.facts.party_index): replaced as a whole; the
    indexes they name, before and after, recounted (``repeats``: what the party rules group)."""
    before = s.execute(select(SvParty.role, SvParty.party_index, SvParty.address_index)
                       .where(SvParty.case_id == case_id)).all()
    s.execute(delete(SvParty).where(SvParty.case_id == case_id))
    rows = [SvParty(case_id=case_id, seq=seq, role=str(p["role"])[:16], kind=str(p["kind"])[:16],
                    party_index=p.get("index"), address_index=p.get("address")) for seq, p in enumerate(parties, 1)]
    s.add_all(rows)
    s.flush()
    repeats.recount(s, repeats.keys_of([*before, *((r.role, r.party_index, r.address_index) for r in rows)]))


def _derive(s, row: SvCase, now: datetime, calendar=None) -> None:
    history = _history(s, row.case_id)
    row.stages = outcomes.stages(history)
    kind, at = outcomes.resolution(row.case_type, history)
    row.resolution, row.resolved_at = kind, parse(at)
    row.open_due_at = parse(outcomes.open_due_at(row.clocks or []))
    row.overdue_ever = outcomes.overdue_ever(row.clocks or [], iso(now))
    matter = row.root_case_id
    derived.derive(s, row, history, calendar)
    escalation.keep(s, row.root_case_id, row.case_id, matter)    # the matter it joined, and any it left
    s.execute(update(SvParty).where(SvParty.case_id == row.case_id).values(received_at=derived.received_at(row))
              .execution_options(synchronize_session=False))


def ingest(engine, directory: Directory, service: str, event_type: str, payload: dict, now: datetime,
           calendar=None) -> bool:
    """Apply one event from ``service``'s exchange. Returns False for a duplicate or a non-case event."""
    if event_type not in CASE_EVENTS or not isinstance(payload, dict) or not payload.get("event_id"):
        return False

    def work(s) -> bool:
        if s.get(SvInbox, payload["event_id"]) is not None:
            return False
        s.add(SvInbox(event_id=payload["event_id"], service=service, handled_at=now))
        case_id, version = payload["case_id"], int(payload["version"])
        row = _locked(s, engine, case_id)
        _add_history(s, case_id, [{"event": payload["event"], "from": payload.get("from"), "to": payload["to"],
                                   "at": payload["at"], "version": version}])
        at = parse(payload["at"])
        if row is None:
            row = SvCase(case_id=case_id, service=service, case_type=payload["case_type"],
                         case_no=payload["case_no"], version=0, facts_version=0, created_at=at, clocks=[],
                         links=[], stages={}, terminal=False, supervised=False, overdue_ever=False)
            s.add(row)
        if version > row.version:
            org = payload.get("org_id") or ""
            row.version, row.status, row.terminal = version, payload["to"], bool(payload.get("terminal"))
            row.org_id, row.town_id = org, town_of(directory, org)
            row.county = (directory.get(org).county if directory.get(org) else None)
            row.supervised = bool(payload.get("supervised"))
            row.parent_service, row.parent_case_id = payload.get("parent_service"), payload.get("parent_case_id")
            row.updated_at = at
            if row.terminal and row.closed_at is None:
                row.closed_at = at
        if event_type == "case_registered" and at < row.created_at:
            row.created_at = at
        _derive(s, row, now, calendar)
        return True

    return bool(_retrying(engine, work))


def apply_facts(engine, directory: Directory, facts: dict, now: datetime, calendar=None) -> bool:
    """Apply a service's facts about one case (``replay_facts``). Older facts than the row change nothing."""
    def work(s) -> bool:
        row = _locked(s, engine, facts["case_id"])
        _add_history(s, facts["case_id"], facts["history"])
        if row is not None and facts["version"] < row.version:
            return False
        if row is None:
            row = SvCase(case_id=facts["case_id"])
            s.add(row)
        org = facts["org_id"] or ""
        found = directory.get(org)
        row.service, row.case_type, row.case_no = facts["service"], facts["case_type"], facts["case_no"]
        row.org_id, row.town_id, row.county = org, town_of(directory, org), found.county if found else None
        row.category, row.channel = facts["category"], facts["channel"]
        row.status, row.terminal, row.supervised = facts["status"], bool(facts["terminal"]), bool(facts["supervised"])
        row.version = row.facts_version = facts["version"]
        row.parent_service, row.parent_case_id = facts["parent_service"], facts["parent_case_id"]
        row.created_at, row.updated_at = parse(facts["created_at"]), parse(facts["updated_at"])
        row.closed_at = parse(facts["closed_at"])
        row.clocks, row.links = facts["clocks"], facts["links"]
        if "parties" in facts:                 # services' facts since sv0005 (PSR Art 50, 54: 研判预警)
            row.risk_words = int(facts.get("risk_words") or 0)
            _set_parties(s, facts["case_id"], facts["parties"])
        _derive(s, row, now, calendar)
        return True

    return bool(_retrying(engine, work))


def stale(engine, limit: int = 200) -> dict[str, list[str]]:
    """service -> case ids whose newest version's facts have not been fetched yet."""
    from infra.db import read_session
    out: dict[str, list[str]] = {}
    with read_session(engine) as s:
        for service, case_id in s.execute(select(SvCase.service, SvCase.case_id)
                                          .where(SvCase.facts_version < SvCase.version).limit(limit)):
            out.setdefault(service, []).append(case_id)
    return out
