"""The 挂牌督办 case type: the county centre lists a key area or a prominent problem for supervision,
the responsible organisation submits a rectification plan and rectifies within a deadline (限期整改),
the centre inspects (检查/暗访) and lifts the listing; 约谈 and 通报 are recorded on the way
(《浙江省平安建设条例》第六十条、第六十五条)."""
from __future__ import annotations

from datetime import date

from contracts import supervision as c
from infra.calendar import to_shanghai_date
from infra.casetype import CaseType, ClockDef, EventDef, Guard, Period, StateDef
from services.supervision.guards import COUNTY_CENTRE, DEADLINE_AHEAD, RESPONSIBLE

RESPONSIBLE_ROLES = ("handler",)     # the responsible body's staff (a department, a township, ...)
LISTED_STATES = ("GP_LISTED", "GP_PLAN_SUBMITTED", "GP_RECTIFYING", "GP_OVERDUE", "GP_ACCEPTANCE")
RECTIFYING = ("GP_RECTIFYING",)

STATES = (
    StateDef("GP_LISTED", "挂牌督办", basis="PSR Art 60, 65"),
    StateDef("GP_PLAN_SUBMITTED", "整改方案已报送", basis="PSR Art 60"),
    StateDef("GP_RECTIFYING", "限期整改", basis="PSR Art 65: 责令限期整改"),
    StateDef("GP_OVERDUE", "逾期未整改", basis="PSR Art 65"),
    StateDef("GP_ACCEPTANCE", "整改验收", basis="PSR Art 60: 检查、暗访"),
    StateDef("GP_LIFTED", "摘牌", terminal=True, basis="PSR Art 60"),
)
# PSR Art 65 ¶2: what a listing means for the responsible body while it rectifies
RESTRICTION = "整改期限内，主要负责人、分管负责人和直接责任人员不得评优评先（《浙江省平安建设条例》第六十五条第二款）"


def _record(case, key: str, entry: dict, ctx) -> None:
    case.data = {**case.data, key: [*case.data.get(key, []), {**entry, "by": ctx.actor.user_id,
                                                                "org_id": ctx.actor.org_id, "at": ctx.now.isoformat()}]}


def list_for_supervision(case, data, ctx) -> None:
    case.org_id = ctx.actor.org_id
    case.category, case.summary = data["category"], data["subject"]
    case.data = {"owner_org_id": data["responsible_org_id"], "subject_kind": data["subject_kind"],
                 "subject": data["subject"], "ground": data["ground"], "ground_label": c.LISTING_GROUNDS[data["ground"]],
                 "reason": data["reason"], "restriction": RESTRICTION}


def submit_plan(case, data, ctx) -> None:
    _record(case, "plans", {"plan": data["plan"]}, ctx)


def return_plan(case, data, ctx) -> None:
    _record(case, "plan_returns", {"reason": data["reason"]}, ctx)


def set_deadline(key: str):
    def effect(case, data, ctx) -> None:
        _record(case, key, {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}, ctx)
        case.data = {**case.data, "deadline": data["deadline"].isoformat()}
    return effect


def inspect(case, data, ctx) -> None:
    _record(case, "inspections", {"method": data["method"], "method_label": c.INSPECTION_METHODS[data["method"]],
                                  "findings": data["findings"]}, ctx)


def report_rectified(case, data, ctx) -> None:
    _record(case, "rectification_reports", {"report": data["report"]}, ctx)


def lift(case, data, ctx) -> None:
    """The acceptance check is an inspection on the record (PSR Art 60), then the listing is lifted."""
    inspect(case, data, ctx)
    case.data = {**case.data, "lifted": {"conclusion": data["conclusion"], "at": ctx.now.isoformat()}}


def summon(case, data, ctx) -> None:
    _record(case, "measures", {"kind": "summon", "label": "约谈", "official_post": data["official_post"],
                               "note": data["note"], "basis": "PSR Art 65"}, ctx)


def circulate(case, data, ctx) -> None:
    _record(case, "measures", {"kind": "circulate", "label": "通报", "scope": data["scope"], "note": data["note"],
                               "basis": "PSR Art 65"}, ctx)


def flag(case, data, ctx) -> None:
    case.supervised = True


def _known_org(case, data, ctx) -> bool:
    return ctx.env.directory.get(data.get("responsible_org_id") or "") is not None


GUARDS = {
    "known_org": Guard(_known_org, "责任单位须为机构目录中的地区、部门或单位（《浙江省平安建设条例》第六十五条；PSR Art 65）", "PSR Art 65"),
}

EVENTS = (
    EventDef("list_for_supervision", "挂牌督办", (), "GP_LISTED", ("supv",),
             "PSR Art 60: 重点区域、突出问题挂牌督办; Art 65 ¶1 (1)-(6) grounds",
             guards=(COUNTY_CENTRE, GUARDS["known_org"]), schema=c.ListSchema, effect=list_for_supervision),
    EventDef("submit_plan", "报送整改方案", ("GP_LISTED",), "GP_PLAN_SUBMITTED", RESPONSIBLE_ROLES, "PSR Art 60",
             guards=(RESPONSIBLE,), schema=c.PlanSchema, effect=submit_plan),
    EventDef("return_plan", "退回整改方案", ("GP_PLAN_SUBMITTED",), "GP_LISTED", ("supv",), "PSR Art 60",
             schema=c.ReasonSchema, effect=return_plan),
    EventDef("approve_plan", "确定整改期限", ("GP_PLAN_SUBMITTED",), "GP_RECTIFYING", ("supv",),
             "PSR Art 65: 责令限期整改", guards=(DEADLINE_AHEAD,), schema=c.ApprovePlanSchema,
             effect=set_deadline("deadlines")),
    EventDef("record_inspection", "检查/暗访", ("GP_RECTIFYING", "GP_OVERDUE", "GP_ACCEPTANCE"), None, ("supv",),
             "PSR Art 60: 通过检查、暗访等方式", schema=c.InspectionSchema, effect=inspect),
    EventDef("report_rectified", "报告整改完成", ("GP_RECTIFYING", "GP_OVERDUE"), "GP_ACCEPTANCE", RESPONSIBLE_ROLES,
             "PSR Art 60", guards=(RESPONSIBLE,), schema=c.RectifiedSchema, effect=report_rectified),
    EventDef("reject_rectification", "整改不到位，重新限期", ("GP_ACCEPTANCE",), "GP_RECTIFYING", ("supv",),
             "PSR Art 65: 责令限期整改", guards=(DEADLINE_AHEAD,), schema=c.RejectRectificationSchema,
             effect=set_deadline("rejections")),
    EventDef("lift", "摘牌", ("GP_ACCEPTANCE",), "GP_LIFTED", ("supv",),
             "PSR Art 60: lifted on an acceptance check by 检查 or 暗访, recorded with its findings",
             schema=c.LiftSchema, effect=lift),
    EventDef("summon", "约谈", LISTED_STATES, None, ("supv",), "PSR Art 65: 约谈", schema=c.SummonSchema,
             effect=summon),
    EventDef("circulate", "通报", LISTED_STATES, None, ("supv",), "PSR Art 65: 通报", schema=c.CirculateSchema,
             effect=circulate),
    EventDef("deadline_warning", "期限预警", ("GP_LISTED", "GP_RECTIFYING"), None, ("sys",), "SPEC §1: T-3 WD [A]",
             schema=c.ClockEventSchema),
    EventDef("plan_overdue", "逾期未报送整改方案（督办）", ("GP_LISTED",), None, ("sys",),
             "PSR Art 60 [A]: plan period in config", schema=c.ClockEventSchema, effect=flag),
    EventDef("deadline_expired", "整改逾期", RECTIFYING, "GP_OVERDUE", ("sys",), "PSR Art 65: 限期整改",
             schema=c.ClockEventSchema, effect=flag),
)


def _plan_period(config, case) -> Period:
    return Period(*config.period("supervision", "listed_plan"))


def _rectification_period(config, case) -> Period:
    if case is None:
        raise ValueError("per case")
    days = (date.fromisoformat(case.data["deadline"]) - to_shanghai_date(case.updated_at)).days
    return Period(max(days, 1), "days")


CLOCKS = (
    ClockDef("rectification_plan", "整改方案报送期限", _plan_period, ("GP_LISTED",), ("GP_LISTED",), "plan_overdue",
             "PSR Art 60 [A]: config supervision.listed_plan"),
    ClockDef("rectification", "整改期限", _rectification_period, RECTIFYING, RECTIFYING, "deadline_expired",
             "PSR Art 65: 责令限期整改"),
)

LISTED_SUPERVISION = CaseType(code="listed_supervision", label="挂牌督办", service="supervision",
                              case_no_prefix="GP", basis="浙江省平安建设条例 Art 60, 65", states=STATES, events=EVENTS,
                              clocks=CLOCKS, participants=lambda case: {case.data.get("owner_org_id")})
