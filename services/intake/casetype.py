"""The intake case type: the one-stop window (浙江省平安建设条例 Art 39; SPEC §2)."""
from __future__ import annotations

from contracts import intake as c
from contracts.schemas import ClockEventSchema
from infra.casetype import CaseType, ClockDef, EventDef, StateDef, configured
from services.intake import effects as fx, routing
from services.intake.guards import GUARDS

OPEN_BEFORE_ROUTING = ("IN_RECEIVED", "IN_CLASSIFIED")

STATES = (
    StateDef("IN_RECEIVED", "接待登记", basis="PSR Art 39; LVR Art 19, 21"),
    StateDef("IN_CLASSIFIED", "已分类", basis="SPEC §2.1"),
    StateDef("IN_DUPLICATE_LINKED", "关联/重复件", basis="SPEC §2.2; LVR Art 44(1)"),
    StateDef("IN_ROUTED", "已分流", basis="PSR Art 39, 44-46"),
    StateDef("IN_REFERRED_EXTERNAL", "导入其他法定途径", basis="LVR Art 31; LDL Art 5; PML Art 25"),
    StateDef("IN_ANSWERED_ON_SPOT", "当场答复", basis="LVR Art 23; ZJLV Art 20"),
    StateDef("IN_TRACKING", "跟踪督办", basis="PSR Art 39"),
    StateDef("IN_CLOSED", "办结销号", terminal=True, basis="PSR Art 39"),
)


EVENTS = (
    EventDef("register_claim", "接待登记", (), "IN_RECEIVED", ("window",),
             "PSR Art 39; LVR Art 19, 21: name, address, request, facts and reasons recorded; oral claims recorded",
             schema=c.RegisterCaseSchema, effect=fx.register),
    EventDef("answer_on_spot", "当场答复", ("IN_RECEIVED",), "IN_ANSWERED_ON_SPOT", ("window",),
             "LVR Art 23; ZJLV Art 20: consultation, or answerable now", schema=c.AnswerOnSpotSchema, effect=fx.answer),
    EventDef("classify", "分类", ("IN_RECEIVED",), "IN_CLASSIFIED", ("router",),
             "SPEC §2.1: category and claim type set", schema=c.ClassifySchema, effect=fx.classify),
    EventDef("link_duplicate", "关联重复件", ("IN_CLASSIFIED",), "IN_DUPLICATE_LINKED", ("router",),
             "SPEC §2.2; LVR Art 44(1): duplicates are linked, never dropped", guards=(GUARDS["duplicate"],),
             schema=c.LinkDuplicateSchema, effect=fx.link_duplicate),
    EventDef("route_to_mediation", "分流至人民调解", ("IN_CLASSIFIED",), "IN_ROUTED", ("router",),
             "PSR Art 44; PML Art 17; PMR Art 22; LDL Art 5, 10(2): labour disputes may be mediated by a people's "
             "mediation committee",
             guards=(GUARDS["mediable"], GUARDS["not_barred"], GUARDS["no_refusal"], GUARDS["committee"]),
             schema=c.RouteToMediationSchema, effect=fx.route("mediation")),
    EventDef("route_to_diversion", "分流至诉非分流", ("IN_CLASSIFIED",), "IN_ROUTED", ("router",),
             "PSR Art 45; CPL Art 125; OMR Art 7",
             guards=(GUARDS["divertible"], GUARDS["wants_to_sue"], GUARDS["court"]),
             schema=c.RouteToDiversionSchema, effect=fx.route("diversion")),
    EventDef("route_to_petition", "分流至信访", ("IN_CLASSIFIED",), "IN_ROUTED", ("router",),
             "PSR Art 46; LVR Art 22, 31",
             guards=(GUARDS["petitionable"], GUARDS["no_statutory_procedure"], GUARDS["petition_office"]),
             schema=c.RouteToPetitionSchema, effect=fx.route("petition")),
    EventDef("refer_external", "导入其他法定途径", ("IN_CLASSIFIED",), "IN_REFERRED_EXTERNAL", ("router",),
             "LDL Art 5; PML Art 25; LVR Art 22 ¶2, 31(1)-(4)", guards=(GUARDS["external_fits"],),
             schema=c.ReferExternalSchema, effect=fx.refer_external),
    EventDef("start_tracking", "跟踪督办", ("IN_ROUTED", "IN_REFERRED_EXTERNAL", "IN_DUPLICATE_LINKED"),
             "IN_TRACKING", ("sys", "window"), "PSR Art 39: party told the channel and status",
             schema=c.NotifySchema, effect=fx.notify),
    EventDef("notify_existing_channel", "告知已在办途径", ("IN_ROUTED", "IN_REFERRED_EXTERNAL", "IN_DUPLICATE_LINKED"),
             "IN_TRACKING", ("sys", "window"), "PSR Art 39; SPEC §2.2: party told the channel already handling it",
             schema=c.NotifySchema, effect=fx.notify),
    EventDef("child_case_closed", "分流案件办结", ("IN_TRACKING",), "IN_CLOSED", ("sys",),
             "PSR Art 39; SPEC §2: every routed child case exists and is terminal",
             guards=(GUARDS["all_children_closed"],),
             schema=c.ChildClosedSchema, effect=fx.close),
    EventDef("close", "办结销号", ("IN_ANSWERED_ON_SPOT", "IN_TRACKING"), "IN_CLOSED", ("window", "router"),
             "PSR Art 39 [A]: the window closes an answered case, or a tracked one whose channel has concluded; "
             "SPEC §2: never while a routed child case is still to be opened or open",
             guards=(GUARDS["children_closed"],), schema=c.CloseSchema, effect=fx.close),
    EventDef("reissue_query_code", "补发查询码", tuple(st.code for st in STATES if not st.terminal), None, ("window",),
             "PSR Art 39 (一站式受理, 全程跟踪): a new code on a reprinted receipt; the old one stops "
             "working at once; only its keyed hash is kept, neither code is audited",
             schema=c.ReissueQueryCodeSchema, effect=fx.reissue_query_code,
             description="added (issue 14): the window reissues a lost or disclosed query code"),
    EventDef("deadline_warning", "期限预警", OPEN_BEFORE_ROUTING, None, ("sys",), "SPEC §1: T-3 WD [A]",
             schema=ClockEventSchema),
    EventDef("deadline_expired", "期限届满（督办）", OPEN_BEFORE_ROUTING, None, ("sys",),
             "SPEC §2.4: on expiry, SUPV 督办 flag (LVR Art 40 by analogy)", schema=ClockEventSchema,
             effect=fx.supervise),
)


CLOCKS = (
    ClockDef("classify_route", "分类分流期限", configured("intake", "classify_route"), ("IN_RECEIVED",), OPEN_BEFORE_ROUTING,
             "deadline_expired", "SPEC §2.4: 5 WD [A; mirrors ZJLV Art 20, SZ Art 46]"),
    ClockDef("petition_decision", "信访事项受理告知期限", configured("intake", "petition_decision"), OPEN_BEFORE_ROUTING, OPEN_BEFORE_ROUTING,
             "deadline_expired", "LVR Art 22, 23: 15 d (ZJLV Art 20: 5 WD under the Zhejiang profile)",
             applies=lambda case: case is not None and case.category in routing.PETITION_TYPE, anchor="created"),
)

INTAKE = CaseType(code="intake", label="一站式受理", service="intake", case_no_prefix="JF",
                  basis="浙江省平安建设条例 Art 39", states=STATES, events=EVENTS, clocks=CLOCKS)
