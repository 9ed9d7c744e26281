"""A suit opened at the court in a party's name records the party's own decision to sue and who recorded
it (CPL Art 122-123; issue 13 item 14), over RPC on SQLite and PostgreSQL: mediation's refer_to_court
hand-off carries it; a petition's 诉访分离 hand-off from a sender that does not record it yet still opens
the case (backward compatible) and shows the decision as not recorded; a malformed one is refused."""
from __future__ import annotations

from tests.factories import key
from tests.harness import expect_error
from tests.interface.diversion_walk import ACTORS, complaint, diversion, handoff_for_petition, handoff_for_suit

__all__ = ["diversion"]
DECISION = {"party": 1, "how": "in_person", "statement": "本人坚持起诉", "decided_on": "2026-03-02",
            "recorded_by": {"user_id": "pmc-jy-01", "role": "pmc", "org_id": "zj-pmc-jiyang"}}


def test_a_mediation_suit_carries_the_plaintiffs_decision(diversion, rpc_as):
    handoff = handoff_for_suit(complaint())
    handoff["data"]["suit_decision"] = DECISION
    made = rpc_as(ACTORS["pmc"]).diversion.open_from_handoff(handoff, key())
    assert made["status"] == "DV_RECEIVED"
    assert made["data"]["suit_decision"]["statement"] == "本人坚持起诉"
    assert made["data"]["suit_decision"]["recorded_by"]["role"] == "pmc"


def test_a_petition_suit_without_the_decision_opens_and_says_it_is_not_recorded(diversion, rpc_as):
    made = rpc_as(ACTORS["xfb"]).diversion.open_from_handoff(handoff_for_petition(complaint()), key())
    assert made["status"] == "DV_RECEIVED"
    assert made["data"]["suit_decision"]["recorded"] is False and "CPL Art 122-123" in made["data"]["suit_decision"]["basis"]


def test_a_malformed_decision_is_refused_naming_the_field(diversion, rpc_as):
    handoff = handoff_for_petition(complaint())
    handoff["data"]["suit_decision"] = {"how": "in_person"}
    err = expect_error("VALIDATION_ERROR", rpc_as(ACTORS["xfb"]).diversion.open_from_handoff, handoff, key())
    assert "必填" in str(err.details) and "statement" in str(err.details)
    assert rpc_as(ACTORS["filing"]).diversion.find_cases({}, {})["total"] == 0
