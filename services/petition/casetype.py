"""The petition case type: 信访事项办理 (信访工作条例 2022 = LVR; SPEC §5; 浙江省平安建设条例 Art 46).

Who acts on a case: ``case.org_id`` stays the body that received the petition (normally the petition
office, which also supervises it, LVR Art 40). The handling organ (``data.handler_org_id``, set by
transfer/assign, or the receiving organ itself when it has competence, Art 23), the review organ
(``data.review.org_id`` = the handler's superior in the directory, Art 35) and the re-review organ
(``data.recheck.org_id`` = the reviewer's superior, Art 36) are the case type's ``participants``: the
platform lets their actors act on (and list) the case. The role decides which events, and guards pin
each step to its organisation: only the handling organ handles (``is_handler``), only the review organ
reviews (``is_reviewer``), only the re-review organ re-reviews (``is_rechecker``), even though a
superior would pass the platform's organisation check.

Deviations from the SPEC §5 table, each for a reason given beside it:
- ``register_from_handoff`` is a second creation event, for intake's ``route_to_petition`` (SPEC §7),
  fired by the routing actor (role ``router``, which SPEC's register row does not list).
- PT_OBJECTED is a real state: ``object_misdirected`` leads there, and the petition office verifies
  the objection (LVR Art 23 ¶3 "经……核实同意后，交还相关材料") with ``objection_upheld`` (→ PT_RECEIVED,
  the handler is cleared and the office transfers again) or ``objection_dismissed`` (→ PT_TRANSFERRED,
  the handler must handle it). SPEC's "PT_OBJECTED→PT_RECEIVED" is the upheld branch.
- ``objection_window_expired`` (sys): the 5-WD objection period ran out; the handler is deemed to have
  accepted competence [A, SPEC §5 clock table] and can no longer object.
- ``accept_review`` (party) closes after a review the petitioner accepts, like ``accept_opinion``.
- ``record_satisfaction`` records 满意/基本满意/不满意 (LVR Art 21 ¶2: petitioners evaluate handling).
- ``clock_pause``/``clock_resume`` on the re-review clock: hearing time excluded (LVR Art 36 ¶2).
- 送达 is its own step (issue 13): PT_OPINION_ISSUED → ``serve_opinion`` → PT_OPINION_SERVED and
  PT_REVIEW_ISSUED → ``serve_review`` → PT_REVIEW_SERVED record the date and manner of service; the 复查 /
  复核 windows run 自收到书面答复之日起 (LVR Art 35, 36 ¶1), i.e. from ``served_on`` (the clocks' anchor),
  and only a served reply can be accepted or reviewed. ``serve_recheck`` records the service of the final
  opinion (ZJLV Art 25(3)) as a self-loop of PT_FINAL.
- The handling clock (LVR Art 34) runs for Art 31(6) matters only, counted from acceptance even when
  ``start_handling`` comes later; under the Zhejiang profile (ZJLV Art 23) it runs for every accepted
  matter. Its extension cap is per profile (LVR Art 34: 30 d; ZJLV Art 23: 60 d), lower by setting [A].
- 涉法涉诉 matters (category ``law_related``) are not transferred, assigned or accepted into the ordinary
  procedure (LVR Art 22 ¶2, 28 ¶2; ZJLV Art 3): ``redirect`` to the political-legal organ. A matter re-reviewed
  (Zhejiang: 处理终结, ZJLV Art 25) is not transferred or accepted again on the same facts and reasons
  (LVR Art 36 ¶3), and the organ that received it directly refuses it itself (``reject_duplicate``).
- Zhejiang only: ``redirect`` kind ``statutory_channel`` is ZJLV Art 19, 20(1)'s 不予受理 with written notice.
- 督办 (``supervised``) is an overlay flag set by the self-loops ``deadline_expired`` (sys on an overdue
  clock, or the petition office on a finding) and ``execution_overdue`` (LVR Art 40), never a state.
- PT_FINAL is terminal (nothing reopens it, LVR Art 36 ¶3, 37 ¶3: intake closes its case then), but the
  follow-up the law asks for still happens there: the petitioner's evaluation (``record_satisfaction``)
  and 督办 of a supporting opinion not executed (``execution_overdue``, Art 32 ¶2, 40). It stays PT_FINAL,
  as in SPEC §5: no event leads from it to PT_CLOSED (an ``archive`` event did, only because the state
  machine library once required every state with an exit to reach a final one; cases archived then stay
  PT_CLOSED with ``data.final``, still 复核终结 for ``rules.re_reviewed``). Satisfaction on the way to
  PT_CLOSED is a field of ``accept_opinion``, ``accept_review`` and ``sign_settlement``.
"""
from __future__ import annotations

from datetime import date, datetime

from contracts import petition as c
from contracts.schemas import ClockEventSchema
from infra.casetype import CaseType, ClockDef, EventDef, Extension, StateDef, configured
from infra.clocks import start_of
from services.petition import effects as fx
from services.petition import rules
from services.petition.guards import GUARDS as G

STATES = (
    StateDef("PT_RECEIVED", "登记", basis="LVR Art 17, 19, 21, 22"),
    StateDef("PT_TRANSFERRED", "已转送/交办", basis="LVR Art 22"),
    StateDef("PT_ACCEPTED", "已受理（书面告知）", basis="LVR Art 23"),
    StateDef("PT_OBJECTED", "异议退回", basis="LVR Art 23 ¶3"),
    StateDef("PT_REDIRECTED", "不予受理/告知有权机关", terminal=True, basis="LVR Art 19 ¶3, 20 ¶2, 22 ¶2, 23 ¶1, 28 ¶2, 36 ¶3"),
    StateDef("PT_ROUTED_LEGAL", "导入法定程序", terminal=True, basis="LVR Art 31(1)-(4)"),
    StateDef("PT_HANDLING", "办理中", basis="LVR Art 29, 31(5)-(6), 34"),
    StateDef("PT_MEDIATING", "调解/和解", basis="LVR Art 33"),
    StateDef("PT_OPINION_ISSUED", "已出具处理意见书（待送达）", basis="LVR Art 32"),
    StateDef("PT_OPINION_SERVED", "处理意见已送达", basis="LVR Art 35 (自收到书面答复之日起30日)"),
    StateDef("PT_REVIEW", "复查中", basis="LVR Art 35"),
    StateDef("PT_REVIEW_ISSUED", "复查意见（待送达）", basis="LVR Art 35"),
    StateDef("PT_REVIEW_SERVED", "复查意见已送达", basis="LVR Art 36 ¶1 (自收到书面答复之日起30日)"),
    StateDef("PT_RECHECK", "复核中", basis="LVR Art 36"),
    StateDef("PT_FINAL", "复核终结", terminal=True, basis="LVR Art 36 ¶3, 37 ¶3"),
    StateDef("PT_CLOSED", "办结", terminal=True, basis="LVR Art 33; ZJLV Art 25"),
)
OPEN = tuple(s.code for s in STATES if not s.terminal)
DECIDED = ("PT_OPINION_ISSUED", "PT_OPINION_SERVED", "PT_REVIEW_ISSUED", "PT_REVIEW_SERVED", "PT_FINAL")

HANDLER_WORK = ("handler",)
EVENTS = (
    # -- registration (LVR Art 17-21) -------------------------------------------------------------
    EventDef("register", "登记", (), "PT_RECEIVED", ("xfb", "window"),
             "LVR Art 17 (network/letter/phone/fax/visit), 19 (name, address, request, facts, reasons; oral "
             "recorded), 20 ¶3 (≤ 5 representatives), 21 (into the system)",
             guards=(G["reception_org"], G["registrar"], G["group_visit_channel"], G["representatives"]),
             schema=c.RegisterPetitionSchema, effect=fx.register),
    EventDef("register_from_handoff", "分流移交登记", (), "PT_RECEIVED", ("router",),
             "SPEC §7; PSR Art 46: intake route_to_petition; at the target petition office/government/department, "
             "else the county petition office", schema=c.HandoffRegisterSchema, effect=fx.register_from_handoff),
    # -- the petition office (LVR Art 22) ---------------------------------------------------------
    EventDef("transfer", "转送", ("PT_RECEIVED",), "PT_TRANSFERRED", ("xfb",),
             "LVR Art 22(1)-(2), 23 ¶1: to the organ with competence, 属地管理、分级负责, within 15 d",
             guards=(G["not_law_related"], G["not_finally_settled"], G["handling_organ"], G["local_level"]),
             schema=c.TransferSchema, effect=fx.transfer("transfer")),
    EventDef("assign", "交办", ("PT_RECEIVED",), "PT_TRANSFERRED", ("xfb",),
             "LVR Art 22(3): 交办 with a set date for the result report",
             guards=(G["not_law_related"], G["not_finally_settled"], G["handling_organ"], G["local_level"],
                     G["report_due"]), schema=c.AssignSchema,
             effect=fx.transfer("assign")),
    EventDef("acknowledge", "受理并书面告知", ("PT_RECEIVED", "PT_TRANSFERRED"), "PT_ACCEPTED", HANDLER_WORK,
             "LVR Art 23 ¶2-¶3: within competence; written notice of receipt, route and procedure; never a 涉法涉诉 "
             "matter (LVR Art 28 ¶2; ZJLV Art 3) nor one re-reviewed / 处理终结 before (LVR Art 36 ¶3; ZJLV Art 25 ¶2)",
             guards=(G["is_handler"], G["not_law_related"], G["not_finally_settled"], G["written_notice"]),
             schema=c.AcknowledgeSchema, effect=fx.acknowledge),
    EventDef("object_misdirected", "提出异议（不属职权范围）", ("PT_TRANSFERRED",), "PT_OBJECTED", HANDLER_WORK,
             "LVR Art 23 ¶3: within 5 WD of receipt, with detailed reasons",
             guards=(G["is_handler"], G["objection_reasons"], G["objection_not_settled"], G["objection_in_time"]),
             schema=c.ObjectionSchema, effect=fx.object_misdirected),
    EventDef("objection_upheld", "核实同意异议（交还材料）", ("PT_OBJECTED",), "PT_RECEIVED", ("xfb",),
             "LVR Art 23 ¶3: the transferring office verifies and agrees; materials returned, transfer again",
             schema=c.ObjectionDecisionSchema, effect=fx.objection_upheld),
    EventDef("objection_dismissed", "异议不成立", ("PT_OBJECTED",), "PT_TRANSFERRED", ("xfb",),
             "LVR Art 23 ¶3 (a contrario): the office does not agree; the organ handles the matter",
             schema=c.ObjectionDecisionSchema, effect=fx.objection_dismissed),
    EventDef("redirect", "不予受理/告知有权机关", ("PT_RECEIVED",), "PT_REDIRECTED", ("xfb", "handler"),
             "LVR Art 23 ¶1 (outside competence); Art 20 ¶2, 22 ¶2, 28 ¶2 (涉法涉诉 → 政法部门, 诉访分离); "
             "Art 22 ¶2, 30 (检举控告 → 纪检监察); Zhejiang: ZJLV Art 19, 20(1) (法定途径 → 不予受理, written notice "
             "within 5 WD: the transfer / acknowledge_direct clocks)",
             guards=(G["is_handler"], G["redirect_target"], G["statutory_channel_profile"], G["refusal_in_writing"]),
             schema=c.RedirectSchema, effect=fx.redirect),
    EventDef("reject_duplicate", "重复信访不予受理", ("PT_RECEIVED",), "PT_REDIRECTED", ("xfb", "handler"),
             "SPEC §2.2 D3 (LVR Art 19 ¶3; ZJLV Art 20(5)), D4 (LVR Art 36 ¶3 binds every organ: the petition office "
             "or the organ that received it directly; ZJLV Art 20(5), 25 ¶2)",
             guards=(G["is_handler"], G["same_petition"], G["d4_final"], G["d3_in_progress"]),
             schema=c.RejectDuplicateSchema,
             effect=fx.reject_duplicate),
    # -- the handling organ (LVR Art 29-34) -------------------------------------------------------
    EventDef("start_handling", "办理（申诉求决类）", ("PT_ACCEPTED",), "PT_HANDLING", HANDLER_WORK,
             "LVR Art 31(5) perform or reply; 31(6) hear, investigate, issue a 信访处理意见书",
             guards=(G["is_handler"], G["claim_kind"]), schema=c.StartHandlingSchema, effect=fx.start_handling),
    EventDef("classify_suggestion", "建议意见类研究办理", ("PT_ACCEPTED",), "PT_HANDLING", HANDLER_WORK,
             "LVR Art 29: study, adopt or partly adopt, reply",
             guards=(G["is_handler"], G["suggestion_kind"]), schema=c.NoteSchema, effect=fx.classify_suggestion),
    EventDef("route_to_legal_procedure", "导入法定程序", ("PT_ACCEPTED",), "PT_ROUTED_LEGAL", HANDLER_WORK,
             "LVR Art 31(1)-(4): litigation, 复议, procuratorate, police, arbitration, party appeal, admin procedure",
             guards=(G["is_handler"], G["claim_kind"], G["legal_target"]), schema=c.RouteLegalSchema,
             effect=fx.route_to_legal_procedure),
    EventDef("extend", "延长办理期限", ("PT_HANDLING",), None, HANDLER_WORK,
             "LVR Art 34: complex case; the head of the organ approves; ≤ +30 d; the petitioner is told why "
             "(ZJLV Art 23 under the Zhejiang profile: ≤ +60 d)",
             guards=(G["is_handler"], G["extension_open"]), schema=c.ExtendSchema, effect=fx.extend),
    EventDef("hold_hearing", "举行听证", ("PT_HANDLING",), None, HANDLER_WORK,
             "LVR Art 31(6): major, complex or difficult matters", guards=(G["is_handler"], G["hearing_grounds"]),
             schema=c.HearingSchema, effect=fx.hold_hearing),
    EventDef("start_mediation", "调解/和解", ("PT_HANDLING",), "PT_MEDIATING", HANDLER_WORK,
             "LVR Art 33: both sides consent; the handling clock keeps running (SPEC §7 [A])",
             guards=(G["is_handler"], G["claim_kind"], G["mediation_consent"]), schema=c.StartMediationSchema,
             effect=fx.start_mediation),
    EventDef("sign_settlement", "签订调解/和解协议书", ("PT_MEDIATING",), "PT_CLOSED", ("party", "handler"),
             "LVR Art 33: 调解协议书/和解协议书; ZJLV Art 25(1): 处理终结 once performed (``performed``)",
             guards=(G["is_handler"], G["settlement_written"], G["petitioner_evaluates"]),
             schema=c.SignSettlementSchema, effect=fx.sign_settlement),
    EventDef("mediation_failed", "调解不成", ("PT_MEDIATING",), "PT_HANDLING", HANDLER_WORK,
             "LVR Art 33: no agreement; handling continues", guards=(G["is_handler"],), schema=c.NoteSchema,
             effect=fx.mediation_failed),
    EventDef("issue_opinion", "出具信访处理意见书", ("PT_HANDLING",), "PT_OPINION_ISSUED", HANDLER_WORK,
             "LVR Art 32: support / explain / not support, with the request, facts, reasons and legal basis "
             "(Art 29 reply for suggestions)",
             guards=(G["is_handler"], G["opinion_contents"]), schema=c.IssueOpinionSchema, effect=fx.issue_opinion),
    # -- 送达, review (复查) and re-review (复核) (LVR Art 35-36) ------------------------------------
    EventDef("serve_opinion", "送达处理意见书", ("PT_OPINION_ISSUED",), "PT_OPINION_SERVED", HANDLER_WORK,
             "LVR Art 35: the 复查 window runs 自收到书面答复之日起30日: the date and manner of service are recorded "
             "(直接/留置/电子/委托/邮寄/转交/公告送达)",
             guards=(G["is_handler"], G["opinion_service_date"]), schema=c.ServeSchema, effect=fx.serve("opinion")),
    EventDef("request_review", "请求复查", ("PT_OPINION_SERVED",), "PT_REVIEW", ("party",),
             "LVR Art 35: ≤ 30 d after receiving the written reply; to the handling organ's superior",
             guards=(G["reviewable"], G["review_window"], G["handler_has_superior"]), schema=c.RequestSchema,
             effect=fx.request_review),
    EventDef("accept_opinion", "接受处理意见", ("PT_OPINION_SERVED",), "PT_CLOSED", ("party",),
             "ZJLV Art 25(2); LVR Art 35 (no review requested)", guards=(G["petitioner_evaluates"],),
             schema=c.AcceptSchema,
             effect=fx.close("petitioner accepted the opinion", "ZJLV Art 25(2)", finality="ZJLV Art 25(2)")),
    EventDef("review_window_expired", "复查期限届满未申请", ("PT_OPINION_SERVED",), "PT_CLOSED", ("sys",),
             "LVR Art 35; ZJLV Art 25(2): no review within 30 d of receipt", schema=ClockEventSchema,
             effect=fx.close("no review requested within 30 days", "LVR Art 35; ZJLV Art 25(2)",
                             finality="ZJLV Art 25(2)")),
    EventDef("issue_review", "出具复查意见", ("PT_REVIEW",), "PT_REVIEW_ISSUED", ("sup",),
             "LVR Art 35: by the handling organ's superior, in writing, ≤ 30 d",
             guards=(G["is_reviewer"], G["written_reply"]), schema=c.IssueDecisionSchema, effect=fx.issue_review),
    EventDef("serve_review", "送达复查意见", ("PT_REVIEW_ISSUED",), "PT_REVIEW_SERVED", ("sup",),
             "LVR Art 35 (予以书面答复), 36 ¶1: the 复核 window runs 自收到书面答复之日起30日",
             guards=(G["is_reviewer"], G["review_service_date"]), schema=c.ServeSchema, effect=fx.serve("review")),
    EventDef("request_recheck", "请求复核", ("PT_REVIEW_SERVED",), "PT_RECHECK", ("party",),
             "LVR Art 36: ≤ 30 d after receiving the written review; to the review organ's superior",
             guards=(G["recheck_window"], G["reviewer_has_superior"]), schema=c.RequestSchema,
             effect=fx.request_recheck),
    EventDef("accept_review", "接受复查意见", ("PT_REVIEW_SERVED",), "PT_CLOSED", ("party",),
             "LVR Art 36 (no re-review requested); ZJLV Art 25(2)", guards=(G["petitioner_evaluates"],),
             schema=c.AcceptSchema,
             effect=fx.close("petitioner accepted the review", "ZJLV Art 25(2)", finality="ZJLV Art 25(2)")),
    EventDef("recheck_window_expired", "复核期限届满未申请", ("PT_REVIEW_SERVED",), "PT_CLOSED", ("sys",),
             "LVR Art 36; ZJLV Art 25(2): no re-review within 30 d of receipt", schema=ClockEventSchema,
             effect=fx.close("no re-review requested within 30 days", "LVR Art 36; ZJLV Art 25(2)",
                             finality="ZJLV Art 25(2)")),
    EventDef("clock_pause", "听证开始（复核期限中止）", ("PT_RECHECK",), None, ("sup",),
             "LVR Art 36 ¶2: hearing time is not counted in the re-review period",
             guards=(G["is_rechecker"], G["pause_for_hearing"]), schema=c.ClockPauseSchema, effect=fx.hearing_clock),
    EventDef("clock_resume", "听证结束（复核期限恢复）", ("PT_RECHECK",), None, ("sup",),
             "LVR Art 36 ¶2", guards=(G["is_rechecker"],), schema=c.ClockPauseSchema, effect=fx.hearing_clock),
    EventDef("issue_recheck", "出具复核意见", ("PT_RECHECK",), "PT_FINAL", ("sup",),
             "LVR Art 36: by the review organ's superior, ≤ 30 d (hearing excluded); may be publicised after a "
             "hearing; final (Art 36 ¶3, 37 ¶3)",
             guards=(G["is_rechecker"], G["written_recheck"], G["hearing_over"], G["publicise_after_hearing"]),
             schema=c.IssueRecheckSchema, effect=fx.issue_recheck),
    # -- clocks, 督办 and satisfaction -------------------------------------------------------------
    EventDef("objection_window_expired", "异议期限届满（视为接受）", ("PT_TRANSFERRED",), None, ("sys",),
             "LVR Art 23 ¶3: 5 WD passed without objection; deemed accepted [A]", schema=ClockEventSchema,
             effect=fx.objection_window_expired),
    EventDef("deadline_warning", "期限预警", OPEN, None, ("sys",), "SPEC §1: T-3 WD [A]", schema=ClockEventSchema),
    EventDef("deadline_expired", "逾期督办", OPEN, None, ("sys", "xfb"),
             "LVR Art 40 (督办), 43, 44, 45: an overdue clock (sys) or a finding of 推诿、敷衍、拖延 (petition office)",
             guards=(G["supervision_grounds"],), schema=c.SupervisionSchema, effect=fx.supervise),
    EventDef("execution_overdue", "处理意见未执行督办", DECIDED, None, ("xfb",),
             "LVR Art 32 ¶2, 40, 42(4): a supporting opinion not executed", guards=(G["support_opinion"],),
             schema=c.ExecutionOverdueSchema, effect=fx.execution_overdue),
    EventDef("serve_recheck", "送达复核意见", ("PT_FINAL",), None, ("sup",),
             "LVR Art 36; ZJLV Art 25(3): the final opinion is served in writing on the petitioner",
             guards=(G["is_rechecker"], G["recheck_service_date"]), schema=c.ServeSchema, effect=fx.serve("recheck")),
    EventDef("record_satisfaction", "满意度评价", DECIDED, None, ("party", "xfb"),
             "LVR Art 21 ¶2: the petitioner evaluates (满意 / 基本满意 / 不满意); the office records it only with how "
             "it was collected (回访)", guards=(G["petitioner_evaluates"],), schema=c.SatisfactionSchema,
             effect=fx.satisfaction),
)


def _at_office(case) -> bool:
    return case is not None and not (case.data or {}).get("direct_receipt")


def _direct(case) -> bool:
    return case is not None and bool((case.data or {}).get("direct_receipt"))


def _may_object(case) -> bool:
    """A fresh objection period, unless this organ's objection was already dismissed (Art 23 ¶3)."""
    if case is None:
        return True
    o = (case.data or {}).get("objection") or {}
    return not (o.get("status") == "dismissed" and o.get("handler_org_id") == rules.handler_org(case))


def _handling_applies(case) -> bool:
    """LVR Art 34 sets the 60 days for Art 31(6) matters only (a suggestion, Art 29, or an Art 31(5) matter
    has none); ZJLV Art 23 gives 30 days for every matter the organ handles (Zhejiang profile)."""
    if case is None:
        return True
    d = case.data or {}
    return d.get("profile") == "zhejiang" or d.get("handling_basis") == "31(6)"


def _accepted_at(case):
    """LVR Art 34 / ZJLV Art 23: 自受理之日起, wherever the clock starts."""
    at = ((case.data or {}).get("acceptance") or {}).get("at")
    return datetime.fromisoformat(at) if at else None


def _served_at(key: str):
    """LVR Art 35, 36 ¶1: 自收到书面答复之日起: the recorded service date."""
    def anchor(case):
        served = (((case.data or {}).get(key) or {}).get("service") or {}).get("served_on")
        return start_of(date.fromisoformat(served)) if served else None
    return anchor


# LVR Art 34: 延长期限不得超过30日; ZJLV Art 23: 延长期限不得超过六十日. A county may set a lower cap [A].
EXTENSION_CEILING = {"national": 30, "zhejiang": 60}


def _extension_cap(config) -> int:
    ceiling = EXTENSION_CEILING.get(config.profile, 30)
    amount, _unit = config.period("petition", "handling_extension_max")
    return min(amount, ceiling)


# SPEC §5 clock table; periods per profile in config/jiefen.yaml ``petition:`` (national LVR / zhejiang ZJLV)
CLOCKS = (
    ClockDef("transfer", "转送交办期限", configured("petition", "transfer"), ("PT_RECEIVED",), ("PT_RECEIVED",), "deadline_expired",
             "LVR Art 22: 15 d (ZJLV Art 20: 5 WD); expiry → 督办, 责令改正 (Art 43)", applies=_at_office),
    ClockDef("acknowledge_direct", "受理告知期限（直接收到）", configured("petition", "acknowledge_direct"), ("PT_RECEIVED",),
             ("PT_RECEIVED",), "deadline_expired", "LVR Art 23 ¶2: on the spot or 15 d (ZJLV Art 20: 5 WD); Art 44(3)",
             applies=_direct),
    ClockDef("acknowledge_transferred", "受理告知期限（转送交办）", configured("petition", "acknowledge_transferred"),
             ("PT_TRANSFERRED",), ("PT_TRANSFERRED", "PT_OBJECTED"), "deadline_expired",
             "LVR Art 23 ¶3: 15 d (ZJLV Art 20 ¶2: 5 WD); Art 44"),
    ClockDef("objection", "异议期限", configured("petition", "objection"), ("PT_TRANSFERRED",), ("PT_TRANSFERRED",),
             "objection_window_expired", "LVR Art 23 ¶3: 5 WD; then deemed accepted [A]", applies=_may_object),
    ClockDef("handling", "办理期限", configured("petition", "handling"), ("PT_ACCEPTED", "PT_HANDLING"),
             ("PT_ACCEPTED", "PT_HANDLING", "PT_MEDIATING"), "deadline_expired",
             "LVR Art 34: Art 31(6) matters, 60 d from acceptance (starts with start_handling 31(6), counted from "
             "acceptance); ZJLV Art 23: every matter, 30 d from acceptance; expiry → 督办, LVR Art 45(1)",
             applies=_handling_applies, anchor=_accepted_at,
             extension=Extension("extend", _extension_cap,
                                 "LVR Art 34: 延长期限不得超过30日，经本机关负责人批准并告知信访人延期理由；"
                                 "浙江 ZJLV Art 23: 经本国家机关负责人批准，延长期限不得超过六十日",
                                 needs=("approval", "reason", "notice"))),
    ClockDef("review_window", "复查申请期限", configured("petition", "review_window"), ("PT_OPINION_SERVED",), ("PT_OPINION_SERVED",),
             "review_window_expired", "LVR Art 35: 30 d from receiving the written reply (the recorded service "
             "date); then closed (ZJLV Art 25(2))", anchor=_served_at("opinion")),
    ClockDef("review_decision", "复查期限", configured("petition", "review_decision"), ("PT_REVIEW",), ("PT_REVIEW",),
             "deadline_expired", "LVR Art 35: 30 d from the request; expiry → 督办"),
    ClockDef("recheck_window", "复核申请期限", configured("petition", "recheck_window"), ("PT_REVIEW_SERVED",), ("PT_REVIEW_SERVED",),
             "recheck_window_expired", "LVR Art 36 ¶1: 30 d from receiving the written review (the recorded service "
             "date); then closed (ZJLV Art 25(2))", anchor=_served_at("review")),
    ClockDef("recheck_decision", "复核期限", configured("petition", "recheck_decision"), ("PT_RECHECK",), ("PT_RECHECK",),
             "deadline_expired", "LVR Art 36: 30 d from the request, hearing time excluded; expiry → 督办",
             pausable=True),
)

PETITION = CaseType(code="petition", label="信访事项办理", service="petition", case_no_prefix="PT",
                    basis="信访工作条例 (2022); 浙江省平安建设条例 Art 46", states=STATES, events=EVENTS, clocks=CLOCKS,
                    participants=rules.participants)
