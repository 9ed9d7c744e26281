"""The legal conditions of the 督办 case type (``GUARDS``, name → Guard), which the service's other case types
share (listed_guards.py adds the 挂牌督办 ones); each message cites its article."""
from __future__ import annotations

from infra.calendar import to_shanghai_date
from infra.casetype import Guard
from services.supervision.models import SvCase


def _county_centre(case, data, ctx) -> bool:
    org = ctx.env.directory.get(ctx.actor.org_id)
    return org is not None and org.kind == "centre" and org.level == "county"


def _responsible(case, data, ctx) -> bool:
    """The actor's organisation is the one answerable (or governs it), or the superior it was escalated to."""
    d = ctx.env.directory
    answerable = [o for o in (case.data.get("owner_org_id"), case.data.get("escalated_to")) if o]
    return any(d.governs(ctx.actor.org_id, o) for o in answerable)


def _known_target(case, data, ctx) -> bool:
    return isinstance(data.get("target_case_id"), str) and ctx.session.get(SvCase, data["target_case_id"]) is not None


def _future(field: str):
    def check(case, data, ctx) -> bool:
        return data.get(field) is not None and data[field] > to_shanghai_date(ctx.now)
    return check


GUARDS = {
    "county_centre": Guard(_county_centre, "督办、挂牌督办由县级社会治理中心（平安建设组织协调机构）作出"
                      "（《浙江省平安建设条例》第三十九条第二款、第六十条；PSR Art 39 ¶2, 60）", "PSR Art 39 ¶2, 60"),
    "responsible": Guard(_responsible, "只有承办（责任）单位或其上级可报告办理、整改情况（《浙江省平安建设条例》第六十条：督促有关地区、部门和单位整改；PSR Art 60）",
                    "PSR Art 60", code="FORBIDDEN"),
    "deadline_ahead": Guard(_future("deadline"), "期限须晚于今天（《浙江省平安建设条例》第六十五条：责令限期整改；PSR Art 65）",
                       "PSR Art 65"),
    "known_target": Guard(_known_target, "督办对象须为中心已汇集的案件（《浙江省平安建设条例》第三十九条第二款、第四十九条；PSR Art 39 ¶2, 49）",
                          "PSR Art 39 ¶2, 49"),
}
