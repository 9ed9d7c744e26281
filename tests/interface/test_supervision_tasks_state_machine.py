"""The supervision service's task case types walked exhaustively over real RabbitMQ, on SQLite and
PostgreSQL: 回访 (an 不满意 evaluation visited by the organisation that handled the case, PSR Art 62) and
预警处置 (a warning of the centre's rules as its task, PSR Art 50, 54). Every allowed transition, every
refused (state, event) pair, every role × event pair (no caller opens them: only the service, as sys);
a missed clock escalates to the superior, who then answers."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from infra import timekeeping
from infra.orgs import load_directory
from infra.config import default_config
from services.supervision.return_visit_casetype import RETURN_VISIT
from services.supervision.warning_task_casetype import WARNING_TASK
from tests.factories import key
from tests.harness import (Walker, assert_every_allowed_transition, assert_every_refused_pair,
                           assert_every_role_event_pair, case_snapshot, expect_error, shortest_paths, wait_for)
from tests.interface.supervision_tasks_walk import (RETURN_VISIT_EXAMPLES, RETURN_VISIT_ROLES, SYS_EVENTS,
                                                    WARNING_EXAMPLES, WARNING_ROLES, task_actor, task_caller)
from tests.interface.supervision_walk import CENTRE, OWNER, SUPERIOR, supervision

__all__ = ["supervision"]
TYPES = {"return_visit": (RETURN_VISIT, RETURN_VISIT_EXAMPLES, RETURN_VISIT_ROLES, OWNER, "handler"),
         "warning_task": (WARNING_TASK, WARNING_EXAMPLES, WARNING_ROLES, CENTRE, "supv")}


def _lawful(org: str) -> list[str]:
    """The roles the acting organisation's kind may hold (config/roles.yaml): any other is refused by the
    role table before the case type is asked."""
    d = load_directory(str(default_config().path("organisations")), str(default_config().path("roles")))
    from contracts.enums import ROLES
    return [r for r in ROLES if r not in ("sys", "party") and d.may_hold(org, r)]


def _walker(rpc_as, container, code):
    ct, examples, roles, _, reader = TYPES[code]
    proxy = rpc_as(task_actor(code, reader)).supervision
    return Walker(ct, task_caller(rpc_as, container, code), lambda cid: case_snapshot(proxy, cid),
                  examples, roles, {}, SYS_EVENTS)


@pytest.fixture(params=sorted(TYPES))
def walker(request, supervision, rpc_as):
    return _walker(rpc_as, supervision, request.param)


@pytest.mark.parametrize("ct", [RETURN_VISIT, WARNING_TASK], ids=lambda ct: ct.code)
def test_every_state_is_reachable(ct):
    assert set(shortest_paths(ct)) == {s.code for s in ct.states}


BY_TIMER = {"return_visit": {"RV_ESCALATED"}, "warning_task": {"WT_ESCALATED"}}


def test_every_allowed_transition_works(walker):
    assert_every_allowed_transition(walker)
    # the walk reaches every state but those only the timer reaches, walked in the clock tests below
    # (counting the pairs it tried against the pairs it iterates could not fail)
    assert {s.code for s in walker.ct.states} - set(walker.reachable()) == BY_TIMER[walker.ct.code]


def test_every_disallowed_state_event_pair_is_refused_and_changes_nothing(walker):
    assert_every_refused_pair(walker)          # each refused pair checked there, and more than none


def test_every_role_event_pair(walker):
    assert_every_role_event_pair(walker, _lawful(TYPES[walker.ct.code][3]))


@pytest.mark.parametrize("code, answer_role", [("return_visit", "handler"), ("warning_task", "handler")])
def test_a_missed_clock_escalates_to_the_superior_who_then_answers(supervision, rpc_as, code, answer_role):
    """回访: 5 working days [A]; a yellow warning: 3 working days [A]. Past them the sweep escalates to the
    superior of the organisation that owes the act (the owner's parent in the directory)."""
    w = _walker(rpc_as, supervision, code)
    case = w.drive([e.id for e in w.ct.creation_events()])
    assert [d["kind"] for d in case["deadlines"]] == [w.ct.clocks[0].kind]
    # past the deadline the case reports (working days: a fixed count of calendar days fails on some weekdays)
    due = datetime.fromisoformat(case["deadlines"][0]["due_at"])
    timekeeping.set_now(due + timedelta(hours=1))
    supv = rpc_as({"user_id": "supv-01", "role": "supv", "org_id": CENTRE}).supervision
    supv.sweep_clocks()
    reader = rpc_as(task_actor(code, TYPES[code][4])).supervision
    escalated = wait_for(lambda: (c := reader.get_case(case["case_id"]))["status"].endswith("_ESCALATED") and c)
    assert escalated["data"]["escalated_to"] == SUPERIOR and escalated["supervised"]
    # nothing but the answer is allowed once escalated
    for event in w.ct.events:
        if event.creates or "sys" in event.roles or escalated["status"] in event.sources:
            continue
        expect_error("TRANSITION_NOT_ALLOWED", w.fire, event.id, escalated)
    superior = rpc_as({"user_id": "gov-01", "role": answer_role, "org_id": SUPERIOR}).supervision
    assert case["case_id"] in [c["case_id"] for c in superior.find_cases({})["items"]]
    answer = next(e for e in w.ct.events if escalated["status"] in e.sources and "sys" not in e.roles)
    done = superior.fire(case["case_id"], answer.id, w.data_for(answer.id, escalated), escalated["version"], key())
    assert WARNING_TASK.state(done["status"]).terminal if code == "warning_task" else done["status"] == "RV_DONE"
