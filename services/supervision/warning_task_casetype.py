"""The 预警处置 case type: each early warning (services/supervision/early_warning.py, PSR Art 50, 54) is a
task of the county centre (router, supv) with a level (红/黄/蓝), its explanation and the cases behind it,
and a clock by level ([A] config ``supervision.warning_tasks``); acknowledged, then handled with a note;
a missed clock escalates to the centre's superior, as 督办 does (PSR Art 60)."""
from __future__ import annotations

from contracts import evaluation as c
from contracts.supervision import ClockEventSchema, NoteSchema
from infra.casetype import CaseType, ClockDef, EventDef, Period, StateDef
from services.supervision.casetype import escalate
from services.supervision.guards import RESPONSIBLE

# the centre's router and supv; the superior it escalates to acts through its own staff (handler)
CENTRE_ROLES = ("router", "supv", "handler")
RUNNING = ("WT_OPEN", "WT_ACKNOWLEDGED")

STATES = (
    StateDef("WT_OPEN", "待签收", basis="PSR Art 50, 54"),
    StateDef("WT_ACKNOWLEDGED", "处置中", basis="PSR Art 54"),
    StateDef("WT_ESCALATED", "逾期未处置（已报上级）", basis="PSR Art 60"),
    StateDef("WT_HANDLED", "已处置", terminal=True, basis="PSR Art 54"),
)


def raise_warning(case, data, ctx) -> None:
    case.org_id = ctx.actor.org_id
    case.summary = data["title"]
    case.data = {"owner_org_id": ctx.actor.org_id, "rule": data["warning_rule"],
                 "rule_label": c.WARNING_RULES[data["warning_rule"]], "level": data["level"],
                 "level_label": c.LEVELS[data["level"]], "title": data["title"], "explanation": data["explanation"],
                 "case_count": data["case_count"] if data["case_count"] is not None else len(data["case_ids"]),
                 "case_ids": list(data["case_ids"]), "case_nos": list(data["case_nos"]), "basis": data["basis"],
                 "fingerprint": data["fingerprint"],
                 # the drill-down to every case behind it (supervision.warning_cases; the page links there)
                 "period_from": data["period_from"] and data["period_from"].isoformat(),
                 "period_to": data["period_to"] and data["period_to"].isoformat(), "about": dict(data["about"])}


def _note(key: str, field: str):
    def effect(case, data, ctx) -> None:
        case.data = {**case.data, key: {"note": data[field], "by": ctx.actor.user_id, "org_id": ctx.actor.org_id,
                                        "at": ctx.now.isoformat()}}
    return effect


EVENTS = (
    EventDef("raise_warning", "研判预警", (), "WT_OPEN", ("sys",),
             "PSR Art 50, 54: 研判预警; every warning explained, with its cases", schema=c.RaiseWarningSchema,
             effect=raise_warning),
    EventDef("acknowledge_warning", "签收预警", ("WT_OPEN",), "WT_ACKNOWLEDGED", CENTRE_ROLES, "PSR Art 54",
             guards=(RESPONSIBLE,), schema=NoteSchema, effect=_note("acknowledged", "note")),
    EventDef("handle_warning", "预警处置完毕", ("WT_OPEN", "WT_ACKNOWLEDGED", "WT_ESCALATED"), "WT_HANDLED",
             CENTRE_ROLES, "PSR Art 54: 及时采取措施化解", guards=(RESPONSIBLE,), schema=c.HandleWarningSchema,
             effect=_note("handled", "measures")),
    EventDef("deadline_warning", "期限预警", RUNNING, None, ("sys",), "SPEC §1: T-3 WD [A]", schema=ClockEventSchema),
    EventDef("warning_overdue", "逾期未处置，报上级", RUNNING, "WT_ESCALATED", ("sys",),
             "PSR Art 60: a missed period escalates to the centre's superior", schema=ClockEventSchema,
             effect=escalate),
)


def _response_period(config, case) -> Period:
    """The period for the warning's level (red shortest)."""
    if case is None:
        raise ValueError("per case")
    return Period(*config.period("supervision", "warning_tasks", "periods", case.data["level"]))


CLOCKS = (
    ClockDef("warning_response", "预警处置期限", _response_period, RUNNING, RUNNING, "warning_overdue",
             "PSR Art 54 [A]: config supervision.warning_tasks.periods per level"),
)

WARNING_TASK = CaseType(code="warning_task", label="预警处置", service="supervision", case_no_prefix="YJ",
                        basis="浙江省平安建设条例 Art 50, 54, 60", states=STATES, events=EVENTS, clocks=CLOCKS,
                        participants=lambda case: {case.data.get("owner_org_id"), case.data.get("escalated_to")})
