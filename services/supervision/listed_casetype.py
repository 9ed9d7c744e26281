"""The 挂牌督办 case type: the county centre lists a key area or a prominent problem for supervision,
the responsible organisation submits a rectification plan and rectifies within a deadline (限期整改),
the centre inspects (检查/暗访) and lifts the listing; 约谈 and 通报 are recorded on the way
(《浙江省平安建设条例》第六十条、第六十五条)."""
from __future__ import annotations

from contracts import supervision as c
from contracts.schemas import ClockEventSchema
from infra.casetype import CaseType, ClockDef, EventDef, StateDef, configured
from services.supervision import listed_effects as fx
from services.supervision.casetype import until_deadline
from services.supervision.guards import GUARDS as G
from services.supervision.listed_guards import GUARDS as LG

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

EVENTS = (
    EventDef("list_for_supervision", "挂牌督办", (), "GP_LISTED", ("supv",),
             "PSR Art 60: 重点区域、突出问题挂牌督办; Art 65 ¶1 (1)-(6) grounds",
             guards=(G["county_centre"], LG["known_org"]), schema=c.ListSchema, effect=fx.list_for_supervision),
    EventDef("submit_plan", "报送整改方案", ("GP_LISTED",), "GP_PLAN_SUBMITTED", RESPONSIBLE_ROLES, "PSR Art 60",
             guards=(G["responsible"],), schema=c.PlanSchema, effect=fx.submit_plan),
    EventDef("return_plan", "退回整改方案", ("GP_PLAN_SUBMITTED",), "GP_LISTED", ("supv",), "PSR Art 60",
             schema=c.ReasonSchema, effect=fx.return_plan),
    EventDef("approve_plan", "确定整改期限", ("GP_PLAN_SUBMITTED",), "GP_RECTIFYING", ("supv",),
             "PSR Art 65: 责令限期整改", guards=(G["deadline_ahead"],), schema=c.ApprovePlanSchema,
             effect=fx.set_deadline("deadlines")),
    EventDef("record_inspection", "检查/暗访", ("GP_RECTIFYING", "GP_OVERDUE", "GP_ACCEPTANCE"), None, ("supv",),
             "PSR Art 60: 通过检查、暗访等方式", schema=c.InspectionSchema, effect=fx.inspect),
    EventDef("report_rectified", "报告整改完成", ("GP_RECTIFYING", "GP_OVERDUE"), "GP_ACCEPTANCE", RESPONSIBLE_ROLES,
             "PSR Art 60", guards=(G["responsible"],), schema=c.RectifiedSchema, effect=fx.report_rectified),
    EventDef("reject_rectification", "整改不到位，重新限期", ("GP_ACCEPTANCE",), "GP_RECTIFYING", ("supv",),
             "PSR Art 65: 责令限期整改", guards=(G["deadline_ahead"],), schema=c.RejectRectificationSchema,
             effect=fx.set_deadline("rejections")),
    EventDef("lift", "摘牌", ("GP_ACCEPTANCE",), "GP_LIFTED", ("supv",),
             "PSR Art 60: lifted on an acceptance check by 检查 or 暗访, recorded with its findings",
             schema=c.LiftSchema, effect=fx.lift),
    EventDef("summon", "约谈", LISTED_STATES, None, ("supv",), "PSR Art 65: 约谈", schema=c.SummonSchema,
             effect=fx.summon),
    EventDef("circulate", "通报", LISTED_STATES, None, ("supv",), "PSR Art 65: 通报", schema=c.CirculateSchema,
             effect=fx.circulate),
    EventDef("deadline_warning", "期限预警", ("GP_LISTED", "GP_RECTIFYING"), None, ("sys",), "SPEC §1: T-3 WD [A]",
             schema=ClockEventSchema),
    EventDef("plan_overdue", "逾期未报送整改方案（督办）", ("GP_LISTED",), None, ("sys",),
             "PSR Art 60 [A]: plan period in config", schema=ClockEventSchema, effect=fx.flag),
    EventDef("deadline_expired", "整改逾期", RECTIFYING, "GP_OVERDUE", ("sys",), "PSR Art 65: 限期整改",
             schema=ClockEventSchema, effect=fx.flag),
)


CLOCKS = (
    ClockDef("rectification_plan", "整改方案报送期限", configured("supervision", "listed_plan"), ("GP_LISTED",), ("GP_LISTED",), "plan_overdue",
             "PSR Art 60 [A]: config supervision.listed_plan"),
    ClockDef("rectification", "整改期限", until_deadline, RECTIFYING, RECTIFYING, "deadline_expired",
             "PSR Art 65: 责令限期整改"),
)

LISTED_SUPERVISION = CaseType(code="listed_supervision", label="挂牌督办", service="supervision",
                              case_no_prefix="GP", basis="浙江省平安建设条例 Art 60, 65", states=STATES, events=EVENTS,
                              clocks=CLOCKS, participants=lambda case: {case.data.get("owner_org_id")})
