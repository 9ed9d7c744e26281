"""The centre's figures (PSR Art 46 ¶2, 50, 62–64): pure functions over read-model rows and their
history. Every figure is a set of cases (its numerator, and for a rate its denominator), so every
number drills down to the cases behind it. Definitions and their legal basis: README, "Supervision"."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Callable

from infra.calendar import SHANGHAI, Calendar

GROUPS = {"county": "county", "town": "town_id", "org": "org_id", "channel": "channel", "category": "category",
          "service": "service"}
# the dispute-handling case types: a matter is counted once, at its first case among these;
# recommendations (PSR Art 61) have figures of their own
DISPUTE_TYPES = ("intake", "mediation", "diversion", "jc", "petition")
# the case types whose clocks are an organ's handling periods (the centre's own 督办 cases are not counted)
HANDLING_TYPES = (*DISPUTE_TYPES, "recommendation")
ROUTES = {"route_to_mediation": "mediation", "route_to_diversion": "diversion", "route_to_petition": "petition",
          "refer_external": "external"}


@dataclass(frozen=True)
class Period:
    start: datetime            # inclusive, 00:00 Shanghai of the first day
    end: datetime              # exclusive, 00:00 Shanghai of the day after the last

    @classmethod
    def of(cls, first: date, last: date) -> "Period":
        return cls(datetime.combine(first, time(), SHANGHAI), datetime.combine(last + timedelta(days=1), time(), SHANGHAI))

    def __contains__(self, at: datetime | None) -> bool:
        return at is not None and self.start <= at < self.end


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    kind: str                  # count | rate | average
    basis: str
    compute: Callable          # (Data) -> (numerator ids, denominator ids | None)


class Data:
    """The rows (dicts: case_id, case_no, service, case_type, org_id, town_id, county, category, channel, status,
    terminal, created_at, closed_at, resolved_at, resolution, open_due_at, overdue_ever, parent_case_id,
    links) and each case's history (dicts: event, from, to, at, version; by version)."""

    def __init__(self, rows: list[dict], history: dict[str, list[dict]], period: Period, now: datetime,
                 calendar: Calendar):
        self.rows = {r["case_id"]: r for r in rows}
        self.history = history
        self.period, self.now, self.calendar = period, now, calendar

    def of(self, *case_types: str) -> list[dict]:
        return [r for r in self.rows.values() if r["case_type"] in case_types]

    def root(self, case_id: str) -> str:
        seen = set()
        while (parent := self.rows.get(case_id, {}).get("parent_case_id")) and parent in self.rows and parent not in seen:
            seen.add(case_id)
            case_id = parent
        return case_id

    def events(self, case_id: str, *names: str) -> list[dict]:
        return [h for h in self.history.get(case_id, []) if h["event"] in names]

    def first_entry(self, case_id: str, *states: str) -> dict | None:
        return next((h for h in self.history.get(case_id, []) if h["to"] in states), None)


# -- the figures -----------------------------------------------------------------------------------
def received(d: Data):
    """Matters received: a case opened directly (no parent case) in the period; a routed child is the
    same matter and is not counted again."""
    return {r["case_id"] for r in d.of(*DISPUTE_TYPES)
            if not r["parent_case_id"] and r["created_at"] in d.period}, None


def routed_to(target: str):
    def compute(d: Data):
        return {r["case_id"] for r in d.of("intake")
                for h in d.events(r["case_id"], *ROUTES) if ROUTES[h["event"]] == target and h["at"] in d.period}, None
    return compute


def answered_on_spot(d: Data):
    return {r["case_id"] for r in d.of("intake") for h in d.events(r["case_id"], "answer_on_spot")
            if h["at"] in d.period}, None


def _resolved_roots(d: Data) -> dict[str, datetime]:
    """matter (root case) -> when it was first resolved, by itself or by any case it was routed to."""
    out: dict[str, datetime] = {}
    for r in d.of(*DISPUTE_TYPES):
        if r["resolved_at"] is not None:
            root = d.root(r["case_id"])
            if root not in out or r["resolved_at"] < out[root]:
                out[root] = r["resolved_at"]
    return out


def resolved(d: Data):
    return {root for root, at in _resolved_roots(d).items() if at in d.period}, None


def resolution_rate(d: Data):
    got, roots = received(d)[0], _resolved_roots(d)
    return {c for c in got if c in roots and roots[c] < d.period.end}, got


def closed_on_time(d: Data):
    closed = {r["case_id"] for r in d.of(*HANDLING_TYPES) if r["closed_at"] in d.period}
    return {c for c in closed if not d.rows[c]["overdue_ever"]}, closed


def _late_now(r: dict, now: datetime) -> bool:
    return r["open_due_at"] is not None and r["open_due_at"] < now


def overdue_now(d: Data):
    return {r["case_id"] for r in d.of(*HANDLING_TYPES) if not r["terminal"] and _late_now(r, d.now)}, None


def overdue_ever(d: Data):
    return {r["case_id"] for r in d.of(*HANDLING_TYPES) if r["created_at"] in d.period
            and (r["overdue_ever"] or _late_now(r, d.now))}, None


def concluded_rate(case_type: str, success: tuple[str, ...], failure: tuple[str, ...]):
    """Among cases of ``case_type`` whose first conclusion falls in the period, those that succeeded."""
    def compute(d: Data):
        num, den = set(), set()
        for r in d.of(case_type):
            first = d.first_entry(r["case_id"], *success, *failure)
            if first and first["at"] in d.period:
                den.add(r["case_id"])
                if first["to"] in success:
                    num.add(r["case_id"])
        return num, den
    return compute


def repeat_petition_rate(d: Data):
    registered = {r["case_id"] for r in d.of("petition") if r["created_at"] in d.period}
    repeated = {c for c in registered if d.events(c, "reject_duplicate")
                or any(l["link_type"] == "duplicate_of" for l in d.rows[c]["links"] or [])}
    return repeated, registered


def replied_on_time(d: Data):
    replies = {r["case_id"]: h for r in d.of("recommendation") for h in d.events(r["case_id"], "submit_reply")[:1]
               if h["at"] in d.period}
    return {c for c, h in replies.items() if h["from"] == "RC_AWAITING_REPLY"}, set(replies)


def adopted(d: Data):
    return {r["case_id"] for r in d.of("recommendation") for h in d.events(r["case_id"], "mark_implemented")
            if h["at"] in d.period}, None


FIGURES = [
    Figure("received", "受理矛盾纠纷（件）", "count", "PSR Art 39: 一站式接收", received),
    Figure("routed_mediation", "分流人民调解（件）", "count", "PSR Art 39, 44", routed_to("mediation")),
    Figure("routed_diversion", "分流诉非分流（件）", "count", "PSR Art 39, 45", routed_to("diversion")),
    Figure("routed_petition", "分流信访（件）", "count", "PSR Art 39, 46", routed_to("petition")),
    Figure("routed_external", "导入其他法定途径（件）", "count", "PSR Art 39; LVR Art 31", routed_to("external")),
    Figure("answered_on_spot", "当场答复（件）", "count", "LVR Art 23", answered_on_spot),
    Figure("resolved", "化解（件）", "count", "PSR Art 39 ¶2, 62", resolved),
    Figure("resolution_rate", "化解率", "rate", "PSR Art 62", resolution_rate),
    Figure("closed_on_time_rate", "按期办结率", "rate", "PSR Art 62; LVR Art 34", closed_on_time),
    Figure("overdue_now", "当前超期（件）", "count", "PSR Art 60; LVR Art 34", overdue_now),
    Figure("overdue_ever", "曾经超期（件）", "count", "PSR Art 60", overdue_ever),
    Figure("mediation_success_rate", "人民调解成功率", "rate", "PML Art 28-31",
           concluded_rate("mediation", ("PM_AGREEMENT_EFFECTIVE",), ("PM_TERMINATED", "PM_REJECTED"))),
    Figure("prefiling_success_rate", "诉前调解成功率", "rate", "OMR Art 19-21",
           concluded_rate("diversion", ("DV_SETTLED",), ("DV_FAILED",))),
    Figure("jc_confirmation_rate", "司法确认率", "rate", "CPL Art 205-206",
           concluded_rate("jc", ("JC_CONFIRMED",), ("JC_REJECTED", "JC_NOT_ACCEPTED"))),
    Figure("repeat_petition_rate", "重复信访率", "rate", "LVR Art 36 ¶3, 44(1)", repeat_petition_rate),
    Figure("reply_on_time_rate", "建议按期回复率", "rate", "PSR Art 61 ¶2; JSR Art 8", replied_on_time),
    Figure("recommendations_adopted", "建议落实（件）", "count", "PSR Art 61 ¶2", adopted),
]
BY_NAME = {f.name: f for f in FIGURES}


def stays(d: Data) -> dict[str, dict[str, int]]:
    """'case_type:state' -> {case_id: working days spent there}, for stays that ended in the period
    (from entering the state to the next change of state; working days after the entry day, with 调休)."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for case_id, history in d.history.items():
        row = d.rows.get(case_id)
        if row is None:
            continue
        entered: tuple[str, datetime] | None = None
        for h in history:
            if entered and h["to"] != entered[0]:
                if h["at"] in d.period:
                    key = f"{row['case_type']}:{entered[0]}"
                    out[key][case_id] = out[key].get(case_id, 0) + d.calendar.working_days_between(entered[1], h["at"])
                entered = None
            if entered is None:
                entered = (h["to"], h["at"])
    return out


def _value(kind: str, num: set, den: set | None) -> dict:
    if kind == "count":
        return {"value": len(num)}
    return {"value": round(len(num) / len(den), 4) if den else None, "numerator": len(num), "denominator": len(den)}


def group_key(row: dict, group_by: str | None):
    return row.get(GROUPS[group_by]) if group_by else None


def compute(d: Data, group_by: str | None = None, keep: set | None = None) -> dict:
    """Every figure, in total and per group; ``keep``: only these cases count (the caller's filters)."""
    sets = {f.name: f.compute(d) for f in FIGURES}
    days = stays(d)

    def select(ids: set | None, grouped: bool, key) -> set | None:
        if ids is None:
            return None
        ids = ids if keep is None else ids & keep
        return {c for c in ids if group_key(d.rows[c], group_by) == key} if grouped else ids

    def values(grouped: bool, key=None) -> dict:
        out = {f.name: _value(f.kind, select(sets[f.name][0], grouped, key), select(sets[f.name][1], grouped, key))
               for f in FIGURES}
        out["stage_days"] = {}
        for stage, per_case in sorted(days.items()):
            mine = select(set(per_case), grouped, key)
            if mine:
                out["stage_days"][stage] = {"value": round(sum(per_case[c] for c in mine) / len(mine), 2),
                                            "count": len(mine)}
        return out

    keys = {group_key(r, group_by) for r in d.rows.values() if keep is None or r["case_id"] in keep} \
        if group_by else set()
    return {"total": values(False),
            "groups": [{"key": k, "values": values(True, k)} for k in sorted(keys, key=lambda k: (k is None, k or ""))]}


def cases_behind(d: Data, figure: str, group_by: str | None, key, part: str = "numerator",
                 keep: set | None = None) -> list[str]:
    """The case ids behind one number: a figure's numerator or denominator, or a stage's cases."""
    if figure.startswith("stage_days:"):
        ids = set(stays(d).get(figure.split(":", 1)[1], {}))
    else:
        num, den = BY_NAME[figure].compute(d)
        ids = num if part == "numerator" else (den or set())
    if keep is not None:
        ids &= keep
    if group_by:
        ids = {c for c in ids if group_key(d.rows[c], group_by) == key}
    return sorted(ids, key=lambda c: (d.rows[c]["created_at"], c))
