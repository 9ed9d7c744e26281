"""infra/preview.py: a guard decided by the case alone hides its event; a guard that reads the form's data
(even inside its own ``except Exception``) leaves it offered."""
from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

from contracts.errors import JiefenError
from infra import preview
from infra.actors import Actor
from infra.casetype import EventDef, Guard

STAFF = Actor("pmc-01", "pmc", "zj-pmc-jiyang")
ENV = SimpleNamespace(now=lambda: datetime(2026, 12, 1, tzinfo=timezone.utc))
CASE = SimpleNamespace(status="S", data={"confirmed": True})


def event(*checks) -> EventDef:
    return EventDef("e", "事件", ("S",), None, ("pmc", "party"), "PML Art 33",
                    guards=tuple(Guard(c, "不行（PML Art 33）", "PML Art 33") for c in checks))


def refuses(*_):
    raise JiefenError("GUARD_FAILED", "缺少：某项")


def swallows(case, d, ctx):
    try:
        return bool(d["x"])
    except Exception:
        return False


def test_a_guard_decided_by_the_case_alone_hides_the_event():
    assert not preview.may_pass(ENV, STAFF, None, CASE, event(lambda case, d, ctx: not case.data["confirmed"]))
    assert not preview.may_pass(ENV, STAFF, None, CASE, event(refuses))
    assert not preview.may_pass(ENV, STAFF, None, CASE, event(lambda c, d, ctx: d["x"], lambda c, d, ctx: False))


def test_a_guard_that_reads_the_data_leaves_the_event_offered():
    for check in (lambda c, d, ctx: d["x"], lambda c, d, ctx: d.get("x"), lambda c, d, ctx: "x" in d,
                  lambda c, d, ctx: not d, lambda c, d, ctx: {**d}["x"], lambda c, d, ctx: dict(d)["x"], swallows):
        assert preview.may_pass(ENV, STAFF, None, CASE, event(check)), check
    assert preview.may_pass(ENV, STAFF, None, CASE, event(lambda c, d, ctx: True))


def test_guards_see_the_actor_and_the_moment():
    by_role = event(lambda c, d, ctx: ctx.actor.role == "party" and ctx.now.year == 2026)
    assert not preview.may_pass(ENV, STAFF, None, CASE, by_role)
    assert preview.may_pass(ENV, preview.party_actor(STAFF), None, CASE, by_role)
    # which party acts is the form's to say
    which = event(lambda c, d, ctx: ctx.actor.party_act["party"] == 1)
    assert preview.may_pass(ENV, preview.party_actor(STAFF), None, CASE, which)
