"""Figures and drill-down over the stored read model: SQL selects the cases a period can involve and
the caller's filters; the pure functions in ``figures`` count them."""
from __future__ import annotations

import re
from datetime import datetime

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema
from sqlalchemy import or_, select

from contracts.enums import CATEGORIES, CHANNELS
from contracts.supervision import READ_SERVICES, FiltersSchema
from services.supervision import figures, figures_sql, warnings_sql
from services.supervision.models import SvCase, SvHistory

SERVICE_LABELS = {"intake": "一站式受理", "mediation": "人民调解", "diversion": "诉非分流", "petition": "信访",
                  "recommendation": "司法建议、检察建议"}
assert tuple(SERVICE_LABELS) == READ_SERVICES
FILTERS = ("service", "case_type", "org_id", "town_id", "category", "channel")


class PeriodSchema(Schema):
    # "from"/"to" are Python keywords: data_key keeps the wire names
    first = fields.Date(required=True, data_key="from")
    last = fields.Date(required=True, data_key="to")

    @validates_schema
    def _order(self, data, **_):
        if data["last"] < data["first"]:
            raise ValidationError("须不早于起始日期", "to")
        if (data["last"] - data["first"]).days > 3660:
            raise ValidationError("期间不超过十年", "to")


class FiguresArgs(Schema):
    period = fields.Nested(PeriodSchema, required=True)
    group_by = fields.String(load_default=None, validate=validate.OneOf(figures.GROUPS))
    filters = fields.Nested(FiltersSchema, load_default=dict)


class DrillArgs(FiguresArgs):
    figure = fields.String(required=True)
    group = fields.Raw(load_default=None, allow_none=True)       # the group's key (None: no group / 未归属)
    part = fields.String(load_default="numerator", validate=validate.OneOf(("numerator", "denominator")))

    @validates_schema
    def _figure(self, data, **_):
        name = data["figure"]
        if name not in figures_sql.BY_NAME and not name.startswith("stage_days:"):
            raise ValidationError(f"未知指标，可选：{'、'.join(figures_sql.BY_NAME)}，或 stage_days:<案件类型>:<状态>",
                                  "figure")


ROW_COLUMNS = ("case_id", "case_no", "service", "case_type", "org_id", "town_id", "county", "category", "channel", "status",
               "terminal", "created_at", "closed_at", "resolved_at", "resolution", "open_due_at", "overdue_ever",
               "parent_case_id", "links")


def load_data(session, period: figures.Period, now: datetime, calendar) -> figures.Data:
    """The cases a period can involve (opened before its end, and not closed before its start unless
    resolved or changed since), with their history: two core queries, no ORM objects."""
    involved = (SvCase.created_at < period.end) & or_(
        SvCase.closed_at.is_(None), SvCase.closed_at >= period.start, SvCase.updated_at >= period.start,
        SvCase.resolved_at >= period.start)
    rows = [dict(r._mapping) for r in session.execute(select(*(getattr(SvCase, c) for c in ROW_COLUMNS)).where(involved))]
    history: dict[str, list[dict]] = {r["case_id"]: [] for r in rows}
    ids = select(SvCase.case_id).where(involved)
    for case_id, version, event, from_state, to_state, at in session.execute(
            select(SvHistory.case_id, SvHistory.version, SvHistory.event, SvHistory.from_state, SvHistory.to_state,
                   SvHistory.at).where(SvHistory.case_id.in_(ids)).order_by(SvHistory.case_id, SvHistory.version)):
        history[case_id].append({"event": event, "from": from_state, "to": to_state, "at": at, "version": version})
    return figures.Data(rows, history, period, now, calendar)


def keep(d: figures.Data, filters: dict) -> set | None:
    wanted = {k: v for k, v in filters.items() if v is not None}
    if not wanted:
        return None
    return {c for c, r in d.rows.items() if all(r[k] == v for k, v in wanted.items())}


def group_label(group_by: str | None, key, directory) -> str:
    if key is None:
        if group_by == "town":
            return "县本级"           # cases of county-level bodies (the centre, courts, departments): no town
        return "未归属" if group_by in ("channel", "category") else "全部"
    if group_by in ("org", "town"):
        org = directory.get(key)
        return org.name if org else key
    if group_by == "county":
        return "本县（市、区）" if key else "未归属"
    return {"channel": CHANNELS, "category": CATEGORIES, "service": SERVICE_LABELS}.get(group_by, {}).get(key, key)


class WarningsArgs(Schema):
    period = fields.Nested(PeriodSchema, required=True)


class WarningCasesArgs(WarningsArgs):
    """One warning's drill-down: its rule and what it is about (warnings_sql.ABOUT; a township's None is the
    county level), with the period it was raised for."""
    rule = fields.String(required=True, validate=validate.OneOf(tuple(warnings_sql.ABOUT), error="未知的预警规则"))
    about = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True, validate=validate.Length(max=64)),
                        load_default=dict)

    @validates_schema
    def _about(self, data, **_):
        if set(data["about"]) - set(warnings_sql.ABOUT.get(data["rule"], ())):
            raise ValidationError(f"预警所指对象须为：{'、'.join(warnings_sql.ABOUT[data['rule']])}", "about")


def name_of(code, directory) -> str:
    """An organisation's or a category's Chinese name; no code: the county level itself."""
    if not code:
        return "县本级"
    org = directory.get(code)
    return org.name if org else CATEGORIES.get(code, code)


class FeedArgs(Schema):
    after_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    limit = fields.Integer(load_default=1000, validate=validate.Range(min=1, max=5000))


class MonthArgs(Schema):
    """A month as the API writes it (2026-10) or as a clerk does (2026年10月, 2026年1月); the error is in a
    clerk's words, since the page shows it."""
    month = fields.String(required=True, validate=validate.Regexp(r"^20\d{2}-(0[1-9]|1[0-2])$",
                                                                  error="月份应写作“2026年10月”的样式"))

    @pre_load
    def _written(self, data, **_):
        m = re.fullmatch(r"\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*", str(data.get("month") or ""))
        return {**data, "month": f"{m[1]}-{int(m[2]):02d}"} if m else data
    format = fields.String(load_default="xlsx", validate=validate.OneOf(("xlsx", "html"), error="须为电子表格或打印页"))


def county_name(directory, centre) -> str:
    """The county's government name (诸暨市人民政府 -> 诸暨市), else the centre's."""
    gov = next((o for o in directory.ancestors(centre.code) if o.level == "county"), None) if centre else None
    name = (gov or centre).name if (gov or centre) else ""
    return name.removesuffix("人民政府")


def stage_labels(case_types) -> dict:
    """'case_type' and 'case_type:STATE' -> Chinese labels, for the report."""
    out = {}
    for ct in case_types:
        out[ct.code] = ct.label
        out.update({f"{ct.code}:{s.code}": s.label for s in ct.states})
    return out


def definitions() -> list[dict]:
    return [{"name": f.name, "label": f.label, "kind": f.kind, "basis": f.basis} for f in figures_sql.FIGURES]
