"""The 督办 case type: the county centre supervises one case of any service (PSR Art 39 ¶2: 协同高效
解决人民群众诉求; Art 46 ¶2: 督促检查重要信访事项; Art 60). The owning organisation sees it in its task
list, reports; a missed deadline escalates to its superior."""
from __future__ import annotations

from datetime import date

from contracts import supervision as c
from infra.calendar import to_shanghai_date
from infra.casetype import CaseType, ClockDef, EventDef, Guard, Period, StateDef
from infra.models import CaseLink
from services.supervision.guards import COUNTY_CENTRE, DEADLINE_AHEAD, RESPONSIBLE
from services.supervision.models import SvCase

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


def _append(case, key: str, entry: dict, ctx) -> None:
    case.data = {**case.data, key: [*case.data.get(key, []), {**entry, "by": ctx.actor.user_id,
                                                                "org_id": ctx.actor.org_id, "at": ctx.now.isoformat()}]}


# -- effects ------------------------------------------------------------------------------------------
def open_supervision(case, data, ctx) -> None:
    target = ctx.session.get(SvCase, data["target_case_id"])
    case.org_id = ctx.actor.org_id
    case.category, case.channel, case.summary = target.category, None, data["reason"]
    case.data = {"owner_org_id": target.org_id, "deadline": data["deadline"].isoformat(), "reason": data["reason"],
                 "target": {"service": target.service, "case_id": target.case_id, "case_no": target.case_no,
                            "case_type": target.case_type, "status": target.status}}
    case.links.append(CaseLink(link_type="supervises", target_service=target.service, target_case_id=target.case_id,
                               target_case_no=target.case_no, target_status=target.status,
                               target_terminal=target.terminal, basis="PSR Art 60", created_at=ctx.now,
                               updated_at=ctx.now))


def acknowledge(case, data, ctx) -> None:
    _append(case, "progress", {"kind": "acknowledged", "note": data["note"]}, ctx)


def report(case, data, ctx) -> None:
    _append(case, "reports", {"result": data["result"], "measures": data["measures"]}, ctx)


def return_report(case, data, ctx) -> None:
    _append(case, "returns", {"reason": data["reason"], "deadline": data["deadline"].isoformat()}, ctx)
    case.data = {**case.data, "deadline": data["deadline"].isoformat()}


def close(case, data, ctx) -> None:
    case.data = {**case.data, "assessment": data["assessment"]}


def withdraw(case, data, ctx) -> None:
    case.data = {**case.data, "withdrawn": {"reason": data["reason"], "at": ctx.now.isoformat()}}


def escalate(case, data, ctx) -> None:
    """The deadline passed: the owner's superior answers too (PSR Art 60, 65)."""
    superior = ctx.env.directory.superior(case.data["owner_org_id"])
    case.supervised = True
    case.data = {**case.data, "escalated_to": superior.code if superior else None,
                 "escalated_at": ctx.now.isoformat()}


def _known_target(case, data, ctx) -> bool:
    return isinstance(data.get("target_case_id"), str) and ctx.session.get(SvCase, data["target_case_id"]) is not None


KNOWN_TARGET = Guard(_known_target, "督办对象须为中心已汇集的案件（《浙江省平安建设条例》第三十九条第二款、第四十九条；PSR Art 39 ¶2, 49）",
                     "PSR Art 39 ¶2, 49")

EVENTS = (
    EventDef("open_supervision", "督办交办", (), "SV_OPEN", ("supv",),
             "PSR Art 39 ¶2, 46 ¶2, 60: the centre supervises a case with a reason and a deadline",
             guards=(COUNTY_CENTRE, KNOWN_TARGET, DEADLINE_AHEAD), schema=c.OpenSupervisionSchema,
             effect=open_supervision),
    EventDef("acknowledge", "承办单位签收", ("SV_OPEN",), "SV_HANDLING", OWNER_ROLES, "PSR Art 60",
             guards=(RESPONSIBLE,), schema=c.NoteSchema, effect=acknowledge),
    EventDef("report", "报告办理结果", ("SV_OPEN", "SV_HANDLING", "SV_ESCALATED"), "SV_REPORTED", OWNER_ROLES,
             "PSR Art 60: 督促有关单位及时整改", guards=(RESPONSIBLE,), schema=c.ReportSchema, effect=report),
    EventDef("return_report", "退回重办", ("SV_REPORTED",), "SV_HANDLING", ("supv",),
             "PSR Art 60: the report does not resolve the matter; a new deadline", guards=(DEADLINE_AHEAD,),
             schema=c.ReturnReportSchema, effect=return_report),
    EventDef("close", "督办办结", ("SV_REPORTED",), "SV_CLOSED", ("supv",), "PSR Art 60",
             schema=c.CloseSupervisionSchema, effect=close),
    EventDef("withdraw", "撤销督办", ("SV_OPEN", "SV_HANDLING", "SV_ESCALATED"), "SV_WITHDRAWN", ("supv",),
             "PSR Art 60 [A]: supervision no longer needed (e.g. the case was closed)", schema=c.ReasonSchema,
             effect=withdraw),
    EventDef("deadline_warning", "期限预警", RUNNING, None, ("sys",), "SPEC §1: T-3 WD [A]",
             schema=c.ClockEventSchema),
    EventDef("deadline_expired", "逾期升级督办", RUNNING, "SV_ESCALATED", ("sys",),
             "PSR Art 60, 65: a missed deadline escalates to the owner's superior", schema=c.ClockEventSchema,
             effect=escalate),
)


def deadline_period(config, case) -> Period:
    """The deadline supv set, as days from the day the clock starts (periods count from the next day)."""
    if case is None:
        raise ValueError("per case")
    days = (date.fromisoformat(case.data["deadline"]) - to_shanghai_date(case.updated_at)).days
    return Period(max(days, 1), "days")


CLOCKS = (
    ClockDef("supervision_deadline", "督办期限", deadline_period, RUNNING, RUNNING, "deadline_expired",
             "PSR Art 60: 限期办结 set by the centre"),
)

SUPERVISION = CaseType(code="supervision", label="督办", service="supervision",
                       case_no_prefix="DB", basis="浙江省平安建设条例 Art 39 ¶2, 46 ¶2, 60", states=STATES,
                       events=EVENTS, clocks=CLOCKS,
                       participants=lambda case: {case.data.get("owner_org_id"), case.data.get("escalated_to")})
