"""Intake and mediation as separate processes on RabbitMQ: the window registers a neighbours' dispute
and routes it to the street's mediation committee; the committee's case appears by itself (hand-off
over RPC), intake tracks it through events, and closes when the mediation case is archived."""
from __future__ import annotations

from tests.harness import party_actor
from tests.e2e.conftest import wait_for
from tests.factories import claim, key

WINDOW = {"user_id": "clerk-01", "role": "window", "org_id": "zj-centre"}
ROUTER = {"user_id": "router-01", "role": "router", "org_id": "zj-centre"}
PARTY = party_actor("zj-centre", 2)   # the centre's window records the parties' acts
PMC = {"user_id": "pmc-jy-01", "role": "pmc", "org_id": "zj-pmc-jiyang"}
MEDIATOR = {"user_id": "med-jy-01", "role": "mediator", "org_id": "zj-pmc-jiyang"}
AGREEMENT = {
    "parties": [1, 2], "dispute": "被申请人在通道加建围墙，申请人无法通行",
    "obligations": "被申请人拆除围墙，申请人承担一半费用800元", "performance_manner": "自行拆除；现金支付",
    "performance_deadline": "协议生效后十五日内", "signatures": [{"party": 1}, {"party": 2, "form": "fingerprint"}],
    "mediator_signature": "med-jy-01", "committee_seal": True,
}


def test_a_routed_dispute_is_mediated_and_intake_closes_when_the_committee_archives_it(cluster):
    cluster.start("intake", "mediation")
    with cluster.rpc(WINDOW) as window, cluster.rpc(ROUTER) as router, cluster.rpc(PARTY) as party, \
            cluster.rpc(PMC) as pmc, cluster.rpc(MEDIATOR) as mediator:
        registered = window.intake.register_case(claim(), key())
        case = router.intake.classify(registered["case_id"], "neighbourhood", registered["version"], key())
        case = router.intake.route(case["case_id"], "mediation", "民间纠纷，调解先行", case["version"], key(),
                                   {"target_org_id": "zj-pmc-jiyang"})
        assert case["status"] == "IN_ROUTED"
        intake_id = case["case_id"]

        # intake's relay hands the matter over; the mediation case appears by itself
        link = wait_for(lambda: window.intake.get_case(intake_id)["links"][0]["case_id"] and
                        window.intake.get_case(intake_id)["links"][0])
        pm = pmc.mediation.get_case(link["case_id"])
        assert (pm["status"], pm["org_id"], pm["case_no"][:10]) == ("PM_APPLIED", "zj-pmc-jiyang", "PM-330681-")
        assert pm["parent"] == {"service": "intake", "case_id": intake_id} and link["case_no"] == pm["case_no"]

        # intake tracks the child by itself as soon as it exists
        wait_for(lambda: window.intake.get_case(intake_id)["status"] == "IN_TRACKING")
        # one party applied: the committee asks the other, who consents at the centre's window
        pm = pmc.mediation.fire(pm["case_id"], "request_consent", {"how": "phone"}, pm["version"], key())
        pm = party.mediation.fire(pm["case_id"], "respondent_consents", {"party": 2}, pm["version"], key())
        assert pm["status"] == "PM_ACCEPTED"
        assert [c["kind"] for c in pm["deadlines"]] == ["mediation_general"]
        pm = pmc.mediation.assign_mediator(pm["case_id"], ["med-jy-01"], "designated", pm["version"], key())
        pm = mediator.mediation.fire(pm["case_id"], "sign_written_agreement", AGREEMENT, pm["version"], key())
        assert pm["status"] == "PM_AGREEMENT_EFFECTIVE"
        window_clock = next(c for c in pm["deadlines"] if c["kind"] == "confirmation_window")
        # 30 days from the day after the agreement took effect, later if the last day is a holiday
        assert (window_clock["unit"], window_clock["amount"], window_clock["status"]) == ("days", 30, "running")
        assert window_clock["days_left"] >= 30
        wait_for(lambda: window.intake.get_case(intake_id)["links"][0]["status"] == "PM_AGREEMENT_EFFECTIVE")

        pm = pmc.mediation.fire(pm["case_id"], "start_supervision", {"supervisor": "med-jy-01"}, pm["version"], key())
        assert pm["status"] == "PM_PERFORMING"
        # a month passes without an application: the window closes by itself, the agreement stays binding
        # (past the clock's own last day: 30 days from some days end on a holiday and roll to the next working day)
        cluster.advance_days(window_clock["days_left"] + 1)
        wait_for(lambda: "confirmation_window_closed" in
                 [h["event"] for h in pmc.mediation.case_history(pm["case_id"])])
        pm = pmc.mediation.get_case(pm["case_id"])
        assert pm["status"] == "PM_PERFORMING" and pm["data"]["confirmation_window"]["closed"] is True

        pm = mediator.mediation.fire(pm["case_id"], "record_performed", {"note": "围墙已拆除"}, pm["version"], key())
        pm = pmc.mediation.fire(pm["case_id"], "archive", {"file_no": "JY-2026-018", "materials": [
            "registration", "work_record", "agreement"]}, pm["version"], key())
        assert (pm["status"], pm["terminal"]) == ("PM_CLOSED", True)

        closed = wait_for(lambda: (c := window.intake.get_case(intake_id))["status"] == "IN_CLOSED" and c)
        assert closed["links"][0]["status"] == "PM_CLOSED" and closed["links"][0]["terminal"] is True
        # the resident, with the query code, sees where the case went and that it is closed
        seen = window.intake.lookup_by_query_code(registered["case_no"], registered["query_code"])
        assert seen["closed"] is True and [{k: c[k] for k in ("service", "status")} for c in seen["children"]] == [
            {"service": "mediation", "status": "PM_CLOSED"}]
