"""CaseType.step, the state machine's one use per command (infra/engine.py): the declared transition of
(state, event) is taken from the python-statemachine class built once per case type, its guards run in
order, and an event that does not leave the state is refused by the library's TransitionNotAllowed (the
engine turns it into TRANSITION_NOT_ALLOWED). Checked for every state and event of every case type."""
from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest
from statemachine.exceptions import TransitionNotAllowed

from contracts.errors import JiefenError
from infra.casetype import NEW, CaseType, EventDef, Guard, StateDef
from infra.manage import all_case_types

TYPES = all_case_types()


@pytest.mark.parametrize("ct", TYPES, ids=[t.code for t in TYPES])
def test_every_state_and_event_goes_where_the_case_type_says_or_is_refused(ct: CaseType):
    for state in (NEW, *(s.code for s in ct.states)):
        allowed = {e.id for e in (ct.creation_events() if state == NEW else ct.events_from(state))}
        for event in ct.events:
            case = SimpleNamespace(status=state)
            if event.id not in allowed:
                with pytest.raises(TransitionNotAllowed):
                    ct.step(case, event, {}, None)
                assert case.status == state
                continue
            target, validators = ct._transitions[(state, event.id)]
            assert (target, len(validators)) == (ct.target_of(event, state), len(event.guards)), (state, event.id)
            if not event.guards:                           # guards need a GuardContext: tested below
                ct.step(case, event, {}, None)
                assert case.status == target


def _toy(*guards: Guard) -> CaseType:
    return CaseType("toy", "示例", "toy", "TOY", "SPEC §1",
                    (StateDef("A", "甲"), StateDef("B", "乙", terminal=True)),
                    (EventDef("open", "登记", (), "A", ("window",), "SPEC §1"),
                     EventDef("go", "办结", ("A",), "B", ("window",), "SPEC §1", guards=guards),
                     EventDef("note", "备注", ("B",), None, ("window",), "SPEC §1")))


def test_guards_run_in_order_and_the_first_refusal_keeps_the_state():
    seen = []
    first = Guard(lambda case, data, ctx: seen.append("first") or data.get("ok", False), "须同意（SPEC §1）", "SPEC §1")
    second = Guard(lambda case, data, ctx: seen.append("second") or True, "不会拒绝（SPEC §1）", "SPEC §1", code="FORBIDDEN")
    ct = _toy(first, second)
    case = SimpleNamespace(status="A")
    with pytest.raises(JiefenError) as err:
        ct.step(case, ct.event("go"), {}, None)
    assert (err.value.code, err.value.message, seen, case.status) == ("GUARD_FAILED", "须同意（SPEC §1）", ["first"], "A")
    ct.step(case, ct.event("go"), {"ok": True}, None)
    assert (seen, case.status) == (["first", "first", "second"], "B")
    ct.step(case, ct.event("note"), {}, None)                  # a terminal state's self-loop stays there
    assert case.status == "B"


def test_a_terminal_state_with_only_self_loops_needs_no_made_up_final_state():
    """B's self-loop is an exit for the library, and no final state follows it: the class still builds
    (validate_final_reachability off), so no state is added only to end the graph."""
    ct = _toy()
    assert ct.machine_class.states_map["B"].final is False
    assert ct.machine_class.final_states == []


def test_step_runs_under_eventlet_without_patching_the_queue():
    """Services run monkey-patched by eventlet, whose green queue has no ``mutex``, which an instance of
    a python-statemachine machine needs (eventlet #415). step uses no instance, so nothing is patched."""
    code = ("import eventlet; eventlet.monkey_patch()\n"
            "import queue, types\n"
            "from infra.manage import all_case_types\n"
            "ct = next(t for t in all_case_types() if t.code == 'intake')\n"
            "case = types.SimpleNamespace(status='_NEW')\n"
            "ct.step(case, ct.creation_events()[0], {}, None)\n"
            "assert not hasattr(queue.PriorityQueue(), 'mutex'), 'queue not green'\n"
            "import statemachine.engines.base as b\n"
            "assert b.PriorityQueue is queue.PriorityQueue, 'statemachine patched'\n"
            "print(case.status)\n")
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "IN_RECEIVED"
