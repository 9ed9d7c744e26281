"""The hand-offs between mediation and diversion (SPEC §7), with both services running (their own
databases, one broker), on SQLite and PostgreSQL: a judicial-confirmation application becomes a JC
case at the court by itself, and the court's answer moves the mediation case by itself (confirmed,
rejected, not accepted, withdrawn, or the hand-off refused); a suit goes to the court's pre-filing
registration; enforcement of a confirmed agreement is applied for on the JC case."""
from __future__ import annotations


import pytest

from tests.factories import key
from tests.harness import child_links, expect_error, party_actor, wait_for
from tests.interface.diversion_walk import ACTORS as COURT_ACTORS, diversion
from tests.interface.mediation_walk import (ACTORS, COMMITTEE, COURT, SUIT_DECISION, application, make_walker,
                                            mediation)

__all__ = ["diversion", "mediation"]
TO_AGREEMENT = ["apply", "accept", "assign_mediator", "sign_written_agreement"]
FILING, JUDGE = COURT_ACTORS["filing"], COURT_ACTORS["judge"]


@pytest.fixture
def walker(mediation, diversion, rpc_as):
    return make_walker(mediation, rpc_as)






class Flow:
    """The mediation case as the committee sees it, and the court's cases as the court sees them."""

    def __init__(self, rpc_as):
        self.pm = rpc_as(ACTORS["pmc"]).mediation
        self.party = rpc_as(party_actor(ACTORS["party"]))            # at the committee's office
        self.filing = rpc_as(FILING).diversion
        self.judge = rpc_as(JUDGE).diversion

    def apply(self, case: dict, court: str = COURT) -> dict:
        return self.party.mediation.apply_judicial_confirmation(case["case_id"], [1, 2], court, case["version"], key())

    def child(self, case: dict, n: int = -1) -> dict:
        """The n-th child case once the court's service has opened it (the relay runs on a timer)."""
        link = wait_for(lambda: (l := child_links(self.pm.get_case(case["case_id"]))[n])["case_id"] and l)
        return self.filing.get_case(link["case_id"])

    def until(self, case: dict, status: str) -> dict:
        return wait_for(lambda: (c := self.pm.get_case(case["case_id"]))["status"] == status and c)

    def court(self, proxy, jc: dict, event: str, data: dict) -> dict:
        return proxy.fire(jc["case_id"], event, data, jc["version"], key())

    def history(self, case: dict) -> list[tuple[str, str]]:
        return [(h["event"], h["role"]) for h in self.pm.case_history(case["case_id"])]


@pytest.fixture
def flow(walker, rpc_as):
    return Flow(rpc_as)


def test_a_confirmed_agreement_moves_the_case_to_performance_and_is_enforced_on_the_jc_case(walker, flow, rpc_as):
    agreed = walker.drive(TO_AGREEMENT)
    pending = flow.apply(agreed)
    assert pending["status"] == "PM_CONFIRMATION_PENDING"
    jc = flow.child(pending)
    # the JC case carries what the court reviews: the agreement, the joint application, the committee
    assert (jc["case_type"], jc["status"], jc["org_id"]) == ("jc", "JC_APPLIED", COURT)
    assert jc["parent"] == {"service": "mediation", "case_id": agreed["case_id"]}
    assert jc["data"]["application"]["applicants"] == [1, 2]
    assert jc["data"]["application"]["jurisdiction_basis"] == "mediator_location"
    agreement = jc["data"]["agreement"]
    assert agreement["effective_at"] == agreed["data"]["agreement"]["effective_at"]
    assert agreement["content"].startswith(agreed["data"]["agreement"]["obligations"])
    assert "履行期限：" in agreement["content"]
    assert (agreement["mediation_org_id"], agreement["mediation_case_no"]) == (COMMITTEE, agreed["case_no"])
    assert [p["name"] for p in jc["parties"]] == [p["name"] for p in agreed["parties"]]

    jc = flow.court(flow.filing, jc, "accept", {"docket_no": "（2026）浙0681民特21号"})
    jc = flow.court(flow.judge, jc, "confirm", {"ruling_no": "（2026）浙0681民特21号", "parties_heard": True})
    performing = flow.until(pending, "PM_PERFORMING")
    record = performing["data"]["confirmation"]
    assert (record["status"], record["jc_case_id"], record["jc_case_no"], record["jc_status"]) == \
        ("granted", jc["case_id"], jc["case_no"], "JC_CONFIRMED")
    assert performing["data"]["agreement"]["confirmed"] is True
    assert flow.history(performing)[-1] == ("confirmation_granted", "sys")
    link = wait_for(lambda: (l := child_links(flow.pm.get_case(pending["case_id"]))[0])["terminal"] and l)
    assert (link["case_id"], link["case_no"], link["status"]) == (jc["case_id"], jc["case_no"], "JC_CONFIRMED")

    # non-performance: the party applies for enforcement through the mediation case, on the JC case
    disputed = flow.party.mediation.fire(performing["case_id"], "report_non_performance",
                                         {"party": 1, "note": "对方逾期未拆除围墙"}, performing["version"], key())
    k = key()
    enforced = flow.party.mediation.apply_enforcement(disputed["case_id"], 1, "refused", "拒不拆除", k)
    assert (enforced["case_id"], enforced["status"]) == (jc["case_id"], "JC_ENFORCEMENT_REQUESTED")
    assert enforced["data"]["enforcement"]["applicant"] == 1
    # a retry is answered as the first call was
    assert flow.party.mediation.apply_enforcement(disputed["case_id"], 1, "refused", "拒不拆除", k) == enforced
    recorded = wait_for(lambda: (c := flow.pm.get_case(disputed["case_id"]))["data"]["performance"].get("enforcement")
                        and c)
    assert recorded["status"] == "PM_PERFORMANCE_DISPUTE"
    assert recorded["data"]["performance"]["enforcement"]["jc_case_no"] == jc["case_no"]
    assert flow.history(recorded)[-1] == ("enforcement_requested", "sys")


def test_a_rejected_agreement_waits_for_the_parties_who_then_sue(walker, flow):
    pending = flow.apply(walker.drive(TO_AGREEMENT))
    jc = flow.child(pending)
    jc = flow.court(flow.filing, jc, "accept", {"docket_no": "（2026）浙0681民特22号"})
    # the parties cannot choose before the court has ruled
    expect_error("TRANSITION_NOT_ALLOWED", flow.party.mediation.fire, pending["case_id"],
                 "confirmation_rejected_terminate", {"channels_told": ["litigation"]}, pending["version"], key())
    flow.court(flow.judge, jc, "reject", {"ground": "unclear_content", "ruling_no": "（2026）浙0681民特22号",
                                          "reason": "履行方式不明确"})
    rejected = flow.until(pending, "PM_CONFIRMATION_REJECTED")
    assert rejected["data"]["confirmation"]["status"] == "rejected"
    assert rejected["data"]["confirmation"]["remedies"] == ["remediate", "litigation"]
    assert flow.history(rejected)[-1] == ("confirmation_rejected", "sys")
    # CPL Art 206: the parties choose to sue; the committee ends the mediation and refers the suit
    ended = flow.party.mediation.fire(rejected["case_id"], "confirmation_rejected_terminate",
                                      {"channels_told": ["litigation"], "next_channel": "diversion"},
                                      rejected["version"], key())
    assert ended["status"] == "PM_TERMINATED" and ended["data"]["confirmation"]["remedy"] == "litigation"
    referred = flow.pm.refer_to_court(ended["case_id"], 1, None, "", ended["version"], key(),
                                      decision=SUIT_DECISION)
    dv = flow.child(referred)
    assert (dv["case_type"], dv["status"], dv["org_id"]) == ("diversion", "DV_RECEIVED", COURT)
    assert dv["data"]["d7"][0]["case_no"] == referred["case_no"]                 # D7: no second pre-filing mediation
    assert COMMITTEE in dv["data"]["participants"]
    links = child_links(flow.pm.get_case(referred["case_id"]))
    assert [(l["service"], l["status"]) for l in links] == [("diversion", "JC_REJECTED"), ("diversion", "DV_RECEIVED")]


def test_no_ruling_on_the_agreement_returns_the_case_to_performance_and_it_may_apply_again(walker, flow):
    pending = flow.apply(walker.drive(TO_AGREEMENT))
    jc = flow.child(pending)
    flow.court(flow.filing, jc, "refuse", {"ground": "no_jurisdiction", "ruling_no": "（2026）浙0681民特23号"})
    lapsed = flow.until(pending, "PM_PERFORMING")
    record = lapsed["data"]["confirmation"]
    assert (record["status"], record["outcome"], record["jc_status"]) == ("lapsed", "not_accepted", "JC_NOT_ACCEPTED")
    assert flow.history(lapsed)[-1] == ("confirmation_lapsed", "sys")
    # within the thirty days the parties apply again; this time they withdraw (CPLI Art 357)
    again = flow.apply(lapsed)
    second = flow.child(again)
    assert second["case_id"] != jc["case_id"]
    flow.party.diversion.fire(second["case_id"], "withdraw", {"party": 1, "note": "双方自行履行"}, second["version"],
                              key())
    withdrawn = flow.until(again, "PM_PERFORMING")
    assert withdrawn["data"]["confirmation"]["outcome"] == "withdrawn"
    assert [c["outcome"] for c in withdrawn["data"]["confirmations"]] == ["not_accepted", "withdrawn"]
    assert [l["status"] for l in child_links(withdrawn)] == ["JC_NOT_ACCEPTED", "JC_WITHDRAWN"]


def test_a_hand_off_the_court_refuses_is_recorded_and_does_not_leave_the_case_waiting(walker, flow):
    # the intermediate court is not the court of the committee's location (CPL Art 205(2)): since issue 13
    # item 11 the mediation case refuses it itself, before any hand-off, and nothing changes
    agreed = walker.drive(TO_AGREEMENT)
    before = walker.snapshot(agreed["case_id"])
    err = expect_error("GUARD_FAILED", flow.apply, agreed, "sx-court")
    assert "CPL Art 205" in err.message and walker.snapshot(agreed["case_id"]) == before
    # the same court is lawful where the dispute belongs to an intermediate court (CPL Art 205(2))
    pending = flow.party.mediation.apply_judicial_confirmation(agreed["case_id"], [1, 2], "sx-court", agreed["version"],
                                                               key(), intermediate_court=True)
    link = wait_for(lambda: (l := child_links(flow.pm.get_case(pending["case_id"]))[-1])["case_id"] and l)
    assert link["status"] == "JC_APPLIED"
    # a suit the court's service does not register (not a mediable civil matter: OMR Art 3) is recorded too,
    # and the parties may refer again
    risky = walker.drive(["apply", "accept", "assign_mediator", "party_withdraws"],
                         {"apply": lambda c: application("public_security")})
    referred = flow.pm.refer_to_court(risky["case_id"], 1, None, "", risky["version"], key(),
                                      decision=SUIT_DECISION)
    settled = wait_for(lambda: (c := flow.pm.get_case(referred["case_id"]))["data"].get("handoffs_refused") and c)
    assert settled["status"] == "PM_TERMINATED"
    assert settled["data"]["handoffs_refused"][0]["code"] == "GUARD_FAILED"
    assert [l["link_type"] for l in settled["links"]] == ["refused"]
    assert flow.pm.refer_to_court(settled["case_id"], 1, None, "", settled["version"], key(),
                                  decision=SUIT_DECISION)["status"] == \
        "PM_TERMINATED"
