"""Exhaustive intake case type over real RabbitMQ, on SQLite and PostgreSQL: every allowed transition,
every refused (state, event) pair, every role × event pair."""
from __future__ import annotations

import pytest

from contracts.enums import ROLES
from services.intake.casetype import INTAKE
from tests.harness import Walker, expect_error, shortest_paths
from tests.interface.intake_walk import EXAMPLES, PATH_OVERRIDES, ROLE_FOR, SYS_EVENTS, rpc_caller


@pytest.fixture
def walker(intake, rpc_as):
    state: dict = {}

    def snapshot(case_id):
        rpc = rpc_as("window").intake
        case = rpc.get_case(case_id)
        history = rpc.case_history(case_id)
        return (case["status"], case["version"], case["updated_at"], case["data"], case["links"],
                [(h["seq"], h["hash"]) for h in history])

    return Walker(INTAKE, rpc_caller(rpc_as, state), snapshot, EXAMPLES, ROLE_FOR, PATH_OVERRIDES, SYS_EVENTS)


def test_every_state_is_reachable_from_registration():
    assert set(shortest_paths(INTAKE)) == {s.code for s in INTAKE.states}


def test_every_allowed_transition_works(walker):
    paths = walker.reachable()
    tried = 0
    for event in INTAKE.events:
        if event.creates or event.id in SYS_EVENTS:
            continue
        for source in event.sources:
            overrides = PATH_OVERRIDES.get(event.id, {})
            case = walker.drive(paths[source], overrides)
            assert case["status"] == source
            after = walker.fire(event.id, case, overrides)
            assert after["status"] == (event.target or source), (event.id, source)
            assert after["version"] == case["version"] + 1
            tried += 1
    assert tried == sum(len(e.sources) for e in INTAKE.events if not e.creates and e.id not in SYS_EVENTS)


def test_every_disallowed_state_event_pair_is_refused_and_changes_nothing(walker):
    refused = 0
    for state, path in walker.reachable().items():
        case = walker.drive(path)
        for event in INTAKE.events:
            if state in event.sources or event.id in SYS_EVENTS:
                continue
            before = walker.snapshot(case["case_id"])
            if event.creates:
                continue   # a creation event takes no case: nothing to refuse in a state
            err = expect_error("TRANSITION_NOT_ALLOWED", walker.fire, event.id, case)
            assert err.details["state"] == state and err.details["event"] == event.id
            assert state in err.message and event.id in err.message
            assert walker.snapshot(case["case_id"]) == before
            refused += 1
    non_creating = [e for e in INTAKE.events if not e.creates and e.id not in SYS_EVENTS]
    expected = sum(1 for s in walker.reachable() for e in non_creating if s not in e.sources)
    assert refused == expected > 0


def test_every_role_event_pair(walker, rpc_as):
    """Allowed roles succeed; every other role gets FORBIDDEN and nothing changes."""
    paths = walker.reachable()
    forbidden = allowed = 0
    external_roles = [r for r in ROLES if r != "sys"]
    for event in INTAKE.events:
        overrides = PATH_OVERRIDES.get(event.id, {})
        source = None if event.creates else event.sources[0]
        case = None if event.creates else walker.drive(paths[source], overrides)
        for role in external_roles:
            if role in event.roles:
                continue
            before = None if case is None else walker.snapshot(case["case_id"])
            expect_error("FORBIDDEN", walker.fire, event.id, case, overrides, role)
            if case is not None:
                assert walker.snapshot(case["case_id"]) == before
            forbidden += 1
        for role in event.roles:
            if role == "sys":
                continue
            fresh = None if event.creates else walker.drive(paths[source], overrides)
            result = walker.fire(event.id, fresh, overrides, role)
            assert result["status"] == (event.target or source)
            allowed += 1
    assert forbidden > 0 and allowed > 0


def test_sys_role_cannot_be_claimed_by_a_caller(walker, rpc_as):
    case = walker.drive(["register_claim"])
    sys_actor = {"user_id": "x", "role": "sys", "org_id": "zj-centre"}
    expect_error("FORBIDDEN", rpc_as(sys_actor).intake.fire, case["case_id"], "deadline_expired",
                 {"clock": "classify_route"}, case["version"], "k" * 16)
