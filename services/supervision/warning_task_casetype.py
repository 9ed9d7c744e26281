"""The 预警处置 case type: each early warning (services/supervision/early_warning.py, PSR Art 50, 54) is a
task of the county centre (router, supv) with a level (红/黄/蓝), its explanation and the cases behind it,
and a clock by level ([A] config ``supervision.warning_tasks``); acknowledged, then handled with a note;
a missed clock escalates to the centre's superior, as 督办 does (PSR Art 60)."""
from __future__ import annotations

from contracts import evaluation as c
from contracts.schemas import ClockEventSchema
from contracts.supervision import NoteSchema
from infra.casetype import CaseType, ClockDef, EventDef, Period, StateDef
from services.supervision import warning_task_effects as fx
from services.supervision.effects import escalate
from services.supervision.guards import GUARDS as G

# the centre's router and supv; the superior it escalates to acts through its own staff (handler)
CENTRE_ROLES = ("router", "supv", "handler")
RUNNING = ("WT_OPEN", "WT_ACKNOWLEDGED")

STATES = (
    StateDef("WT_OPEN", "待签收", basis="PSR Art 50, 54"),
    StateDef("WT_ACKNOWLEDGED", "处置中", basis="PSR Art 54"),
    StateDef("WT_ESCALATED", "逾期未处置（已报上级）", basis="PSR Art 60"),
    StateDef("WT_HANDLED", "已处置", terminal=True, basis="PSR Art 54"),
)


EVENTS = (
    EventDef("raise_warning", "研判预警", (), "WT_OPEN", ("sys",),
             "PSR Art 50, 54: 研判预警; every warning explained, with its cases", schema=c.RaiseWarningSchema,
             effect=fx.raise_warning),
    EventDef("acknowledge_warning", "签收预警", ("WT_OPEN",), "WT_ACKNOWLEDGED", CENTRE_ROLES, "PSR Art 54",
             guards=(G["responsible"],), schema=NoteSchema, effect=fx.note("acknowledged", "note")),
    EventDef("handle_warning", "预警处置完毕", ("WT_OPEN", "WT_ACKNOWLEDGED", "WT_ESCALATED"), "WT_HANDLED",
             CENTRE_ROLES, "PSR Art 54: 及时采取措施化解", guards=(G["responsible"],), schema=c.HandleWarningSchema,
             effect=fx.note("handled", "measures")),
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
