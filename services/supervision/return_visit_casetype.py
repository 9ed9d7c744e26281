"""The 回访 case type: a resident who evaluated a closed case as 不满意 (through the lookup) is visited by
the organisation that handled it, within a period ([A] config ``supervision.return_visit``); a missed
period escalates to that organisation's superior, as 督办 does (PSR Art 60, 62: 满意率 is assessed, and
the centre 督促检查 what residents are not satisfied with, Art 39 ¶2, 46 ¶2)."""
from __future__ import annotations

from contracts import evaluation as c
from contracts.schemas import ClockEventSchema
from infra.casetype import CaseType, ClockDef, EventDef, StateDef, configured
from services.supervision import return_visit_effects as fx
from services.supervision.casetype import OWNER_ROLES
from services.supervision.effects import escalate
from services.supervision.guards import GUARDS as G

WAITING = ("RV_OPEN",)
# the handling organisation's staff, whatever its kind; at the centre itself (answered on the spot) its
# window and router staff
VISITOR_ROLES = (*OWNER_ROLES, "window", "router")

STATES = (
    StateDef("RV_OPEN", "待回访", basis="PSR Art 39 ¶2, 62"),
    StateDef("RV_ESCALATED", "逾期未回访（已报上级督办）", basis="PSR Art 60"),
    StateDef("RV_DONE", "已回访", terminal=True, basis="PSR Art 62"),
)


EVENTS = (
    EventDef("open_return_visit", "不满意评价转回访", (), "RV_OPEN", ("sys",),
             "PSR Art 62: 满意率; an 不满意 evaluation is visited by the organisation that handled the case",
             schema=c.OpenReturnVisitSchema, effect=fx.open_return_visit),
    EventDef("record_return_visit", "记录回访情况", ("RV_OPEN", "RV_ESCALATED"), "RV_DONE", VISITOR_ROLES,
             "PSR Art 39 ¶2, 62", guards=(G["responsible"],), schema=c.RecordReturnVisitSchema, effect=fx.record_return_visit),
    EventDef("deadline_warning", "期限预警", WAITING, None, ("sys",), "SPEC §1: T-3 WD [A]", schema=ClockEventSchema),
    EventDef("return_visit_overdue", "逾期未回访，报上级督办", WAITING, "RV_ESCALATED", ("sys",),
             "PSR Art 60, 65: a missed period escalates to the owner's superior", schema=ClockEventSchema,
             effect=escalate),
)


CLOCKS = (
    ClockDef("return_visit", "回访期限", configured("supervision", "return_visit"), WAITING, WAITING, "return_visit_overdue",
             "PSR Art 62 [A]: config supervision.return_visit"),
)

RETURN_VISIT = CaseType(code="return_visit", label="回访", service="supervision", case_no_prefix="HF",
                        basis="浙江省平安建设条例 Art 39 ¶2, 60, 62", states=STATES, events=EVENTS, clocks=CLOCKS,
                        participants=lambda case: {case.data.get("owner_org_id"), case.data.get("escalated_to")})
