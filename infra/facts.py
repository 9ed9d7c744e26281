"""A case as facts for the centre's read model (PSR Art 39 ¶2, 49–51): no personal data, only what the
supervision service counts (state, organisation, category, channel, clocks, links, history), the parties
as (role, kind, blind indexes of the person and the address) and the number of risk words in the case's text (PSR Art 50, 54: 研判预警)."""
from __future__ import annotations

import unicodedata

from contracts.idnumbers import normalise
from infra.models import AuditEntry, Case
from infra.pii import keyring
from infra.views import iso


def party_index(party) -> str | None:
    """The party's keyed blind index (infra.pii), never the ID number or name: the ID number's (ID card or
    unified social credit code); for an organisation without one (a department, a landlord's company) the
    blind index of its name normalised like an ID number (full-width folded, spaces out; domain "name"); a
    natural person without an ID number has none (a name alone does not tell two people apart)."""
    if party.id_index:
        return party.id_index
    if party.kind == "organisation" and party.name:
        return keyring().blind(normalise(party.name), "name")
    return None


def address_index(party) -> str | None:
    """The blind index of the party's address (domain "address"), normalised so that the same place typed
    twice matches: normalised like an ID number (contracts.idnumbers.normalise), punctuation dropped too.
    Never the address."""
    text = "".join(ch for ch in normalise(party.address) or "" if not unicodedata.category(ch).startswith("P"))
    return keyring().blind(text, "address") if text else None


def risk_word_count(case: Case, words) -> int:
    """How many of the configured risk words (民转刑 risk: config ``supervision.risk_words`` [A]) occur in the
    case's summary, request and facts. Only this count leaves the case service, never the text."""
    text = " ".join(t or "" for t in (case.summary, case.request, case.facts))
    return sum(1 for w in words or () if w and w in text)


def case_facts(service: str, case: Case, terminal: bool, entries: list[AuditEntry], risk_words=()) -> dict:
    return {
        "service": service, "case_type": case.case_type, "case_id": case.id, "case_no": case.case_no,
        "status": case.status, "terminal": terminal, "version": case.version, "org_id": case.org_id,
        "category": case.category, "channel": case.channel, "supervised": bool(case.supervised),
        "parent_service": case.parent_service, "parent_case_id": case.parent_case_id,
        "created_at": iso(case.created_at), "updated_at": iso(case.updated_at), "closed_at": iso(case.closed_at),
        "clocks": [{"kind": k.kind, "status": k.status, "started_at": iso(k.started_at), "due_at": iso(k.due_at),
                    "stopped_at": iso(k.stopped_at), "expired_at": iso(k.expired_at)} for k in case.clocks],
        "links": [{"link_type": l.link_type, "service": l.target_service, "case_id": l.target_case_id,
                   "status": l.target_status} for l in case.links],
        "history": [{"event": e.event, "from": e.from_state, "to": e.to_state, "at": iso(e.at),
                     "version": e.version, "role": e.role} for e in entries],
        "parties": [{"role": p.role, "kind": p.kind, "index": party_index(p), "address": address_index(p)}
                    for p in case.parties],
        "risk_words": risk_word_count(case, risk_words),
    }
