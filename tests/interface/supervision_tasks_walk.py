"""How to walk the supervision service's task case types, 回访 (return_visit) and 预警处置 (warning_task):
sample data per event, the actor of each role on each side, and a Walker ``call`` that creates through
the engine as the service does (sys: the evaluation or the warning sweep opens them, no caller may)."""
from __future__ import annotations

from infra.actors import Actor
from infra.engine import transition
from infra.service import Platform
from infra.views import case_view
from tests.factories import key
from tests.interface.supervision_walk import CENTRE, OWNER

RETURN_VISIT_EXAMPLES = {
    "open_return_visit": {"evaluation_id": "e" * 32, "evaluated_case_no": "JF-330681-2026-000009",
                          "owner_org_id": OWNER, "rating": "dissatisfied", "reason": "补偿款至今未到位"},
    "record_return_visit": {"visit_result": "explained_understood", "note": "上门回访，说明补偿款拨付进度，当事人表示理解"},
    "deadline_warning": {"clock": "return_visit"},
    "return_visit_overdue": {"clock": "return_visit"},
}
RETURN_VISIT_ROLES = {"open_return_visit": "sys", "record_return_visit": "handler", "deadline_warning": "sys",
                      "return_visit_overdue": "sys"}

WARNING = {"warning_rule": "category_surge", "level": "yellow", "title": "县本级邻里纠纷集中发生 5 件",
           "explanation": "期间内县本级受理同类（邻里纠纷）纠纷 5 件，达到黄色预警阈值 5 件，可能为群体性纠纷，建议研判",
           "case_count": 5, "case_ids": ["a" * 32, "b" * 32], "basis": "PSR Art 50, 54", "fingerprint": "f" * 32,
           "period_from": "2026-10-01", "period_to": "2026-10-31", "about": {"town_id": None, "category": "neighbourhood"}}
WARNING_EXAMPLES = {
    "raise_warning": WARNING,
    "acknowledge_warning": {"note": "已签收，安排分流员研判"},
    "handle_warning": {"measures": "约请相关村社召开联席会议，逐户排查，已分别导入调解"},
    "deadline_warning": {"clock": "warning_response"},
    "warning_overdue": {"clock": "warning_response"},
}
WARNING_ROLES = {"raise_warning": "sys", "acknowledge_warning": "router", "handle_warning": "supv",
                 "deadline_warning": "sys", "warning_overdue": "sys"}
SYS_EVENTS = {"deadline_warning", "return_visit_overdue", "warning_overdue"}


def platform_env(container, case_type: str):
    """The running service's Env of ``case_type`` (what its evaluation, sweep and clocks fire through)."""
    return next(d for d in container.dependencies if isinstance(d, Platform)).envs[case_type]


def task_actor(case_type: str, role: str) -> dict:
    """回访: every role at the organisation that handled the case; 预警处置: every role at the centre."""
    org = CENTRE if case_type == "warning_task" else OWNER
    return {"user_id": f"{role}-01", "role": role, "org_id": org}


def task_caller(rpc_as, container, case_type: str):
    env = platform_env(container, case_type)

    def call(role, event, case_id, data, version):
        if env.case_type.event(event).creates:      # through the engine, as the service does (sys or refused)
            a = task_actor(case_type, role)
            org = CENTRE if case_type == "warning_task" else OWNER
            actor = Actor(a["user_id"], role, org)
            return transition(env, actor, event, data=data, idempotency_key=key(),
                              view=lambda case, ctx: case_view(case, env, actor, ctx.now))
        return rpc_as(task_actor(case_type, role)).supervision.fire(case_id, event, data, version, key())
    return call
