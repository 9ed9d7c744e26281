"""The supervision service's case types walked exhaustively over real RabbitMQ, on SQLite and
PostgreSQL: 督办 (a case of any service, with a reason and a deadline) and 挂牌督办 (PSR Art 60, 65).
Every allowed transition, every refused (state, event) pair, every role × event pair; the centre
alone opens them, the responsible body alone reports, and a missed deadline escalates."""
from __future__ import annotations

from datetime import timedelta

import pytest

from contracts.enums import ROLES
from infra import timekeeping
from services.supervision.casetype import SUPERVISION
from services.supervision.listed_casetype import LISTED_SUPERVISION
from tests.factories import key
from tests.harness import (Walker, assert_every_allowed_transition, assert_every_refused_pair,
                           assert_every_role_event_pair, case_snapshot, expect_error, shortest_paths, wait_for)
from tests.interface.supervision_walk import (LISTED_EXAMPLES, LISTED_ROLES, LISTED_SYS, OWNER, STRANGER, SUPERIOR,
                                              SUPERVISION_EXAMPLES, SUPERVISION_ROLES, SUPERVISION_SYS, TARGET, actor,
                                              in_days, rpc_caller, supervision, target)

__all__ = ["supervision", "target"]
def _lawful_callers() -> list[str]:
    """The walk's callers are supv at the centre and every other role at the responsible body: a role
    that body's kind may not hold is refused by the role table (config/roles.yaml) before the case type
    is asked, so the role × event walk covers the roles the body may hold."""
    from infra.config import default_config
    from infra.orgs import load_directory
    d = load_directory(str(default_config().path("organisations")), str(default_config().path("roles")))
    return [r for r in ROLES if r != "sys" and (r == "supv" or d.may_hold(OWNER, r))]


CALLER_ROLES = _lawful_callers()
TYPES = {
    "supervision": (SUPERVISION, SUPERVISION_EXAMPLES, SUPERVISION_ROLES, SUPERVISION_SYS),
    "listed_supervision": (LISTED_SUPERVISION, LISTED_EXAMPLES, LISTED_ROLES, LISTED_SYS),
}


@pytest.fixture(params=sorted(TYPES))
def walker(request, target, rpc_as):
    ct, examples, roles, sys_events = TYPES[request.param]
    return Walker(ct, rpc_caller(rpc_as), lambda cid: case_snapshot(rpc_as(actor("supv")).supervision, cid),
                  examples, roles, {}, sys_events)


@pytest.mark.parametrize("ct", [SUPERVISION, LISTED_SUPERVISION], ids=lambda ct: ct.code)
def test_every_state_is_reachable(ct):
    assert set(shortest_paths(ct)) == {s.code for s in ct.states}


BY_TIMER = {"supervision": {"SV_ESCALATED"}, "listed_supervision": {"GP_OVERDUE"}}


def test_every_allowed_transition_works(walker):
    assert_every_allowed_transition(walker)
    # the walk reaches every state but those only the timer reaches, walked in the clock tests below
    # (counting the pairs it tried against the pairs it iterates could not fail)
    assert {s.code for s in walker.ct.states} - set(walker.reachable()) == BY_TIMER[walker.ct.code]


def test_every_disallowed_state_event_pair_is_refused_and_changes_nothing(walker):
    assert_every_refused_pair(walker)          # each refused pair checked there, and more than none


def test_every_role_event_pair(walker):
    assert_every_role_event_pair(walker, CALLER_ROLES)


def assert_refused_in_timer_state(rpc_as, ct, examples, roles, case):
    """The states only the timer reaches get the refused-pair check too."""
    supv = rpc_as(actor("supv")).supervision
    before = case_snapshot(supv, case["case_id"])
    for event in ct.events:
        if event.creates or "sys" in event.roles or case["status"] in event.sources:
            continue
        data = examples[event.id](case) if callable(examples[event.id]) else examples[event.id]
        err = expect_error("TRANSITION_NOT_ALLOWED", rpc_as(actor(roles[event.id])).supervision.fire,
                           case["case_id"], event.id, data, case["version"], key())
        assert err.details["state"] == case["status"]
    assert case_snapshot(supv, case["case_id"]) == before


# -- 督办 ---------------------------------------------------------------------------------------------
def open_one(rpc_as, deadline_days=10):
    return rpc_as(actor("supv")).supervision.open_supervision(TARGET, "征地补偿信访事项久拖未决", in_days(deadline_days), key())


def test_supervision_is_the_owners_task_and_links_the_supervised_case(target, rpc_as):
    case = open_one(rpc_as)
    assert (case["status"], case["org_id"], case["data"]["owner_org_id"]) == ("SV_OPEN", "zj-centre", OWNER)
    assert case["links"][0]["link_type"] == "supervises" and case["links"][0]["case_id"] == TARGET
    assert [d["kind"] for d in case["deadlines"]] == ["supervision_deadline"]
    assert case["deadlines"][0]["due_date"] == in_days(10)
    # the owning organisation finds it in its task list; another organisation does not
    mine = rpc_as(actor("handler")).supervision.find_cases({"status": ["SV_OPEN"]})
    assert [c["case_id"] for c in mine["items"]] == [case["case_id"]]
    assert rpc_as(actor("handler", STRANGER)).supervision.find_cases({})["total"] == 0
    expect_error("FORBIDDEN", rpc_as(actor("handler", STRANGER)).supervision.fire, case["case_id"], "report",
                 SUPERVISION_EXAMPLES["report"], case["version"], key())


@pytest.mark.parametrize("who, target_id, days, field", [
    ({"role": "supv", "org": "zj-centre-jiyang"}, TARGET, 10, None),     # a township centre
    ({"role": "supv", "org": "zj-centre"}, "f" * 32, 10, None),          # unknown to the centre
    ({"role": "supv", "org": "zj-centre"}, TARGET, 0, None),             # deadline not ahead
])
def test_opening_is_refused_citing_the_article(target, rpc_as, who, target_id, days, field):
    proxy = rpc_as(actor(who["role"], who["org"])).supervision
    err = expect_error("GUARD_FAILED", proxy.open_supervision, target_id, "理由", in_days(days), key())
    assert "《浙江省平安建设条例》" in err.message


def test_bad_input_names_the_field_and_a_retry_changes_nothing(target, rpc_as):
    supv = rpc_as(actor("supv")).supervision
    err = expect_error("VALIDATION_ERROR", supv.open_supervision, TARGET, "", "not-a-date", key())
    assert set(err.details["fields"]["data"]) == {"reason", "deadline"}
    k = key()
    first = supv.open_supervision(TARGET, "理由", in_days(3), k)
    assert supv.open_supervision(TARGET, "理由", in_days(3), k) == first
    assert supv.find_cases({})["total"] == 1


def test_a_missed_deadline_escalates_to_the_owners_superior_who_then_answers(target, rpc_as):
    case = open_one(rpc_as, deadline_days=2)
    timekeeping.set_now(timekeeping.now() + timedelta(days=5))
    supv = rpc_as(actor("supv")).supervision
    supv.sweep_clocks()
    escalated = wait_for(lambda: (c := supv.get_case(case["case_id"]))["status"] == "SV_ESCALATED" and c)
    assert escalated["data"]["escalated_to"] == SUPERIOR and escalated["supervised"]
    assert [h["event"] for h in supv.case_history(case["case_id"])][-1] == "deadline_expired"
    assert_refused_in_timer_state(rpc_as, SUPERVISION, SUPERVISION_EXAMPLES, SUPERVISION_ROLES, escalated)
    superior = rpc_as(actor("handler", SUPERIOR)).supervision
    assert [c["case_id"] for c in superior.find_cases({})["items"]] == [case["case_id"]]
    reported = superior.fire(case["case_id"], "report", SUPERVISION_EXAMPLES["report"], escalated["version"], key())
    assert reported["status"] == "SV_REPORTED"


# -- 挂牌督办 -----------------------------------------------------------------------------------------
def test_listing_runs_to_lifting_with_its_measures_on_the_record(supervision, rpc_as):
    supv, owner = rpc_as(actor("supv")).supervision, rpc_as(actor("handler")).supervision
    case = supv.list_for_supervision(LISTED_EXAMPLES["list_for_supervision"], key())
    assert "不得评优评先" in case["data"]["restriction"] and case["deadlines"][0]["kind"] == "rectification_plan"
    case = supv.fire(case["case_id"], "summon", LISTED_EXAMPLES["summon"], case["version"], key())
    case = owner.fire(case["case_id"], "submit_plan", LISTED_EXAMPLES["submit_plan"], case["version"], key())
    case = supv.fire(case["case_id"], "approve_plan", {"deadline": in_days(30)}, case["version"], key())
    assert [(d["kind"], d["due_date"]) for d in case["deadlines"]] == [("rectification", in_days(30))]
    case = supv.fire(case["case_id"], "record_inspection", LISTED_EXAMPLES["record_inspection"], case["version"], key())
    case = supv.fire(case["case_id"], "circulate", LISTED_EXAMPLES["circulate"], case["version"], key())
    case = owner.fire(case["case_id"], "report_rectified", LISTED_EXAMPLES["report_rectified"], case["version"], key())
    case = supv.fire(case["case_id"], "lift", LISTED_EXAMPLES["lift"], case["version"], key())
    assert case["status"] == "GP_LIFTED"
    assert [m["label"] for m in case["data"]["measures"]] == ["约谈", "通报"]
    assert [i["method_label"] for i in case["data"]["inspections"]] == ["暗访", "检查"]


def test_a_missed_rectification_deadline_is_overdue(supervision, rpc_as):
    supv, owner = rpc_as(actor("supv")).supervision, rpc_as(actor("handler")).supervision
    case = supv.list_for_supervision(LISTED_EXAMPLES["list_for_supervision"], key())
    case = owner.fire(case["case_id"], "submit_plan", LISTED_EXAMPLES["submit_plan"], case["version"], key())
    case = supv.fire(case["case_id"], "approve_plan", {"deadline": in_days(3)}, case["version"], key())
    timekeeping.set_now(timekeeping.now() + timedelta(days=6))
    supv.sweep_clocks()
    case = wait_for(lambda: (c := supv.get_case(case["case_id"]))["status"] == "GP_OVERDUE" and c)
    assert case["supervised"]
    assert_refused_in_timer_state(rpc_as, LISTED_SUPERVISION, LISTED_EXAMPLES, LISTED_ROLES, case)
    case = owner.fire(case["case_id"], "report_rectified", LISTED_EXAMPLES["report_rectified"], case["version"], key())
    assert case["status"] == "GP_ACCEPTANCE"


def test_listing_an_unknown_body_is_refused(supervision, rpc_as):
    err = expect_error("GUARD_FAILED", rpc_as(actor("supv")).supervision.list_for_supervision,
                       {**LISTED_EXAMPLES["list_for_supervision"], "responsible_org_id": "nowhere"}, key())
    assert "第六十五条" in err.message
