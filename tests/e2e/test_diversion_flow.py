"""End-to-end with intake and diversion as separate processes (SPEC §2.3, §4, §7).

(a) A would-be plaintiff at the centre's window: registered, classified, routed to diversion; the court
    receives it (DV_RECEIVED) and intake tracks it; mediation is explained, consented to, designated,
    accepted and tried; it fails with its reason recorded; the file goes to filing review and the case
    is filed (立案). DV_FILED is terminal for the centre — the matter has left it for litigation — so
    intake's case closes (IN_CLOSED).
(b) A people's-mediation agreement applies for judicial confirmation through ``open_from_handoff``, as the
    mediation service's relay will call it; the court accepts and confirms; the ``case_transitioned``
    event for JC_CONFIRMED carries parent_service "mediation" and the mediation case id (and
    ``judicial_confirmation_ruled`` the ruling number), which is what the mediation service consumes.
The full mediation ↔ diversion flow, with the mediation service's relay and its subscription to these
events, is tests/e2e/test_confirmation_flow.py.
"""
from __future__ import annotations

from nameko.events import event_handler

from tests.harness import party_actor
from tests.conftest import ACTORS as CENTRE
from tests.e2e.conftest import wait_for
from tests.factories import key
from tests.interface.diversion_walk import ACTORS, COMMITTEE, application, complaint, handoff_for_confirmation

SEEN: list[dict] = []


class DiversionListener:
    """Listens to diversion's events as the mediation service does (without it running)."""
    name = "diversion_listener"

    @event_handler("diversion", "case_transitioned")
    def transitioned(self, payload):
        SEEN.append(payload)

    @event_handler("diversion", "judicial_confirmation_ruled")
    def ruled(self, payload):
        SEEN.append(payload)


def test_a_failed_pre_filing_mediation_is_filed_and_intake_closes(cluster):
    cluster.start("intake", "diversion")
    claim = complaint()
    with cluster.rpc(CENTRE["window"]) as window, cluster.rpc(CENTRE["router"]) as router, \
            cluster.rpc(ACTORS["filing"]) as filing, cluster.rpc(party_actor(ACTORS["party"])) as party, \
            cluster.rpc(ACTORS["mediator"]) as mediator:
        case = window.intake.register_case(claim, key())
        case = router.intake.classify(case["case_id"], "neighbourhood", case["version"], key())
        case = router.intake.route(case["case_id"], "diversion", "当事人坚持起诉，释明诉前调解", case["version"], key(),
                                   {"party_wants_to_sue": True, "target_org_id": "zj-court"})
        assert case["status"] == "IN_ROUTED"
        intake_id = case["case_id"]

        # the relay hands it over; the court's case appears and intake starts tracking it
        tracking = wait_for(lambda: (c := window.intake.get_case(intake_id))["status"] == "IN_TRACKING" and c)
        dv_id = tracking["links"][0]["case_id"]
        assert tracking["links"][0]["service"] == "diversion"
        dv = filing.diversion.get_case(dv_id)
        assert (dv["status"], dv["org_id"], dv["parent"]) == ("DV_RECEIVED", "zj-court",
                                                              {"service": "intake", "case_id": intake_id})
        assert dv["parties"][0]["id_number"] == claim["parties"][0]["id_number"]

        def step(proxy, event, data):
            nonlocal dv
            dv = proxy.diversion.fire(dv["case_id"], event, data, dv["version"], key())
            return dv

        step(filing, "explain_mediation", {"how": "oral", "told": ["advantages", "forms", "rights_obligations",
                                                                   "legal_consequences", "procedure"],
                                           "suitable": True})
        step(party, "plaintiff_consents", {"party": 1, "statement": "同意诉前调解"})
        step(party, "designate_mediator", {"by": "parties_jointly", "mediator_org_id": COMMITTEE})
        assert dv["status"] == "DV_AWAITING_MEDIATOR"
        step(mediator, "mediator_accepts", {"disclosure": "无"})
        assert {d["kind"] for d in dv["deadlines"]} == {"respondent_inquiry", "prefiling_mediation"}
        step(party, "respondent_consents", {"party": 2, "how": "phone"})
        step(mediator, "terminate", {"ground": "wide_disagreement", "reason": "双方对通道归属分歧较大，难以达成协议"})
        assert dv["status"] == "DV_FAILED" and dv["data"]["failure"]["reason"].startswith("双方对通道归属")
        step(mediator, "transfer_to_filing", {"party_insists_on_suing": True, "party": 1})
        assert dv["status"] == "DV_FILING_REVIEW" and dv["deadlines"][0]["kind"] == "filing_decision"
        step(filing, "file_case", {"docket_no": "（2026）浙0681民初201号",
                                   "conditions": ["plaintiff_direct_interest", "defendant_identified",
                                                  "specific_claim", "within_scope_and_jurisdiction"]})
        assert (dv["status"], dv["terminal"], dv["deadlines"]) == ("DV_FILED", True, [])

        closed = wait_for(lambda: (c := window.intake.get_case(intake_id))["status"] == "IN_CLOSED" and c)
        link = closed["links"][0]
        assert (link["case_id"], link["status"], link["terminal"]) == (dv_id, "DV_FILED", True)
        events = [h["event"] for h in window.intake.case_history(intake_id)]
        assert events[-2:] == ["start_tracking", "child_case_closed"]


def test_a_mediation_agreement_is_confirmed_and_the_ruling_event_names_the_mediation_case(cluster,
                                                                                          container_factory):
    SEEN.clear()
    listener = container_factory(DiversionListener, cluster.config)
    listener.start()
    cluster.start("diversion")
    pm_case_id = key()[:32]
    party_at_committee = party_actor(COMMITTEE)
    with cluster.rpc(party_at_committee) as party, cluster.rpc(ACTORS["filing"]) as filing, \
            cluster.rpc(ACTORS["judge"]) as judge:
        jc = party.diversion.open_from_handoff(handoff_for_confirmation(application(), pm_case_id), key())
        assert (jc["case_type"], jc["status"], jc["parent"]) == ("jc", "JC_APPLIED",
                                                                 {"service": "mediation", "case_id": pm_case_id})
        jc = filing.diversion.fire(jc["case_id"], "accept", {"docket_no": "（2026）浙0681民特11号"}, jc["version"], key())
        assert jc["status"] == "JC_UNDER_REVIEW"
        jc = judge.diversion.fire(jc["case_id"], "confirm", {"ruling_no": "（2026）浙0681民特11号", "parties_heard": True},
                                  jc["version"], key())
        assert jc["status"] == "JC_CONFIRMED"

    confirmed = wait_for(lambda: [e for e in SEEN if e["event_type"] == "case_transitioned"
                                  and e["case_id"] == jc["case_id"] and e["to"] == "JC_CONFIRMED"])
    assert len(confirmed) == 1
    e = confirmed[0]
    assert (e["service"], e["case_type"], e["event"], e["from"], e["terminal"]) == \
        ("diversion", "jc", "confirm", "JC_UNDER_REVIEW", True)
    assert (e["parent_service"], e["parent_case_id"]) == ("mediation", pm_case_id)
    ruled = wait_for(lambda: [p for p in SEEN if p["event_type"] == "judicial_confirmation_ruled"])
    assert (ruled[0]["outcome"], ruled[0]["ruling"]["ruling_no"], ruled[0]["parent_case_id"]) == \
        ("confirmed", "（2026）浙0681民特11号", pm_case_id)
