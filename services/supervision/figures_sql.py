"""The centre's figures as SQL aggregations over the read model, on SQLite and PostgreSQL: each figure is a
query for the ids of the cases behind it (its numerator, and for a rate its denominator), counted per group
with one GROUP BY, and paged for the drill-down. Same definitions and results as the pure functions in
``figures`` (the reference, over which the early-warning rules run); what needs the calendar or a case's
whole history is derived at ingest (derived.py: the matter's root case, the first conclusion, repeated
petitions, stays with their working days). Definitions and their legal basis: README, "Supervision"."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, false, func, or_, select

from services.supervision import figures
from services.supervision.figures import DISPUTE_TYPES, HANDLING_TYPES, ROUTES, Figure
from services.supervision.models import SvCase, SvHistory, SvStay
from services.supervision.outcomes import CONCLUSIONS

C, H, S = SvCase.__table__, SvHistory.__table__, SvStay.__table__
FILTERS = ("service", "case_type", "org_id", "town_id", "category", "channel")
# organ levels, lowest first (config/organisations.yaml)
LEVELS = ("village", "township", "county", "city", "province")


@dataclass(frozen=True)
class Scope:
    period: figures.Period
    now: datetime
    skip_level_orgs: tuple[str, ...] = ()      # bodies more than one level above the county (skip_level_orgs())


def skip_level_orgs(directory) -> tuple[str, ...]:
    """The bodies a petition from the county reaches only by skipping a level: a visit goes to the organ with
    competence at its own level or the one above (LVR Art 20 ¶1: 本级或者上一级; ZJLV Art 15 ¶1: 信访事项发生地
    有权处理的本级或者上一级国家机关). Every case in a county's jiefen arises in that county, so 本级 is the
    county (or below) and 上一级 the city: a body at province level or above is 越级 (LVR Art 47: 劝阻、批评或者教育)."""
    limit = LEVELS.index("county") + 1
    return tuple(sorted(o.code for o in directory.all() if o.level in LEVELS and LEVELS.index(o.level) > limit))


def _in(col, period: figures.Period):
    return and_(col >= period.start, col < period.end)


def _ids(*where):
    return select(C.c.case_id).where(*where)


def _no_parent():
    return or_(C.c.parent_case_id.is_(None), C.c.parent_case_id == "")


def _history_ids(q: Scope, case_type: str, *events: str):
    """Cases of ``case_type`` with one of ``events`` in the period."""
    return select(H.c.case_id).join(C, C.c.case_id == H.c.case_id).where(
        C.c.case_type == case_type, H.c.event.in_(events), _in(H.c.at, q.period))


# -- the figures ---------------------------------------------------------------------------------------
def received(q: Scope):
    return _ids(C.c.case_type.in_(DISPUTE_TYPES), _no_parent(), _in(C.c.created_at, q.period)), None


def routed_to(target: str):
    events = tuple(e for e, t in ROUTES.items() if t == target)
    return lambda q: (_history_ids(q, "intake", *events), None)


def answered_on_spot(q: Scope):
    return _history_ids(q, "intake", "answer_on_spot"), None


def resolved(q: Scope):
    """Matters (root cases) first resolved in the period, by any of their cases (``matter_resolved_at``)."""
    return _ids(C.c.case_type.in_(DISPUTE_TYPES), _in(C.c.matter_resolved_at, q.period)), None


def resolution_rate(q: Scope):
    got = received(q)[0]
    return got.where(C.c.matter_resolved_at < q.period.end), got


def closed_on_time(q: Scope):
    closed = _ids(C.c.case_type.in_(HANDLING_TYPES), _in(C.c.closed_at, q.period))
    return closed.where(C.c.overdue_ever == false()), closed


def overdue_now(q: Scope):
    return _ids(C.c.case_type.in_(HANDLING_TYPES), C.c.terminal == false(), C.c.open_due_at < q.now,
                C.c.created_at < q.period.end), None


def overdue_ever(q: Scope):
    return _ids(C.c.case_type.in_(HANDLING_TYPES), _in(C.c.created_at, q.period),
                or_(C.c.overdue_ever, C.c.open_due_at < q.now)), None


def concluded_rate(case_type: str):
    def compute(q: Scope):
        den = _ids(C.c.case_type == case_type, _in(C.c.concluded_at, q.period))
        return den.where(C.c.concluded_ok), den
    return compute


def repeat_petition_rate(q: Scope):
    registered = _ids(C.c.case_type == "petition", _in(C.c.created_at, q.period))
    return registered.where(C.c.repeated), registered


def skip_level_rate(q: Scope):
    registered = _ids(C.c.case_type == "petition", _in(C.c.created_at, q.period))
    return registered.where(C.c.org_id.in_(q.skip_level_orgs or ("",))), registered


def replied_on_time(q: Scope):
    """Recommendations whose first reply is in the period; on time: replied while awaiting (not overdue)."""
    first = _ids(C.c.case_type == "recommendation", _in(C.c.replied_at, q.period))
    return first.where(C.c.replied_on_time), first


def adopted(q: Scope):
    return _history_ids(q, "recommendation", "mark_implemented"), None


SKIP_LEVEL = Figure("skip_level_rate", "越级信访率", "rate", "LVR Art 20 ¶1, 47; ZJLV Art 15 ¶1", None)
_SUCCESS_OF = {"mediation_success_rate": "mediation", "prefiling_success_rate": "diversion",
               "jc_confirmation_rate": "jc"}
QUERIES = {
    "received": received, "routed_mediation": routed_to("mediation"), "routed_diversion": routed_to("diversion"),
    "routed_petition": routed_to("petition"), "routed_external": routed_to("external"),
    "answered_on_spot": answered_on_spot, "resolved": resolved, "resolution_rate": resolution_rate,
    "closed_on_time_rate": closed_on_time, "overdue_now": overdue_now, "overdue_ever": overdue_ever,
    **{name: concluded_rate(ct) for name, ct in _SUCCESS_OF.items()},
    "repeat_petition_rate": repeat_petition_rate, "reply_on_time_rate": replied_on_time,
    "recommendations_adopted": adopted, "skip_level_rate": skip_level_rate,
}
assert set(_SUCCESS_OF.values()) == set(CONCLUSIONS)
# the figures' definitions (label, kind, basis: figures.FIGURES), those this module computes, in order
FIGURES = [f for f in [*figures.FIGURES, SKIP_LEVEL] if f.name in QUERIES]
BY_NAME = {f.name: f for f in FIGURES}


# -- counting and drilling down ------------------------------------------------------------------------
def _group_col(group_by: str | None):
    return C.c[figures.GROUPS[group_by]] if group_by else None


def _filtered(stmt, filters: dict | None):
    for name, value in (filters or {}).items():
        if value is not None and name in FILTERS:
            stmt = stmt.where(C.c[name] == value)
    return stmt


def _direct(ids) -> bool:
    """True when ``ids`` selects from the read model's case table alone (each row one case)."""
    return all(f is C for f in ids.get_final_froms())


def _counts(ids, group_by: str | None, filters: dict | None):
    """group key -> how many cases of ``ids`` (after the filters): one GROUP BY over the select's own rows
    (distinct cases when it joins the history)."""
    col = _group_col(group_by)
    cols = [col] if col is not None else []
    count = func.count() if _direct(ids) else func.count(func.distinct(C.c.case_id))
    return _filtered(ids.with_only_columns(*cols, count), filters).group_by(*cols)


def _value(kind: str, num: int, den: int | None) -> dict:
    if kind == "count":
        return {"value": num}
    return {"value": round(num / den, 4) if den else None, "numerator": num, "denominator": den or 0}


def figure_counts(session, q: Scope, name: str, group_by: str | None = None, filters: dict | None = None) -> dict:
    """One figure: {"numerator": {group key: count}, and for a rate "denominator": {...}}."""
    num, den = QUERIES[name](q)
    out = {}
    for part, ids in (("numerator", num), ("denominator", den)):
        if ids is not None:
            rows = session.execute(_counts(ids, group_by, filters)).all()
            out[part] = {(r[0] if group_by else None): r[-1] for r in rows}
    return out


def _stage_raw(session, q: Scope, group_by: str | None, filters: dict | None) -> dict:
    """group key -> {'case_type:state': [working days, cases]} for stays that ended in the period. A case's
    stays in one state add up, so the average per case is the stays' working days over the number of cases;
    a case is counted at its first stay in that state (``first_in_state``), or, for a state it re-entered,
    at its earliest stay in the period (the rare second query)."""
    col = _group_col(group_by)
    cols = [col] if col is not None else []
    joined = bool(cols) or any(v is not None for v in (filters or {}).values())

    def over(stmt):
        if joined:
            stmt = _filtered(stmt.select_from(S.join(C, C.c.case_id == S.c.case_id)), filters)
        return stmt.where(_in(S.c.ended_at, q.period)).group_by(*cols, S.c.case_type, S.c.state)

    out: dict = {}
    firsts = func.sum(case((S.c.first_in_state, 1), else_=0))
    for row in session.execute(over(select(*cols, S.c.case_type, S.c.state, func.sum(S.c.working_days), firsts))):
        key = row[0] if cols else None
        out.setdefault(key, {})[f"{row[-4]}:{row[-3]}"] = [int(row[-2]), int(row[-1])]
    earlier = S.alias("earlier")
    again = over(select(*cols, S.c.case_type, S.c.state, func.count()).where(
        S.c.first_in_state == false(),
        ~select(earlier.c.seq).where(earlier.c.case_id == S.c.case_id, earlier.c.state == S.c.state,
                                     earlier.c.seq < S.c.seq, _in(earlier.c.ended_at, q.period)).exists()))
    for row in session.execute(again):
        key = row[0] if cols else None
        out[key][f"{row[-3]}:{row[-2]}"][1] += int(row[-1])
    return out


def _averages(raw: dict) -> dict:
    return {stage: {"value": round(days / count, 2), "count": count}
            for stage, (days, count) in sorted(raw.items()) if count}


def stage_days(session, q: Scope, group_by: str | None, filters: dict | None) -> dict:
    """group key -> {'case_type:state': {value: average working days per case, count}}."""
    return {k: _averages(v) for k, v in _stage_raw(session, q, group_by, filters).items()}


def _all_counts(session, q: Scope, group_by: str | None, filters: dict | None) -> dict:
    """(figure, part) -> {group key: count}: the parts that read the case table alone in one pass (a
    conditional sum each, over the cases opened before the period's end, which all of them are), the parts
    that read the history one GROUP BY each."""
    col = _group_col(group_by)
    cols = [col] if col is not None else []
    direct, out = [], {}
    for f in FIGURES:
        num, den = QUERIES[f.name](q)
        for part, ids in (("numerator", num), ("denominator", den)):
            if ids is None:
                continue
            if _direct(ids):
                direct.append(((f.name, part), ids.whereclause))
            else:
                rows = session.execute(_counts(ids, group_by, filters)).all()
                out[f.name, part] = {(r[0] if cols else None): r[-1] for r in rows}
    sums = [func.sum(case((where, 1), else_=0)) for _, where in direct]
    stmt = _filtered(select(*cols, *sums).select_from(C).where(C.c.created_at < q.period.end), filters)
    rows = session.execute(stmt.group_by(*cols)).all()
    for i, (name_part, _) in enumerate(direct):
        out[name_part] = {(r[0] if cols else None): int(r[len(cols) + i] or 0) for r in rows}
    return out


def _involved(q: Scope):
    """The cases a period can involve (as query.load_data): the groups a result lists."""
    return and_(C.c.created_at < q.period.end, or_(
        C.c.closed_at.is_(None), C.c.closed_at >= q.period.start, C.c.updated_at >= q.period.start,
        C.c.resolved_at >= q.period.start))


def compute(session, q: Scope, group_by: str | None = None, filters: dict | None = None) -> dict:
    """Every figure, in total and per group, as ``figures.compute`` returns them. Every case has one group
    key, so the total is the sum of the groups (counted once)."""
    counts = _all_counts(session, q, group_by, filters)
    raw = _stage_raw(session, q, group_by, filters)

    def values(per_key: dict, stages: dict) -> dict:
        out = {f.name: _value(f.kind, per_key.get((f.name, "numerator"), 0), per_key.get((f.name, "denominator")))
               for f in FIGURES}
        out["stage_days"] = _averages(stages)
        return out

    def of(key) -> tuple[dict, dict]:
        return {part: per_group.get(key, 0) for part, per_group in counts.items()}, raw.get(key, {})

    total_counts = {part: sum(per_group.values()) for part, per_group in counts.items()}
    total_stages: dict = {}
    for stages in raw.values():
        for stage, (days, n) in stages.items():
            acc = total_stages.setdefault(stage, [0, 0])
            acc[0], acc[1] = acc[0] + days, acc[1] + n
    groups = []
    if group_by:
        col = _group_col(group_by)
        keys = session.scalars(_filtered(select(col).where(_involved(q)).distinct(), filters)).all()
        groups = [{"key": k, "values": values(*of(k))} for k in sorted(keys, key=lambda k: (k is None, k or ""))]
    return {"total": values(total_counts, total_stages), "groups": groups}


def drill_ids(q: Scope, figure: str, group_by: str | None, key, part: str = "numerator",
              filters: dict | None = None):
    """The select of the case ids behind one number, in (created_at, case_id) order."""
    if figure.startswith("stage_days:"):
        case_type, _, state = figure.split(":", 1)[1].partition(":")
        ids = select(S.c.case_id).where(S.c.case_type == case_type, S.c.state == state, _in(S.c.ended_at, q.period))
    else:
        num, den = QUERIES[figure](q)
        ids = num if part == "numerator" else den
    if ids is None:
        return None
    stmt = _filtered(ids if _direct(ids) else select(C.c.case_id).where(C.c.case_id.in_(ids)), filters)
    if group_by:
        col = _group_col(group_by)
        stmt = stmt.where(col.is_(None) if key is None else col == key)
    # the figure's own conditions choose the rows first (OFFSET 0 keeps PostgreSQL from walking the whole
    # created_at index in order instead), then they are sorted
    found = stmt.with_only_columns(C.c.case_id, C.c.created_at).offset(0).subquery()
    return select(found.c.case_id).order_by(found.c.created_at, found.c.case_id)


def drill_down(session, q: Scope, figure: str, group_by: str | None, key, part: str, filters: dict | None,
               number: int, size: int) -> tuple[int, list[str]]:
    """(how many cases, the ids of page ``number`` of ``size``)."""
    stmt = drill_ids(q, figure, group_by, key, part, filters)
    if stmt is None:
        return 0, []
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    return total, list(session.scalars(stmt.offset((number - 1) * size).limit(size)))
