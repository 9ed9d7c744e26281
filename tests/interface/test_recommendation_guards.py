"""Every guard of the recommendation case type refuses with GUARD_FAILED, nothing changes, and the
message cites its article. Time is frozen on Monday 2026-03-02 10:00 (Shanghai) so the reply-period
limits compare known dates: two months from 2026-03-02 end on 2026-05-02, so do 61 days; 62 days
end on 2026-05-03."""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from infra import timekeeping
from infra.calendar import SHANGHAI
from services.recommendation.guards import GUARDS
from tests.factories import key
from tests.harness import expect_error
from tests.interface.recommendation_walk import COURT_APPROVAL, COURT_SERVE, DRAFT, EXAMPLES, Flow, recommendation

__all__ = ["recommendation"]

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
SX_PROC = {"user_id": "sxp-01", "role": "issuer", "org_id": "sx-proc"}


@pytest.fixture
def flow(recommendation, rpc_as):
    timekeeping.set_now(T0)
    return Flow(rpc_as)


def refused(name: str, fn, *args, **kwargs):
    """fn(*args, **kwargs) is refused by guard ``name``; its message is the guard's and cites the article."""
    err = expect_error("GUARD_FAILED", fn, *args, **kwargs)
    assert err.message == GUARDS[name].message, (name, err.message)
    assert err.details["basis"] == GUARDS[name].basis
    assert re.search(r"（[^（）]*(Art \d+|附件\d|SPEC §6)[^（）]*）$", err.message), err.message
    return err


def unchanged(flow, who, case, fn, *args):
    before = flow.rc(who).case_history(case["case_id"])
    fn(*args)
    assert flow.rc(who).case_history(case["case_id"]) == before
    assert flow.rc(who).get_case(case["case_id"])["version"] == case["version"]


def test_every_guard_message_cites_an_article():
    for name, guard in GUARDS.items():
        assert re.search(r"（[^（）]*(Art \d+|附件\d|SPEC §6)[^（）]*）$", guard.message), name
        assert guard.basis and guard.basis.split()[0].rstrip(";") in guard.message, name


def test_every_guard_has_a_refusal_test_below():
    tested = set(re.findall(r'refused(?:\(|, )"(\w+)"', Path(__file__).read_text(encoding="utf-8")))
    assert tested | BEHIND_ROLE_TABLE == set(GUARDS)


# guards no signed actor can reach any more: the role table (config/roles.yaml) refuses the actor first
BEHIND_ROLE_TABLE = {"issuer_org"}      # an issuer outside a court or procuratorate: test_draft_guards


# -- draft -----------------------------------------------------------------------------------------
def test_draft_guards(flow):
    dept = {"user_id": "nr-09", "role": "issuer", "org_id": "zj-nr"}     # a department is no issuer:
    err = expect_error("FORBIDDEN", flow.draft, dept)                      # refused before the issuer_org guard
    assert err.details["reason"] == "role_not_for_org" and "JSR Art 1; PRR Art 2" in err.message
    refused("kind_matches", flow.draft, "issuer", kind="comprehensive_governance")
    refused("kind_matches", flow.court_draft, kind="public_interest", recipient_org_id="zj-nr")
    refused("recipient_known", flow.draft, "issuer", recipient_org_id="zj-nowhere")
    refused("recipient_known", flow.draft, "issuer", recipient_org_id="zj-proc")
    refused("court_jurisdiction", flow.court_draft, recipient_org_id="sx-gov")     # a body above the court
    refused("court_jurisdiction", flow.court_draft, recipient_org_id="zj-gov")
    assert flow.court_draft(recipient_org_id="zj-gov-jiyang")["status"] == "RC_DRAFTING"   # below, in its area
    refused("retrial_to_court", flow.draft, "issuer", kind="retrial", recipient_org_id="zj-nr")
    refused("retrial_to_court", flow.draft, "issuer", kind="retrial", recipient_org_id="sx-court")
    assert flow.draft(kind="retrial", recipient_org_id="zj-court")["status"] == "RC_DRAFTING"
    refused("public_interest_to_agency", flow.draft, "issuer", recipient_org_id="zj-court")
    refs = [{"service": "intake", "case_id": f"c{i}", "case_no": f"JF-330681-2026-00000{i}"} for i in (1, 2)]
    pattern = {"description": "一年内同一单位欠薪纠纷多发", "category": "labour", "case_count": 2}
    refused("recurring", flow.rc("court_issuer").open_draft_from_risk_pattern,
            {**DRAFT, "kind": "comprehensive_governance", "recipient_org_id": "zj-hrss"}, refs, pattern, key())
    assert flow.rc("court_issuer").find_cases({})["total"] == 1     # nothing stored by the refusals


# -- submit and approve_issue ----------------------------------------------------------------------
def test_a_court_must_hear_the_recipient_before_submitting(flow):
    case = flow.court_draft()
    unchanged(flow, "court_issuer", case, refused, "court_consulted", flow.fire, "court_issuer", case, "submit")
    case = flow.fire("court_issuer", case, "consult_recipient")
    assert flow.fire("court_issuer", case, "submit")["status"] == "RC_PENDING_APPROVAL"


def test_approval_guards(flow):
    court = flow.pending(court=True)
    approve = lambda case, who, data: flow.fire(who, case, "approve_issue", data)   # noqa: E731
    unchanged(flow, "court_issuer", court, refused, "court_committee", approve, court, "court_issuer",
              {**COURT_APPROVAL, "approved_by": "chief_procurator"})
    refused("court_committee", approve, court, "court_issuer", {**COURT_APPROVAL, "signed_by_president": False})
    refused("court_reply_stated", approve, court, "court_issuer", {**COURT_APPROVAL, "reply_period": None})
    for too_long in ({"amount": 3, "unit": "months"}, {"amount": 62, "unit": "days"}):
        refused("court_reply_limit", approve, court, "court_issuer", {**COURT_APPROVAL, "reply_period": too_long})
    ok = approve(court, "court_issuer", {**COURT_APPROVAL, "reply_period": {"amount": 61, "unit": "days"}})
    assert ok["data"]["letter"]["reply_period"] == {"amount": 61, "unit": "days"}
    # "法律、司法解释另有规定的，依照其规定" (JSR Art 8): a longer period naming its provision
    other = flow.pending(court=True)
    ok = approve(other, "court_issuer", {**COURT_APPROVAL, "reply_period": {"amount": 3, "unit": "months"},
                                         "special_provision": "某司法解释第×条"})
    assert ok["status"] == "RC_ISSUED"

    proc = flow.pending(kind="social_governance", recipient_org_id="zj-hrss")
    base = EXAMPLES["approve_issue"]
    refused("procuratorate_approver", approve, proc, "issuer", {**base, "approved_by": "judicial_committee"})
    refused("procuratorate_reply_limit", approve, proc, "issuer",
            {**base, "urgent": True, "reply_period": {"amount": 1, "unit": "months"}})
    refused("procuratorate_reply_limit", approve, proc, "issuer",
            {**base, "reply_period": {"amount": 3, "unit": "months"}})
    ok = approve(proc, "issuer", {**base, "urgent": True, "reply_period": {"amount": 10, "unit": "days"}})
    assert ok["data"]["letter"]["reply_period"] == {"amount": 10, "unit": "days"}

    retrial = flow.pending(kind="retrial", recipient_org_id="zj-court")
    refused("retrial_committee", approve, retrial, "issuer", base)
    assert approve(retrial, "issuer", {**base, "approved_by": "procuratorial_committee"})["status"] == "RC_ISSUED"

    pi = flow.pending()
    refused("public_interest_reply_limit", approve, pi, "issuer",
            {**base, "damage_spreading": True, "reply_period": {"amount": 1, "unit": "months"}})
    refused("public_interest_reply_limit", approve, pi, "issuer",
            {**base, "reply_period": {"amount": 70, "unit": "days"}})

    city = flow.rc(SX_PROC).draft({**DRAFT, "recipient_org_id": "sx-gov"}, key())
    city = flow.fire(SX_PROC, city, "submit")
    unchanged(flow, SX_PROC, city, refused, "doc_prefix", approve, city, SX_PROC, base)


# -- serve ---------------------------------------------------------------------------------------------
def test_service_guards(flow):
    serve = lambda who, case, data: flow.fire(who, case, "serve", data)   # noqa: E731
    proc = flow.issued()
    unchanged(flow, "issuer", proc, refused, "served_on_addressee", serve, "issuer", proc,
              {**EXAMPLES["serve"], "recipient_org_id": "zj-hrss"})
    refused("copies_fit", serve, "issuer", proc,
            {**EXAMPLES["serve"], "copies": [{"kind": "other_relevant", "name": "某协会"}]})
    refused("copies_known", serve, "issuer", proc,
            {**EXAMPLES["serve"], "copies": [{"kind": "government", "name": "某政府", "org_id": "zj-nowhere"}]})
    refused("copies_known", serve, "issuer", proc,
            {**EXAMPLES["serve"], "copies": [{"kind": "recipient_superior", "name": "诸暨市人民法院", "org_id": "zj-court"}]})
    ok = serve("issuer", proc, {**EXAMPLES["serve"], "copies": [
        {"kind": "recipient_superior", "name": "诸暨市人民政府", "org_id": "zj-gov-county"},
        {"kind": "discipline", "name": "诸暨市纪委监委", "org_id": "zj-cdi"}]})
    assert [c["kind"] for c in ok["data"]["service"]["copies"]] == ["recipient_superior", "discipline"]

    court = flow.issued(court=True)
    copy = [{"kind": "recipient_superior", "name": "诸暨市人民政府", "org_id": "zj-gov-county"}]
    refused("copies_fit", serve, "court_issuer", court, {**COURT_SERVE, "copies": copy})          # not major
    refused("copies_fit", serve, "court_issuer", court,
            {**COURT_SERVE, "major_issue": True, "copies": [{"kind": "party_committee", "name": "市委"}]})
    ok = serve("court_issuer", court, {**COURT_SERVE, "major_issue": True, "copies": copy})
    assert ok["status"] == "RC_AWAITING_REPLY"

    retrial = flow.issued(kind="retrial", recipient_org_id="zj-court",
                          approve={"approved_by": "procuratorial_committee"})
    data = {**EXAMPLES["serve"], "recipient_org_id": "zj-court", "copies": []}
    refused("retrial_filed_upward", serve, "issuer", retrial, data)
    ok = serve("issuer", retrial, {**data, "copies": [{"kind": "superior_procuratorate", "name": "绍兴市人民检察院",
                                                       "org_id": "sx-proc"}]})
    assert ok["status"] == "RC_AWAITING_REPLY"


# -- objection, reply ------------------------------------------------------------------------------------
def test_objection_guards(flow):
    court = flow.served(court=True)
    refused("procuratorate_only", flow.fire, "court_rcpt", court, "raise_objection")
    proc = flow.served()
    proc = flow.fire("rcpt", proc, "raise_objection")
    proc = flow.fire("issuer", proc, "objection_dismissed")
    assert proc["status"] == "RC_AWAITING_REPLY"
    unchanged(flow, "issuer", proc, refused, "first_objection", flow.fire, "rcpt", proc, "raise_objection")
    late = flow.served()
    timekeeping.set_now(datetime(2026, 3, 13, 0, 0, 1, tzinfo=SHANGHAI))   # the 10-day period ended 03-12
    refused("within_objection_period", flow.fire, "rcpt", late, "raise_objection")


def test_reply_guards(flow):
    case = flow.served()
    reply = dict(EXAMPLES["submit_reply"])
    unchanged(flow, "issuer", case, refused, "reply_states_adoption", flow.fire, "rcpt", case, "submit_reply",
              {**reply, "measures": ""})
    refused("reply_states_adoption", flow.fire, "rcpt", case, "submit_reply",
            {**reply, "adoption": "not_adopted", "evidence": []})
    refused("reply_states_adoption", flow.fire, "rcpt", case, "submit_reply",
            {**reply, "adoption": "partially_adopted"})                                    # no reasons
    refused("rectification_evidence", flow.fire, "rcpt", case, "submit_reply", {**reply, "evidence": []})
    ok = flow.fire("rcpt", case, "submit_reply", {**reply, "adoption": "not_adopted", "evidence": [],
                                                   "measures": "", "reasons": "该地块已依法批准为建设用地"})
    assert ok["status"] == "RC_REPLIED"


# -- escalation, suit ----------------------------------------------------------------------------------
def _urged(flow, court=False):
    case = flow.served(court=court)
    who = "court_issuer" if court else "issuer"
    case = flow.fire("court_rcpt" if court else "rcpt", case, "submit_reply")
    case = flow.fire(who, case, "verify_implementation")
    return flow.fire(who, case, "mark_not_implemented")        # RC_URGED without waiting for the clock


def test_escalation_guards(flow):
    case = _urged(flow)
    esc = EXAMPLES["escalate"]
    unchanged(flow, "issuer", case, refused, "no_just_cause", flow.fire, "issuer", case, "escalate",
              {**esc, "no_just_cause": False})
    refused("measures_fit", flow.fire, "issuer", case, "escalate", {**esc, "measures": []})
    refused("measures_fit", flow.fire, "issuer", case, "escalate", {**esc, "measures": ["listed_supervision"]})
    refused("measures_fit", flow.fire, "supv", case, "escalate",
            {"no_just_cause": True, "measures": ["report_superior_procuratorate"]})
    refused("chief_decides", flow.fire, "issuer", case, "escalate", {**esc, "decided_by": None})
    court = _urged(flow, court=True)
    refused("measures_fit", flow.fire, "court_issuer", court, "escalate",
            {"no_just_cause": True, "measures": ["notify_discipline"]})
    ok = flow.fire("court_issuer", court, "escalate",
                   {"no_just_cause": True, "measures": ["notify_recipient_superior"]})
    assert ok["status"] == "RC_ESCALATED" and ok["supervised"] is True


def test_suit_guards(flow):
    case = flow.served(kind="social_governance", recipient_org_id="zj-hrss")
    case = flow.fire("court_rcpt", case, "submit_reply")      # the hrss recipient
    case = flow.fire("issuer", case, "verify_implementation")
    case = flow.fire("issuer", case, "mark_not_implemented")
    unchanged(flow, "issuer", case, refused, "public_interest_kind", flow.fire, "issuer", case,
              "file_public_interest_suit")
    pi = _urged(flow)
    refused("suit_court", flow.fire, "issuer", pi, "file_public_interest_suit",
            {**EXAMPLES["file_public_interest_suit"], "court_org_id": "zj-nr"})
    assert flow.fire("issuer", pi, "file_public_interest_suit")["status"] == "RC_LITIGATION"
