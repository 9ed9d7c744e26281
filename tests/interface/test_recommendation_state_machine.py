"""Exhaustive recommendation case type over real RabbitMQ, on SQLite and PostgreSQL: every allowed
transition, every refused (state, event) pair, every role × event pair, and each side acting only
for itself (issuer, recipient, centre)."""
from __future__ import annotations

import pytest

from contracts.enums import ROLES
from services.recommendation.casetype import RECOMMENDATION
from tests.factories import key
from tests.harness import Walker, assert_refused_for_role, case_snapshot, expect_error, outbox_rows, shortest_paths
from tests.interface.recommendation_walk import (EXAMPLES, ROLE_FOR, SYS_EVENTS, SYS_ONLY, actor, expire_reply,
                                                 recommendation, rpc_caller)

__all__ = ["recommendation"]   # the container fixture

SPEC_STATES = {"RC_DRAFTING", "RC_CONSULTING", "RC_PENDING_APPROVAL", "RC_ISSUED", "RC_AWAITING_REPLY",
               "RC_OBJECTION_REVIEW", "RC_WITHDRAWN", "RC_OVERDUE", "RC_URGED", "RC_ESCALATED", "RC_REPLIED",
               "RC_VERIFYING", "RC_LITIGATION", "RC_CLOSED"}
SPEC_EVENTS = {"draft", "consult_recipient", "submit", "approve_issue", "serve", "raise_objection",
               "objection_upheld_amend", "objection_upheld_withdraw", "objection_dismissed", "submit_reply",
               "deadline_expired", "urge", "escalate", "file_public_interest_suit", "verify_implementation",
               "mark_implemented", "mark_not_implemented"}


@pytest.fixture
def walker(recommendation, rpc_as):
    outbox = outbox_rows(recommendation)

    def snapshot(case_id):
        return case_snapshot(rpc_as(actor("issuer")).recommendation, case_id, outbox)

    return Walker(RECOMMENDATION, rpc_caller(rpc_as, expire_reply(recommendation, rpc_as)), snapshot, EXAMPLES,
                  ROLE_FOR, skip_events=SYS_EVENTS)


def test_the_case_type_has_every_state_and_event_of_spec_6():
    assert {s.code for s in RECOMMENDATION.states} == SPEC_STATES
    assert SPEC_EVENTS <= {e.id for e in RECOMMENDATION.events}
    assert {s.code for s in RECOMMENDATION.states if s.terminal} == {"RC_WITHDRAWN", "RC_LITIGATION", "RC_CLOSED"}
    assert set(shortest_paths(RECOMMENDATION)) == SPEC_STATES
    assert RECOMMENDATION.case_no_prefix == "RC"


def test_every_state_is_walked(walker):
    assert set(walker.reachable()) == SPEC_STATES


def test_every_allowed_transition_works(walker):
    paths = walker.reachable()
    tried = 0
    for event in RECOMMENDATION.events:
        if event.creates or event.id in SYS_EVENTS:
            continue
        for source in event.sources:
            case = walker.drive(paths[source])
            assert case["status"] == source
            after = walker.fire(event.id, case)
            assert after["status"] == (event.target or source), (event.id, source)
            assert after["version"] > case["version"]
            tried += 1
    assert tried == sum(len(e.sources) for e in RECOMMENDATION.events if not e.creates and e.id not in SYS_EVENTS)


def _refusal_for(event_id: str, case: dict) -> str:
    """Before service the recipient and the centre have no access to the draft at all (FORBIDDEN);
    everywhere else a wrong state is TRANSITION_NOT_ALLOWED."""
    if ROLE_FOR[event_id] in ("rcpt", "supv") and not case["data"].get("served"):
        return "FORBIDDEN"
    return "TRANSITION_NOT_ALLOWED"


def test_every_disallowed_state_event_pair_is_refused_and_changes_nothing(walker):
    refused = 0
    for state, path in walker.reachable().items():
        case = walker.drive(path)
        for event in RECOMMENDATION.events:
            if event.creates or state in event.sources or event.id in SYS_ONLY:
                continue
            before = walker.snapshot(case["case_id"])
            code = _refusal_for(event.id, case)
            err = expect_error(code, walker.fire, event.id, case)
            if code == "TRANSITION_NOT_ALLOWED":
                assert err.details["state"] == state and err.details["event"] == event.id
                assert state in err.message and event.id in err.message
            assert walker.snapshot(case["case_id"]) == before
            refused += 1
    checked = [e for e in RECOMMENDATION.events if not e.creates and e.id not in SYS_ONLY]
    assert refused == sum(1 for s in walker.reachable() for e in checked if s not in e.sources) > 0


def test_every_role_event_pair(walker):
    """Allowed roles succeed; every other role gets FORBIDDEN for its role and nothing changes (case,
    audit, outbox). The system-only events the sweep fires are refused to every caller role too."""
    paths = walker.reachable()
    forbidden = allowed = 0
    external_roles = [r for r in ROLES if r != "sys"]
    for event in RECOMMENDATION.events:
        source = None if event.creates else event.sources[0]
        case = None if event.creates else walker.drive(paths[source])
        for role in external_roles:
            if role in event.roles:
                continue
            assert_refused_for_role(walker, event.id, case, None, role)
            forbidden += 1
        if event.id in SYS_EVENTS:
            continue
        for role in event.roles:
            if role == "sys":
                continue
            fresh = None if event.creates else walker.drive(paths[source])
            result = walker.fire(event.id, fresh, None, role)
            assert result["status"] == (event.target or source), (event.id, role)
            allowed += 1
    assert forbidden == sum(len([r for r in external_roles if r not in e.roles]) for e in RECOMMENDATION.events)
    assert allowed == sum(len([r for r in e.roles if r != "sys"])
                                             for e in RECOMMENDATION.events if e.id not in SYS_EVENTS)


def test_each_side_acts_only_for_itself(walker, rpc_as):
    """The recipient and the centre take part once the letter is served, each on its own side only."""
    served = walker.drive(walker.reachable()["RC_AWAITING_REPLY"])
    cid = served["case_id"]
    other_recipient = {"user_id": "hrss-01", "role": "rcpt", "org_id": "zj-hrss"}
    issuer_at_recipient = {"user_id": "nr-02", "role": "issuer", "org_id": "zj-nr"}
    rcpt_at_issuer = {"user_id": "proc-02", "role": "rcpt", "org_id": "zj-proc"}
    supv_at_recipient = {"user_id": "nr-03", "role": "supv", "org_id": "zj-nr"}
    other_court = {"user_id": "sx-01", "role": "issuer", "org_id": "sx-court"}
    before = walker.snapshot(cid)
    # each refusal says what is wrong: the body (not this recommendation's side), or the role
    for who, event, reason in ((other_recipient, "submit_reply", "organisation"),
                               (rcpt_at_issuer, "submit_reply", "organisation"),
                               (rcpt_at_issuer, "raise_objection", "organisation"),
                               (other_court, "raise_objection", "role")):
        err = expect_error("FORBIDDEN", rpc_as(who).recommendation.fire, cid, event, EXAMPLES[event],
                           served["version"], key())
        assert err.details["reason"] == reason, (who, event, err.details)
    overdue = walker.fire("deadline_expired", walker.drive(walker.reachable()["RC_AWAITING_REPLY"]))
    for who, event in ((issuer_at_recipient, "urge"), (supv_at_recipient, "urge"), (supv_at_recipient, "supervise")):
        err = expect_error("FORBIDDEN", rpc_as(who).recommendation.fire, overdue["case_id"], event, EXAMPLES[event],
                           overdue["version"], key())
        assert err.details["reason"] == "role_not_for_org", (who, event, err.details)
    # an issuer, but the court's: not this procuratorial recommendation's side
    err = expect_error("FORBIDDEN", rpc_as(actor("court_issuer")).recommendation.fire, overdue["case_id"], "urge",
                       EXAMPLES["urge"], overdue["version"], key())
    assert err.details["reason"] == "organisation", err.details
    assert walker.snapshot(cid) == before
    # the recipient reads and finds the served letter; another department does not
    rcpt = rpc_as(actor("rcpt")).recommendation
    assert rcpt.get_case(cid)["data"]["letter"]["doc_no"].startswith("暨检建〔")
    assert cid in {c["case_id"] for c in rcpt.find_cases({})["items"]}
    assert expect_error("FORBIDDEN", rpc_as(other_recipient).recommendation.get_case, cid).details["reason"] == "organisation"
    assert cid not in {c["case_id"] for c in rpc_as(other_recipient).recommendation.find_cases({})["items"]}
    # allowed_events shows each side its own events only
    assert {e["id"] for e in rcpt.allowed_events(cid)} == {"raise_objection", "submit_reply"}
    # an "issuer" at a department is no actor at all (config/roles.yaml): refused before any case is read
    err = expect_error("FORBIDDEN", rpc_as(issuer_at_recipient).recommendation.allowed_events, cid)
    assert err.details["reason"] == "role_not_for_org"
    assert {e["id"] for e in rpc_as(actor("issuer")).recommendation.allowed_events(cid)} == set()


def test_a_draft_is_internal_to_its_issuer(walker, rpc_as):
    case = walker.drive(["draft"])
    expect_error("FORBIDDEN", rpc_as(actor("rcpt")).recommendation.get_case, case["case_id"])
    expect_error("FORBIDDEN", rpc_as(actor("supv")).recommendation.get_case, case["case_id"])
    assert rpc_as(actor("issuer")).recommendation.get_case(case["case_id"])["org_id"] == "zj-proc"


def test_sys_role_cannot_be_claimed_by_a_caller(walker, rpc_as):
    case = walker.drive(walker.reachable()["RC_AWAITING_REPLY"])
    sys_actor = {"user_id": "x", "role": "sys", "org_id": "zj-proc"}
    expect_error("FORBIDDEN", rpc_as(sys_actor).recommendation.fire, case["case_id"], "deadline_expired",
                 {"clock": "public_interest_reply"}, case["version"], key())
