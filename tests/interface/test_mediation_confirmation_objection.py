"""The mediation case follows an objection to the court's confirmation ruling (CPLI Art 372; issue 13
item 9): the JC case's JC_OBJECTION / JC_REVOKED / JC_AMENDED / JC_OBJECTION_DISMISSED events reach it as
``confirmation_ruling_reviewed`` (sys, as services/mediation/children.py fires it). A revoked
confirmation is no longer shown as valid: the agreement is no longer enforced, and a suit over it is
open again (PML Art 32)."""
from __future__ import annotations

import pytest

from tests.harness import expect_error
from tests.interface.mediation_walk import court_case, make_walker, mediation

__all__ = ["mediation"]
TO_PERFORMING = ["apply", "accept", "assign_mediator", "sign_written_agreement", "apply_judicial_confirmation",
                 "confirmation_granted"]


@pytest.fixture
def walker(mediation, rpc_as):
    return make_walker(mediation, rpc_as)


def reviewed(walker, case, status, event):
    return walker.fire("confirmation_ruling_reviewed", case,
                       {"confirmation_ruling_reviewed": court_case(case, status, event)})


def test_a_revoked_confirmation_is_no_longer_shown_valid_and_a_suit_is_open_again(walker, rpc_as):
    case = walker.drive(TO_PERFORMING)
    assert case["data"]["agreement"]["confirmed"] is True
    disputed = walker.fire("report_non_performance", case)
    # confirmed: enforcement, not a suit (PML Art 33 ¶2)
    err = expect_error("GUARD_FAILED", walker.fire, "refer_to_court", disputed)
    assert "PML Art 33 ¶2" in err.message
    pending = reviewed(walker, disputed, "JC_OBJECTION", "file_objection")
    assert pending["status"] == "PM_PERFORMANCE_DISPUTE"
    assert pending["data"]["confirmation"]["objection"]["outcome"] == "pending"
    assert pending["data"]["agreement"]["confirmed"] is True       # the ruling holds until the court decides
    revoked = reviewed(walker, pending, "JC_REVOKED", "revoke_ruling")
    assert revoked["data"]["confirmation"]["status"] == "revoked"
    assert revoked["data"]["agreement"]["confirmed"] is False
    assert "CPLI Art 372" in revoked["data"]["confirmation"]["objection"]["basis"]
    sued = walker.fire("refer_to_court", revoked)
    assert sued["data"]["suits"][0]["plaintiff"] == 1


def test_a_dismissed_objection_leaves_the_confirmation_standing(walker):
    case = walker.drive(TO_PERFORMING)
    case = reviewed(walker, case, "JC_OBJECTION", "file_objection")
    case = reviewed(walker, case, "JC_OBJECTION_DISMISSED", "dismiss_objection")
    assert case["data"]["confirmation"]["status"] == "granted" and case["data"]["agreement"]["confirmed"] is True
    assert case["data"]["confirmation"]["objection"]["outcome"] == "dismissed"


def test_only_the_objection_states_are_reported(walker):
    case = walker.drive(TO_PERFORMING)
    before = walker.snapshot(case["case_id"])
    err = expect_error("VALIDATION_ERROR", reviewed, walker, case, "JC_CONFIRMED", "confirm")
    assert "jc_status" in str(err.details)
    assert walker.snapshot(case["case_id"]) == before
