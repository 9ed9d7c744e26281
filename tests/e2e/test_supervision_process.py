"""The centre's read model end to end: intake, mediation and supervision as separate processes on
RabbitMQ. A dispute is registered, routed, mediated, performed and archived, another is answered on the
spot; the read model follows by itself and equals a recount from the services; the figures count the
resolved matters; a rebuild from scratch gives the same figures; a 督办 of the mediation case is
reported by the committee and closed by the centre."""
from __future__ import annotations

from datetime import datetime, timedelta

from infra.calendar import SHANGHAI

from tests.e2e.conftest import wait_for
from tests.e2e.test_mediation_process import AGREEMENT, MEDIATOR, PARTY, PMC, ROUTER, WINDOW
from tests.factories import claim, key

SUPV = {"user_id": "supv-01", "role": "supv", "org_id": "zj-centre"}
SERVICES = ["intake", "mediation"]


def consistent(supv, counted):
    report = supv.supervision.check(SERVICES)
    return report["consistent"] and report["counted"] == counted and report


def test_the_read_model_follows_the_journeys_equals_a_recount_and_survives_a_rebuild(cluster):
    cluster.start("intake", "mediation", "supervision")
    with cluster.rpc(WINDOW) as window, cluster.rpc(ROUTER) as router, cluster.rpc(PMC) as pmc, \
            cluster.rpc(MEDIATOR) as mediator, cluster.rpc(SUPV) as supv, \
            cluster.rpc(PARTY) as party:
        answered = window.intake.register_case(claim("consumer", channel="hotline_12345"), key())
        window.intake.answer_on_spot(answered["case_id"], "已当场解答", "consultation", answered["version"], key())
        case = window.intake.register_case(claim(), key())
        case = router.intake.classify(case["case_id"], "neighbourhood", case["version"], key())
        case = router.intake.route(case["case_id"], "mediation", "民间纠纷，调解先行", case["version"], key(),
                                   {"target_org_id": "zj-pmc-jiyang"})
        link = wait_for(lambda: window.intake.get_case(case["case_id"])["links"][0]["case_id"] and
                        window.intake.get_case(case["case_id"])["links"][0])
        pm = pmc.mediation.get_case(link["case_id"])
        pm = pmc.mediation.fire(pm["case_id"], "request_consent", {"how": "phone"}, pm["version"], key())
        pm = party.mediation.fire(pm["case_id"], "respondent_consents", {"party": 2}, pm["version"], key())
        pm = pmc.mediation.assign_mediator(pm["case_id"], ["med-jy-01"], "designated", pm["version"], key())

        # 督办 of the mediation case, once the centre knows it: the committee reports, the centre closes
        wait_for(lambda: supv.supervision.all_cases({"case_ids": [pm["case_id"]]})["total"] == 1)
        deadline = (datetime.now(SHANGHAI).date() + timedelta(days=10)).isoformat()
        db = supv.supervision.open_supervision(pm["case_id"], "邻里纠纷已调解两周，督促尽快化解", deadline, key())
        assert db["data"]["owner_org_id"] == "zj-pmc-jiyang"
        assert [c["case_id"] for c in pmc.supervision.find_cases({})["items"]] == [db["case_id"]]
        db = pmc.supervision.fire(db["case_id"], "report", {"result": "已达成协议并履行"}, db["version"], key())
        db = supv.supervision.fire(db["case_id"], "close", {"assessment": "办理到位"}, db["version"], key())
        assert db["status"] == "SV_CLOSED"

        pm = mediator.mediation.fire(pm["case_id"], "sign_written_agreement", AGREEMENT, pm["version"], key())
        pm = pmc.mediation.fire(pm["case_id"], "start_supervision", {"supervisor": "med-jy-01"}, pm["version"], key())
        pm = mediator.mediation.fire(pm["case_id"], "record_performed", {"note": "围墙已拆除"}, pm["version"], key())
        pm = pmc.mediation.fire(pm["case_id"], "archive", {"file_no": "JY-2026-019", "materials": [
            "registration", "work_record", "agreement"]}, pm["version"], key())
        wait_for(lambda: window.intake.get_case(case["case_id"])["status"] == "IN_CLOSED")

        # the model follows by itself and equals a recount from the services
        wait_for(lambda: consistent(supv, {"intake": 2, "mediation": 1}), timeout=90)
        today = datetime.now(SHANGHAI).date()          # the period is in Beijing dates
        period = {"from": (today - timedelta(days=1)).isoformat(), "to": (today + timedelta(days=1)).isoformat()}
        before = supv.supervision.figures(period, "service")
        assert before["total"]["received"]["value"] == 2 and before["total"]["resolved"]["value"] == 2
        assert before["total"]["mediation_success_rate"]["value"] == 1.0
        row = supv.supervision.all_cases({"case_ids": [pm["case_id"]]})["items"][0]
        assert (row["status"], row["town_id"], row["resolution"]) == ("PM_CLOSED", "zj-gov-jiyang", "agreement_performed")
        # a rebuild from scratch gives the same model and the same figures
        rebuilt = supv.supervision.rebuild(SERVICES + ["supervision"])
        assert rebuilt["rebuilt"] == {"intake": 2, "mediation": 1, "supervision": 1}
        assert consistent(supv, {"intake": 2, "mediation": 1})
        after = supv.supervision.figures(period, "service")
        assert {k: v for k, v in after.items() if k != "now"} == {k: v for k, v in before.items() if k != "now"}
