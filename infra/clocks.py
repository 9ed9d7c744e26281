"""Statutory clocks beside the case (SPEC §1): started, stopped, extended and paused by the one
transition function, so a transition and its clocks commit together; warned and expired by ``sweep``."""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, or_, select, update

from contracts.errors import JiefenError
from infra.calendar import DAYS, MONTHS, SHANGHAI, WORKING_DAYS, Calendar
from infra.casetype import ClockDef, Period
from infra.models import Case, Clock
from infra.timekeeping import utc

if TYPE_CHECKING:   # pragma: no cover
    from infra.context import Env, GuardContext

log = logging.getLogger(__name__)
ACTIVE = ("running", "paused")
OPEN = ACTIVE + ("expired",)   # an expired clock stays open (overdue, 督办) until its state is left
PAUSE, RESUME = "clock_pause", "clock_resume"


def local_date(dt: datetime) -> date:
    return utc(dt).astimezone(SHANGHAI).date()


def start_of(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=SHANGHAI)


def end_of(d: date) -> datetime:
    return datetime.combine(d, time.max, tzinfo=SHANGHAI)


def warning_time(cal: Calendar, config, started_at: datetime, due_at: datetime) -> datetime | None:
    """Start of the day ``warning_lead`` before the last day (SPEC §1: T-3 WD [A]); None when the
    whole period is shorter than the lead."""
    lead = config["clocks"]["warning_lead"]
    amount, unit = int(lead["amount"]), lead["unit"]
    d = local_date(due_at)
    if unit == WORKING_DAYS:
        counted = 0
        while counted < amount:
            d -= timedelta(days=1)
            if cal.is_working_day(d):
                counted += 1
    else:
        d -= timedelta(days=amount)
    return start_of(d) if d > local_date(started_at) else None


def active(case: Case, kind: str) -> Clock | None:
    return next((c for c in case.clocks if c.kind == kind and c.status in ACTIVE), None)


def open_clock(case: Case, kind: str) -> Clock | None:
    return next((c for c in case.clocks if c.kind == kind and c.status in OPEN), None)


def on_transition(case: Case, ct, event, from_state: str, data: dict, ctx: "GuardContext") -> None:
    env, now = ctx.env, ctx.now
    defs = {d.kind: d for d in ct.clocks}
    kind = data.get("clock")
    if event.id in (PAUSE, RESUME):
        _pause_or_resume(case, defs, event.id, kind, now, env)
    for d in ct.clocks:
        if d.extension is not None and d.extension.event == event.id and (kind in (None, d.kind)):
            clock = active(case, d.kind)
            if clock is not None:
                _extend(clock, d, data, env, now)
    if kind and event.id in {d.on_expiry for d in ct.clocks} and (clock := active(case, kind)):
        clock.status, clock.expired_at = "expired", now
        if defs[kind].window:
            clock.status, clock.stopped_at = "stopped", now
    if kind and event.id in {d.on_warning for d in ct.clocks if d.on_warning} and (clock := active(case, kind)):
        clock.warned = True
    for clock in case.clocks:
        if clock.status in OPEN and case.status not in defs[clock.kind].runs_in:
            clock.status, clock.stopped_at = "stopped", now
    if case.status != from_state:
        for d in ct.clocks:
            if case.status in d.starts_in and d.applies(case) and open_clock(case, d.kind) is None:
                case.clocks.append(_start(d, case, env, now))


def _start(d: ClockDef, case: Case, env: "Env", now: datetime) -> Clock:
    p: Period = d.period(env.config, case)
    if callable(d.anchor):
        start = utc(d.anchor(case) or now)
    else:
        start = utc(case.created_at) if d.anchor == "created" else now
    clock = Clock(kind=d.kind, status="running", unit=p.unit, amount=p.amount, started_at=start,
                  paused_at=None, pauses=[], extended_by=0, excluded=0, warned=False, basis=d.basis)
    _recompute(clock, env, warn=bool(d.on_warning))
    return clock


def _recompute(clock: Clock, env, warn: bool = True) -> None:
    """Due date from the start: period + extensions, paused time excluded, then the holiday roll-over
    (SPEC §1; CPL Art 85)."""
    clock.due_at = env.calendar.due_at(clock.started_at, clock.amount + clock.extended_by, clock.unit, clock.excluded)
    clock.warn_at = warning_time(env.calendar, env.config, clock.started_at, clock.due_at) if warn else None


def _extend(clock: Clock, d: ClockDef, data: dict, env: "Env", now: datetime) -> None:
    ext = d.extension
    amount = int(data.get("amount") or 0)
    if amount <= 0:
        raise JiefenError("VALIDATION_ERROR", "延长期限须为正数", {"fields": {"data": {"amount": ["must be > 0"]}}})
    missing = [n for n in ext.needs if not data.get(n)]
    if missing:
        raise JiefenError("EXTENSION_REFUSED", f"延长{d.label}须附 {', '.join(missing)}（{ext.basis}）",
                          {"basis": ext.basis, "missing": missing})
    cap = ext.cap(env.config)
    if cap is not None and clock.extended_by + amount > cap:
        raise JiefenError("EXTENSION_REFUSED",
                          f"{d.label}最多延长 {cap} {_unit_label(clock.unit)}，已延长 {clock.extended_by}（{ext.basis}）",
                          {"basis": ext.basis, "max_total": cap, "extended_by": clock.extended_by,
                           "requested": amount})
    clock.extended_by += amount
    clock.warned = False
    _recompute(clock, env, warn=bool(d.on_warning))


def _pause_or_resume(case: Case, defs: dict, event_id: str, kind: str | None, now: datetime, env) -> None:
    d = defs.get(kind)
    if d is None or not d.pausable:
        raise JiefenError("VALIDATION_ERROR", f"期限 {kind!r} 不可中止计算",
                          {"fields": {"data": {"clock": [f"one of {[k for k, v in defs.items() if v.pausable]}"]}}})
    clock = active(case, kind)
    if event_id == PAUSE:
        if clock is None or clock.status != "running":
            raise JiefenError("GUARD_FAILED", f"{d.label}未在计算中，无法中止（{d.basis}）", {"basis": d.basis})
        clock.status, clock.paused_at = "paused", now
        return
    if clock is None or clock.status != "paused":
        raise JiefenError("GUARD_FAILED", f"{d.label}未中止，无法恢复（{d.basis}）", {"basis": d.basis})
    start, end = local_date(clock.paused_at), local_date(now)
    # the paused span is not counted (鉴定/听证 time excluded): working days for a working-day clock,
    # natural days otherwise
    clock.excluded += (env.calendar.working_days_between(start, end) if clock.unit == WORKING_DAYS
                       else (end - start).days)
    clock.pauses = [*clock.pauses, [utc(clock.paused_at).isoformat(), utc(now).isoformat()]]
    clock.status, clock.paused_at = "running", None
    _recompute(clock, env, warn=bool(d.on_warning))


def _unit_label(unit: str) -> str:
    return {DAYS: "日", WORKING_DAYS: "个工作日", MONTHS: "个月"}.get(unit, unit)


def view(clock: Clock, ct, cal: Calendar, now: datetime) -> dict:
    d = next((c for c in ct.clocks if c.kind == clock.kind), None)
    due = utc(clock.due_at)
    running = clock.status in OPEN
    return {
        "kind": clock.kind,
        "label": d.label if d else clock.kind,
        "status": clock.status,
        "unit": clock.unit,
        "unit_label": _unit_label(clock.unit),
        "amount": clock.amount,
        "extended_by": clock.extended_by,
        "excluded": clock.excluded,
        "started_at": utc(clock.started_at).isoformat(),
        "due_at": due.isoformat(),
        "due_date": local_date(due).isoformat(),
        "days_left": cal.days_left(now, due, clock.unit) if running else None,
        "overdue": running and now > due,
        "paused": clock.status == "paused",
        "warned": clock.warned,
        "basis": clock.basis,
    }


def overdue_filter(now: datetime):
    return and_(Clock.status.in_(("running", "expired")), Clock.due_at < now)


def due_within_filter(now: datetime, days: int):
    """Clocks whose last day is at most ``days`` calendar days after today (Shanghai)."""
    until = end_of(local_date(now) + timedelta(days=days))
    return and_(Clock.status.in_(("running", "paused", "expired")), Clock.due_at <= until)


def sweep(env: "Env", fire, limit: int = 500, claim_seconds: int = 60) -> dict:
    """Fire deadline_warning / the expiry event for every clock whose time has come, as ``sys``.

    ``fire(case_id, event, data, idempotency_key, org_id, when)`` is infra/system_fire.py's: the firing
    transaction reads the case and fires only if ``when(case)`` (the clock is still running and due: a
    deadline extended meanwhile is not expired). The idempotency key is per clock and act, so two instances
    sweeping the same database fire each warning and expiry once: the loser gets a replay."""
    from infra.db import is_postgres, write_session
    now = env.now()
    defs = {d.kind: d for d in env.case_type.clocks}
    fired = {"warnings": 0, "expiries": 0, "skipped": 0}
    claim_until = now + timedelta(seconds=claim_seconds)
    due = and_(Clock.status == "running", Case.case_type == env.case_type.code,
               or_(Clock.due_at < now, and_(Clock.warned.is_(False), Clock.warn_at <= now)),
               or_(Clock.claimed_until.is_(None), Clock.claimed_until < now))
    with write_session(env.engine) as s:
        # claim: PostgreSQL skips rows another instance holds; SQLite's write lock (BEGIN IMMEDIATE)
        # serialises the conditional update. The per-clock idempotency key below is the backstop.
        ids = select(Clock.id).join(Case, Case.id == Clock.case_id).where(due).order_by(Clock.due_at).limit(limit)
        if is_postgres(env.engine):
            ids = ids.with_for_update(skip_locked=True, of=Clock)
        claimed = list(s.scalars(ids))
        if claimed:
            s.execute(update(Clock).where(Clock.id.in_(claimed)).values(claimed_until=claim_until))
        rows = s.execute(select(Clock.id, Clock.case_id, Clock.kind, Clock.due_at, Case.org_id)
                         .join(Case, Case.id == Clock.case_id).where(Clock.id.in_(claimed))
                         .order_by(Clock.due_at)).all() if claimed else []
        s.commit()
    for clock_id, case_id, kind, due_at, org_id in rows:
        d = defs.get(kind)
        if d is None:
            continue
        expired = utc(due_at) < now
        event = d.on_expiry if expired else d.on_warning
        act = "expire" if expired else "warn"
        if fire(case_id, event, {"clock": kind}, f"clock:{clock_id}:{act}", org_id,
                lambda case, clock_id=clock_id, expired=expired: _still_due(case, clock_id, expired, now)):
            fired["expiries" if expired else "warnings"] += 1
        else:
            # the case moved on, or the clock changed (stopped, extended) since it was claimed: the next
            # sweep looks again
            fired["skipped"] += 1
            log.info("sweep skipped clock %s (%s)", clock_id, act)
        with write_session(env.engine) as s:   # release the claim: a warning's clock may expire soon
            s.execute(update(Clock).where(Clock.id == clock_id).values(claimed_until=None))
            s.commit()
    return fired


def _still_due(case: Case, clock_id, expired: bool, now: datetime) -> bool:
    """The claimed clock, read again in the firing transaction, still calls for its warning or expiry."""
    clock = next((c for c in case.clocks if c.id == clock_id), None)
    return clock is not None and clock.status == "running" and \
        (utc(clock.due_at) < now if expired else not clock.warned)
