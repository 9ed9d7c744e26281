"""Exhaustive people's mediation case type over real RabbitMQ, on SQLite and PostgreSQL: every allowed
transition, every refused (state, event) pair, every role × event pair — the timer's ``sys`` events
included (fired through the one transition function, as the sweep fires them)."""
from __future__ import annotations

import pytest

from contracts.enums import ROLES
from services.mediation.casetype import MEDIATION
from tests.harness import expect_error, shortest_paths
from tests.interface.mediation_walk import (ACTORS, COURT, EXAMPLES, PATH_OVERRIDES, PREPARE, ROLE_FOR,
                                            make_walker, mediation)

__all__ = ["mediation"]   # the container fixture
NON_CREATING = [e for e in MEDIATION.events if not e.creates]
COURT_ROLES = {"judge", "filing"}


@pytest.fixture
def walker(mediation, rpc_as):
    return make_walker(mediation, rpc_as)


def drive_to(walker, event, source):
    """A case in ``source``, ready for ``event`` (its path data and preparing self-loops applied)."""
    overrides = PATH_OVERRIDES.get(event.id, {})
    case = walker.drive(walker.reachable()[source] + PREPARE.get(event.id, []), overrides)
    assert case["status"] == source
    return case, overrides


def test_every_state_is_reachable_from_a_creation_event():
    assert set(shortest_paths(MEDIATION)) == {s.code for s in MEDIATION.states}


def test_the_definition_carries_spec_codes_and_a_basis_everywhere():
    d = MEDIATION.to_dict()
    assert [s["code"] for s in d["states"]] == [
        "PM_APPLIED", "PM_CONSENT_PENDING", "PM_REJECTED", "PM_ACCEPTED", "PM_IN_MEDIATION",
        "PM_AGREEMENT_EFFECTIVE", "PM_CONFIRMATION_PENDING", "PM_PERFORMING", "PM_PERFORMED",
        "PM_PERFORMANCE_DISPUTE", "PM_TERMINATED", "PM_CLOSED"]
    spec_events = {"apply", "initiate_proactive", "request_consent", "respondent_consents", "party_refuses",
                   "accept", "reject", "assign_mediator", "report_escalation_risk", "extend_period",
                   "sign_written_agreement", "record_oral_agreement", "party_withdraws", "declare_failure",
                   "deadline_expired", "apply_judicial_confirmation", "start_supervision", "confirmation_granted",
                   "confirmation_rejected_remediate", "confirmation_rejected_terminate", "record_performed",
                   "report_non_performance", "archive"}
    assert spec_events <= {e["id"] for e in d["events"]}
    assert all(e["basis"] and e["roles"] for e in d["events"])
    assert {s["code"] for s in d["states"] if s["terminal"]} == {"PM_REJECTED", "PM_CLOSED"}
    assert set(EXAMPLES) == set(ROLE_FOR) == {e["id"] for e in d["events"]}


def test_every_allowed_transition_works(walker):
    tried = 0
    for event in NON_CREATING:
        for source in event.sources:
            case, overrides = drive_to(walker, event, source)
            after = walker.fire(event.id, case, overrides)
            assert after["status"] == (event.target or source), (event.id, source)
            assert after["version"] == case["version"] + 1
            tried += 1
    assert tried == sum(len(e.sources) for e in NON_CREATING)


def test_creation_events_make_their_states(walker, rpc_as):
    applied = walker.fire("apply", None)
    assert (applied["status"], applied["version"], applied["case_no"][:10]) == ("PM_APPLIED", 1, "PM-330681-")
    proactive = walker.fire("initiate_proactive", None)
    assert (proactive["status"], proactive["org_id"]) == ("PM_CONSENT_PENDING", ACTORS["pmc"]["org_id"])
    # a creation event on an existing case is refused and changes nothing
    before = walker.snapshot(applied["case_id"])
    expect_error("VALIDATION_ERROR", rpc_as(ACTORS["window"]).mediation.fire, applied["case_id"], "apply",
                 {}, applied["version"], "k" * 16)
    assert walker.snapshot(applied["case_id"]) == before


def court_seized_paths(walker) -> dict[str, list[str]]:
    """state -> the shortest path to it that passes through a judicial confirmation application, after
    which the court is a participant of the case (breadth-first from PM_CONFIRMATION_PENDING)."""
    start = "PM_CONFIRMATION_PENDING"
    paths = {start: walker.reachable()[start]}
    queue = [start]
    while queue:
        state = queue.pop(0)
        for e in MEDIATION.events_from(state):
            nxt = MEDIATION.target_of(e, state)
            if nxt not in paths:
                paths[nxt] = paths[state] + [e.id]
                queue.append(nxt)
    return paths


def assert_refused(walker, state, case, event, code):
    before = walker.snapshot(case["case_id"])
    err = expect_error(code, walker.fire, event.id, case)
    if code == "TRANSITION_NOT_ALLOWED":
        assert err.details["state"] == state and err.details["event"] == event.id
        assert state in err.message and event.id in err.message
    assert walker.snapshot(case["case_id"]) == before


def test_every_disallowed_state_event_pair_is_refused_and_changes_nothing(walker):
    """Refused by the state machine; an event only a court may fire is refused earlier (FORBIDDEN) on a
    case no court has been seized of — the court has no part in it yet."""
    refused = forbidden = 0
    for state, path in walker.reachable().items():
        case = walker.drive(path)
        seized = COURT in case["data"].get("participants", [])
        for event in NON_CREATING:
            if state in event.sources:
                continue
            court_only = set(event.roles) <= COURT_ROLES
            assert_refused(walker, state, case, event,
                           "FORBIDDEN" if court_only and not seized else "TRANSITION_NOT_ALLOWED")
            refused += 1
            forbidden += court_only and not seized
    expected = sum(1 for s in walker.reachable() for e in NON_CREATING if s not in e.sources)
    assert refused == expected > 0
    assert forbidden == sum(1 for s, p in walker.reachable().items() if "apply_judicial_confirmation" not in p
                            for e in NON_CREATING if set(e.roles) <= COURT_ROLES and s not in e.sources)


def test_once_a_court_is_seized_its_events_are_refused_by_state(walker):
    refused = 0
    court_events = [e for e in NON_CREATING if set(e.roles) & COURT_ROLES]
    for state, path in court_seized_paths(walker).items():
        case = walker.drive(path)
        assert case["status"] == state and COURT in case["data"]["participants"]
        for event in court_events:
            if state in event.sources:
                continue
            assert_refused(walker, state, case, event, "TRANSITION_NOT_ALLOWED")
            refused += 1
    assert refused == sum(1 for s in court_seized_paths(walker) for e in court_events if s not in e.sources) > 0


def test_every_role_event_pair(walker):
    """Allowed roles succeed; every other role gets FORBIDDEN and nothing changes."""
    forbidden = allowed = 0
    external_roles = [r for r in ROLES if r != "sys"]
    for event in MEDIATION.events:
        source = None if event.creates else event.sources[0]
        case, overrides = (None, {}) if event.creates else drive_to(walker, event, source)
        for role in external_roles:
            if role in event.roles:
                continue
            before = None if case is None else walker.snapshot(case["case_id"])
            expect_error("FORBIDDEN", walker.fire, event.id, case, overrides, role)
            if case is not None:
                assert walker.snapshot(case["case_id"]) == before
            forbidden += 1
        for role in event.roles:
            fresh = (None, {}) if event.creates else drive_to(walker, event, source)
            result = walker.fire(event.id, fresh[0], fresh[1], role)
            assert result["status"] == (event.target or source), (event.id, role)
            allowed += 1
    assert forbidden == sum(len([r for r in external_roles if r not in e.roles]) for e in MEDIATION.events)
    assert allowed == sum(len(e.roles) for e in MEDIATION.events)


def test_sys_role_cannot_be_claimed_by_a_caller(walker, rpc_as):
    case = walker.drive(["apply", "accept"])
    sys_actor = {"user_id": "x", "role": "sys", "org_id": ACTORS["pmc"]["org_id"]}
    expect_error("FORBIDDEN", rpc_as(sys_actor).mediation.fire, case["case_id"], "deadline_expired",
                 {"clock": "mediation_general"}, case["version"], "k" * 16)
