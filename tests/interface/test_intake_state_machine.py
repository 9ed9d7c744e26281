"""Exhaustive intake case type over real RabbitMQ, on SQLite and PostgreSQL: every allowed transition,
every refused (state, event) pair, every role × event pair."""
from __future__ import annotations

import pytest

from contracts.enums import ROLES
from services.intake.casetype import INTAKE
from tests.harness import (Walker, assert_every_allowed_transition, assert_every_refused_pair,
                           assert_every_role_event_pair, case_snapshot, expect_error, outbox_rows,
                           shortest_paths)
from tests.interface.intake_walk import EXAMPLES, PATH_OVERRIDES, ROLE_FOR, SYS_EVENTS, rpc_caller

CALLER_ROLES = [r for r in ROLES if r != "sys"]
# the intake's roles at a township centre, which does not govern the county centre's cases
OUTSIDERS = {"window": {"user_id": "clerk-99", "role": "window", "org_id": "zj-centre-jiyang"},
             "router": {"user_id": "router-99", "role": "router", "org_id": "zj-centre-jiyang"}}


@pytest.fixture
def walker(intake, rpc_as):
    state: dict = {}

    outbox = outbox_rows(intake)

    def snapshot(case_id):
        return case_snapshot(rpc_as("window").intake, case_id, outbox)

    return Walker(INTAKE, rpc_caller(rpc_as, state), snapshot, EXAMPLES, ROLE_FOR, PATH_OVERRIDES, SYS_EVENTS,
                  OUTSIDERS)


def test_every_state_is_reachable_from_registration():
    assert set(shortest_paths(INTAKE)) == {s.code for s in INTAKE.states}


def test_every_allowed_transition_works(walker):
    tried = assert_every_allowed_transition(walker)
    assert tried == sum(len(e.sources) for e in INTAKE.events if not e.creates and e.id not in SYS_EVENTS)


def test_every_disallowed_state_event_pair_is_refused_and_changes_nothing(walker):
    refused = assert_every_refused_pair(walker)
    non_creating = [e for e in INTAKE.events if not e.creates and e.id not in SYS_EVENTS]
    assert refused == sum(1 for s in INTAKE.states for e in non_creating if s.code not in e.sources)


def test_every_role_event_pair(walker):
    assert_every_role_event_pair(walker, CALLER_ROLES)


def test_sys_role_cannot_be_claimed_by_a_caller(walker, rpc_as):
    case = walker.drive(["register_claim"])
    sys_actor = {"user_id": "x", "role": "sys", "org_id": "zj-centre"}
    expect_error("FORBIDDEN", rpc_as(sys_actor).intake.fire, case["case_id"], "deadline_expired",
                 {"clock": "classify_route"}, case["version"], "k" * 16)


def test_sys_events_are_refused_outside_their_states_and_child_closure_needs_closed_children(walker, jiefen):
    """The timer's and the tracker's events go through the same transition function as ``sys``."""
    from sqlalchemy import text

    from infra.actors import system_actor
    from infra.calendar import Calendar
    from infra.config import load_config
    from infra.db import make_engine, service_db_url
    from infra.engine import Env, transition
    from infra.orgs import load_directory

    config = load_config(**jiefen)
    url, schema = service_db_url("intake", config)
    env = Env("intake", INTAKE, make_engine(url, schema), config, load_directory(str(config.path("organisations"))),
              Calendar(str(config.path("holidays"))))
    sys_actor = system_actor("zj-centre")

    def fire(case, event, data):
        return transition(env, sys_actor, event, case_id=case["case_id"], data=data,
                          expected_version=case["version"], idempotency_key=None,
                          view=lambda c, ctx: {"status": c.status, "version": c.version})
    try:
        for state, path in walker.reachable().items():
            case = walker.drive(path)
            for event in SYS_EVENTS:
                if state in INTAKE.event(event).sources:
                    continue
                expect_error("TRANSITION_NOT_ALLOWED", fire, case, event, EXAMPLES[event])
        case = walker.drive(["register_claim", "classify", "route_to_mediation", "start_tracking"])
        expect_error("GUARD_FAILED", fire, case, "child_case_closed", {"child_case_id": "c1"})  # no child yet
        with env.engine.begin() as conn:
            conn.execute(text("update case_links set target_case_id = 'c1', target_terminal = :t "
                              "where case_id = :c and link_type = 'child'"),
                         {"t": True, "c": case["case_id"]})
        assert fire(case, "child_case_closed", {"child_case_id": "c1"})["status"] == "IN_CLOSED"
    finally:
        env.engine.dispose()
