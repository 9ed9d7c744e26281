"""Court-delegated mediation by a people's mediation committee (issue 13 item 15; SPEC §7: DV 委派 to a PMC as
特邀调解组织 → a PM case in court-delegated mode, DV clocks govern; SIM Art 1, 11; PML Art 18), with the
mediation and diversion services both running (their own databases, one broker), on SQLite and PostgreSQL.

The court designates the committee → the PM case appears in the committee's own work list, in mode 委派调解,
showing the court's deadline and running none of its own clocks → the committee's acts move the DV case
by themselves (fired by sys on the mediation service's signed events) → agreement: DV_SETTLED; failure:
DV_FAILED. The mediator may not record the outcome on the DV case itself while the committee's case
governs, and an unsigned event moves nothing."""
from __future__ import annotations

import pytest
from nameko.testing.services import entrypoint_hook

from contracts.errors import JiefenError
from tests.factories import key
from tests.harness import child_links, expect_error, wait_for
from tests.interface.diversion_walk import ACTORS as COURT_ACTORS, COURT_DESIGNATES, diversion, dv_walker
from tests.interface.mediation_walk import ACTORS, COMMITTEE, make_walker, mediation

__all__ = ["diversion", "mediation"]
TO_DESIGNATED = ["receive_complaint", "explain_mediation", "plaintiff_consents", "designate_mediator"]


@pytest.fixture
def walkers(mediation, diversion, rpc_as):
    return dv_walker(diversion, rpc_as), make_walker(mediation, rpc_as)


def delegated(dv_walk, rpc_as, jointly: bool = False) -> tuple[dict, dict]:
    """A DV case whose court designated the committee (or whose parties chose it jointly, recorded by the
    court's officer as their act), and the committee's case once the relay opened it."""
    if jointly:
        dv = dv_walk.fire("designate_mediator", dv_walk.drive(TO_DESIGNATED[:-1]), None, "party")
    else:
        dv = dv_walk.drive(TO_DESIGNATED, COURT_DESIGNATES)
    assert (dv["status"], dv["data"]["designation"]["by"]) == \
        ("DV_AWAITING_MEDIATOR", "parties_jointly" if jointly else "court")
    committee = rpc_as(ACTORS["pmc"]).mediation
    listed = wait_for(lambda: committee.find_cases({"parent_case_id": dv["case_id"]}, {})["items"])
    assert len(listed) == 1
    return dv, listed[0]


def step(pm_walk, rpc_as, pm: dict, event: str) -> dict:
    """The committee's next act, on its case as it now stands: the court's refreshes (sys) bump its version,
    so a user who loses that race reloads and acts again, as here."""
    for _ in range(3):
        try:
            return pm_walk.fire(event, rpc_as(ACTORS["pmc"]).mediation.get_case(pm["case_id"]))
        except JiefenError as err:
            if err.code != "VERSION_CONFLICT":
                raise
    raise AssertionError(f"{event}: the case kept changing")


def dv_until(rpc_as, dv: dict, status: str) -> dict:
    court = rpc_as(COURT_ACTORS["filing"]).diversion
    return wait_for(lambda: (c := court.get_case(dv["case_id"]))["status"] == status and c)


def test_the_committee_mediates_to_agreement_in_its_own_case_and_the_court_case_settles(walkers, rpc_as):
    dv_walk, pm_walk = walkers
    dv, item = delegated(dv_walk, rpc_as)
    # in the committee's own records, in court-delegated mode, on the court's deadline, no PM clock
    assert (item["org_id"], item["status"], item["mode"], item["mode_label"]) == \
        (COMMITTEE, "PM_APPLIED", "court_delegated", "委派调解")
    acceptance = next(d for d in dv["deadlines"] if d["kind"] == "mediator_acceptance")
    assert item["court_deadline"]["kind"] == "mediator_acceptance"
    assert item["court_deadline"]["due_at"] == acceptance["due_at"]
    assert item["deadlines"] == [] and item["court_case_no"] == dv["case_no"]
    pm = rpc_as(ACTORS["pmc"]).mediation.get_case(item["case_id"])
    assert pm["parent"] == {"service": "diversion", "case_id": dv["case_id"]}
    assert pm["data"]["court_delegation"]["counts_as_court_acceptance"] is False     # PMR Art 22(2) [A]
    assert "zj-court" in pm["data"]["participants"]                                   # the court reads it
    assert [p["name"] for p in pm["parties"]] == [p["name"] for p in dv["parties"]]
    # the court's link names the committee's case
    link = wait_for(lambda: (l := child_links(rpc_as(COURT_ACTORS["filing"]).diversion.get_case(dv["case_id"])))
                    and l[-1]["case_id"] and l[-1])
    assert (link["service"], link["case_id"]) == ("mediation", pm["case_id"])

    # the committee takes the matter and asks the respondent: the court's case records the acceptance
    pm = step(pm_walk, rpc_as, pm, "request_consent")
    moved = dv_until(rpc_as, dv, "DV_AWAITING_RESPONDENT")
    # the court's 30-day period now governs, and the committee's case shows it (refreshed by sys)
    mediation_due = next(d["due_at"] for d in moved["deadlines"] if d["kind"] == "prefiling_mediation")
    committee = rpc_as(ACTORS["pmc"]).mediation
    refreshed = wait_for(lambda: (c := committee.find_cases({"parent_case_id": dv["case_id"]}, {})["items"][0])
                         ["court_deadline"] and c["court_deadline"]["kind"] in ("respondent_inquiry",
                                                                               "prefiling_mediation") and c)
    assert refreshed["deadlines"] == []
    wait_for(lambda: mediation_due in [d["due_at"] for d in
                                       committee.get_case(pm["case_id"])["data"]["court_delegation"]["deadlines"]])

    # the mediator may not record the outcome on the court's case while the committee's case governs
    mediator = rpc_as(COURT_ACTORS["mediator"]).diversion
    err = expect_error("GUARD_FAILED", mediator.fire, dv["case_id"], "respondent_unreachable",
                       {"attempts": "三次电话未能联系"}, moved["version"], key())
    assert err.details["basis"] == "SIM Art 1, 11; PML Art 18, 27"

    pm = step(pm_walk, rpc_as, pm, "respondent_consents")
    pm = step(pm_walk, rpc_as, pm, "assign_mediator")
    assert pm["deadlines"] == []                               # no PMR Art 33 one-month clock
    mediating = dv_until(rpc_as, dv, "DV_MEDIATING")
    err = expect_error("GUARD_FAILED", mediator.fire, dv["case_id"], "terminate",
                       {"ground": "wide_disagreement", "reason": "分歧较大"}, mediating["version"], key())
    assert "人民调解委员会" in err.message and err.details["basis"] == "SIM Art 1, 11; PML Art 18, 27"

    pm = step(pm_walk, rpc_as, pm, "sign_written_agreement")
    assert pm["status"] == "PM_AGREEMENT_EFFECTIVE"
    settled = dv_until(rpc_as, dv, "DV_SETTLED")
    agreement = settled["data"]["agreement"]
    assert agreement["content"] == pm["data"]["agreement"]["obligations"]
    assert agreement["mediation_org_id"] == COMMITTEE and agreement["signatures"] == [1, 2]
    history = rpc_as(COURT_ACTORS["filing"]).diversion.case_history(dv["case_id"])
    assert [(h["event"], h["role"]) for h in history][-3:] == [
        ("mediator_accepts", "sys"), ("respondent_consents", "sys"), ("sign_agreement", "sys")]


def test_a_failed_committee_mediation_fails_the_court_case_and_an_unsigned_event_moves_nothing(walkers, rpc_as,
                                                                                            diversion):
    dv_walk, pm_walk = walkers
    dv, item = delegated(dv_walk, rpc_as, jointly=True)       # the parties chose the committee (OMR Art 10)
    committee = rpc_as(ACTORS["pmc"]).mediation
    pm = committee.get_case(item["case_id"])
    assert pm["data"]["court_delegation"]["designated_by"] == "parties_jointly"

    # a forged event (no signature) claiming the committee ended the mediation changes nothing: handed to
    # diversion's own handler (owned_event), in the running container, and answered before we look
    forged = {"event_id": key(), "event_type": "case_transitioned", "service": "mediation", "case_type": "mediation",
              "case_id": pm["case_id"], "case_no": pm["case_no"], "org_id": COMMITTEE, "event": "declare_failure",
              "from": "PM_IN_MEDIATION", "to": "PM_TERMINATED", "terminal": False, "version": 9,
              "parent_service": "diversion", "parent_case_id": dv["case_id"]}
    before = rpc_as(COURT_ACTORS["filing"]).diversion.get_case(dv["case_id"])
    with entrypoint_hook(diversion, "_committee_case_transitioned") as handle:
        handle(forged)
    after = rpc_as(COURT_ACTORS["filing"]).diversion.get_case(dv["case_id"])
    assert (after["status"], after["version"]) == (before["status"], before["version"])

    for event in ("request_consent", "respondent_consents", "assign_mediator"):
        pm = step(pm_walk, rpc_as, pm, event)
    pm = step(pm_walk, rpc_as, pm, "declare_failure")
    assert pm["status"] == "PM_TERMINATED"
    failed = dv_until(rpc_as, dv, "DV_FAILED")
    assert failed["data"]["failure"]["ground"] == "wide_disagreement"      # OMR Art 25(5), as the committee found
    assert pm["case_no"] in failed["data"]["failure"]["reason"]
    history = rpc_as(COURT_ACTORS["filing"]).diversion.case_history(dv["case_id"])
    assert [(h["event"], h["role"]) for h in history][-1] == ("terminate", "sys")
    # the committee's case shows the court's state and its file-return period (SIM Art 21 ¶1; OMR Art 15 ¶2)
    shown = wait_for(lambda: (cd := committee.get_case(pm["case_id"])["data"]["court_delegation"])
                     .get("court_status") == "DV_FAILED" and cd)
    assert [d["kind"] for d in shown["deadlines"]] == ["file_return"]


def test_where_the_county_counts_a_delegation_as_court_acceptance_the_committee_may_not_accept(walkers, rpc_as,
                                                                                               mediation):
    """PMR Art 22(2) [A]: by default a pre-filing delegation is not a matter "accepted by a court"; a county that
    reads it otherwise sets mediation.court_delegation_is_court_acceptance, and the committee's acceptance is
    refused citing the article (recorded on the case when it opens)."""
    from tests.interface.mediation_walk import platform_env as pm_env
    settings = pm_env(mediation).config["mediation"]
    settings["court_delegation_is_court_acceptance"] = True
    try:
        dv_walk, pm_walk = walkers
        _, item = delegated(dv_walk, rpc_as)
    finally:
        settings["court_delegation_is_court_acceptance"] = False
    pm = rpc_as(ACTORS["pmc"]).mediation.get_case(item["case_id"])
    assert pm["data"]["court_delegation"]["counts_as_court_acceptance"] is True
    err = expect_error("GUARD_FAILED", pm_walk.fire, "accept", pm)
    assert err.details["basis"] == "PMR Art 22(2)"


def test_when_the_courts_period_ends_the_committees_mediation_ends_with_it(walkers, rpc_as):
    """SPEC §7: the DV clocks govern. The court's 30-day period expires without agreement (OMR Art 25(6), fired
    as the court's sweep fires it) → DV_FAILED → the committee's case terminates on the court's period."""
    dv_walk, pm_walk = walkers
    dv, item = delegated(dv_walk, rpc_as)
    pm = rpc_as(ACTORS["pmc"]).mediation.get_case(item["case_id"])
    for event in ("request_consent", "respondent_consents", "assign_mediator"):
        pm = step(pm_walk, rpc_as, pm, event)
    mediating = dv_until(rpc_as, dv, "DV_MEDIATING")
    failed = dv_walk.fire("deadline_expired", mediating, None, "sys")
    assert failed["status"] == "DV_FAILED"
    committee = rpc_as(ACTORS["pmc"]).mediation
    ended = wait_for(lambda: (c := committee.get_case(pm["case_id"]))["status"] == "PM_TERMINATED" and c)
    assert ended["data"]["termination"]["clock"] == "court_period"
    assert "OMR Art 25(6)" in ended["data"]["termination"]["basis"]
    history = committee.case_history(pm["case_id"])
    assert [(h["event"], h["role"]) for h in history if h["event"] == "deadline_expired"] == [("deadline_expired", "sys")]
    # the court's case is not terminated a second time by the committee's termination (once its link shows it)
    court = rpc_as(COURT_ACTORS["filing"]).diversion
    wait_for(lambda: child_links(court.get_case(dv["case_id"]))[-1]["status"] == "PM_TERMINATED")
    assert [h["event"] for h in court.case_history(dv["case_id"])].count("terminate") == 0
