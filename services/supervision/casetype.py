"""The 督办 case type: the county centre supervises one case of any service (PSR Art 39 ¶2: 协同高效
解决人民群众诉求; Art 46 ¶2: 督促检查重要信访事项; Art 60). The owning organisation sees it in its task
list, reports; a missed deadline escalates to its superior."""
from __future__ import annotations

from datetime import date

from contracts import supervision as c
from contracts.schemas import ClockEventSchema
from infra.calendar import to_shanghai_date
from infra.casetype import CaseType, ClockDef, EventDef, Period, StateDef
from services.supervision import effects as fx
from services.supervision.guards import GUARDS as G

# the roles an owning organisation's staff hold, whatever its kind (committee, court, petition office,
# department, procuratorate): any of them may acknowledge and report for it
OWNER_ROLES = ("handler", "pmc", "xfb", "filing", "judge", "issuer")
RUNNING = ("SV_OPEN", "SV_HANDLING")

STATES = (
    StateDef("SV_OPEN", "已交办督办", basis="PSR Art 39 ¶2, 60"),
    StateDef("SV_HANDLING", "承办中", basis="PSR Art 60"),
    StateDef("SV_REPORTED", "已报告办理结果", basis="PSR Art 60"),
    StateDef("SV_ESCALATED", "逾期升级督办", basis="PSR Art 60, 65"),
    StateDef("SV_CLOSED", "督办办结", terminal=True, basis="PSR Art 60"),
    StateDef("SV_WITHDRAWN", "撤销督办", terminal=True, basis="PSR Art 60"),
)

EVENTS = (
    EventDef("open_supervision", "督办交办", (), "SV_OPEN", ("supv",),
             "PSR Art 39 ¶2, 46 ¶2, 60: the centre supervises a case with a reason and a deadline",
             guards=(G["county_centre"], G["known_target"], G["deadline_ahead"]), schema=c.OpenSupervisionSchema,
             effect=fx.open_supervision),
    EventDef("acknowledge", "承办单位签收", ("SV_OPEN",), "SV_HANDLING", OWNER_ROLES, "PSR Art 60",
             guards=(G["responsible"],), schema=c.NoteSchema, effect=fx.acknowledge),
    EventDef("report", "报告办理结果", ("SV_OPEN", "SV_HANDLING", "SV_ESCALATED"), "SV_REPORTED", OWNER_ROLES,
             "PSR Art 60: 督促有关单位及时整改", guards=(G["responsible"],), schema=c.ReportSchema, effect=fx.report),
    EventDef("return_report", "退回重办", ("SV_REPORTED",), "SV_HANDLING", ("supv",),
             "PSR Art 60: the report does not resolve the matter; a new deadline", guards=(G["deadline_ahead"],),
             schema=c.ReturnReportSchema, effect=fx.return_report),
    EventDef("close", "督办办结", ("SV_REPORTED",), "SV_CLOSED", ("supv",), "PSR Art 60",
             schema=c.CloseSupervisionSchema, effect=fx.close),
    EventDef("withdraw", "撤销督办", ("SV_OPEN", "SV_HANDLING", "SV_ESCALATED"), "SV_WITHDRAWN", ("supv",),
             "PSR Art 60 [A]: supervision no longer needed (e.g. the case was closed)", schema=c.ReasonSchema,
             effect=fx.withdraw),
    EventDef("deadline_warning", "期限预警", RUNNING, None, ("sys",), "SPEC §1: T-3 WD [A]",
             schema=ClockEventSchema),
    EventDef("deadline_expired", "逾期升级督办", RUNNING, "SV_ESCALATED", ("sys",),
             "PSR Art 60, 65: a missed deadline escalates to the owner's superior", schema=ClockEventSchema,
             effect=fx.escalate),
)


def until_deadline(config, case) -> Period:
    """The deadline the centre set (``case.data["deadline"]``), as days from the day the clock starts
    (periods count from the next day); the 挂牌督办's rectification period is read the same way."""
    if case is None:
        raise ValueError("per case")
    days = (date.fromisoformat(case.data["deadline"]) - to_shanghai_date(case.updated_at)).days
    return Period(max(days, 1), "days")


CLOCKS = (
    ClockDef("supervision_deadline", "督办期限", until_deadline, RUNNING, RUNNING, "deadline_expired",
             "PSR Art 60: 限期办结 set by the centre"),
)

SUPERVISION = CaseType(code="supervision", label="督办", service="supervision",
                       case_no_prefix="DB", basis="浙江省平安建设条例 Art 39 ¶2, 46 ¶2, 60", states=STATES,
                       events=EVENTS, clocks=CLOCKS,
                       participants=lambda case: {case.data.get("owner_org_id"), case.data.get("escalated_to")})
