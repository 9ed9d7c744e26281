"""Exhaustive people's mediation case type over real RabbitMQ, on SQLite and PostgreSQL: every allowed
transition, every refused (state, event) pair, every role × event pair — the timer's ``sys`` events
included (fired through the one transition function, as the sweep fires them)."""
from __future__ import annotations

import pytest

from contracts.enums import ROLES
from services.mediation.casetype import MEDIATION
from tests.harness import assert_every_refused_pair, assert_refused_for_role, expect_error, shortest_paths
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
        "PM_AGREEMENT_EFFECTIVE", "PM_CONFIRMATION_PENDING", "PM_CONFIRMATION_REJECTED", "PM_PERFORMING",
        "PM_PERFORMED", "PM_PERFORMANCE_DISPUTE", "PM_TERMINATED", "PM_CLOSED"]
    spec_events = {"apply", "initiate_proactive", "request_consent", "respondent_consents", "party_refuses",
                   "accept", "reject", "assign_mediator", "report_escalation_risk", "extend_period",
                   "sign_written_agreement", "record_oral_agreement", "party_withdraws", "declare_failure",
                   "deadline_expired", "apply_judicial_confirmation", "start_supervision", "confirmation_granted",
                   "confirmation_rejected_remediate", "confirmation_rejected_terminate", "record_performed",
                   "report_non_performance", "archive"}
    added = {"confirmation_rejected", "confirmation_lapsed", "refer_to_court", "enforcement_requested",
             "handoff_refused", "labour_period_expired", "confirmation_window_closed", "deadline_warning",
             "acceptance_overdue", "consent_expired", "clock_pause", "clock_resume", "confirmation_ruling_reviewed",
             "court_period_updated"}   # issue 13 item 15: the delegating court's periods govern (SPEC §7)
    assert {e["id"] for e in d["events"]} == spec_events | added
    # the court's answers come from its JC case (SPEC §7), fired by sys only
    assert {e["id"] for e in d["events"] if e["roles"] == ["sys"]} >= {
        "confirmation_granted", "confirmation_rejected", "confirmation_lapsed", "enforcement_requested",
        "handoff_refused", "confirmation_ruling_reviewed", "court_period_updated"}
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


def test_every_disallowed_state_event_pair_is_refused_and_changes_nothing(walker):
    """Refused by the state machine (TRANSITION_NOT_ALLOWED) and nothing changes — the court's answers
    (sys) and the parties' remedies included."""
    refused = assert_every_refused_pair(walker)
    assert refused == sum(1 for s in walker.reachable() for e in NON_CREATING if s not in e.sources)


def test_the_court_reads_a_case_it_is_seized_of_but_rules_only_on_its_own_case(walker, rpc_as):
    """The court becomes a participant with the application; its ruling reaches this case from its JC
    case (sys), so a judge or filing officer firing a ruling event here is refused by role."""
    pending = walker.drive(walker.reachable()["PM_CONFIRMATION_PENDING"])
    assert COURT in pending["data"]["participants"]
    for role in COURT_ROLES:
        court = rpc_as(ACTORS[role]).mediation
        assert court.get_case(pending["case_id"])["status"] == "PM_CONFIRMATION_PENDING"
        for event in ("confirmation_granted", "confirmation_rejected", "confirmation_lapsed"):
            before = walker.snapshot(pending["case_id"])
            err = expect_error("FORBIDDEN", walker.fire, event, pending, None, role)
            assert err.details["allowed_roles"] == ["sys"]
            assert walker.snapshot(pending["case_id"]) == before


def test_every_role_event_pair(walker):
    """Allowed roles succeed; every other role gets FORBIDDEN for its role and nothing changes (case,
    audit, outbox), system-only events included."""
    forbidden = allowed = 0
    external_roles = [r for r in ROLES if r != "sys"]
    for event in MEDIATION.events:
        source = None if event.creates else event.sources[0]
        case, overrides = (None, {}) if event.creates else drive_to(walker, event, source)
        for role in external_roles:
            if role in event.roles:
                continue
            assert_refused_for_role(walker, event.id, case, overrides, role)
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
