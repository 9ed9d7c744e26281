"""The intake case type: the one-stop window (浙江省平安建设条例 Art 39; SPEC §2)."""
from __future__ import annotations

from contracts import intake as c
from contracts.enums import EXTERNAL_CHANNELS
from contracts.idnumbers import ric_warning
from infra.casetype import CaseType, ClockDef, EventDef, Guard, Period, StateDef
from infra.querycode import new_query_code
from infra.models import Case, CaseLink, Party
from infra.querycode import legacy_query_code_hash, query_code_hash  # noqa: F401  (intake's lookup)
from infra.pii import keyring
from services.intake import duplicates, routing

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


# -- effects: the domain change each event makes to the case row (no I/O beyond the session) -------
def register(case: Case, data: dict, ctx) -> None:
    case.org_id = ctx.actor.org_id
    case.channel, case.category = data["channel"], data["category"]
    case.summary, case.request, case.facts = data["summary"], data["request"], data["facts"]
    case.data = {"oral": data["oral"], "subject_ref": data["subject_ref"], "claim_type": data["claim_type"],
                 "routes": routing.routes_for(data["category"])}
    case.parties = [Party(seq=i, **p) for i, p in enumerate(data["parties"], start=1)]
    code = new_query_code()
    case.query_code_hash = query_code_hash(case.id, code)
    case.data["duplicate_candidates"] = duplicates.candidates(ctx.session, case, ctx.actor.org_id, ctx.env.directory)
    warnings = [{"party": i, "field": "id_number", "message": w} for i, p in enumerate(data["parties"], start=1)
                if p.get("kind") == "person" and p.get("id_number") and (w := ric_warning(p["id_number"]))]
    if warnings:
        case.data["warnings"] = warnings
    ctx.extra["query_code"] = code


def reissue_query_code(case: Case, data: dict, ctx) -> None:
    """A new code replaces the old at once (the lookup compares the stored hash); the code is returned once,
    in this event's view (ctx.extra), and the audit entry records the reason only."""
    code = new_query_code()
    case.query_code_hash = query_code_hash(case.id, code)
    case.data = {**(case.data or {}), "query_code_reissues": int((case.data or {}).get("query_code_reissues", 0)) + 1}
    ctx.extra["query_code"] = code


def classify(case: Case, data: dict, ctx) -> None:
    case.category = data["category"]
    case.data = {**case.data, "claim_type": data["claim_type"] or case.data.get("claim_type"),
                 "classification_note": data["note"], "routes": routing.routes_for(data["category"])}
    case.data = {**case.data, "duplicate_candidates": duplicates.candidates(ctx.session, case, ctx.actor.org_id,
                                                                            ctx.env.directory)}


def link_duplicate(case: Case, data: dict, ctx) -> None:
    other = ctx.session.get(Case, data["duplicate_of"])
    case.links.append(CaseLink(link_type="duplicate_of", target_service="intake", target_case_id=other.id,
                               target_case_no=other.case_no, target_status=other.status,
                               target_terminal=False, basis=f"SPEC §2.2 {data['rule']}",
                               created_at=ctx.now, updated_at=ctx.now))


def route(target: str):
    def effect(case: Case, data: dict, ctx) -> None:
        decision = {"target": target, "reason": data["reason"], "target_org_id": data.get("target_org_id"),
                    "basis": ctx.event.basis, "decided_by": ctx.actor.user_id, "actor": ctx.actor.to_dict(),
                    "at": ctx.now.isoformat()}
        case.data = {**case.data, "route": decision}
        # the child case is created by the target service when it runs (later hand-off); until then
        # the link records the decision and waits
        case.links.append(CaseLink(link_type="child", target_service=target, target_case_id=None,
                                   target_status="awaiting_service", target_terminal=False,
                                   basis=ctx.event.basis, created_at=ctx.now, updated_at=ctx.now))
        ctx.outbox.append(("case_routed", {"route": decision}))
    return effect


def refer_external(case: Case, data: dict, ctx) -> None:
    basis = routing.EXTERNAL.get(case.category, {}).get(data["external_channel"], "")
    case.data = {**case.data, "referral": {
        "channel": data["external_channel"], "channel_label": EXTERNAL_CHANNELS[data["external_channel"]],
        "reason": data["reason"], "target_org_id": data.get("target_org_id"), "basis": basis,
        "decided_by": ctx.actor.user_id, "at": ctx.now.isoformat()}}
    ctx.outbox.append(("case_routed", {"route": {"target": "external", **case.data["referral"]}}))


def answer(case: Case, data: dict, ctx) -> None:
    case.data = {**case.data, "answer": {"kind": data["kind"], "text": data["answer"],
                                         "by": ctx.actor.user_id, "at": ctx.now.isoformat()}}


def notify(case: Case, data: dict, ctx) -> None:
    case.data = {**case.data, "notified": {"how": data["notified_how"], "note": data["note"],
                                           "at": ctx.now.isoformat()}}


def close(case: Case, data: dict, ctx) -> None:
    case.data = {**case.data, "outcome": data.get("outcome") or "all child cases closed"}


def supervise(case: Case, data: dict, ctx) -> None:
    case.supervised = True   # 督办 flag (LVR Art 40 by analogy; SPEC §2.4)


# -- guards: legal conditions; each message cites its article -------------------------------------
def _org_kind(kind: str):
    def check(case, data, ctx):
        org_id = data.get("target_org_id")
        return org_id is None or (o := ctx.env.directory.get(org_id)) is not None and o.kind in kind
    return check


def _shares_party(case, data, ctx):
    other = ctx.session.get(Case, data["duplicate_of"])
    if other is None or other.id == case.id or other.case_type != case.case_type:
        return False
    mine = {p.id_number for p in case.parties if p.id_number}
    return bool(mine & {p.id_number for p in other.parties if p.id_number})


def _routed_children(case) -> list:
    """The child cases routing asked for; a hand-off the receiving service refused (``refused:CODE`` on
    the link, infra.handoff) opened no case and is not waited for."""
    return [l for l in case.links if l.link_type == "child" and not (l.target_status or "").startswith("refused:")]


def _children_closed(case, data, ctx):
    """SPEC §2; PSR Art 39: closed only when every routed child case exists and is terminal: a link still
    waiting for its service (no child case yet) keeps the intake case open."""
    return all(l.target_case_id and l.target_terminal for l in _routed_children(case))


def _children_exist_and_closed(case, data, ctx):
    children = _routed_children(case)
    return bool(children) and _children_closed(case, data, ctx)


GUARDS = {
    "mediable": Guard(lambda case, d, ctx: case.category in routing.MEDIATION_CATEGORIES,
                      "人民调解受理民间纠纷，劳动争议当事人也可以向基层人民调解组织申请调解（LDL Art 5, 10(2)）；"
                      "本案类别不属于民间纠纷，请改走其他途径（PML Art 2；PSR Art 44）",
                      "PML Art 2; PSR Art 44; LDL Art 5, 10(2)"),
    "not_barred": Guard(lambda case, d, ctx: not d.get("already_accepted_by"),
                        "已由人民法院、公安机关或其他行政机关受理或解决的纠纷，人民调解委员会不予受理（PMR Art 22(2)）",
                        "PMR Art 22(2)"),
    "no_refusal": Guard(lambda case, d, ctx: not d.get("party_refused_mediation"),
                        "当事人一方明确拒绝调解的，不得调解（PML Art 17）", "PML Art 17"),
    "committee": Guard(_org_kind(("mediation_committee",)), "接收机构须为人民调解委员会（PML Art 7）", "PML Art 7"),
    "wants_to_sue": Guard(lambda case, d, ctx: d.get("party_wants_to_sue") or case.channel == "court_referral",
                          "诉非分流须当事人有起诉意愿或为法院移送的纠纷（SPEC §2.3；CPL Art 125；OMR Art 7）",
                          "CPL Art 125; OMR Art 7"),
    "divertible": Guard(lambda case, d, ctx: case.category in routing.DIVERSION_CATEGORIES,
                        "本案类别不属于可诉前委派调解的民事纠纷（OMR Art 3；DEL item 2）", "OMR Art 3"),
    "court": Guard(_org_kind(("court",)), "接收机构须为人民法院（PSR Art 45）", "PSR Art 45"),
    # LVR Art 22 ¶2: 涉法涉诉 → 政法部门, 检举控告 → 纪检监察; LVR Art 31(1)-(4): statutory channels first.
    # A 民间纠纷 is resolved by mediation (PSR Art 44; PML Art 2); LVR names no 民间纠纷 bar, so it is not cited for one.
    "petitionable": Guard(lambda case, d, ctx: case.category in routing.PETITION_CATEGORIES,
                          "涉法涉诉事项转送政法部门、检举控告转送纪检监察机关（LVR Art 22 ¶2），应当通过诉讼、仲裁、"
                          "行政复议等法定途径解决的导入相应程序（LVR Art 31(1)-(4)）；民间纠纷通过人民调解等途径化解"
                          "（PSR Art 44；PML Art 2）：本案类别不作为信访事项分流",
                          "LVR Art 22 ¶2, 31(1)-(4); PSR Art 44; PML Art 2"),
    "no_statutory_procedure": Guard(lambda case, d, ctx: not d.get("statutory_procedure"),
                                    "应当通过诉讼、复议、仲裁等法定途径解决的，导入相应程序，不作为信访事项（LVR Art 31(1)-(4)）",
                                    "LVR Art 31(1)-(4)"),
    "petition_office": Guard(_org_kind(("petition_office", "government", "department")),
                             "接收机构须为信访部门或有权处理的行政机关（LVR Art 22, 23）", "LVR Art 22, 23"),
    "external_fits": Guard(lambda case, d, ctx: d["external_channel"] in routing.EXTERNAL.get(case.category, {}),
                           "该途径不适用于本案类别：劳动争议→劳动仲裁（LDL Art 5），治安/刑事→公安（PML Art 25），"
                           "检举控告→纪检监察（LVR Art 22 ¶2），复议/仲裁/诉讼（LVR Art 31）",
                           "LDL Art 5; PML Art 25; LVR Art 22 ¶2, 31"),
    "duplicate": Guard(_shares_party, "关联重复件须为本中心已登记、且当事人相同的案件（SPEC §2.2；CPLI Art 247）",
                       "SPEC §2.2; CPLI Art 247; LVR Art 44(1)"),
    "children_closed": Guard(_children_closed,
                             "尚有分流案件未在接收机构立案或未办结，不能销号：全部分流案件办结后方可销号"
                             "（PSR Art 39；SPEC §2）", "PSR Art 39; SPEC §2"),
    "all_children_closed": Guard(_children_exist_and_closed, "全部分流案件办结后方可销号（PSR Art 39；SPEC §2）",
                                 "PSR Art 39; SPEC §2"),
}

EVENTS = (
    EventDef("register_claim", "接待登记", (), "IN_RECEIVED", ("window",),
             "PSR Art 39; LVR Art 19, 21: name, address, request, facts and reasons recorded; oral claims recorded",
             schema=c.RegisterCaseSchema, effect=register),
    EventDef("answer_on_spot", "当场答复", ("IN_RECEIVED",), "IN_ANSWERED_ON_SPOT", ("window",),
             "LVR Art 23; ZJLV Art 20: consultation, or answerable now", schema=c.AnswerOnSpotSchema, effect=answer),
    EventDef("classify", "分类", ("IN_RECEIVED",), "IN_CLASSIFIED", ("router",),
             "SPEC §2.1: category and claim type set", schema=c.ClassifySchema, effect=classify),
    EventDef("link_duplicate", "关联重复件", ("IN_CLASSIFIED",), "IN_DUPLICATE_LINKED", ("router",),
             "SPEC §2.2; LVR Art 44(1): duplicates are linked, never dropped", guards=(GUARDS["duplicate"],),
             schema=c.LinkDuplicateSchema, effect=link_duplicate),
    EventDef("route_to_mediation", "分流至人民调解", ("IN_CLASSIFIED",), "IN_ROUTED", ("router",),
             "PSR Art 44; PML Art 17; PMR Art 22; LDL Art 5, 10(2): labour disputes may be mediated by a people's "
             "mediation committee",
             guards=(GUARDS["mediable"], GUARDS["not_barred"], GUARDS["no_refusal"], GUARDS["committee"]),
             schema=c.RouteToMediationSchema, effect=route("mediation")),
    EventDef("route_to_diversion", "分流至诉非分流", ("IN_CLASSIFIED",), "IN_ROUTED", ("router",),
             "PSR Art 45; CPL Art 125; OMR Art 7",
             guards=(GUARDS["divertible"], GUARDS["wants_to_sue"], GUARDS["court"]),
             schema=c.RouteToDiversionSchema, effect=route("diversion")),
    EventDef("route_to_petition", "分流至信访", ("IN_CLASSIFIED",), "IN_ROUTED", ("router",),
             "PSR Art 46; LVR Art 22, 31",
             guards=(GUARDS["petitionable"], GUARDS["no_statutory_procedure"], GUARDS["petition_office"]),
             schema=c.RouteToPetitionSchema, effect=route("petition")),
    EventDef("refer_external", "导入其他法定途径", ("IN_CLASSIFIED",), "IN_REFERRED_EXTERNAL", ("router",),
             "LDL Art 5; PML Art 25; LVR Art 22 ¶2, 31(1)-(4)", guards=(GUARDS["external_fits"],),
             schema=c.ReferExternalSchema, effect=refer_external),
    EventDef("start_tracking", "跟踪督办", ("IN_ROUTED", "IN_REFERRED_EXTERNAL", "IN_DUPLICATE_LINKED"),
             "IN_TRACKING", ("sys", "window"), "PSR Art 39: party told the channel and status",
             schema=c.NotifySchema, effect=notify),
    EventDef("notify_existing_channel", "告知已在办途径", ("IN_ROUTED", "IN_REFERRED_EXTERNAL", "IN_DUPLICATE_LINKED"),
             "IN_TRACKING", ("sys", "window"), "PSR Art 39; SPEC §2.2: party told the channel already handling it",
             schema=c.NotifySchema, effect=notify),
    EventDef("child_case_closed", "分流案件办结", ("IN_TRACKING",), "IN_CLOSED", ("sys",),
             "PSR Art 39; SPEC §2: every routed child case exists and is terminal",
             guards=(GUARDS["all_children_closed"],),
             schema=c.ChildClosedSchema, effect=close),
    EventDef("close", "办结销号", ("IN_ANSWERED_ON_SPOT", "IN_TRACKING"), "IN_CLOSED", ("window", "router"),
             "PSR Art 39 [A]: the window closes an answered case, or a tracked one whose channel has concluded; "
             "SPEC §2: never while a routed child case is still to be opened or open",
             guards=(GUARDS["children_closed"],), schema=c.CloseSchema, effect=close),
    EventDef("reissue_query_code", "补发查询码", tuple(st.code for st in STATES if not st.terminal), None, ("window",),
             "PSR Art 39 (一站式受理, 全程跟踪): a new code on a reprinted receipt; the old one stops "
             "working at once; only its keyed hash is kept, neither code is audited",
             schema=c.ReissueQueryCodeSchema, effect=reissue_query_code,
             description="added (issue 14): the window reissues a lost or disclosed query code"),
    EventDef("deadline_warning", "期限预警", OPEN_BEFORE_ROUTING, None, ("sys",), "SPEC §1: T-3 WD [A]",
             schema=c.ClockEventSchema),
    EventDef("deadline_expired", "期限届满（督办）", OPEN_BEFORE_ROUTING, None, ("sys",),
             "SPEC §2.4: on expiry, SUPV 督办 flag (LVR Art 40 by analogy)", schema=c.ClockEventSchema,
             effect=supervise),
)


def _classify_route_period(config, case) -> Period:
    return Period(*config.period("intake", "classify_route"))


def _petition_period(config, case) -> Period:
    return Period(*config.period("intake", "petition_decision"))


CLOCKS = (
    ClockDef("classify_route", "分类分流期限", _classify_route_period, ("IN_RECEIVED",), OPEN_BEFORE_ROUTING,
             "deadline_expired", "SPEC §2.4: 5 WD [A; mirrors ZJLV Art 20, SZ Art 46]"),
    ClockDef("petition_decision", "信访事项受理告知期限", _petition_period, OPEN_BEFORE_ROUTING, OPEN_BEFORE_ROUTING,
             "deadline_expired", "LVR Art 22, 23: 15 d (ZJLV Art 20: 5 WD under the Zhejiang profile)",
             applies=lambda case: case is not None and case.category in routing.PETITION_TYPE, anchor="created"),
)

INTAKE = CaseType(code="intake", label="一站式受理", service="intake", case_no_prefix="JF",
                  basis="浙江省平安建设条例 Art 39", states=STATES, events=EVENTS, clocks=CLOCKS)
