"""Every guard of the diversion case types refuses with GUARD_FAILED (or DEADLINE_PASSED for a late
act) and a message citing its article, changes nothing, and lets the lawful case through."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from contracts.diversion import FILING_CONDITIONS
from infra import timekeeping
from infra.actors import system_actor
from infra.engine import transition
from tests.factories import key
from tests.harness import expect_error, party_actor
from tests.interface.diversion_walk import (
    ACTORS,
    COMMITTEE,
    application,
    complaint,
    diversion,
    dv_walker,
    handoff_for_complaint,
    handoff_for_confirmation,
    handoff_for_petition,
    handoff_for_suit,
    jc_walker,
    platform_env,
)

__all__ = ["diversion"]
SH = ZoneInfo("Asia/Shanghai")
TO_DESIGNATING = ["receive_complaint", "explain_mediation", "plaintiff_consents"]
TO_AWAITING_MEDIATOR = TO_DESIGNATING + ["designate_mediator"]
TO_AWAITING_RESPONDENT = TO_AWAITING_MEDIATOR + ["mediator_accepts"]
TO_MEDIATING = TO_AWAITING_RESPONDENT + ["respondent_consents"]
TO_FAILED = TO_MEDIATING + ["terminate"]
TO_FILING_REVIEW = TO_FAILED + ["transfer_to_filing"]
TO_SETTLED = TO_MEDIATING + ["sign_agreement"]


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def dv(diversion, rpc_as):
    return dv_walker(diversion, rpc_as)


@pytest.fixture
def jc(diversion, rpc_as):
    return jc_walker(diversion, rpc_as)


def refused(walker, case, event, data, *cites, role=None, code="GUARD_FAILED"):
    """``event`` with ``data`` is refused with ``code``, citing every article in ``cites``; nothing changes."""
    before = walker.snapshot(case["case_id"])
    err = expect_error(code, walker.fire, event, case, {event: data}, role)
    for cite in cites:
        assert cite in err.message, (cite, err.message)
    assert err.details["basis"]
    assert walker.snapshot(case["case_id"]) == before
    return err


def fire(walker, case, event, data=None, role=None):
    return walker.fire(event, case, {event: data} if data is not None else None, role)


def create_refused(rpc_as, actor, method, payload, *cites):
    actor = party_actor(actor) if actor["role"] == "party" else actor      # staff record a party's act
    err = expect_error("GUARD_FAILED", getattr(rpc_as(actor).diversion, method), payload, key())
    for cite in cites:
        assert cite in err.message, (cite, err.message)
    return err


# -- DV: receipt and guidance -------------------------------------------------------------------------
def test_receipt_guards(dv, rpc_as):
    create_refused(rpc_as, ACTORS["filing"], "receive_complaint", complaint("labour"), "OMR Art 3")
    create_refused(rpc_as, ACTORS["router"], "receive_complaint", complaint(), "SPEC §7", "PSR Art 45")
    # a party (or the committee) registers a complaint only as a people's-mediation case's suit
    for who in ("party", "pmc"):
        create_refused(rpc_as, ACTORS[who], "receive_complaint", complaint(), "SPEC §7", "PML Art 26, 32")
        create_refused(rpc_as, ACTORS[who], "open_from_handoff", handoff_for_complaint(complaint()), "PML Art 26, 32")
        not_a_suit = handoff_for_suit(complaint())
        not_a_suit["data"]["purpose"] = None
        create_refused(rpc_as, ACTORS[who], "open_from_handoff", not_a_suit, "PML Art 26, 32")
    # the petition officer / handling organ only as a petition case's 涉法涉诉 civil suit (诉访分离)
    for who in ("xfb", "handler"):
        create_refused(rpc_as, ACTORS[who], "receive_complaint", complaint(), "SPEC §7", "LVR Art 20 ¶2, 22 ¶2")
        create_refused(rpc_as, ACTORS[who], "open_from_handoff", handoff_for_suit(complaint()), "LVR Art 20 ¶2")
        not_a_suit = handoff_for_petition(complaint())
        not_a_suit["data"]["purpose"] = None
        create_refused(rpc_as, ACTORS[who], "open_from_handoff", not_a_suit, "LVR Art 20 ¶2, 22 ¶2")
    create_refused(rpc_as, ACTORS["party"], "open_from_handoff", handoff_for_petition(complaint()), "PML Art 26, 32")
    clerk = {"user_id": "f-99", "role": "filing", "org_id": "zj-centre"}   # a "filing officer" of no court:
    err = expect_error("FORBIDDEN", rpc_as(clerk).diversion.receive_complaint, complaint(), key())   # refused
    assert err.details["reason"] == "role_not_for_org" and "CPL Art 126" in err.message     # before any guard
    create_refused(rpc_as, ACTORS["filing"], "receive_complaint", complaint(court_id="sx-court"), "OMR Art 8, 10")
    # lawful: the county court's officer, and the router through the hand-off
    assert rpc_as(ACTORS["filing"]).diversion.receive_complaint(complaint(), key())["status"] == "DV_RECEIVED"
    made = rpc_as(ACTORS["router"]).diversion.open_from_handoff(handoff_for_complaint(complaint()), key())
    assert made["status"] == "DV_RECEIVED"
    made = rpc_as(ACTORS["xfb"]).diversion.open_from_handoff(handoff_for_petition(complaint()), key())
    assert (made["status"], made["channel"], made["parent"]["service"]) == ("DV_RECEIVED", "window", "petition")


def test_duty_to_explain_and_the_plaintiffs_consent(dv):
    case = dv.drive(["receive_complaint"])
    refused(dv, case, "explain_mediation", {"how": "oral", "told": ["advantages", "forms"], "suitable": True},
            "OMR Art 7")
    guided = fire(dv, case, "explain_mediation")
    refused(dv, guided, "plaintiff_consents", {"party": 2}, "SIM Art 11", "OMR Art 4")   # the respondent is not the plaintiff
    refused(dv, guided, "plaintiff_declines", {"party": 2}, "CPL Art 125")
    assert fire(dv, guided, "plaintiff_consents", {"party": 1})["status"] == "DV_DESIGNATING"

    unsuitable = dv.drive(["receive_complaint", "explain_mediation"],
                          {"explain_mediation": {"how": "oral", "told": ["forms", "rights_obligations",
                                                                         "legal_consequences", "procedure"],
                                                 "suitable": False}})
    refused(dv, unsuitable, "plaintiff_consents", {"party": 1}, "CPL Art 125", "OMR Art 9(3)")
    assert fire(dv, unsuitable, "direct_to_filing", {"ground": "not_suitable_for_mediation"})["status"] == "DV_FILING_REVIEW"


def test_d7_a_matter_that_failed_pre_filing_mediation_is_not_diverted_again(dv, rpc_as):
    first = complaint()
    failed = dv.drive(TO_FAILED, {"receive_complaint": first})
    assert failed["data"]["prefiling_failed"] is True
    again = dv.drive(["receive_complaint", "explain_mediation"], {"receive_complaint": {**first, "summary": "再次起诉"}})
    assert [m["case_no"] for m in again["data"]["d7"]] == [failed["case_no"]]
    refused(dv, again, "plaintiff_consents", {"party": 1}, "SZ Art 69 ¶2", "D7")
    assert fire(dv, again, "direct_to_filing", {"ground": "already_premediated"})["status"] == "DV_FILING_REVIEW"
    # other parties, or another subject: no match
    other = dv.drive(["receive_complaint", "explain_mediation"])
    refused(dv, other, "direct_to_filing", {"ground": "already_premediated"}, "SZ Art 69 ¶2")
    moved = dv.drive(["receive_complaint", "explain_mediation"],
                     {"receive_complaint": {**first, "subject_ref": "另一地块"}})
    assert moved["data"]["d7"] == []
    assert fire(dv, moved, "plaintiff_consents", {"party": 1})["status"] == "DV_DESIGNATING"


def test_d7_a_hand_off_from_a_terminated_peoples_mediation(dv, rpc_as):
    data = complaint()
    handoff = {**handoff_for_complaint(data), "parent_service": "mediation", "parent_case_no": "PM-330681-2026-000009",
               "data": {"purpose": "litigation", "prior_mediation": {"outcome": "terminated"}}}
    case = rpc_as(ACTORS["router"]).diversion.open_from_handoff(handoff, key())
    assert case["data"]["d7"][0]["source"] == "mediation" and case["parent"]["service"] == "mediation"
    guided = fire(dv, case, "explain_mediation")
    refused(dv, guided, "plaintiff_consents", {"party": 1}, "SZ Art 69 ¶2")
    assert fire(dv, guided, "direct_to_filing", {"ground": "already_premediated"})["status"] == "DV_FILING_REVIEW"


def test_d7_is_configurable(container_factory, rabbit_config, jiefen, rpc_as):
    from infra.config import load_config
    from services.diversion.service import DiversionService
    settings = dict(load_config()["diversion"])
    settings["d7"] = {"enabled": False}
    container = container_factory(DiversionService, {**rabbit_config, "serializer": "json",
                                                     "JIEFEN": {**jiefen, "diversion": settings}})
    container.start()
    dv = dv_walker(container, rpc_as)
    first = complaint()
    dv.drive(TO_FAILED, {"receive_complaint": first})
    again = dv.drive(["receive_complaint", "explain_mediation"], {"receive_complaint": first})
    assert again["data"]["d7"] == []
    assert fire(dv, again, "plaintiff_consents", {"party": 1})["status"] == "DV_DESIGNATING"


# -- DV: designation -----------------------------------------------------------------------------------
def test_designation_guards(dv, rpc_as):
    case = dv.drive(TO_DESIGNATING)
    refused(dv, case, "designate_mediator", {"by": "parties_jointly", "mediator_org_id": "zj-police"}, "SIM Art 1")
    # within the 2 working days only the parties' joint choice, or the court at their request
    refused(dv, case, "designate_mediator", {"by": "court", "mediator_org_id": COMMITTEE}, "OMR Art 10 ¶2")
    refused(dv, case, "designate_mediator", {"by": "court", "mediator_org_id": COMMITTEE, "parties_asked_court": True},
            "OMR Art 10 ¶2", role="party")
    done = fire(dv, case, "designate_mediator", {"by": "court", "mediator_org_id": COMMITTEE,
                                                  "parties_asked_court": True}, role="filing")
    assert done["status"] == "DV_AWAITING_MEDIATOR" and COMMITTEE in done["data"]["participants"]

    jointly = dv.drive(TO_AWAITING_MEDIATOR)
    refused(dv, jointly, "refuse_designation", {"party": 1}, "SIM Art 12")
    assert fire(dv, done, "refuse_designation", {"party": 1})["status"] == "DV_FILING_REVIEW"


def test_joint_choice_lapses_after_two_working_days_then_the_court_designates(dv):
    timekeeping.set_now(at(2026, 2, 13, 10, 0))          # Friday before the Spring Festival
    case = dv.drive(TO_DESIGNATING)
    # 2 WD from the next day: 2/14 (make-up Saturday), then 2/15-23 off, 2/24
    timekeeping.set_now(at(2026, 2, 24, 23, 0))
    jointly = {"by": "parties_jointly", "mediator_org_id": COMMITTEE}
    still = dv.drive(TO_DESIGNATING)                      # (a second case, made on 2/24: its own two days)
    timekeeping.set_now(at(2026, 2, 25, 9, 0))
    refused(dv, case, "designate_mediator", jointly, "OMR Art 10 ¶2", role="party")
    assert fire(dv, still, "designate_mediator", jointly, role="party")["status"] == "DV_AWAITING_MEDIATOR"
    court = fire(dv, case, "designate_mediator", {"by": "court", "mediator_org_id": COMMITTEE}, role="filing")
    assert court["data"]["designation"]["by"] == "court"


def test_only_the_designated_body_acts_and_only_in_time(dv, diversion, rpc_as):
    case = dv.drive(TO_AWAITING_MEDIATOR)
    court_mediator = {"user_id": "med-court", "role": "mediator", "org_id": "zj-court"}   # not the body designated
    refused(dv, case, "mediator_accepts", {}, "OMR Art 12", role=court_mediator)
    refused(dv, case, "mediator_declines", {"ground": "outside_remit", "reason": "x"}, "OMR Art 12",
            role=court_mediator)
    # another committee is not even a participant of the case
    other = {"user_id": "med-cty-01", "role": "mediator", "org_id": "zj-pmc-county"}
    expect_error("FORBIDDEN", dv.fire, "mediator_accepts", case, None, other)

    timekeeping.set_now(datetime.now(SH) + timedelta(days=20))   # past 3 WD, before any sweep
    refused(dv, case, "mediator_accepts", {}, "OMR Art 12", code="DEADLINE_PASSED")


def test_respondent_mediating_and_agreement_guards(dv):
    waiting = dv.drive(TO_AWAITING_RESPONDENT)
    refused(dv, waiting, "respondent_consents", {"party": 1}, "OMR Art 15")
    refused(dv, waiting, "respondent_refuses", {"party": 1}, "OMR Art 15")
    court_mediator = {"user_id": "med-court", "role": "mediator", "org_id": "zj-court"}
    refused(dv, waiting, "respondent_unreachable", {"attempts": "x"}, "OMR Art 12, 15", role=court_mediator)

    case = dv.drive(TO_MEDIATING)
    refused(dv, case, "extend_period", {"clock": "prefiling_mediation", "amount": 10, "agreed_by": [1]},
            "OMR Art 24", "SIM Art 27")
    agreement = {"content": "x", "signatures": [1], "mediator_signature": "med-jy-01", "org_seal": True}
    refused(dv, case, "sign_agreement", agreement, "OMR Art 19", "SIM Art 24")
    refused(dv, case, "sign_agreement", {**agreement, "signatures": [1, 2], "org_seal": False}, "OMR Art 19 ¶1")
    refused(dv, case, "terminate", {"ground": "other", "reason": "x"}, "OMR Art 12, 15", role=court_mediator)
    settled = fire(dv, case, "sign_agreement", {**agreement, "signatures": [2, 1]})
    assert settled["status"] == "DV_SETTLED" and settled["data"]["agreement"]["delegated_by_court"] == "zj-court"


def test_filing_guards(dv):
    failed = dv.drive(TO_FAILED)
    assert failed["data"]["failure"]["reason"]          # the reason is recorded on failing (OMR Art 21)
    refused(dv, failed, "transfer_to_filing", {"party_insists_on_suing": False, "party": 1}, "SIM Art 21 ¶1")
    refused(dv, failed, "transfer_to_filing", {"party_insists_on_suing": True, "party": 2}, "CPL Art 122(1), 123")
    review = fire(dv, failed, "transfer_to_filing")
    assert review["data"]["suit_decision"]["party"] == 1 and review["data"]["suit_decision"]["recorded"]["role"] == \
        "mediator"
    refused(dv, review, "file_case", {"docket_no": "（2026）浙0681民初1号", "conditions": list(FILING_CONDITIONS)[:3]},
            "CPL Art 122")
    refused(dv, review, "refuse_filing", {"ground": "other_court", "ruling_no": "（2026）浙0681民初9号", "channel_told": "y",
                                          "appeal_told": False}, "CPL Art 126")
    assert fire(dv, review, "file_case")["status"] == "DV_FILED"


def test_entrustment_needs_a_mediation_organisation(dv):
    filed = dv.drive(["receive_complaint", "direct_to_filing", "file_case"])
    refused(dv, filed, "entrust_mediation", {"procedure": "ordinary", "mediator_org_id": "zj-police"}, "SIM Art 1")
    entrusted = fire(dv, fire(dv, filed, "entrust_mediation"), "entrusted_file_received")
    court_mediator = {"user_id": "med-court", "role": "mediator", "org_id": "zj-court"}
    refused(dv, entrusted, "agreement_reached", {"outcome": "withdrawal", "content": "撤诉"}, "SIM Art 26",
            role=court_mediator)
    assert fire(dv, entrusted, "agreement_reached", role="judge")["status"] == "DV_CONCLUDED_BY_CONSENT"


def test_judicial_confirmation_of_a_settled_case_guards(dv):
    settled = dv.drive(TO_SETTLED)
    refused(dv, settled, "apply_judicial_confirmation", {"applicants": [1]}, "CPL Art 205", "CPLI Art 351")
    applied = fire(dv, settled, "apply_judicial_confirmation")
    refused(dv, applied, "apply_judicial_confirmation", {"applicants": [1, 2]}, "CPLI Art 352 ¶2")

    late = dv.drive(TO_SETTLED)
    timekeeping.set_now(datetime.now(SH) + timedelta(days=45))
    refused(dv, late, "apply_judicial_confirmation", {"applicants": [1, 2]}, "CPL Art 205", "PML Art 33")


# -- JC ---------------------------------------------------------------------------------------------------
def test_application_guards(jc, rpc_as):
    party = party_actor(ACTORS["party"])          # the court's filing officer records the joint application
    create_refused(rpc_as, party, "apply_for_confirmation", application(applicants=[1]), "CPL Art 205", "CPLI Art 351")
    old = (datetime.now(SH) - timedelta(days=40)).date().isoformat()
    create_refused(rpc_as, party, "apply_for_confirmation", application(old), "CPL Art 205", "PML Art 33")
    future = (datetime.now(SH) + timedelta(days=3)).date().isoformat()
    create_refused(rpc_as, party, "apply_for_confirmation", application(future), "CPL Art 205")
    create_refused(rpc_as, party, "apply_for_confirmation", application(court_id="zj-centre"), "CPL Art 205",
                   "CPLI Art 352")
    create_refused(rpc_as, party, "apply_for_confirmation", application(court_id="sx-court"), "CPL Art 205")
    delegated = application()
    delegated["agreement"]["delegated_by_court"] = "sx-court"   # delegated by another court: apply there
    create_refused(rpc_as, party, "apply_for_confirmation", delegated, "CPL Art 205")
    create_refused(rpc_as, ACTORS["router"], "apply_for_confirmation", application(), "SPEC §7")
    not_joint = handoff_for_confirmation(application())
    not_joint["data"]["joint_application"] = False
    create_refused(rpc_as, ACTORS["router"], "open_from_handoff", not_joint, "CPLI Art 351")
    # lawful: the intermediate court where the dispute belongs to it; the basic court otherwise
    made = rpc_as(party).diversion.apply_for_confirmation(application(court_id="sx-court", intermediate_court=True), key())
    assert made["org_id"] == "sx-court"
    assert rpc_as(party).diversion.apply_for_confirmation(application(), key())["status"] == "JC_APPLIED"


def test_review_and_ruling_guards(jc, diversion):
    review = jc.drive(["apply", "accept"])
    refused(jc, review, "withdraw", {"party": 7}, "CPLI Art 357")
    refused(jc, review, "confirm", {"ruling_no": "（2026）浙0681民特9号", "parties_heard": False}, "CPLI Art 356 ¶1")
    supplementing = fire(jc, review, "request_supplement")
    env = platform_env(diversion, "jc")
    err = expect_error("GUARD_FAILED", transition, env, system_actor("zj-court"), "deadline_expired",
                       case_id=supplementing["case_id"], data={"clock": "jc_decision"},
                       expected_version=supplementing["version"], idempotency_key=key(),
                       view=lambda case, ctx: {})
    assert "CPLI Art 357 ¶2" in err.message
    confirmed = jc.drive(["apply", "accept", "confirm"])
    refused(jc, confirmed, "apply_enforcement", {"applicant": 5, "non_performance": "refused"}, "CPL Art 206")
    refused(jc, confirmed, "file_objection", {"objector": "party", "party": 5, "grounds": "x"}, "CPLI Art 372")


def test_objection_periods(jc):
    timekeeping.set_now(at(2026, 9, 21, 10, 0))
    case = jc.drive(["apply", "accept"])
    timekeeping.set_now(at(2026, 9, 22, 10, 0))
    ruled = fire(jc, case, "confirm", {"ruling_no": "（2026）浙0681民特5号", "parties_heard": True,
                                      "served_on": "2026-09-22"})
    party = {"objector": "party", "party": 2, "grounds": "违反自愿原则"}
    # 15 d from the next day: 10/7 falls in the National Day holiday, so the period ends on 10/8
    timekeeping.set_now(at(2026, 10, 9, 9, 0))
    refused(jc, ruled, "file_objection", party, "CPLI Art 372 ¶2")
    interested = {"objector": "interested_person", "name": "王五", "known_on": "2026-03-01", "grounds": "侵害其房屋权益"}
    refused(jc, ruled, "file_objection", interested, "CPLI Art 372 ¶2")       # 6 months ended 9/1
    timekeeping.set_now(at(2026, 10, 8, 22, 0))
    assert fire(jc, ruled, "file_objection", party)["status"] == "JC_OBJECTION"
    other = jc.drive(["apply", "accept", "reject"])
    timekeeping.set_now(at(2026, 10, 8, 22, 0))
    ok = fire(jc, other, "file_objection", {**interested, "known_on": "2026-04-09"})   # 6 months → 10/9
    assert ok["status"] == "JC_OBJECTION" and ok["data"]["objection"]["objector"] == "interested_person"
