"""Hand-offs that involve diversion (SPEC §7), over RPC: intake's route to diversion, a people's-
mediation case applying for judicial confirmation, a terminated mediation's suit, and a settled DV
case applying for confirmation in this same service. Each links the cases, and the outbox events
carry the parent so the parent service can track the child (and record the ruling)."""
from __future__ import annotations


from sqlalchemy import select

from infra.actors import Actor
from infra.db import read_session
from infra.engine import transition
from infra.models import OutboxRow
from infra.views import case_view
from tests.factories import key
from tests.harness import expect_error, party_actor, wait_for
from tests.interface.diversion_walk import (ACTORS, COMMITTEE, application, complaint, diversion, dv_walker,
                                            handoff_for_complaint, handoff_for_confirmation, handoff_for_suit,
                                            jc_walker, platform_env)

__all__ = ["diversion"]
TO_SETTLED = ["receive_complaint", "explain_mediation", "plaintiff_consents", "designate_mediator",
              "mediator_accepts", "respondent_consents", "sign_agreement"]


def outbox(container, case_id: str) -> list[dict]:
    env = platform_env(container, "diversion")
    with read_session(env.engine) as s:
        rows = s.scalars(select(OutboxRow).order_by(OutboxRow.created_at, OutboxRow.id)).all()
        return [r.payload for r in rows if r.payload["case_id"] == case_id]




def test_intake_route_opens_a_pre_filing_case_at_the_court_it_named(diversion, rpc_as):
    router = rpc_as(ACTORS["router"]).diversion
    handoff = handoff_for_complaint(complaint())
    k = key()
    case = router.open_from_handoff(handoff, k)
    assert (case["status"], case["org_id"], case["case_no"][:3]) == ("DV_RECEIVED", "zj-court", "DV-")
    assert case["parent"] == {"service": "intake", "case_id": handoff["parent_case_id"]}
    assert case["links"][0] | {"created_at": None, "updated_at": None} == {
        "link_type": "parent", "service": "intake", "case_id": handoff["parent_case_id"],
        "case_no": handoff["parent_case_no"], "status": None, "terminal": False, "basis": handoff["basis"],
        "created_at": None, "updated_at": None}
    assert case["data"]["participants"] == ["zj-centre"]          # the centre's window keeps following it
    assert case["data"]["handoff"]["reason"] == "当事人坚持起诉"
    # a retried delivery opens no second case (per-link idempotency key)
    assert router.open_from_handoff(handoff, k)["case_id"] == case["case_id"]
    assert router.find_cases({"parent_case_id": handoff["parent_case_id"]}, {})["total"] == 1
    registered = outbox(diversion, case["case_id"])[0]
    assert (registered["event_type"], registered["parent_service"], registered["parent_case_id"], registered["to"]) == \
        ("case_registered", "intake", handoff["parent_case_id"], "DV_RECEIVED")
    # a target that is not a court: the county court (config diversion.default_court)
    other = router.open_from_handoff({**handoff_for_complaint(complaint()), "target_org_id": "zj-pmc-jiyang"}, key())
    assert other["org_id"] == "zj-court"
    # the court's officers act on it
    guided = rpc_as(ACTORS["filing"]).diversion.fire(case["case_id"], "explain_mediation",
                                                     {"how": "oral", "told": ["forms", "rights_obligations",
                                                                              "legal_consequences", "procedure"],
                                                      "suitable": True}, case["version"], key())
    assert guided["status"] == "DV_GUIDED"


def test_a_bad_hand_off_names_its_fields_and_stores_nothing(diversion, rpc_as):
    router = rpc_as(ACTORS["router"]).diversion
    bad = handoff_for_complaint(complaint())
    del bad["parent_case_id"]
    bad["parties"] = []
    err = expect_error("VALIDATION_ERROR", router.open_from_handoff, bad, key())
    assert {"parent_case_id", "parties"} <= set(err.details["fields"]["handoff"])
    assert router.find_cases({}, {})["total"] == 0


def test_a_mediation_agreement_applies_and_the_ruling_flows_back_on_the_bus(diversion, rpc_as):
    """SPEC §7: PM apply_judicial_confirmation → JC_APPLIED; JC_CONFIRMED / JC_REJECTED → PM. The engine's
    case_transitioned events carry parent_service "mediation" and the mediation case id;
    judicial_confirmation_ruled adds the ruling number and ground."""
    party_at_committee = party_actor(COMMITTEE)
    pm_case = key()[:32]
    jc = rpc_as(party_at_committee).diversion.open_from_handoff(handoff_for_confirmation(application(), pm_case), key())
    assert (jc["case_type"], jc["status"], jc["org_id"]) == ("jc", "JC_APPLIED", "zj-court")
    assert jc["parent"] == {"service": "mediation", "case_id": pm_case}
    assert jc["data"]["agreement"]["content"] == "李四拆除占道围墙，张三承担费用800元"   # from the PM agreement's obligations
    assert jc["data"]["agreement"]["mediation_org_id"] == COMMITTEE
    assert jc["data"]["participants"] == [COMMITTEE]
    court = rpc_as(ACTORS["filing"]).diversion
    jc = court.fire(jc["case_id"], "accept", {"docket_no": "（2026）浙0681民特7号"}, jc["version"], key())
    jc = rpc_as(ACTORS["judge"]).diversion.fire(jc["case_id"], "confirm", {"ruling_no": "（2026）浙0681民特7号",
                                                                         "parties_heard": True}, jc["version"], key())
    assert jc["status"] == "JC_CONFIRMED" and jc["terminal"] is True
    events = outbox(diversion, jc["case_id"])
    confirmed = [e for e in events if e["event_type"] == "case_transitioned" and e["to"] == "JC_CONFIRMED"]
    assert len(confirmed) == 1
    assert (confirmed[0]["parent_service"], confirmed[0]["parent_case_id"], confirmed[0]["event"],
            confirmed[0]["case_type"], confirmed[0]["terminal"]) == ("mediation", pm_case, "confirm", "jc", True)
    ruled = [e for e in events if e["event_type"] == "judicial_confirmation_ruled"]
    assert [(r["outcome"], r["ruling"]["ruling_no"], r["parent_case_id"]) for r in ruled] == \
        [("confirmed", "（2026）浙0681民特7号", pm_case)]
    # the parties may then ask for enforcement (CPL Art 206)
    enforced = rpc_as(party_at_committee).diversion.fire(jc["case_id"], "apply_enforcement",
                                                         {"applicant": 1, "non_performance": "partial"},
                                                         jc["version"], key())
    assert enforced["status"] == "JC_ENFORCEMENT_REQUESTED"

    rejected = jc_walker(diversion, rpc_as).drive(["apply", "accept", "reject"])
    ruled = [e for e in outbox(diversion, rejected["case_id"]) if e["event_type"] == "judicial_confirmation_ruled"]
    assert ruled[0]["outcome"] == "rejected" and ruled[0]["ruling"]["ground"] == "unclear_content"
    assert ruled[0]["report_to"] == ["zj-justice", COMMITTEE]                  # JC11 Art 12


def test_a_terminated_mediations_suit_is_registered_for_filing_review_as_the_party_who_sues(diversion, rpc_as):
    """SPEC §7: PM_TERMINATED → DV_RECEIVED. The mediation's respondent sues through the committee: it is
    the plaintiff, the other side the defendant, its claim the request; D7 bars a second pre-filing
    mediation, so the case goes to filing review; the committee follows the case."""
    data = complaint()
    handoff = handoff_for_suit(data, plaintiff=2)
    pmc = rpc_as(ACTORS["pmc"]).diversion
    k = key()
    case = pmc.open_from_handoff(handoff, k)
    assert (case["status"], case["org_id"]) == ("DV_RECEIVED", "zj-court")
    assert case["parent"] == {"service": "mediation", "case_id": handoff["parent_case_id"]}
    assert [(p["role"], p["name"]) for p in case["parties"]] == [("respondent", data["parties"][0]["name"]),
                                                                 ("applicant", data["parties"][1]["name"])]
    assert case["request"] == "请求判令被告拆除占道围墙"
    assert case["data"]["participants"] == [COMMITTEE] and case["data"]["complaint"]["how"] == "handoff"
    assert [(m["source"], m["outcome"]) for m in case["data"]["d7"]] == [("mediation", "terminated")]
    assert pmc.open_from_handoff(handoff, k)["case_id"] == case["case_id"]       # a retried delivery
    filing = rpc_as(ACTORS["filing"]).diversion
    guided = filing.fire(case["case_id"], "explain_mediation", {"how": "oral", "told": [
        "forms", "rights_obligations", "legal_consequences", "procedure"], "suitable": True}, case["version"], key())
    err = expect_error("GUARD_FAILED", rpc_as(party_actor(ACTORS["party"])).diversion.fire, case["case_id"], "plaintiff_consents",
                       {"party": 2}, guided["version"], key())
    assert "SZ Art 69 ¶2" in err.message
    review = filing.fire(case["case_id"], "direct_to_filing", {"ground": "already_premediated"}, guided["version"],
                         key())
    assert review["status"] == "DV_FILING_REVIEW"
    # a suit over an agreement that was not performed (PML Art 32) is not D7: mediation may be offered again
    other = pmc.open_from_handoff(handoff_for_suit(complaint(), outcome="agreement_not_performed"), key())
    assert other["data"]["d7"] == [] and other["parties"][0]["role"] == "applicant"


def test_a_settled_pre_filing_case_applies_and_its_confirmation_case_is_linked_both_ways(diversion, rpc_as):
    dv = dv_walker(diversion, rpc_as)
    settled = dv.drive(TO_SETTLED)
    party = rpc_as(party_actor(ACTORS["party"])).diversion
    k = key()
    after = party.apply_judicial_confirmation(settled["case_id"], [1, 2], settled["version"], k)
    assert after["status"] == "DV_SETTLED" and after["version"] == settled["version"] + 1
    link = [l for l in after["links"] if l["link_type"] == "child" and l["service"] == "diversion"][0]
    assert (link["service"], link["status"]) == ("diversion", "JC_APPLIED")
    jc = party.get_case(link["case_id"])
    assert (jc["case_type"], jc["case_no"], jc["parent"]) == ("jc", link["case_no"],
                                                              {"service": "diversion", "case_id": settled["case_id"]})
    assert jc["data"]["agreement"]["delegated_by_court"] == "zj-court"
    assert jc["data"]["application"]["jurisdiction_basis"] == "delegating_court"
    # a retry of the same call opens nothing new
    again = party.apply_judicial_confirmation(settled["case_id"], [1, 2], settled["version"], k)
    assert [l["case_id"] for l in again["links"] if l["link_type"] == "child" and l["service"] == "diversion"] == [link["case_id"]]
    assert party.find_cases({"case_type": "jc", "parent_case_id": settled["case_id"]}, {})["total"] == 1
    # the JC ruling reaches the DV case's link through the service's own events
    jc = rpc_as(ACTORS["filing"]).diversion.fire(jc["case_id"], "accept", {"docket_no": "（2026）浙0681民特8号"},
                                                 jc["version"], key())
    rpc_as(ACTORS["judge"]).diversion.fire(jc["case_id"], "confirm", {"ruling_no": "（2026）浙0681民特8号",
                                                                      "parties_heard": True}, jc["version"], key())

    def link_confirmed():
        got = party.get_case(settled["case_id"])
        child = [l for l in got["links"] if l["link_type"] == "child" and l["service"] == "diversion"][0]
        return child["status"] == "JC_CONFIRMED" and child["terminal"] and got
    wait_for(link_confirmed)


def test_an_application_recorded_without_the_command_is_opened_by_the_timer(diversion, rpc_as):
    """Crash between the DV transition and the JC creation: the waiting link is picked up later."""
    dv = dv_walker(diversion, rpc_as)
    settled = dv.drive(TO_SETTLED)
    env = platform_env(diversion, "diversion")
    transition(env, Actor(**party_actor(ACTORS["party"])), "apply_judicial_confirmation", case_id=settled["case_id"],
               data={"applicants": [1, 2]}, expected_version=settled["version"], idempotency_key=key(),
               view=lambda case, ctx: case_view(case, env, None, ctx.now))

    def opened():
        got = rpc_as(party_actor(ACTORS["party"])).diversion.get_case(settled["case_id"])
        child = [l for l in got["links"] if l["link_type"] == "child" and l["service"] == "diversion"][0]
        return child["case_id"] and child
    child = wait_for(opened)
    assert child["status"] == "JC_APPLIED"
    assert rpc_as(party_actor(ACTORS["party"])).diversion.find_cases({"case_type": "jc"}, {})["total"] == 1
