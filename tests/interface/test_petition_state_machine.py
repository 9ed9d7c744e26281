"""Exhaustive petition case type over real RabbitMQ, on SQLite and PostgreSQL: every allowed transition,
every refused (state, event) pair, every role × event pair (SPEC §5)."""
from __future__ import annotations

import pytest

from contracts.enums import ROLES
from infra.actors import system_actor
from infra.engine import transition
from services.petition import rules
from services.petition.casetype import PETITION
from tests.harness import (Walker, assert_every_allowed_transition, assert_every_refused_pair,
                           assert_every_role_event_pair, case_snapshot, expect_error, outbox_rows,
                           shortest_paths)
from tests.interface.petition_walk import (EXAMPLES, PATH_OVERRIDES, ROLE_FOR, SKIP, SYS_EVENTS, actor, merged_overrides,
                                           paths, petition_service, platform_env, rpc_caller)

__all__ = ["petition_service"]
CALLER_ROLES = [r for r in ROLES if r != "sys"]
SPEC_STATES = {"PT_RECEIVED", "PT_TRANSFERRED", "PT_ACCEPTED", "PT_OBJECTED", "PT_REDIRECTED", "PT_ROUTED_LEGAL",
               "PT_HANDLING", "PT_MEDIATING", "PT_OPINION_ISSUED", "PT_REVIEW", "PT_REVIEW_ISSUED", "PT_RECHECK",
               "PT_FINAL", "PT_CLOSED",
               # issue 13 item 1: service of the written reply is its own step (LVR Art 35, 36 ¶1: 自收到之日起)
               "PT_OPINION_SERVED", "PT_REVIEW_SERVED"}
SPEC_EVENTS = {"register", "transfer", "assign", "acknowledge", "object_misdirected", "redirect", "reject_duplicate",
               "classify_suggestion", "route_to_legal_procedure", "start_handling", "extend", "hold_hearing",
               "start_mediation", "sign_settlement", "mediation_failed", "issue_opinion", "request_review",
               "accept_opinion", "review_window_expired", "issue_review", "request_recheck", "recheck_window_expired",
               "issue_recheck", "deadline_expired", "execution_overdue"}


@pytest.fixture
def walker(petition_service, rpc_as):
    state: dict = {}
    outbox = outbox_rows(petition_service)

    def snapshot(case_id):
        return case_snapshot(rpc_as(actor("xfb", state["views"][case_id]["org_id"])).petition, case_id, outbox)

    return Walker(PETITION, rpc_caller(rpc_as, state), snapshot, EXAMPLES, ROLE_FOR, PATH_OVERRIDES, SKIP)


def test_the_case_type_has_every_state_and_event_of_spec_5():
    assert {s.code for s in PETITION.states} == SPEC_STATES
    assert SPEC_EVENTS <= {e.id for e in PETITION.events}
    assert {s.code for s in PETITION.states if s.terminal} == {"PT_REDIRECTED", "PT_ROUTED_LEGAL", "PT_FINAL",
                                                                "PT_CLOSED"}
    assert PETITION.case_no_prefix == "PT"
    assert tuple(s.code for s in PETITION.states if s.terminal) == rules.TERMINAL


def test_every_state_is_reachable_from_registration():
    assert set(shortest_paths(PETITION)) == SPEC_STATES
    assert set(paths()) == SPEC_STATES


def test_every_allowed_transition_works(walker):
    tried = assert_every_allowed_transition(walker)
    assert tried == sum(len(e.sources) for e in PETITION.events if not e.creates and e.id not in SKIP)


def test_both_creation_events_open_a_received_case(walker):
    for event in PETITION.creation_events():
        case = walker.fire(event.id, None)
        assert case["status"] == "PT_RECEIVED" and case["case_no"].startswith("PT-330681-")


def test_every_disallowed_state_event_pair_is_refused_and_changes_nothing(walker):
    refused = assert_every_refused_pair(walker)
    non_creating = [e for e in PETITION.events if not e.creates and e.id not in SKIP]
    assert refused == sum(1 for s in PETITION.states for e in non_creating if s.code not in e.sources)


def test_every_role_event_pair(walker):
    forbidden, allowed = assert_every_role_event_pair(walker, CALLER_ROLES)
    walked = [e for e in PETITION.events if e.id not in SKIP]
    reachable = walker.reachable()
    system_only = [e for e in PETITION.events if e.id in SKIP and e.roles == ("sys",) and e.sources[0] in reachable]
    assert system_only                           # each refused to every caller role (tests/harness.py)
    assert forbidden == sum(len([r for r in CALLER_ROLES if r not in e.roles]) for e in walked) + \
        len(system_only) * len(CALLER_ROLES)
    assert allowed == sum(len([r for r in e.roles if r in CALLER_ROLES]) for e in walked)


def test_clock_resume_after_a_pause_and_nowhere_else(walker):
    """clock_resume (LVR Art 36 ¶2) needs the hearing pause first: walked here rather than by the harness."""
    path = walker.reachable()["PT_RECHECK"]
    case = walker.fire("clock_pause", walker.drive(path))
    resumed = walker.fire("clock_resume", case)
    assert resumed["status"] == "PT_RECHECK" and resumed["version"] == case["version"] + 1
    for role in CALLER_ROLES:
        if role != "sup":
            expect_error("FORBIDDEN", walker.fire, "clock_resume", case, None, role)
    for state, path in walker.reachable().items():
        if state == "PT_RECHECK":
            continue
        other = walker.drive(path)
        before = walker.snapshot(other["case_id"])
        expect_error("TRANSITION_NOT_ALLOWED", walker.fire, "clock_resume", other, merged_overrides(path))
        assert walker.snapshot(other["case_id"]) == before


def test_sys_events_are_refused_outside_their_states(walker, petition_service):
    """The timer's events, fired in-process as sys (a caller cannot claim sys), outside their states."""
    env = platform_env(petition_service)
    refused = 0
    for state, path in walker.reachable().items():
        case = walker.drive(path)
        for event in PETITION.events:
            if event.id not in SYS_EVENTS or state in event.sources:
                continue
            before = walker.snapshot(case["case_id"])
            expect_error("TRANSITION_NOT_ALLOWED", transition, env, system_actor(case["org_id"]), event.id,
                         case_id=case["case_id"], data=EXAMPLES[event.id], expected_version=case["version"],
                         view=lambda c, ctx: {})
            assert walker.snapshot(case["case_id"]) == before
            refused += 1
    assert refused == sum(1 for s in SPEC_STATES for e in PETITION.events
                          if e.id in SYS_EVENTS and s not in e.sources) > 0


def test_sys_role_cannot_be_claimed_by_a_caller(walker, rpc_as):
    case = walker.drive(["register"])
    expect_error("FORBIDDEN", rpc_as(actor("sys", "zj-xfj-county")).petition.fire, case["case_id"],
                 "deadline_expired", {"clock": "transfer"}, case["version"], "k" * 16)


def test_an_organisation_outside_the_case_is_forbidden(walker, rpc_as):
    case = walker.drive(paths()["PT_TRANSFERRED"])
    stranger = rpc_as(actor("handler", "zj-hrss")).petition     # another county department
    err = expect_error("FORBIDDEN", stranger.fire, case["case_id"], "acknowledge", EXAMPLES["acknowledge"],
                       case["version"], "k" * 16)
    assert err.details["org_id"] == "zj-hrss"
    expect_error("FORBIDDEN", stranger.get_case, case["case_id"])
