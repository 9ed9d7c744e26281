"""End-to-end with intake, mediation and diversion as separate processes (SPEC §7):

(a) the window registers a neighbours' dispute and routes it to the street's committee; the mediation
    ends in a written agreement; both parties apply for judicial confirmation; the JC case appears at
    the court by itself (a child of the mediation case); the court accepts and a judge confirms; the
    mediation case moves to performance by itself; an interested person objects and the court revokes
    the ruling (CPLI Art 372), which the mediation case follows; the mediator records performance, the committee
    archives, and intake closes — never confused by the mediation case's own child.
(b) the mediation fails and is terminated; the party sues through the mediation case; the suit appears
    at the court (DV_RECEIVED, a child of the mediation case), where D7 bars a second pre-filing
    mediation, so it goes to filing review and is filed; the mediation case shows the suit, intake
    shows the mediation case, and closes when the committee archives it.
"""
from __future__ import annotations

from contracts.diversion import EXPLAIN_ITEMS, FILING_CONDITIONS
from contracts.errors import JiefenError
from tests.e2e.conftest import wait_for
from tests.factories import claim, key
from tests.harness import child_links, expect_error, wait_for, party_actor
from tests.interface.mediation_walk import SUIT_DECISION

WINDOW = {"user_id": "clerk-01", "role": "window", "org_id": "zj-centre"}
ROUTER = {"user_id": "router-01", "role": "router", "org_id": "zj-centre"}
PARTY = party_actor("zj-centre")      # the centre's window records the parties' acts
PMC = {"user_id": "pmc-jy-01", "role": "pmc", "org_id": "zj-pmc-jiyang"}
MEDIATOR = {"user_id": "med-jy-01", "role": "mediator", "org_id": "zj-pmc-jiyang"}
FILING = {"user_id": "filing-01", "role": "filing", "org_id": "zj-court"}
JUDGE = {"user_id": "judge-01", "role": "judge", "org_id": "zj-court"}
AGREEMENT = {
    "parties": [1, 2], "dispute": "被申请人在通道加建围墙，申请人无法通行",
    "obligations": "被申请人拆除围墙，申请人承担一半费用800元", "performance_manner": "自行拆除；现金支付",
    "performance_deadline": "协议生效后十五日内", "signatures": [{"party": 1}, {"party": 2, "form": "fingerprint"}],
    "mediator_signature": "med-jy-01", "committee_seal": True,
}
ARCHIVED = {"file_no": "JY-2026-031", "materials": ["registration", "work_record", "agreement", "confirmation_ruling"]}


def routed_to_mediation(cluster, window, router, pmc):
    """Register at the window, route to the committee; returns (intake case id, mediation case)."""
    registered = window.intake.register_case(claim(), key())
    case = router.intake.classify(registered["case_id"], "neighbourhood", registered["version"], key())
    case = router.intake.route(case["case_id"], "mediation", "民间纠纷，调解先行", case["version"], key(),
                               {"target_org_id": "zj-pmc-jiyang"})
    intake_id = case["case_id"]
    link = wait_for(lambda: (l := window.intake.get_case(intake_id)["links"][0])["case_id"] and l)
    wait_for(lambda: window.intake.get_case(intake_id)["status"] == "IN_TRACKING")
    return intake_id, registered, pmc.mediation.get_case(link["case_id"])




def test_a_confirmed_agreement_is_performed_and_intake_closes(cluster):
    cluster.start("intake", "mediation", "diversion")
    with cluster.rpc(WINDOW) as window, cluster.rpc(ROUTER) as router, cluster.rpc(PARTY) as party, \
            cluster.rpc(PMC) as pmc, cluster.rpc(MEDIATOR) as mediator, cluster.rpc(FILING) as filing, \
            cluster.rpc(JUDGE) as judge:
        intake_id, registered, pm = routed_to_mediation(cluster, window, router, pmc)
        pm = pmc.mediation.fire(pm["case_id"], "accept", {"respondent_consented": True, "note": "对方到场同意调解"},
                                pm["version"], key())
        pm = pmc.mediation.assign_mediator(pm["case_id"], ["med-jy-01"], "designated", pm["version"], key())
        pm = mediator.mediation.fire(pm["case_id"], "sign_written_agreement", AGREEMENT, pm["version"], key())
        assert pm["status"] == "PM_AGREEMENT_EFFECTIVE"

        # both parties apply at the centre's window; the application becomes a JC case at the court
        pm = party.mediation.apply_judicial_confirmation(pm["case_id"], [1, 2], "zj-court", pm["version"], key())
        assert pm["status"] == "PM_CONFIRMATION_PENDING"
        link = wait_for(lambda: (l := child_links(pmc.mediation.get_case(pm["case_id"]))[0])["case_id"] and l)
        jc = filing.diversion.get_case(link["case_id"])
        assert (jc["case_type"], jc["status"], jc["org_id"], jc["case_no"]) == ("jc", "JC_APPLIED", "zj-court",
                                                                              link["case_no"])
        assert jc["parent"] == {"service": "mediation", "case_id": pm["case_id"]}
        assert jc["data"]["agreement"]["mediation_case_no"] == pm["case_no"]
        assert filing.diversion.find_cases({"case_type": "jc", "parent_case_id": pm["case_id"]}, {})["total"] == 1

        jc = filing.diversion.fire(jc["case_id"], "accept", {"docket_no": "（2026）浙0681民特31号"}, jc["version"],
                                   key())
        jc = judge.diversion.fire(jc["case_id"], "confirm", {"ruling_no": "（2026）浙0681民特31号",
                                                             "parties_heard": True}, jc["version"], key())
        assert jc["status"] == "JC_CONFIRMED"

        # the ruling moves the mediation case by itself
        pm = wait_for(lambda: (c := pmc.mediation.get_case(pm["case_id"]))["status"] == "PM_PERFORMING" and c)
        assert pm["data"]["confirmation"]["status"] == "granted" and pm["data"]["agreement"]["confirmed"] is True
        assert pm["data"]["confirmation"]["jc_case_no"] == jc["case_no"]
        assert [(h["event"], h["role"]) for h in pmc.mediation.case_history(pm["case_id"])][-1] == \
            ("confirmation_granted", "sys")
        wait_for(lambda: child_links(pmc.mediation.get_case(pm["case_id"]))[0]["status"] == "JC_CONFIRMED")
        # intake follows its own child only: still tracking the mediation case, now in performance
        wait_for(lambda: window.intake.get_case(intake_id)["links"][0]["status"] == "PM_PERFORMING")
        tracking = window.intake.get_case(intake_id)
        assert tracking["status"] == "IN_TRACKING"
        assert [(l["service"], l["case_id"]) for l in tracking["links"]] == [("mediation", pm["case_id"])]

        # an interested person objects to the ruling (CPLI Art 372 ¶2: within six months of knowing); the
        # mediation case shows the objection, then the court's decision revoking the confirmation
        jc = party.diversion.fire(jc["case_id"], "file_objection", {
            "objector": "interested_person", "name": "王五", "known_on": jc["created_at"][:10],
            "grounds": "协议处分了其共有的通道"}, jc["version"], key())
        assert jc["status"] == "JC_OBJECTION"
        pm = wait_for(lambda: (c := pmc.mediation.get_case(pm["case_id"]))["data"]["confirmation"]
                      .get("objection", {}).get("outcome") == "pending" and c)
        assert pm["status"] == "PM_PERFORMING" and pm["data"]["agreement"]["confirmed"] is True
        jc = judge.diversion.fire(jc["case_id"], "revoke_ruling", {"ruling_no": "（2026）浙0681民特32号",
                                                                   "reason": "异议成立：协议侵害案外人权益"},
                                  jc["version"], key())
        assert jc["status"] == "JC_REVOKED"
        pm = wait_for(lambda: (c := pmc.mediation.get_case(pm["case_id"]))["data"]["confirmation"]["status"]
                      == "revoked" and c)
        assert pm["data"]["agreement"]["confirmed"] is False
        assert [h["event"] for h in pmc.mediation.case_history(pm["case_id"])][-2:] == \
            ["confirmation_ruling_reviewed", "confirmation_ruling_reviewed"]

        pm = mediator.mediation.fire(pm["case_id"], "record_performed", {"note": "围墙已拆除，费用已付清"},
                                     pm["version"], key())
        pm = pmc.mediation.fire(pm["case_id"], "archive", ARCHIVED, pm["version"], key())
        assert (pm["status"], pm["terminal"]) == ("PM_CLOSED", True)

        closed = wait_for(lambda: (c := window.intake.get_case(intake_id))["status"] == "IN_CLOSED" and c)
        assert [(l["service"], l["status"], l["terminal"]) for l in closed["links"]] == \
            [("mediation", "PM_CLOSED", True)]
        assert [h["event"] for h in window.intake.case_history(intake_id)][-2:] == ["start_tracking",
                                                                                   "child_case_closed"]
        seen = window.intake.lookup_by_query_code(registered["case_no"], registered["query_code"])
        assert seen["closed"] is True and [{k: c[k] for k in ("service", "status")} for c in seen["children"]] == [
            {"service": "mediation", "status": "PM_CLOSED"}]


def test_a_terminated_mediation_goes_to_court_where_it_is_filed_without_a_second_mediation(cluster):
    cluster.start("intake", "mediation", "diversion")
    with cluster.rpc(WINDOW) as window, cluster.rpc(ROUTER) as router, cluster.rpc(PARTY) as party, \
            cluster.rpc(PMC) as pmc, cluster.rpc(MEDIATOR) as mediator, cluster.rpc(FILING) as filing:
        intake_id, _, pm = routed_to_mediation(cluster, window, router, pmc)
        pm = pmc.mediation.fire(pm["case_id"], "accept", {"respondent_consented": True}, pm["version"], key())
        pm = pmc.mediation.assign_mediator(pm["case_id"], ["med-jy-01"], "designated", pm["version"], key())
        pm = mediator.mediation.fire(pm["case_id"], "declare_failure", {
            "ground": "no_agreement_possible", "channels_told": ["litigation"], "next_channel": "diversion",
            "reason": "双方对通道归属分歧较大"}, pm["version"], key())
        assert pm["status"] == "PM_TERMINATED"

        # the applicant sues (PML Art 26): the suit is handed to the court's pre-filing registration
        pm = party.mediation.refer_to_court(pm["case_id"], 1, "zj-court", "张三坚持起诉", pm["version"], key(),
                                            decision=SUIT_DECISION)
        assert pm["status"] == "PM_TERMINATED" and pm["data"]["suits"][0]["plaintiff"] == 1
        link = wait_for(lambda: (l := child_links(pmc.mediation.get_case(pm["case_id"]))[0])["case_id"] and l)
        dv = filing.diversion.get_case(link["case_id"])
        assert (dv["case_type"], dv["status"], dv["org_id"]) == ("diversion", "DV_RECEIVED", "zj-court")
        assert dv["parent"] == {"service": "mediation", "case_id": pm["case_id"]}
        assert [(m["source"], m["case_no"]) for m in dv["data"]["d7"]] == [("mediation", pm["case_no"])]
        # the plaintiff's own decision to sue travels with the suit, with who recorded it (CPL Art 122-123)
        assert dv["data"]["suit_decision"]["party"] == 1 and dv["data"]["suit_decision"]["how"] == "in_person"
        assert dv["data"]["suit_decision"]["recorded_by"]["role"] == "party"

        def step(proxy, event, data):
            nonlocal dv
            dv = proxy.diversion.fire(dv["case_id"], event, data, dv["version"], key())
            return dv

        step(filing, "explain_mediation", {"how": "oral", "told": list(EXPLAIN_ITEMS), "suitable": True})
        # D7: already mediated without success, so no pre-filing mediation; the matter goes to filing review
        err = expect_error("GUARD_FAILED", party.diversion.fire, dv["case_id"], "plaintiff_consents",
                           {"party": 1}, dv["version"], key())
        assert "SZ Art 69 ¶2" in err.message
        step(filing, "direct_to_filing", {"ground": "already_premediated"})
        assert dv["status"] == "DV_FILING_REVIEW"
        step(filing, "file_case", {"docket_no": "（2026）浙0681民初301号", "conditions": list(FILING_CONDITIONS)})
        assert (dv["status"], dv["terminal"]) == ("DV_FILED", True)

        # the mediation case shows its suit at the court, filed
        suit = wait_for(lambda: (l := child_links(pmc.mediation.get_case(pm["case_id"]))[0])["terminal"] and l)
        assert (suit["service"], suit["case_id"], suit["case_no"], suit["status"]) == \
            ("diversion", dv["case_id"], dv["case_no"], "DV_FILED")
        # intake shows its own child, the mediation case, still open (terminated, not yet archived)
        tracking = window.intake.get_case(intake_id)
        assert tracking["status"] == "IN_TRACKING"
        assert [(l["service"], l["case_id"], l["status"]) for l in tracking["links"]] == \
            [("mediation", pm["case_id"], "PM_TERMINATED")]

        pm = pmc.mediation.get_case(pm["case_id"])
        pm = pmc.mediation.fire(pm["case_id"], "archive", {"file_no": "JY-2026-032", "materials": [
            "registration", "work_record", "termination_notice"]}, pm["version"], key())
        assert pm["status"] == "PM_CLOSED" and child_links(pm)[0]["status"] == "DV_FILED"
        closed = wait_for(lambda: (c := window.intake.get_case(intake_id))["status"] == "IN_CLOSED" and c)
        assert [(l["service"], l["status"]) for l in closed["links"]] == [("mediation", "PM_CLOSED")]


def on_fresh_version(read, act, tries: int = 5):
    """``act(version)`` on the case as ``read()`` finds it, again if a timer moved it in between."""
    for attempt in range(tries):
        try:
            return act(read()["version"])
        except JiefenError as err:
            if err.code != "VERSION_CONFLICT" or attempt == tries - 1:
                raise


def test_an_application_made_while_the_court_service_was_down_is_judged_on_its_date(cluster):
    """Issue 13 item 10 (CPL Art 205; PML Art 33): the parties apply on day 29 while diversion is down; the
    court's service starts on day 34 and opens the JC case, judging the thirty days on the application."""
    from tests.interface.mediation_walk import application
    cluster.start("mediation")
    with cluster.rpc(WINDOW) as window, cluster.rpc(PARTY) as party, cluster.rpc(PMC) as pmc, \
            cluster.rpc(MEDIATOR) as mediator:
        pm = window.mediation.apply(application(), key())
        pm = pmc.mediation.fire(pm["case_id"], "accept", {"respondent_consented": True}, pm["version"], key())
        pm = pmc.mediation.assign_mediator(pm["case_id"], ["med-jy-01"], "designated", pm["version"], key())
        pm = mediator.mediation.fire(pm["case_id"], "sign_written_agreement", AGREEMENT, pm["version"], key())
        cluster.advance_days(29)
        # the deadline sweep may warn about the mediation period at any moment now: apply on a fresh read
        pm = on_fresh_version(lambda: pmc.mediation.get_case(pm["case_id"]), lambda v: party.mediation.
                              apply_judicial_confirmation(pm["case_id"], [1, 2], "zj-court", v, key()))
        applied_at = pm["data"]["confirmation"]["applied_at"]
        assert pm["status"] == "PM_CONFIRMATION_PENDING" and child_links(pm)[0]["case_id"] is None
        cluster.advance_days(5)                                         # day 34: the window closed on day 30
        cluster.start("diversion")
        link = wait_for(lambda: (l := child_links(pmc.mediation.get_case(pm["case_id"]))[0])["case_id"] and l)
        assert link["status"] == "JC_APPLIED"
        with cluster.rpc(FILING) as filing:
            jc = filing.diversion.get_case(link["case_id"])
        # applied_at is the committee's UTC timestamp; applied_on its Shanghai date (the same day or the next)
        assert jc["data"]["application"]["applied_on"] >= applied_at[:10]
        assert pmc.mediation.get_case(pm["case_id"])["status"] == "PM_CONFIRMATION_PENDING"
