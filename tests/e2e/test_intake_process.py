"""The intake service as its own process, driven from outside over RabbitMQ by nameko and by the
pika client, as a window terminal would."""
from __future__ import annotations

from contracts.client import JiefenClient
from tests.conftest import ACTORS
from tests.e2e.conftest import wait_for
from tests.factories import claim, key
from tests.harness import expect_error


def test_window_registers_routes_and_the_decision_waits_for_the_undeployed_service_and_closes_only_after_it(cluster):
    cluster.start("intake")
    with cluster.rpc(ACTORS["window"]) as window, cluster.rpc(ACTORS["router"]) as router:
        case = window.intake.register_case(claim(), key())
        assert case["case_no"].startswith("JF-330681-")
        case = router.intake.classify(case["case_id"], "neighbourhood", case["version"], key())
        case = router.intake.route(case["case_id"], "mediation", "民间纠纷，调解先行", case["version"], key(),
                                   {"target_org_id": "zj-pmc-jiyang"})
        assert case["status"] == "IN_ROUTED"
        assert case["data"]["route"]["target"] == "mediation"
        assert case["links"][0]["status"] == "awaiting_service"
        # the relay publishes the routing event; the mediation service is not deployed, so the link waits
        got = window.intake.get_case(case["case_id"])
        assert got["links"][0]["case_id"] is None
        # issue 13 item 16 (SPEC §2; PSR Art 39): the window tracks it, but cannot close the case before the
        # routed child case exists and has ended
        got = window.intake.fire(got["case_id"], "start_tracking", {"notified_how": "phone"}, got["version"], key())
        err = expect_error("GUARD_FAILED", window.intake.close, got["case_id"], "已告知当事人", got["version"], key())
        assert "PSR Art 39" in err.message
        # the committee's service comes up: the child case opens, the committee declines it, intake closes
        cluster.start("mediation")
        link = wait_for(lambda: (l := window.intake.get_case(got["case_id"])["links"][0])["case_id"] and l)
        pmc = {"user_id": "pmc-jy-01", "role": "pmc", "org_id": "zj-pmc-jiyang"}
        with cluster.rpc(pmc) as committee:
            pm = committee.mediation.get_case(link["case_id"])
            committee.mediation.fire(pm["case_id"], "reject", {
                "ground": "accepted_by_court", "channel_told": "已由人民法院受理，告知当事人向法院了解进展"},
                pm["version"], key())
        closed = wait_for(lambda: (c := window.intake.get_case(got["case_id"]))["status"] == "IN_CLOSED" and c)
        assert [(l["status"], l["terminal"]) for l in closed["links"]] == [("PM_REJECTED", True)]


def test_pika_client_registers_and_reads(cluster):
    cluster.start("intake")
    with JiefenClient(cluster.config["AMQP_URI"], actor=ACTORS["window"], timeout=20, signer=cluster.signer) as client:
        intake = client.service("intake")
        sent = claim()
        case = intake.register_case(case=sent, idempotency_key=key())
        got = intake.get_case(case_id=case["case_id"])
        assert got["case_no"] == case["case_no"]
        # the registering organisation reads the ID number whole; listings mask it
        assert got["parties"][0]["id_number"] == sent["parties"][0]["id_number"]
        listed = intake.find_cases(filters={"case_no": case["case_no"]})
        assert listed["total"] == 1
        assert listed["items"][0]["parties"][0]["id_number"] == sent["parties"][0]["id_number"][:6] + "*" * 8 + sent["parties"][0]["id_number"][-4:]


def test_two_intake_instances_fire_each_warning_and_expiry_once(cluster):
    """Two processes of the intake service sweep the same database every 0.5 s (SPEC §1 timers)."""
    cluster.start("intake", instances=2)
    with cluster.rpc(ACTORS["window"]) as window, cluster.rpc(ACTORS["supv"]) as centre:
        cases = [window.intake.register_case(claim(), key()) for _ in range(12)]
        cluster.advance_days(30)          # far past the 5-working-day classify-and-route period

        def all_expired():
            return all(window.intake.get_case(c["case_id"])["supervised"] for c in cases)
        wait_for(all_expired, timeout=60)
        # the positive signal: four more whole sweeps, answered in turn by the two instances (the broker
        # hands the queue's calls round), each over the same expired clocks, have run since
        sweeps = [centre.intake.sweep_clocks() for _ in range(4)]
        assert all(set(s) >= {"warnings", "expiries"} for s in sweeps), sweeps
        for c in cases:
            events = [h["event"] for h in window.intake.case_history(c["case_id"])]
            assert events.count("deadline_expired") == 1, events
            assert events.count("deadline_warning") <= 1, events
