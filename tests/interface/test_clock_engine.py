"""The clock machinery of the one transition function, on a small case type made for the purpose,
against real SQLite and PostgreSQL: extension within and beyond the cap, pause and resume, an expiry
that moves the case, and two sweeping instances firing each expiry once."""
from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from marshmallow import Schema, fields
from sqlalchemy import func, select

from infra import clocks, timekeeping
from infra.actors import Actor
from infra.calendar import Calendar
from infra.casetype import CaseType, ClockDef, EventDef, Extension, Period, StateDef
from infra.config import load_config
from infra.db import make_engine, read_session, service_db_url, upgrade
from infra.engine import Env, transition
from infra.models import AuditEntry
from infra.orgs import load_directory
from infra.system_fire import fire_as_system
from contracts.errors import JiefenError
from tests.harness import expect_error

SH = ZoneInfo("Asia/Shanghai")
ACTOR = Actor("h1", "handler", "zj-centre")


class Open(Schema):
    summary = fields.String(load_default="demo")


class ClockData(Schema):
    clock = fields.String(required=True)
    amount = fields.Integer(load_default=0)
    approval = fields.String(load_default=None)
    notice = fields.String(load_default=None)
    reason = fields.String(load_default="")


def _open(case, data, ctx):
    case.org_id = ctx.actor.org_id


DEMO = CaseType(
    code="demo", label="演示", service="demo", case_no_prefix="DM", basis="test",
    states=(StateDef("D_OPEN", "办理中"), StateDef("D_DONE", "办结", terminal=True),
            StateDef("D_LAPSED", "逾期终止", terminal=True)),
    events=(
        EventDef("open", "登记", (), "D_OPEN", ("handler",), "test", schema=Open, effect=_open),
        EventDef("extend", "延期", ("D_OPEN",), None, ("handler",), "LVR Art 34", schema=ClockData),
        EventDef("clock_pause", "中止计算", ("D_OPEN",), None, ("handler",), "LVR Art 36", schema=ClockData),
        EventDef("clock_resume", "恢复计算", ("D_OPEN",), None, ("handler",), "LVR Art 36", schema=ClockData),
        EventDef("finish", "办结", ("D_OPEN",), "D_DONE", ("handler",), "test"),
        EventDef("deadline_warning", "预警", ("D_OPEN",), None, ("sys",), "SPEC §1", schema=ClockData),
        EventDef("deadline_expired", "届满", ("D_OPEN",), "D_LAPSED", ("sys",), "SPEC §1", schema=ClockData),
    ),
    clocks=(ClockDef("handling", "办理期限", lambda config, case: Period(60, "days"), ("D_OPEN",), ("D_OPEN",),
                     "deadline_expired", "LVR Art 34: 60 d, +30 with approval",
                     extension=Extension("extend", 30, "LVR Art 34", needs=("approval", "notice")),
                     pausable=True),),
)


def view(case, ctx):
    return {"case_id": case.id, "version": case.version, "status": case.status,
            "clock": clocks.view(case.clocks[0], DEMO, ctx.env.calendar, ctx.now) if case.clocks else None}


@pytest.fixture
def env(jiefen):
    config = load_config(**jiefen)
    url, schema = service_db_url("demo", config)
    upgrade(url, schema)
    engine = make_engine(url, schema)
    yield Env("demo", DEMO, engine, config, load_directory(str(config.path("organisations"))),
              Calendar(str(config.path("holidays"))))
    engine.dispose()


def fire(env, event, case=None, actor=ACTOR, **data):
    return transition(env, actor, event, case_id=case and case["case_id"], data=data,
                      expected_version=case and case["version"], idempotency_key=None, view=view)


def system_fire(env):
    """What the service's sweep hands ``clocks.sweep``: the one system path (infra/system_fire.py)."""
    def fire_sys(case_id, event, data, key, org_id, when):
        return fire_as_system(env, event, case_id=case_id, data=data, key=key, org_id=org_id, when=when, view=view)
    return fire_sys


def opened(env, when):
    timekeeping.set_now(when)
    return fire(env, "open")


def test_sixty_days_then_extension_within_the_cap(env):
    case = opened(env, datetime(2026, 3, 2, 10, tzinfo=SH))
    assert case["clock"]["due_date"] == "2026-05-06"   # 3/2 + 60 d = 5/1 (劳动节 5/1-5) → 5/6
    # the period becomes 80 days from 3/2: 5/21 (Thu)
    case = fire(env, "extend", case, clock="handling", amount=20, approval="局长批准", notice="已书面告知")
    assert case["clock"]["extended_by"] == 20 and case["clock"]["due_date"] == "2026-05-21"
    # 90 days: 5/31 is a Sunday → 6/1
    case = fire(env, "extend", case, clock="handling", amount=10, approval="局长批准", notice="已书面告知")
    assert case["clock"]["extended_by"] == 30 and case["clock"]["due_date"] == "2026-06-01"


def test_extension_beyond_the_cap_or_without_approval_is_refused_citing_the_article(env):
    case = opened(env, datetime(2026, 3, 2, 10, tzinfo=SH))
    err = expect_error("EXTENSION_REFUSED", fire, env, "extend", case, clock="handling", amount=31,
                       approval="批准", notice="告知")
    assert "LVR Art 34" in err.message and err.details["max_total"] == 30
    err = expect_error("EXTENSION_REFUSED", fire, env, "extend", case, clock="handling", amount=5, notice="告知")
    assert "approval" in err.message and "LVR Art 34" in err.message
    with read_session(env.engine) as s:   # refused: no audit entry, no change
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 1


def test_pause_excludes_the_paused_days(env):
    case = opened(env, datetime(2026, 3, 2, 10, tzinfo=SH))
    timekeeping.set_now(datetime(2026, 3, 10, 9, tzinfo=SH))
    case = fire(env, "clock_pause", case, clock="handling", reason="听证")
    assert case["clock"]["status"] == "paused"
    expect_error("GUARD_FAILED", fire, env, "clock_pause", case, clock="handling")
    timekeeping.set_now(datetime(2026, 3, 20, 9, tzinfo=SH))       # paused 10 days
    case = fire(env, "clock_resume", case, clock="handling")
    assert case["clock"]["status"] == "running"
    # 60 + 10 excluded days from 3/2: 5/11 (Mon); the roll-over of 5/1 no longer applies
    assert case["clock"]["excluded"] == 10 and case["clock"]["due_date"] == "2026-05-11"


def test_expiry_moves_the_case_once_with_two_instances_sweeping(env, jiefen):
    cases = [opened(env, datetime(2026, 3, 2, 10, tzinfo=SH)) for _ in range(20)]
    timekeeping.set_now(datetime(2026, 5, 7, 1, tzinfo=SH))
    # a second instance: its own engine on the same database
    config = load_config(**jiefen)
    url, schema = service_db_url("demo", config)
    env2 = Env("demo", DEMO, make_engine(url, schema), env.config, env.directory, env.calendar)
    results = []

    def sweeper(e):
        results.append(clocks.sweep(e, system_fire(e)))

    threads = [threading.Thread(target=sweeper, args=(e,)) for e in (env, env2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    env2.engine.dispose()
    assert sum(r["expiries"] for r in results) == 20
    with read_session(env.engine) as s:
        expired = s.scalars(select(AuditEntry.case_id).where(AuditEntry.event == "deadline_expired")).all()
    assert sorted(expired) == sorted(c["case_id"] for c in cases)
    case = cases[0]
    with read_session(env.engine) as s:
        from infra.models import Case
        assert s.get(Case, case["case_id"]).status == "D_LAPSED"


def test_an_expiry_racing_a_human_extension_lands_once_and_never_over_it(env, jiefen):
    """The sweep (sys) and a handler extending the same overdue clocks at the same time, from two instances.
    The system fire reads the case in its own transaction (locked): each case ends either extended (the
    handler first: the clock is no longer due, the sweep leaves it) or expired once (the sweep first: the
    handler's stale version is refused with VERSION_CONFLICT, nothing half-done). Never expired over an
    extension the handler was told had landed, never expired twice."""
    cases = [opened(env, datetime(2026, 3, 2, 10, tzinfo=SH)) for _ in range(20)]
    timekeeping.set_now(datetime(2026, 5, 7, 1, tzinfo=SH))          # due 5/6: every clock is overdue
    config = load_config(**jiefen)
    env2 = Env("demo", DEMO, make_engine(*service_db_url("demo", config)), env.config, env.directory, env.calendar)
    start, answers, swept = threading.Barrier(2), {}, []

    def handler():
        start.wait()
        for case in reversed(cases):                                   # meet the sweep in the middle
            try:
                fire(env2, "extend", case, clock="handling", amount=20, approval="局长批准", notice="已书面告知")
                answers[case["case_id"]] = "extended"
            except JiefenError as err:
                answers[case["case_id"]] = err.code

    def sweeper():
        start.wait()
        swept.append(clocks.sweep(env, system_fire(env)))
    threads = [threading.Thread(target=handler), threading.Thread(target=sweeper)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    env2.engine.dispose()
    from infra.models import Case
    with read_session(env.engine) as s:
        events = {c["case_id"]: [e for e in s.scalars(select(AuditEntry.event).where(
            AuditEntry.case_id == c["case_id"]).order_by(AuditEntry.seq))] for c in cases}
        status = {c["case_id"]: s.get(Case, c["case_id"]).status for c in cases}
    for case in cases:
        cid = case["case_id"]
        if answers[cid] == "extended":
            assert events[cid] == ["open", "extend"] and status[cid] == "D_OPEN"
        else:
            assert answers[cid] == "VERSION_CONFLICT"
            assert events[cid] == ["open", "deadline_expired"] and status[cid] == "D_LAPSED"
    assert swept[0]["expiries"] == sum(a != "extended" for a in answers.values())
    assert swept[0]["expiries"] + swept[0]["skipped"] == 20
