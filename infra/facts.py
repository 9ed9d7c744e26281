"""A case as facts for the centre's read model (PSR Art 39 ¶2, 49–51): no personal data, only what the
supervision service counts (state, organisation, category, channel, clocks, links, history)."""
from __future__ import annotations

from infra.models import AuditEntry, Case
from infra.views import iso


def case_facts(service: str, case: Case, terminal: bool, entries: list[AuditEntry]) -> dict:
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
    }
