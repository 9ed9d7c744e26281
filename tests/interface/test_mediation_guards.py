"""Every guard of the people's mediation case type refuses with a message that cites its article, and a
refused event changes nothing (over RPC, SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest

from services.mediation.casetype import MEDIATION
from tests.factories import key
from tests.harness import as_party, expect_error, party_actor
from tests.interface.mediation_walk import (ACTORS, COURT, SUIT_DECISION, application, handoff_from, make_walker,
                                            mediation, written_agreement)

__all__ = ["mediation"]
TO_MEDIATION = ["apply", "accept", "assign_mediator"]
TO_AGREEMENT = TO_MEDIATION + ["sign_written_agreement"]


@pytest.fixture
def walker(mediation, rpc_as):
    return make_walker(mediation, rpc_as)


@pytest.fixture
def refused(walker, rpc_as):
    """refused(code, case, role_or_actor, event, data, *articles): fired, refused with ``code`` citing every
    article, and the case unchanged."""
    def check(code, case, who, event, data, *articles):
        actor, data = as_party(ACTORS[who] if isinstance(who, str) else who, data)   # staff record a party's act
        before = walker.snapshot(case["case_id"])
        err = expect_error(code, rpc_as(actor).mediation.fire, case["case_id"], event, data, case["version"], key())
        for article in articles:
            assert article in err.message, (article, err.message)
        assert walker.snapshot(case["case_id"]) == before
        return err
    return check


def test_every_guard_has_a_message_citing_its_basis():
    for event in MEDIATION.events:
        for guard in event.guards:
            assert guard.basis and "Art" in guard.message, (event.id, guard.message)
            first = guard.basis.split(";")[0].split(",")[0].strip()
            assert first in guard.message, (event.id, first, guard.message)


# -- registration ------------------------------------------------------------------------------------
def test_an_application_goes_to_a_mediation_committee(mediation, rpc_as):
    err = expect_error("GUARD_FAILED", rpc_as(ACTORS["window"]).mediation.apply,
                       application(committee_id="zj-court"), key())
    assert "PML Art 7, 17" in err.message


def test_only_the_router_hands_over_and_only_with_the_parent_case(mediation, rpc_as):
    data = application()
    handoff = handoff_from(data)
    with_parent = {**data, "handoff": {k: handoff[k] for k in ("parent_service", "parent_case_id", "parent_case_no")}}
    err = expect_error("GUARD_FAILED", rpc_as(ACTORS["window"]).mediation.apply, with_parent, key())
    assert "PSR Art 44" in err.message
    err = expect_error("GUARD_FAILED", rpc_as(ACTORS["router"]).mediation.apply, data, key())
    assert "PSR Art 44" in err.message


def test_proactive_mediation_is_the_committees_own(mediation, rpc_as):
    centre_pmc = {**ACTORS["pmc"], "org_id": "zj-centre"}     # the centre holds no committee's role at all
    data = {**application(), "committee_id": None, "source": "网格员上报"}
    err = expect_error("FORBIDDEN", rpc_as(centre_pmc).mediation.initiate_proactive, data, key())
    assert err.details["reason"] == "role_not_for_org" and "PML Art 13, 19" in err.message
    err = expect_error("GUARD_FAILED", rpc_as(ACTORS["pmc"]).mediation.initiate_proactive,
                       {**data, "committee_id": "zj-pmc-county"}, key())
    assert "PML Art 17" in err.message


# -- consent and acceptance --------------------------------------------------------------------------
def test_no_consent_is_asked_of_parties_who_applied_together(walker, refused):
    case = walker.drive(["apply"], {"apply": lambda c: application(joint_application=True)})
    refused("GUARD_FAILED", case, "pmc", "request_consent", {}, "PML Art 17")
    assert walker.fire("accept", case, {"accept": {}})["status"] == "PM_ACCEPTED"   # no consent to record


def test_only_an_express_refusal_bars_mediation(walker, refused):
    case = walker.drive(["apply"])
    refused("GUARD_FAILED", case, "party", "party_refuses", {"party": 2, "express": False}, "PML Art 17")


def test_acceptance_needs_the_other_partys_consent(walker, refused):
    case = walker.drive(["apply"])
    refused("GUARD_FAILED", case, "pmc", "accept", {}, "PML Art 3(1), 17")


def test_only_civil_disputes_are_accepted(walker, refused):
    case = walker.drive(["apply"], {"apply": lambda c: application("administrative")})
    refused("GUARD_FAILED", case, "pmc", "accept", {"respondent_consented": True}, "PML Art 2")


@pytest.mark.parametrize("bar", [{"already_accepted_by": "court"}, {"already_accepted_by": "police"},
                                 {"already_accepted_by": "administrative_organ"},
                                 {"specialised_organ_only": True}, {"mediation_forbidden": True}])
def test_barred_matters_are_not_accepted(walker, refused, bar):
    case = walker.drive(["apply"])
    refused("GUARD_FAILED", case, "pmc", "accept", {"respondent_consented": True, **bar}, "PMR Art 22")


def test_a_rejection_tells_the_right_channel_and_hands_over_an_escalating_dispute(walker, refused):
    case = walker.drive(["apply"])
    refused("GUARD_FAILED", case, "pmc", "reject", {"ground": "accepted_by_police"}, "PMR Art 22", "PML Art 3(3)")
    told = {"ground": "accepted_by_police", "channel_told": "由公安机关依法处理"}
    refused("GUARD_FAILED", case, "pmc", "reject", {**told, "escalation_risk": True}, "PML Art 25")
    refused("GUARD_FAILED", case, "pmc", "reject", {**told, "escalation_risk": True, "calming_measures": "已疏导"},
            "PML Art 25")
    done = walker.fire("reject", case, {"reject": {**told, "escalation_risk": True, "calming_measures": "已疏导",
                                                    "handed_over_to": "zj-police"}})
    assert done["status"] == "PM_REJECTED" and done["data"]["rejection"]["handed_over_to"] == "zj-police"


# -- mediators -------------------------------------------------------------------------------------
def test_parties_choose_mediators_but_do_not_designate_them(walker, refused):
    case = walker.drive(["apply", "accept"])
    refused("GUARD_FAILED", case, "party", "assign_mediator", {"mediator_ids": ["med-jy-01"], "how": "designated"},
            "PML Art 19, 23(1)")


def test_mediators_come_from_the_committees_own_roster(walker, refused):
    case = walker.drive(["apply", "accept"])
    refused("GUARD_FAILED", case, "pmc", "assign_mediator",
            {"mediator_ids": ["med-jy-01", "med-cty-01"], "how": "designated"}, "PML Art 13, 19")
    done = walker.fire("assign_mediator", case, {"assign_mediator": {"mediator_ids": ["med-jy-01", "med-jy-02"],
                                                                     "how": "designated"}})
    assert done["data"]["mediators"] == ["med-jy-01", "med-jy-02"]


def test_an_organisation_acts_only_within_its_remit(walker, rpc_as, refused):
    case = walker.drive(["apply"])
    # the centre brought the case, so its window acts for the parties, but not as the committee
    centre_pmc = {**ACTORS["pmc"], "org_id": "zj-centre"}
    refused("FORBIDDEN", case, centre_pmc, "accept", {"respondent_consented": True}, "PML Art 13, 19")
    centre_party = party_actor("zj-centre", 2)   # the centre's window records the party's act
    # another committee's mediator or officer has no access at all
    other = {**ACTORS["pmc"], "org_id": "zj-pmc-county"}
    refused("FORBIDDEN", case, other, "accept", {"respondent_consented": True})
    expect_error("FORBIDDEN", rpc_as(other).mediation.get_case, case["case_id"])
    assert rpc_as(centre_party).mediation.get_case(case["case_id"])["status"] == "PM_APPLIED"
    # the court seized of a confirmation reads the case (its superior too); another organ does not
    pending = walker.drive(TO_AGREEMENT + ["apply_judicial_confirmation"])
    for court in (ACTORS["judge"], {**ACTORS["filing"], "org_id": "sx-court"}):
        assert rpc_as(court).mediation.get_case(pending["case_id"])["status"] == "PM_CONFIRMATION_PENDING"
    expect_error("FORBIDDEN", rpc_as({**ACTORS["judge"], "org_id": "zj-proc"}).mediation.get_case, pending["case_id"])
    # a committee's officer acting on a case the centre's party reaches: only for the own committee
    referred = walker.drive(TO_MEDIATION + ["party_withdraws"])
    refused("FORBIDDEN", referred, centre_pmc, "refer_to_court", {"decision": SUIT_DECISION, "plaintiff": 1}, "PML Art 13, 19")


def test_a_party_at_the_centre_acts_on_the_case_the_centre_brought(walker, rpc_as):
    case = walker.drive(["apply", "request_consent"])
    centre_party = party_actor("zj-centre", 2)   # the centre's window records the party's act
    done = rpc_as(centre_party).mediation.fire(case["case_id"], "respondent_consents", {"party": 2},
                                                case["version"], key())
    assert done["status"] == "PM_ACCEPTED"
    proactive = walker.drive(["initiate_proactive"])     # no centre involved: the party acts at the committee
    expect_error("FORBIDDEN", rpc_as(centre_party).mediation.fire, proactive["case_id"], "respondent_consents",
                 {"party": 2}, proactive["version"], key())


# -- mediating -------------------------------------------------------------------------------------
def test_escalation_risk_is_reported_to_the_police_or_a_department(walker, refused):
    case = walker.drive(TO_MEDIATION)
    refused("GUARD_FAILED", case, "mediator", "report_escalation_risk",
            {"risk": "criminal", "reported_to": "zj-court"}, "PML Art 25")


def test_an_extension_needs_every_party(walker, refused):
    case = walker.drive(TO_MEDIATION)
    refused("GUARD_FAILED", case, "party", "extend_period",
            {"clock": "mediation_general", "amount": 10, "requested_by": [1]}, "NB Art 27")


def test_only_a_running_extendable_clock_is_extended(walker, refused):
    labour = walker.drive(TO_MEDIATION, {"apply": lambda c: application("labour")})
    assert {d["kind"] for d in labour["deadlines"]} == {"mediation_labour"}
    refused("EXTENSION_REFUSED", labour, "party", "extend_period",
            {"clock": "mediation_labour", "amount": 5, "requested_by": [1, 2]}, "LDL Art 14")
    general = walker.drive(TO_MEDIATION)
    refused("EXTENSION_REFUSED", general, "party", "extend_period",
            {"clock": "mediation_medical", "amount": 5, "requested_by": [1, 2]}, "LDL Art 14")


def test_a_written_agreement_names_everything_it_lacks(walker, refused):
    case = walker.drive(TO_MEDIATION)
    err = refused("GUARD_FAILED", case, "mediator", "sign_written_agreement", {}, "PML Art 29")
    for item in ("当事人的基本情况", "纠纷的主要事实", "调解协议的内容", "履行方式", "履行期限", "张三", "李四",
                 "人民调解员签名", "人民调解委员会印章"):
        assert item in err.message, item
    assert len(err.details["missing"]) == 8
    # only what is missing is named
    err = refused("GUARD_FAILED", case, "mediator", "sign_written_agreement",
                  written_agreement(signatures=[{"party": 1}], committee_seal=False), "PML Art 29")
    assert err.details["missing"] == ["当事人签名、盖章或按指印（李四）", "人民调解委员会印章"]
    err = refused("GUARD_FAILED", case, "mediator", "sign_written_agreement",
                  written_agreement(mediator_signature="med-jy-02"), "PML Art 29")   # not assigned to this case
    assert err.details["missing"] == ["主持调解的人民调解员签名"]
    err = refused("GUARD_FAILED", case, "party", "sign_written_agreement",
                  written_agreement(parties=[1], performance_deadline=" "), "PML Art 29")
    assert err.details["missing"] == ["当事人的基本情况", "履行期限"]


@pytest.mark.parametrize("flag,reason", [({"written_requested": True, "performed_immediately": True}, "当事人要求制作调解协议书"),
                                         ({"performed_immediately": False}, "协议内容未能即时履行完毕"),
                                         ({"major": True, "performed_immediately": True}, "重大、复杂、疑难的纠纷")])
def test_an_oral_agreement_is_refused_where_a_written_one_is_required(walker, refused, flag, reason):
    case = walker.drive(TO_MEDIATION)
    err = refused("GUARD_FAILED", case, "mediator", "record_oral_agreement", {"content": "当场赔偿500元", **flag},
                  "NB Art 24", "PML Art 28")
    assert err.details["missing"] == [reason]


@pytest.mark.parametrize("category,article", [("labour", "LDL Art 14 ¶1"), ("medical_dispute", "MDR Art 39 ¶1")])
def test_labour_and_medical_mediations_end_only_with_a_written_agreement(walker, refused, category, article):
    """Issue 13 item 18: LDL Art 14 ¶1 and MDR Art 39 ¶1 require a 调解协议书, even where an oral agreement
    would do under PML Art 28 (performed at once, not asked for, not major)."""
    case = walker.drive(TO_MEDIATION, {"apply": lambda c: application(category)})
    refused("GUARD_FAILED", case, "mediator", "record_oral_agreement",
            {"content": "当场支付5000元", "performed_immediately": True}, article, "应当制作调解协议书")
    signed = walker.fire("sign_written_agreement", case)
    assert signed["status"] == "PM_AGREEMENT_EFFECTIVE" and signed["data"]["agreement"]["kind"] == "written"


def test_termination_records_the_channels_the_parties_were_told(walker, refused):
    case = walker.drive(TO_MEDIATION)
    refused("GUARD_FAILED", case, "party", "party_withdraws", {"party": 1}, "PML Art 26")
    refused("GUARD_FAILED", case, "mediator", "declare_failure", {"ground": "obstacle"}, "PML Art 26")
    done = walker.fire("declare_failure", case, {"declare_failure": {
        "ground": "obstacle", "channels_told": ["litigation", "arbitration"], "next_channel": "diversion"}})
    term = done["data"]["termination"]
    assert term["channels_told"] == ["litigation", "arbitration"] and term["next_channel"] == "diversion"
    assert term["channels_told_labels"] == ["向人民法院提起诉讼", "申请仲裁"]
    rejected = walker.drive(TO_AGREEMENT + ["apply_judicial_confirmation", "confirmation_rejected"])
    refused("GUARD_FAILED", rejected, "party", "confirmation_rejected_terminate", {"next_channel": "diversion"},
            "PML Art 26")


# -- judicial confirmation -------------------------------------------------------------------------
def test_judicial_confirmation_is_a_joint_application_to_a_court(walker, refused):
    case = walker.drive(TO_AGREEMENT)
    refused("GUARD_FAILED", case, "party", "apply_judicial_confirmation", {"applicants": [1], "court_id": COURT},
            "PML Art 33", "CPL Art 205")
    refused("GUARD_FAILED", case, "party", "apply_judicial_confirmation",
            {"applicants": [1, 2], "court_id": "zj-pmc-county"}, "CPL Art 205", "JC11 Art 2")


def test_a_confirmed_agreement_is_not_confirmed_twice(walker, refused):
    case = walker.drive(TO_AGREEMENT + ["apply_judicial_confirmation", "confirmation_granted"])
    assert case["status"] == "PM_PERFORMING" and case["data"]["agreement"]["confirmed"] is True
    refused("GUARD_FAILED", case, "party", "apply_judicial_confirmation", {"applicants": [1, 2], "court_id": COURT},
            "PML Art 33 ¶2")


# -- a suit after mediation (PML Art 26, 32; SPEC §7) -----------------------------------------------------
def test_a_suit_is_brought_by_a_party_to_a_court_once(walker, refused):
    terminated = walker.drive(TO_MEDIATION + ["party_withdraws"])
    refused("GUARD_FAILED", terminated, "party", "refer_to_court", {"decision": SUIT_DECISION, "plaintiff": 3}, "CPL Art 122(1)", "PML Art 32")
    refused("GUARD_FAILED", terminated, "pmc", "refer_to_court", {"decision": SUIT_DECISION, "plaintiff": 1, "court_id": "zj-pmc-county"},
            "CPL Art 122(4)")
    referred = walker.fire("refer_to_court", terminated)
    assert referred["status"] == "PM_TERMINATED"
    assert [(l["link_type"], l["service"], l["status"], l["case_id"]) for l in referred["links"]] == \
        [("child", "diversion", "awaiting_service", None)]
    # the matter is already on its way to the court: no second suit (D1)
    refused("GUARD_FAILED", referred, "pmc", "refer_to_court", {"decision": SUIT_DECISION, "plaintiff": 2}, "CPLI Art 247", "D1")


def test_a_suit_records_the_plaintiffs_own_decision_and_who_recorded_it(walker, rpc_as):
    """Issue 13 item 14 (CPL Art 122-123): a suit opened in a party's name carries the party's decision."""
    terminated = walker.drive(TO_MEDIATION + ["party_withdraws"])
    before = walker.snapshot(terminated["case_id"])
    pmc = rpc_as(ACTORS["pmc"]).mediation
    err = expect_error("VALIDATION_ERROR", pmc.refer_to_court, terminated["case_id"], 1, None, "",
                       terminated["version"], key())
    assert "CPL Art 122-123" in err.details["fields"]["data"]["decision"][0]
    err = expect_error("VALIDATION_ERROR", pmc.refer_to_court, terminated["case_id"], 1, None, "",
                       terminated["version"], key(), decision={"how": "by_pigeon"})
    assert set(err.details["fields"]["data"]["decision"]) == {"how", "statement"}
    assert walker.snapshot(terminated["case_id"]) == before
    sued = pmc.refer_to_court(terminated["case_id"], 1, None, "", terminated["version"], key(),
                              decision={"how": "written", "statement": "本人坚持起诉（签名）"})
    decision = sued["data"]["suits"][0]["decision"]
    assert (decision["party"], decision["how"], decision["recorded_by"]["role"]) == (1, "written", "pmc")
    assert decision["basis"] == "CPL Art 122-123"


def test_a_labour_dispute_goes_to_arbitration_before_any_suit(walker, refused):
    labour = walker.drive(TO_MEDIATION + ["party_withdraws"], {"apply": lambda c: application("labour")})
    refused("GUARD_FAILED", labour, "party", "refer_to_court", {"decision": SUIT_DECISION, "plaintiff": 1}, "LDL Art 5, 14")


def test_a_confirmed_agreement_is_enforced_not_sued_on(walker, refused):
    disputed = walker.drive(TO_AGREEMENT + ["apply_judicial_confirmation", "confirmation_granted",
                                            "report_non_performance"])
    assert disputed["data"]["performance"]["remedy"] == "enforcement"
    refused("GUARD_FAILED", disputed, "party", "refer_to_court", {"decision": SUIT_DECISION, "plaintiff": 1}, "PML Art 33 ¶2", "CPL Art 206")
    unconfirmed = walker.drive(TO_AGREEMENT + ["start_supervision", "report_non_performance"])
    sued = walker.fire("refer_to_court", unconfirmed)           # PML Art 32: a suit over the agreement
    assert sued["data"]["suits"][0]["basis"].startswith("PML Art 32")


def test_the_file_holds_registration_work_record_and_agreement(walker, refused):
    performed = walker.drive(TO_AGREEMENT + ["start_supervision", "record_performed"])
    err = refused("GUARD_FAILED", performed, "pmc", "archive", {"file_no": "JY-1", "materials": ["registration"]},
                  "PML Art 27")
    assert err.details["missing"] == ["调解工作记录", "调解协议书"]
    terminated = walker.drive(TO_MEDIATION + ["declare_failure"])
    err = refused("GUARD_FAILED", terminated, "pmc", "archive", {"file_no": "JY-2", "materials": []}, "PML Art 27")
    assert err.details["missing"] == ["调解登记", "调解工作记录"]
    closed = walker.fire("archive", terminated, {"archive": {"file_no": "JY-2",
                                                             "materials": ["registration", "work_record"]}})
    assert closed["status"] == "PM_CLOSED" and closed["terminal"] is True
