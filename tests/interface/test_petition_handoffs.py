"""诉访分离 between petition and diversion (SPEC §7 rows "PT redirect (涉法涉诉) → DV for a new civil
suit" and "PT_ROUTED_LEGAL → DV"; LVR Art 20 ¶2, 22 ¶2, 28 ¶2, 31(1)), with both services running (their
own databases, one broker), on SQLite and PostgreSQL: a 涉法涉诉 matter the officer marks as a new civil
suit reaches the court's pre-filing registration by itself, and the petition case's link follows the
court case; any other redirect hands nothing over."""
from __future__ import annotations

import pytest

from tests.factories import key, person_id
from tests.harness import child_links, expect_error, wait_for
from tests.interface.diversion_walk import ACTORS as COURT_ACTORS
from tests.interface.diversion_walk import diversion
from tests.interface.petition_walk import Flow, actor, petition, petition_service

__all__ = ["diversion", "petition_service"]
OFFICE, COURT = "zj-xfj-county", "zj-court"
FILING = COURT_ACTORS["filing"]






def civil_matter(**over) -> dict:
    """A loan the petitioner wants repaid: a civil dispute between two persons (debt_contract)."""
    return petition(person_id(), channel="visit", category="debt_contract",
                    summary="借款到期不还，要求政府督促对方还款", request="请求责令李四归还借款5万元",
                    facts="2025年1月李四向王五借款5万元，约定一年内归还，至今未还",
                    parties=[{"role": "applicant", "kind": "person", "name": "王五", "id_number": person_id(),
                              "phone": "13700137000", "address": "诸暨市暨阳街道某村12号"},
                             {"role": "respondent", "kind": "person", "name": "李四",
                              "id_number": person_id(), "phone": "13800138000",
                              "address": "诸暨市暨阳街道某村15号"}], **over)


@pytest.fixture
def office(petition_service, diversion, rpc_as):
    return rpc_as(actor("xfb", OFFICE)).petition


@pytest.fixture
def court(rpc_as):
    return rpc_as(FILING).diversion


def test_a_law_related_civil_suit_is_redirected_to_the_court_and_followed(office, court):
    case = office.register(civil_matter(), key())
    redirected = office.fire(case["case_id"], "redirect",
                             {"kind": "law_related", "target_org_id": COURT, "civil_suit": True,
                              "channel_told": "属民间借贷纠纷，告知向诸暨市人民法院起诉"}, case["version"], key())
    assert redirected["status"] == "PT_REDIRECTED"
    assert redirected["data"]["suit"]["court_id"] == COURT
    assert [(l["service"], l["status"]) for l in child_links(redirected)] == [("diversion", "awaiting_service")]

    link = wait_for(lambda: (l := child_links(office.get_case(case["case_id"]))[0])["case_id"] and l)
    dv = court.get_case(link["case_id"])
    # at the court's pre-filing registration, with the petition as its parent
    assert (dv["case_type"], dv["status"], dv["org_id"]) == ("diversion", "DV_RECEIVED", COURT)
    assert dv["parent"] == {"service": "petition", "case_id": case["case_id"]}
    assert dv["channel"] == "window"                          # a visit (LVR Art 17) told at the court's window
    assert [p["role"] for p in dv["parties"]] == ["applicant", "respondent"]
    assert dv["data"]["handoff"]["data"]["purpose"] == "litigation"
    opened = court.case_history(dv["case_id"])[0]
    assert (opened["event"], opened["role"]) == ("receive_complaint", "xfb")   # the officer who decided it
    assert (link["case_no"], link["status"]) == (dv["case_no"], "DV_RECEIVED")

    # the court moves its case: the petition case's link shows where the suit stands
    told = ["forms", "rights_obligations", "legal_consequences", "procedure"]       # OMR Art 7
    court.fire(dv["case_id"], "explain_mediation", {"how": "oral", "told": told, "suitable": True}, dv["version"], key())
    moved = wait_for(lambda: (c := office.get_case(case["case_id"])) and child_links(c)[0]["status"] == "DV_GUIDED"
                     and c)
    assert moved["status"] == "PT_REDIRECTED" and len(child_links(moved)) == 1


def test_routing_a_claim_to_litigation_as_a_civil_suit_opens_the_court_case_as_the_handler(
        petition_service, diversion, rpc_as, court):
    flow = Flow(rpc_as)
    accepted = flow.new("PT_ACCEPTED", petitioner=person_id(), category="debt_contract",
                        parties=civil_matter()["parties"])
    routed = flow.fire(accepted, "route_to_legal_procedure",
                       {"procedure": "litigation", "target_org_id": COURT, "civil_suit": True})
    assert routed["status"] == "PT_ROUTED_LEGAL"
    link = wait_for(lambda: (l := child_links(flow.get(routed))[0])["case_id"] and l)
    dv = court.get_case(link["case_id"])
    assert (dv["status"], dv["org_id"], dv["parent"]["service"]) == ("DV_RECEIVED", COURT, "petition")
    assert court.case_history(dv["case_id"])[0]["role"] == "handler"


def test_other_redirects_hand_nothing_over(office, court):
    for data in ({"kind": "law_related", "target_org_id": COURT, "channel_told": "告知向人民法院申请再审"},
                 {"kind": "outside_competence", "channel_told": "向市场监督管理部门提出"}):
        case = office.register(civil_matter(), key())
        done = office.fire(case["case_id"], "redirect", data, case["version"], key())
        assert done["status"] == "PT_REDIRECTED" and child_links(done) == [] and "suit" not in done["data"]
    # only a 涉法涉诉 redirect may be a civil suit (LVR Art 20 ¶2, 22 ¶2)
    case = office.register(civil_matter(), key())
    expect_error("VALIDATION_ERROR", office.fire, case["case_id"], "redirect",
                 {"kind": "outside_competence", "channel_told": "向市场监督管理部门提出", "civil_suit": True},
                 case["version"], key())
    # the positive signal: a later civil suit reaches the court, so the relays and the court's consumer
    # have run since; of the redirects above, none reached it
    later = office.register(civil_matter(), key())
    office.fire(later["case_id"], "redirect", {"kind": "law_related", "target_org_id": COURT, "civil_suit": True,
                                               "channel_told": "告知向诸暨市人民法院起诉"}, later["version"], key())
    wait_for(lambda: child_links(office.get_case(later["case_id"]))[0]["case_id"])
    reached = court.find_cases({"case_type": "diversion"}, {})
    assert reached["total"] == 1, reached
    assert court.get_case(reached["items"][0]["case_id"])["parent"]["case_id"] == later["case_id"]
