"""Exhaustive diversion case types over real RabbitMQ, on SQLite and PostgreSQL: for DV (pre-filing /
entrusted mediation) and JC (judicial confirmation) alike, every allowed transition, every refused
(state, event) pair, every role × event pair — the timer's ``sys`` events included (fired through
the one transition function, as the sweep fires them)."""
from __future__ import annotations

import pytest

from contracts.enums import ROLES
from services.diversion.casetype import DIVERSION
from services.diversion.jc_casetype import JUDICIAL_CONFIRMATION
from tests.harness import assert_refused_for_role, expect_error, shortest_paths
from tests.interface.diversion_walk import (ACTORS, DV_PATH_OVERRIDES, DV_PREPARE, above, diversion, dv_walker,
                                            jc_walker)

__all__ = ["diversion"]   # the container fixture
TYPES = {"diversion": DIVERSION, "jc": JUDICIAL_CONFIRMATION}
CALLER_ROLES = [r for r in ROLES if r != "sys"]


@pytest.fixture(params=list(TYPES))
def walk(request, diversion, rpc_as):
    """(case type, walker, per-event path data, per-event preparing self-loops)."""
    if request.param == "diversion":
        return DIVERSION, dv_walker(diversion, rpc_as), DV_PATH_OVERRIDES, DV_PREPARE
    return JUDICIAL_CONFIRMATION, jc_walker(diversion, rpc_as), {}, {}


def non_creating(ct):
    return [e for e in ct.events if not e.creates]


def drive_to(walker, overrides_by_event, prepare, event, source):
    """A case in ``source``, ready for ``event`` (its path data and preparing self-loops applied)."""
    overrides = overrides_by_event.get(event.id, {})
    case = walker.drive(walker.reachable()[source] + prepare.get(event.id, []), overrides)
    assert case["status"] == source
    return case, overrides


@pytest.mark.parametrize("code", list(TYPES))
def test_every_state_is_reachable_from_a_creation_event(code):
    ct = TYPES[code]
    assert set(shortest_paths(ct)) == {s.code for s in ct.states}


def test_the_definitions_carry_spec_codes_and_a_basis_everywhere():
    dv = DIVERSION.to_dict()
    spec_states = {"DV_RECEIVED", "DV_GUIDED", "DV_DESIGNATING", "DV_AWAITING_MEDIATOR", "DV_AWAITING_RESPONDENT",
                   "DV_MEDIATING", "DV_SETTLED", "DV_FAILED", "DV_FILING_REVIEW", "DV_FILED", "DV_NOT_FILED",
                   "DV_ENTRUSTED", "DV_CONCLUDED_BY_CONSENT", "DV_TRIAL_RESUMED"}
    assert spec_states <= {s["code"] for s in dv["states"]}
    # added: CPLI Art 126 correction; issue 13 items 12-13: the plaintiff who does not sue (SIM Art 21 ¶1), the
    # entrustment awaiting the mediator's signed receipt (SIM Art 27 ¶3). None only for the state machine
    # library: a settled case stays DV_SETTLED when the JC window closes (no DV_ARCHIVED)
    assert {s["code"] for s in dv["states"]} - spec_states == {"DV_CORRECTING", "DV_WITHDRAWN", "DV_ENTRUST_PENDING"}
    spec_events = {"receive_complaint", "explain_mediation", "plaintiff_consents", "plaintiff_declines",
                   "return_application", "designate_mediator", "mediator_accepts", "mediator_declines",
                   "respondent_consents", "respondent_refuses", "respondent_unreachable", "extend_period",
                   "sign_agreement", "terminate", "deadline_expired", "transfer_to_filing", "file_case",
                   "refuse_filing", "apply_judicial_confirmation", "entrust_mediation", "agreement_reached",
                   "mediation_failed"}
    assert spec_events <= {e["id"] for e in dv["events"]}
    jc = JUDICIAL_CONFIRMATION.to_dict()
    assert [s["code"] for s in jc["states"]] == [
        "JC_APPLIED", "JC_NOT_ACCEPTED", "JC_UNDER_REVIEW", "JC_SUPPLEMENTING", "JC_WITHDRAWN", "JC_CONFIRMED",
        "JC_REJECTED", "JC_ENFORCEMENT_REQUESTED", "JC_OBJECTION", "JC_REVOKED", "JC_AMENDED",
        "JC_OBJECTION_DISMISSED"]
    assert {"apply", "accept", "refuse", "request_supplement", "supplement_received", "deadline_expired",
            "withdraw", "confirm", "reject", "apply_enforcement", "file_objection", "revoke_ruling", "amend_ruling",
            "dismiss_objection"} <= {e["id"] for e in jc["events"]}
    for d in (dv, jc):
        assert all(e["basis"] and e["roles"] for e in d["events"])
        assert all(s["basis"] for s in d["states"])
    # the matter leaves the centre when filed: DV_FILED is terminal, so intake's tracking closes
    assert {s["code"] for s in dv["states"] if s["terminal"]} == {
        "DV_SETTLED", "DV_FILED", "DV_NOT_FILED", "DV_ENTRUSTED", "DV_CONCLUDED_BY_CONSENT", "DV_TRIAL_RESUMED",
        "DV_WITHDRAWN", "DV_ENTRUST_PENDING"}


def test_every_allowed_transition_works(walk):
    ct, walker, overrides_by_event, prepare = walk
    tried = 0
    for event in non_creating(ct):
        for source in event.sources:
            case, overrides = drive_to(walker, overrides_by_event, prepare, event, source)
            after = walker.fire(event.id, case, overrides)
            assert after["status"] == (event.target or source), (event.id, source)
            assert after["version"] == case["version"] + 1
            tried += 1
    assert tried == sum(len(e.sources) for e in non_creating(ct)) > 0


def test_creation_events_make_their_states(walk, rpc_as):
    ct, walker, _, _ = walk
    for event in ct.creation_events():
        for role in event.roles:
            made = walker.fire(event.id, None, None, role)
            assert (made["status"], made["version"], made["case_no"][:10]) == (event.target, 1, f"{ct.case_no_prefix}-330681-")
            assert made["case_type"] == ct.code and made["org_id"] == "zj-court"
            if role == "router":   # a hand-off links the parent and makes the centre a participant
                assert made["parent"]["service"] in ("intake", "mediation")
                assert [l["link_type"] for l in made["links"]] == ["parent"]
                assert "zj-centre" in made["data"]["participants"]
            if ct.code == "diversion" and role in ("party", "pmc"):   # a people's-mediation case's suit
                assert made["parent"]["service"] == "mediation"
                assert made["data"]["d7"][0]["source"] == "mediation"            # terminated: no second diversion
    # a creation event on an existing case is refused and changes nothing
    case = walker.fire(ct.creation_events()[0].id, None)
    before = walker.snapshot(case["case_id"])
    expect_error("VALIDATION_ERROR", rpc_as(ACTORS["filing"]).diversion.fire, case["case_id"],
                 ct.creation_events()[0].id, {}, case["version"], "k" * 16)
    assert walker.snapshot(case["case_id"]) == before


def test_every_disallowed_state_event_pair_is_refused_and_changes_nothing(walk):
    """Refused by the state machine. The refusals are fired by the superior court's actor of the same
    role (it governs every case of zj-court), so the organisation check never answers first."""
    ct, walker, _, _ = walk
    refused = 0
    for state, path in walker.reachable().items():
        case = walker.drive(path)
        for event in non_creating(ct):
            if state in event.sources:
                continue
            role = walker.roles[event.id]
            before = walker.snapshot(case["case_id"])
            err = expect_error("TRANSITION_NOT_ALLOWED", walker.fire, event.id, case, None,
                               role if role == "sys" else above(role))
            assert err.details["state"] == state and err.details["event"] == event.id
            assert state in err.message and event.id in err.message
            assert walker.snapshot(case["case_id"]) == before
            refused += 1
    assert refused == sum(1 for s in ct.states for e in non_creating(ct) if s.code not in e.sources) > 0


def test_every_role_event_pair(walk):
    """Allowed roles succeed (sys through the engine); every other caller role gets FORBIDDEN and
    nothing changes."""
    ct, walker, overrides_by_event, prepare = walk
    forbidden = allowed = 0
    for event in ct.events:
        source = None if event.creates else event.sources[0]
        case, overrides = (None, {}) if event.creates else drive_to(walker, overrides_by_event, prepare, event, source)
        for role in CALLER_ROLES:
            if role in event.roles:
                continue
            err = assert_refused_for_role(walker, event.id, case, overrides, role)
            assert err.details["role"] == role and err.details["allowed_roles"] == list(event.roles)
            forbidden += 1
        for role in event.roles:
            fresh = (None, {}) if event.creates else drive_to(walker, overrides_by_event, prepare, event, source)
            result = walker.fire(event.id, fresh[0], fresh[1], role)
            assert result["status"] == (event.target or source), (event.id, role)
            allowed += 1
    assert forbidden == sum(len([r for r in CALLER_ROLES if r not in e.roles]) for e in ct.events)
    assert allowed == sum(len(e.roles) for e in ct.events)


def test_an_organisation_outside_the_case_is_refused(walk, rpc_as):
    """A body outside the court may not act on its cases. The directory holds no other county's court
    (sx-court governs zj-court), so the stranger is a mediation committee: refused already for holding a
    court's role (details.reason role_not_for_org); the engine's own organisation refusal is shown in
    tests/unit/test_engine_rules.py and the intake and recommendation walks."""
    ct, walker, _, _ = walk
    case = walker.fire(ct.creation_events()[0].id, None)
    event = ct.events_from(case["status"])[0]
    stranger = {"user_id": "x", "role": event.roles[0], "org_id": "zj-pmc-medical"}
    before = walker.snapshot(case["case_id"])
    err = expect_error("FORBIDDEN", rpc_as(stranger).diversion.fire, case["case_id"], event.id,
                       walker.data_for(event.id, case), case["version"], "k" * 16)
    assert err.details["org_id"] == "zj-pmc-medical" and err.details["reason"] == "role_not_for_org"
    assert walker.snapshot(case["case_id"]) == before


def test_sys_role_cannot_be_claimed_by_a_caller(walk, rpc_as):
    ct, walker, _, _ = walk
    case = walker.fire(ct.creation_events()[0].id, None)
    sys_actor = {"user_id": "x", "role": "sys", "org_id": "zj-court"}
    expect_error("FORBIDDEN", rpc_as(sys_actor).diversion.fire, case["case_id"], "deadline_warning",
                 {"clock": "x"}, case["version"], "k" * 16)
