"""Every registered case type is a sound definition: the machine builds, every state is reachable,
every guard cites its article, and every clock's warning and expiry events can be fired by sys in
every state where the clock runs."""
from __future__ import annotations

import re

import pytest

from infra.casetype import CaseType
from infra.manage import all_case_types
from tests.harness import shortest_paths

ARTICLE = re.compile(r"(Art \d+|§\s?\d)")
TYPES = all_case_types()


@pytest.mark.parametrize("ct", TYPES, ids=[t.code for t in TYPES])
def test_machine_builds_and_every_state_is_reachable(ct: CaseType):
    assert ct.machine_class is not None
    assert set(shortest_paths(ct)) == {s.code for s in ct.states}


@pytest.mark.parametrize("ct", TYPES, ids=[t.code for t in TYPES])
def test_every_guard_and_event_cites_its_basis(ct: CaseType):
    for event in ct.events:
        assert event.basis, event.id
        for guard in event.guards:
            assert ARTICLE.search(guard.message), (event.id, guard.message)
            assert ARTICLE.search(guard.basis) or "SPEC" in guard.basis, (event.id, guard.basis)


@pytest.mark.parametrize("ct", TYPES, ids=[t.code for t in TYPES])
def test_clock_events_are_fireable_by_sys_wherever_the_clock_runs(ct: CaseType):
    for clock in ct.clocks:
        for event_id in filter(None, (clock.on_expiry, clock.on_warning)):
            event = ct.event(event_id)
            assert event is not None, (clock.kind, event_id)
            assert "sys" in event.roles, (clock.kind, event_id)
            assert set(clock.runs_in) <= set(event.sources), (clock.kind, event_id, clock.runs_in)
        if clock.extension:
            assert ct.event(clock.extension.event) is not None, clock.kind
        if clock.pausable:
            assert ct.event("clock_pause") and ct.event("clock_resume"), clock.kind
        assert ARTICLE.search(clock.basis) or "SPEC" in clock.basis, clock.kind


@pytest.mark.parametrize("ct", TYPES, ids=[t.code for t in TYPES])
def test_terminal_states_have_no_way_out_but_archive(ct: CaseType):
    for state in ct.states:
        if state.terminal:
            assert not ct.events_from(state.code) or all(not e.target or ct.state(e.target).terminal
                                                          for e in ct.events_from(state.code)), state.code


def test_case_type_docs_are_current():
    from infra.manage import docs
    assert docs(check=True) == 0, "run `make docs`"
