"""What callers see of a case: the same shape from every service."""
from __future__ import annotations

from datetime import datetime

from infra import clocks
from infra.actors import Actor
from infra.models import Case
from infra.pii import party_view
from infra.timekeeping import utc


def iso(dt: datetime | None) -> str | None:
    return utc(dt).isoformat() if dt else None


def case_view(case: Case, env, actor: Actor | None, now: datetime, extra: dict | None = None,
              listing: bool = False) -> dict:
    ct = env.case_type
    state = ct.state(case.status)
    # the owning organisation and those acting on the case (participants) read personal data whole
    whole = bool(actor) and not listing and actor.org_id in ct.acting_orgs(case)
    out = {
        "case_id": case.id,
        "case_no": case.case_no,
        "case_type": case.case_type,
        "service": env.service,
        "status": case.status,
        "status_label": state.label,
        "terminal": state.terminal,
        "version": case.version,
        "org_id": case.org_id,
        "channel": case.channel,
        "category": case.category,
        "summary": case.summary,
        "supervised": case.supervised,
        "parent": {"service": case.parent_service, "case_id": case.parent_case_id} if case.parent_case_id else None,
        "created_at": iso(case.created_at),
        "updated_at": iso(case.updated_at),
        "closed_at": iso(case.closed_at),
        "deadlines": [clocks.view(c, ct, env.calendar, now) for c in case.clocks if c.status in clocks.OPEN],
        "parties": [party_view(p, whole) for p in case.parties],
    }
    if ct.listing is not None:
        out.update(ct.listing(case))
    if not listing:
        out.update({
            "request": case.request,
            "facts": case.facts,
            "data": case.data,
            "clocks": [clocks.view(c, ct, env.calendar, now) for c in case.clocks],
            "links": [link_view(l) for l in case.links],
        })
    if extra:
        out.update(extra)
    return out


def link_view(link) -> dict:
    # a child hand-off made for a purpose says so (e.g. judicial_confirmation: the page reads 申请司法确认)
    purpose = (link.handoff or {}).get("purpose") if link.link_type == "child" else None
    return {
        "link_type": link.link_type, "service": link.target_service, "case_id": link.target_case_id,
        "case_no": link.target_case_no, "status": link.target_status, "terminal": link.target_terminal,
        "basis": link.basis, "created_at": iso(link.created_at), "updated_at": iso(link.updated_at),
        **({"purpose": purpose} if purpose else {}),
    }


def audit_view(e) -> dict:
    return {
        "seq": e.seq, "at": iso(e.at), "user_id": e.user_id, "role": e.role, "org_id": e.org_id,
        "event": e.event, "from": e.from_state, "to": e.to_state, "version": e.version,
        "data": e.summary, "basis": e.basis, "payload_digest": e.payload_digest, "hash": e.hash,
    }
