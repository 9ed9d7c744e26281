"""Judicial confirmation goes to the court of the place (CPL Art 205; CPLI Art 352; issue 13 item 11),
over RPC on SQLite and PostgreSQL: a domicile or a subject's location is checked against the court's area,
not only its level; an unknown mediation organisation no longer passes; court-invited mediation goes to
the inviting court."""
from __future__ import annotations

import pytest

from tests.factories import key
from tests.harness import expect_error, party_actor
from tests.interface.diversion_walk import ACTORS, application, diversion

__all__ = ["diversion"]
# the court's filing officer records the parties' joint application (nobody may claim to be a party)
PARTY = party_actor("zj-court")
SX_PARTY = party_actor("sx-court")
ZHUJI, YUECHENG = "330681", "330602"


@pytest.mark.parametrize("basis", ["party_domicile", "subject_location"])
def test_a_domicile_or_subject_elsewhere_is_not_this_courts(diversion, rpc_as, basis):
    apply = rpc_as(PARTY).diversion.apply_for_confirmation
    err = expect_error("GUARD_FAILED", apply, application(jurisdiction_basis=basis, jurisdiction_county=YUECHENG),
                       key())
    assert "CPL Art 205" in err.message and "须为该地的法院" in err.message
    made = apply(application(jurisdiction_basis=basis, jurisdiction_county=ZHUJI), key())
    assert made["status"] == "JC_APPLIED" and made["data"]["application"]["jurisdiction_county"] == ZHUJI
    # the intermediate court above Zhuji's court, where the dispute belongs to it
    above = rpc_as(SX_PARTY).diversion.apply_for_confirmation(
        application(court_id="sx-court", intermediate_court=True, jurisdiction_basis=basis,
                    jurisdiction_county=ZHUJI), key())
    assert above["org_id"] == "sx-court"


def test_the_place_must_be_named(diversion, rpc_as):
    err = expect_error("VALIDATION_ERROR", rpc_as(PARTY).diversion.apply_for_confirmation,
                       application(jurisdiction_basis="party_domicile"), key())
    assert "必填" in str(err.details["fields"]) and "jurisdiction_county" in str(err.details["fields"])


def test_an_unknown_mediation_organisation_no_longer_passes(diversion, rpc_as):
    unknown = application()
    unknown["agreement"]["mediation_org_id"] = "nowhere-pmc"
    err = expect_error("GUARD_FAILED", rpc_as(PARTY).diversion.apply_for_confirmation, unknown, key())
    assert "CPL Art 205" in err.message
    assert rpc_as(ACTORS["filing"]).diversion.find_cases({"case_type": "jc"}, {})["total"] == 0
