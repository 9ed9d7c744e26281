"""The page offers only events a legal condition does not already refuse (infra/preview.py): guards
decided by the case alone are run before the form is filled; guards that need the form's data are not."""
from __future__ import annotations

import pytest

from tests.harness import expect_error, party_actor
from tests.interface.mediation_walk import ACTORS, COURT, make_walker, mediation
from tests.factories import key

__all__ = ["mediation"]
CONFIRM = "apply_judicial_confirmation"


@pytest.fixture
def walker(mediation, rpc_as):
    return make_walker(mediation, rpc_as)


def offered(rpc_as, role, case) -> set[str]:
    return {e["id"] for e in rpc_as(ACTORS[role]).mediation.allowed_events(case["case_id"])}


def test_a_confirmed_agreement_is_not_offered_for_confirmation_again(walker, rpc_as):
    agreed = walker.drive(["apply", "accept", "assign_mediator", "sign_written_agreement"])
    # the court, the applicants and the county are the form's to give: the committee's staff are offered it
    assert CONFIRM in offered(rpc_as, "pmc", agreed)
    pending = walker.fire(CONFIRM, agreed)
    confirmed = walker.fire("confirmation_granted", pending)
    assert confirmed["status"] == "PM_PERFORMING"
    staff = offered(rpc_as, "pmc", confirmed)
    assert CONFIRM not in staff                       # PML Art 33 ¶2: confirmed, enforce it instead
    assert "report_non_performance" in staff          # the rest of the state's events stay offered
    # and the refusal the preview foresaw is the one the engine gives
    party = rpc_as(party_actor(ACTORS["party"])).mediation
    err = expect_error("GUARD_FAILED", party.apply_judicial_confirmation, confirmed["case_id"], [1, 2], COURT,
                       confirmed["version"], key())
    assert "PML Art 33 ¶2" in err.message

