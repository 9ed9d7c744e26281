"""The mediation service's own commands over RPC: the centre's hand-off (SPEC §7), the committee it
lands at, idempotent delivery, the named commands, and the events other services listen to."""
from __future__ import annotations

import pytest
from nameko.events import event_handler

from tests.factories import key
from tests.harness import expect_error, party_actor, wait_for
from tests.interface.mediation_walk import (ACTORS, COURT, SUIT_DECISION, application, handoff_from, make_walker, mediation,
                                            written_agreement)

__all__ = ["mediation"]


@pytest.fixture
def walker(mediation, rpc_as):
    return make_walker(mediation, rpc_as)


def router(rpc_as):
    return rpc_as(ACTORS["router"]).mediation


def test_a_hand_off_opens_an_application_at_the_named_committee_linked_to_its_parent(walker, rpc_as):
    handoff = handoff_from(application())
    case = router(rpc_as).open_from_handoff(handoff, "handoff:intake:c1:1")
    assert (case["status"], case["org_id"], case["case_no"][:10]) == ("PM_APPLIED", "zj-pmc-jiyang", "PM-330681-")
    assert case["parent"] == {"service": "intake", "case_id": handoff["parent_case_id"]}
    assert case["links"][0]["link_type"] == "parent" and case["links"][0]["case_no"] == handoff["parent_case_no"]
    assert case["data"]["application"]["how"] == "handoff" and case["data"]["participants"] == ["zj-centre"]
    assert [p["name"] for p in case["parties"]] == ["张三", "李四"]
    assert [c["kind"] for c in case["deadlines"]] == ["acceptance"]
    # the relay retries after a lost reply: the same key opens no second case
    again = router(rpc_as).open_from_handoff(handoff, "handoff:intake:c1:1")
    assert again["case_id"] == case["case_id"]
    assert rpc_as(ACTORS["pmc"]).mediation.find_cases({"parent_case_id": handoff["parent_case_id"]})["total"] == 1


@pytest.mark.parametrize("category,committee", [("neighbourhood", "zj-pmc-county"),
                                                ("medical_dispute", "zj-pmc-medical")])
def test_a_hand_off_naming_no_committee_goes_to_the_configured_default(mediation, rpc_as, category, committee):
    handoff = {**handoff_from(application(category)), "target_org_id": None}
    assert router(rpc_as).open_from_handoff(handoff, key())["org_id"] == committee


def test_a_hand_off_to_a_body_that_is_no_committee_is_refused(mediation, rpc_as):
    handoff = {**handoff_from(application()), "target_org_id": "zj-court"}
    err = expect_error("GUARD_FAILED", router(rpc_as).open_from_handoff, handoff, key())
    assert "PML Art 7, 17" in err.message
    bad = {**handoff_from(application()), "parties": []}
    err = expect_error("VALIDATION_ERROR", router(rpc_as).open_from_handoff, bad, key())
    assert "handoff.parties" in err.message
    expect_error("VALIDATION_ERROR", router(rpc_as).open_from_handoff, handoff_from(application()), None)


def test_an_application_needs_both_sides_of_the_dispute(mediation, rpc_as):
    data = application()
    data["parties"] = data["parties"][:1] * 2
    err = expect_error("VALIDATION_ERROR", rpc_as(ACTORS["window"]).mediation.apply, data, key())
    assert "parties" in err.message


def test_assign_mediator_and_apply_for_confirmation_by_name(walker, rpc_as):
    case = walker.drive(["apply", "accept"])
    pmc = rpc_as(ACTORS["pmc"]).mediation
    case = pmc.assign_mediator(case["case_id"], ["med-jy-02"], "designated", case["version"], key())
    assert case["status"] == "PM_IN_MEDIATION" and case["data"]["mediators"] == ["med-jy-02"]
    assert case["data"]["appointment"]["how"] == "designated"
    case = rpc_as(ACTORS["mediator"]).mediation.fire(case["case_id"], "sign_written_agreement",
                                                     written_agreement(mediator_signature="med-jy-02"),
                                                     case["version"], key())
    party = rpc_as(party_actor(ACTORS["party"])).mediation
    case = party.apply_judicial_confirmation(case["case_id"], [1, 2], COURT, case["version"], key())
    assert case["status"] == "PM_CONFIRMATION_PENDING"
    record = case["data"]["confirmation"]
    assert (record["status"], record["court_id"], record["applicants"]) == ("applied", COURT, [1, 2])
    assert record["jurisdiction_basis"] == "mediator_location"
    assert COURT in case["data"]["participants"]
    # the application leaves for the court's JC case as a child link (diversion is not running here)
    assert [(l["link_type"], l["service"], l["status"]) for l in case["links"]] == \
        [("child", "diversion", "awaiting_service")]
    # the court seized of it reads the case; its ruling arrives from its JC case (sys)
    assert rpc_as(ACTORS["judge"]).mediation.get_case(case["case_id"])["status"] == "PM_CONFIRMATION_PENDING"
    granted = walker.fire("confirmation_granted", case)
    assert granted["status"] == "PM_PERFORMING" and granted["data"]["confirmation"]["status"] == "granted"
    assert granted["data"]["agreement"]["confirmed"] is True
    disputed = party.fire(granted["case_id"], "report_non_performance", {"party": 1, "note": "逾期未付"},
                          granted["version"], key())
    assert disputed["data"]["performance"]["remedy"] == "enforcement"       # confirmed: PML Art 33 ¶2


def test_an_unconfirmed_agreement_not_performed_leads_to_a_suit(walker, rpc_as):
    case = walker.drive(["apply", "accept", "assign_mediator", "record_oral_agreement", "start_supervision",
                         "report_non_performance"])
    assert case["data"]["agreement"]["kind"] == "oral"
    assert case["data"]["performance"]["remedy"] == "litigation"             # PML Art 32
    # the respondent sues over the agreement, through the committee
    sued = rpc_as(ACTORS["pmc"]).mediation.refer_to_court(case["case_id"], 2, None, "", case["version"], key(),
                                                          "请求判令对方履行调解协议", decision=SUIT_DECISION)
    assert (sued["status"], sued["version"]) == ("PM_PERFORMANCE_DISPUTE", case["version"] + 1)
    suit = sued["data"]["suits"][0]
    assert (suit["plaintiff"], suit["claim"], suit["from_state"]) == (2, "请求判令对方履行调解协议",
                                                                       "PM_PERFORMANCE_DISPUTE")
    assert [(l["link_type"], l["service"], l["status"]) for l in sued["links"]] == \
        [("child", "diversion", "awaiting_service")]


def test_enforcement_needs_a_confirmed_agreement(walker, rpc_as):
    party = rpc_as(party_actor(ACTORS["party"])).mediation
    unconfirmed = walker.drive(["apply", "accept", "assign_mediator", "sign_written_agreement", "start_supervision",
                                "report_non_performance"])
    err = expect_error("GUARD_FAILED", party.apply_enforcement, unconfirmed["case_id"], 1, "refused", "", key())
    assert "PML Art 33 ¶2" in err.message and "CPL Art 206" in err.message
    early = walker.drive(["apply", "accept"])
    expect_error("TRANSITION_NOT_ALLOWED", party.apply_enforcement, early["case_id"], 1, "refused", "", key())
    expect_error("VALIDATION_ERROR", party.apply_enforcement, unconfirmed["case_id"], 1, "never", "", key())
    # confirmed, but the court's service is not running here: nothing changes, the caller is told
    confirmed = walker.drive(["apply", "accept", "assign_mediator", "sign_written_agreement",
                              "apply_judicial_confirmation", "confirmation_granted"])
    before = walker.snapshot(confirmed["case_id"])
    expect_error("SERVICE_UNAVAILABLE", party.apply_enforcement, confirmed["case_id"], 1, "refused", "", key())
    assert walker.snapshot(confirmed["case_id"]) == before


def test_list_mediators_and_case_definition(mediation, rpc_as):
    pmc = rpc_as(ACTORS["pmc"]).mediation
    assert [m["id"] for m in pmc.list_mediators("zj-pmc-jiyang")] == ["med-jy-01", "med-jy-02", "mediator-01"]   # the demo mediator account too
    d = pmc.case_definition()
    assert d["code"] == "mediation" and d["states"][0]["code"] == "PM_APPLIED"
    periods = {c["kind"]: c["period"] for c in d["clocks"]}
    assert periods["acceptance"] == {"amount": 3, "unit": "working_days"}
    assert periods["mediation_general"] == {"amount": 1, "unit": "months"}
    assert periods["confirmation_window"] == {"amount": 30, "unit": "days"}


class Listener:
    name = "mediation_listener"
    seen: list = []

    @event_handler("mediation", "judicial_confirmation_applied")
    def applied(self, payload):
        Listener.seen.append(payload)

    @event_handler("mediation", "mediation_terminated")
    def terminated(self, payload):
        Listener.seen.append(payload)


def test_confirmation_applications_and_terminations_are_announced(walker, container_factory, service_config):
    Listener.seen = []
    container_factory(Listener, service_config).start()
    pending = walker.drive(["apply", "accept", "assign_mediator", "sign_written_agreement",
                            "apply_judicial_confirmation"])
    ended = walker.drive(["apply", "accept", "assign_mediator", "party_withdraws"])
    wait_for(lambda: len(Listener.seen) >= 2, timeout=20)
    by_type = {p["event_type"]: p for p in Listener.seen}
    applied = by_type["judicial_confirmation_applied"]
    assert applied["case_id"] == pending["case_id"] and applied["confirmation"]["court_id"] == COURT
    terminated = by_type["mediation_terminated"]
    assert terminated["case_id"] == ended["case_id"]
    assert terminated["termination"]["channels_told"] == ["litigation"]
    assert terminated["termination"]["next_channel"] == "diversion"
