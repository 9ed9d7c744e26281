"""The centre's case list over the read model: every case of every service, filtered and paged."""
from __future__ import annotations

from datetime import datetime

from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from infra.views import iso
from services.supervision.models import SvCase


class CaseFilters(Schema):
    service = fields.String(load_default=None)
    case_type = fields.String(load_default=None)
    org_id = fields.String(load_default=None)
    town_id = fields.String(load_default=None)
    category = fields.String(load_default=None)
    channel = fields.String(load_default=None)
    status = fields.List(fields.String(), load_default=list)
    supervised = fields.Boolean(load_default=None)
    overdue = fields.Boolean(load_default=None)
    case_ids = fields.List(fields.String(), load_default=None)


class Page(Schema):
    number = fields.Integer(load_default=1, validate=validate.Range(min=1))
    size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


def row_view(r: SvCase, now: datetime) -> dict:
    return {
        "case_id": r.case_id, "case_no": r.case_no, "service": r.service, "case_type": r.case_type,
        "org_id": r.org_id, "town_id": r.town_id, "category": r.category, "channel": r.channel,
        "status": r.status, "terminal": r.terminal, "version": r.version, "supervised": r.supervised,
        "parent": {"service": r.parent_service, "case_id": r.parent_case_id} if r.parent_case_id else None,
        "created_at": iso(r.created_at), "updated_at": iso(r.updated_at), "closed_at": iso(r.closed_at),
        "due_at": iso(r.open_due_at), "overdue_now": bool(r.open_due_at and r.open_due_at < now),
        "overdue_ever": bool(r.overdue_ever or (r.open_due_at and r.open_due_at < now)),
        "resolution": r.resolution, "resolved_at": iso(r.resolved_at), "stages": r.stages,
        "links": r.links, "clocks": r.clocks,
    }


def statement(f: dict, now: datetime):
    stmt = select(SvCase)
    for name in ("service", "case_type", "org_id", "town_id", "category", "channel", "supervised"):
        if f.get(name) is not None:
            stmt = stmt.where(getattr(SvCase, name) == f[name])
    if f.get("status"):
        stmt = stmt.where(SvCase.status.in_(f["status"]))
    if f.get("case_ids") is not None:
        stmt = stmt.where(SvCase.case_id.in_(f["case_ids"]))
    if f.get("overdue") is not None:
        late = SvCase.open_due_at < now
        stmt = stmt.where(late if f["overdue"] else ((SvCase.open_due_at.is_(None)) | ~late))
    return stmt


def find(session, f: dict, p: dict, now: datetime) -> dict:
    stmt = statement(f, now)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.scalars(stmt.order_by(SvCase.created_at.desc(), SvCase.case_id)
                           .offset((p["number"] - 1) * p["size"]).limit(p["size"])).all()
    return {"items": [row_view(r, now) for r in rows], "total": total, "page": p["number"], "size": p["size"]}
