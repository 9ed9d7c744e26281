"""Legal conditions of the petition events. Each guard's message cites its article: LVR = 信访工作条例
(2022), ZJLV = 浙江省信访条例 (2016, profile ``zhejiang``)."""
from __future__ import annotations

from datetime import datetime

from contracts.petition import parse_date
from infra.calendar import to_shanghai_date
from infra.casetype import Guard
from services.petition import effects, rules


def _directory(ctx):
    return ctx.env.directory


# -- registration ---------------------------------------------------------------------------------
def _receiving_org(data, ctx) -> str:
    return rules.receiving_org(data, ctx.actor, ctx.env.directory, ctx.env.config)


def _reception_org(case, data, ctx) -> bool:
    return rules.kind_of(_directory(ctx), _receiving_org(data, ctx)) in rules.RECEIVING_KINDS


def _registrar(case, data, ctx) -> bool:
    """The clerk registers for the body they work at (or one below it); a centre's joint reception
    registers for any body (LVR Art 18 ¶3: 联合接访、一站式)."""
    d, org = _directory(ctx), _receiving_org(data, ctx)
    return rules.kind_of(d, ctx.actor.org_id) == "centre" or d.governs(ctx.actor.org_id, org)


def _group_visit_channel(case, data, ctx) -> bool:
    return not data.get("group_visit") or data.get("channel") == "visit"


def _representatives(case, data, ctx) -> bool:
    if not data.get("group_visit"):
        return True
    reps = len(data.get("representatives") or [])
    limit = 5                                                    # LVR Art 20 ¶3
    if ctx.env.config.profile == "zhejiang" and (data.get("visitor_count") or 0) <= 10:
        limit = 3                                                # ZJLV Art 15 ¶2: ten or fewer → at most 3
    return 1 <= reps <= limit


# -- transfer / assign ----------------------------------------------------------------------------
def _handling_organ(case, data, ctx) -> bool:
    return rules.kind_of(_directory(ctx), data.get("handler_org_id")) in rules.HANDLING_KINDS


def _local_level(case, data, ctx) -> bool:
    d, target = _directory(ctx), data.get("handler_org_id")
    if d.get(target) is None or target == case.org_id:
        return False
    if rules.kind_of(d, case.org_id) != "petition_office":
        return d.governs(case.org_id, target)                    # Art 23 ¶1: within its own system, downwards
    return rules.level_of(d, target) >= rules.level_of(d, case.org_id)   # Art 22(1)-(2): same level or below


def _report_due(case, data, ctx) -> bool:
    try:
        due = parse_date(data.get("report_due"))
    except ValueError:
        return False
    return due is not None and due > to_shanghai_date(ctx.now)


# -- the handling organ ---------------------------------------------------------------------------
def _is_handler(case, data, ctx) -> bool:
    """An actor in the handler role acts only for the organ the matter was transferred to (or that
    received it directly)."""
    return ctx.actor.role != "handler" or ctx.actor.org_id == rules.handler_org(case)


def _written_notice(case, data, ctx) -> bool:
    return bool(data.get("written_notice_ref")) or bool(data.get("address_unclear"))


def _objection_in_time(case, data, ctx) -> bool:
    return rules.clock_open(case, "objection", ctx.now)


def _objection_not_settled(case, data, ctx) -> bool:
    o = (case.data or {}).get("objection") or {}
    return not (o.get("status") == "dismissed" and o.get("handler_org_id") == rules.handler_org(case))


def _objection_reasons(case, data, ctx) -> bool:
    return len((data.get("reasons") or "").strip()) >= 4


def _redirect_target(case, data, ctx) -> bool:
    kind = rules.kind_of(_directory(ctx), data.get("target_org_id"))
    if data.get("target_org_id") and kind is None:
        return False
    if data["kind"] == "law_related":
        return kind is None or kind in rules.POLITICAL_LEGAL_KINDS
    if data["kind"] == "accusation":
        return kind is None or kind == "discipline"
    return True


def _kind(*kinds):
    return lambda case, data, ctx: (case.data or {}).get("petition_kind") in kinds


def _legal_target(case, data, ctx) -> bool:
    if not data.get("target_org_id"):
        return True
    return rules.kind_of(_directory(ctx), data["target_org_id"]) in rules.LEGAL_PROCEDURE_KINDS[data["procedure"]]


def _handling_31_6(case, data, ctx) -> bool:
    return (case.data or {}).get("handling_basis") == "31(6)"


def _hearing_grounds(case, data, ctx) -> bool:
    return bool(data.get("grounds")) and _handling_31_6(case, data, ctx)


def _mediation_consent(case, data, ctx) -> bool:
    return bool(data.get("petitioner_consents")) and bool(data.get("other_side_consents"))


def _settlement_written(case, data, ctx) -> bool:
    signed = set(data.get("signed_by") or [])
    return bool(data.get("agreement_ref")) and {"petitioner", "other_side"} <= signed


def _opinion_contents(case, data, ctx) -> bool:
    # support / not support rest on law (Art 32(1), (3)); an explanation rests on its reasons (32(2))
    return data["outcome"] == "explain" or bool((data.get("legal_basis") or "").strip())


def _extension_open(case, data, ctx) -> bool:
    return rules.clock_open(case, "handling", ctx.now)


# -- review (复查) and re-review (复核) -------------------------------------------------------------
def _review_window(case, data, ctx) -> bool:
    return rules.clock_open(case, "review_window", ctx.now)


def _reviewable(case, data, ctx) -> bool:
    return _handling_31_6(case, data, ctx)


def _handler_has_superior(case, data, ctx) -> bool:
    return _directory(ctx).superior(rules.handler_org(case) or "") is not None


def _is_reviewer(case, data, ctx) -> bool:
    return ctx.actor.org_id == rules.review_org(case)


def _written_reply(case, data, ctx) -> bool:
    return bool(data.get("written_reply_ref"))


def _recheck_window(case, data, ctx) -> bool:
    return rules.clock_open(case, "recheck_window", ctx.now)


def _reviewer_has_superior(case, data, ctx) -> bool:
    return _directory(ctx).superior(rules.review_org(case) or "") is not None


def _is_rechecker(case, data, ctx) -> bool:
    return ctx.actor.org_id == rules.recheck_org(case)


def _hearing_over(case, data, ctx) -> bool:
    c = rules.clock(case, "recheck_decision")
    return c is None or c.status != "paused"


def _publicise_after_hearing(case, data, ctx) -> bool:
    heard = data.get("hearing_held") or bool(((case.data or {}).get("recheck") or {}).get("hearings"))
    return not data.get("publicise") or bool(heard)


def _pause_for_hearing(case, data, ctx) -> bool:
    return data.get("reason") == "hearing"


# -- 督办 -----------------------------------------------------------------------------------------
def _supervision_grounds(case, data, ctx) -> bool:
    if ctx.actor.is_system:
        return bool(data.get("clock"))
    return bool((data.get("reason") or "").strip()) and not data.get("clock")


def _support_opinion(case, data, ctx) -> bool:
    return (case.data or {}).get("operative_outcome") == "support"


# -- repeated petitions (D3, D4) ------------------------------------------------------------------
def _earlier(case, data, ctx):
    return rules.find_case(ctx.session, data.get("duplicate_of"))


def _same_petition(case, data, ctx) -> bool:
    return rules.same_petition(case, _earlier(case, data, ctx))


def _d4_final(case, data, ctx) -> bool:
    if data.get("rule") != "D4":
        return True
    earlier = _earlier(case, data, ctx)
    return (earlier is not None and rules.finally_settled(earlier, ctx.env.config.profile)
            and not data.get("new_facts_or_reasons"))


def _not_finally_settled(case, data, ctx) -> bool:
    """LVR Art 36 ¶3 binds every organ: a matter re-reviewed (Zhejiang: 处理终结, ZJLV Art 25) is not taken
    up again on the same facts and reasons, by the petition office (transfer) or the organ (acknowledge)."""
    if data.get("new_facts_or_reasons"):
        return True
    profile = ctx.env.config.profile
    return not any(c["rule"] == "D4" for c in rules.candidates(ctx.session, case, profile))


# -- 诉访分离 (LVR Art 22 ¶2, 28 ¶2, 31(1); ZJLV Art 3) ------------------------------------------------
def _not_law_related(case, data, ctx) -> bool:
    return not rules.law_related(case)


def _statutory_channel_profile(case, data, ctx) -> bool:
    return data.get("kind") != "statutory_channel" or ctx.env.config.profile == "zhejiang"


def _refusal_in_writing(case, data, ctx) -> bool:
    return data.get("kind") != "statutory_channel" or bool(data.get("written_notice_ref"))


# -- 送达 (LVR Art 35, 36 ¶1) ----------------------------------------------------------------------
def _service_date(key: str):
    """The service date is a real day: not before the reply was issued, not after today."""
    def check(case, data, ctx) -> bool:
        try:
            served = parse_date(data.get("served_on"))
        except ValueError:
            return False
        issued = effects.issued_at(case, key)
        earliest = to_shanghai_date(datetime.fromisoformat(issued)) if issued else None
        return served is not None and served <= to_shanghai_date(ctx.now) and (earliest is None or served >= earliest)
    return check


# -- satisfaction (LVR Art 21 ¶2) ----------------------------------------------------------------------
def _petitioner_evaluates(case, data, ctx) -> bool:
    """The petitioner evaluates; staff record the petitioner's evaluation only with how it was collected."""
    return not data.get("satisfaction") or ctx.actor.role == "party" or bool(data.get("via"))


def _d3_in_progress(case, data, ctx) -> bool:
    if data.get("rule") != "D3":
        return True
    earlier = _earlier(case, data, ctx)
    if earlier is None or earlier.status in rules.TERMINAL or not rules.within_period(earlier, ctx.now):
        return False
    if ctx.env.config.profile == "zhejiang":
        return True                     # ZJLV Art 20(5): any organ tells the petitioner it is not accepted again
    d = _directory(ctx)                 # LVR Art 19 ¶3: raised again with a superior of the body handling it
    return any(o != case.org_id and d.governs(case.org_id, o) for o in rules.acting_orgs(earlier))


GUARDS = {
    "reception_org": Guard(_reception_org, "信访事项须向信访部门或有权处理的机关、单位提出（LVR Art 14, 23）",
                           "LVR Art 14, 23"),
    "registrar": Guard(_registrar, "登记人员只能为本机关（或其下级）登记信访事项；联合接访场所除外（LVR Art 18 ¶3, 21）",
                       "LVR Art 18 ¶3, 21"),
    "group_visit_channel": Guard(_group_visit_channel, "推选代表仅适用于多人采用走访形式提出的信访事项（LVR Art 20 ¶3）",
                                 "LVR Art 20 ¶3"),
    "representatives": Guard(_representatives,
                             "多人走访应当推选代表，代表人数不得超过5人（LVR Art 20 ¶3）；浙江：十人以下的，代表不超过3人（ZJLV Art 15 ¶2）",
                             "LVR Art 20 ¶3; ZJLV Art 15 ¶2"),
    "handling_organ": Guard(_handling_organ, "须转送、交办至机构目录中有权处理的机关、单位（LVR Art 22(1)）", "LVR Art 22(1)"),
    "local_level": Guard(_local_level,
                         "按照“属地管理、分级负责，谁主管、谁负责”，转送本级或下级有权处理的机关；其他机关只能转送本系统下级机关（LVR Art 22(2), 23 ¶1）",
                         "LVR Art 22(2), 23 ¶1"),
    "report_due": Guard(_report_due, "交办须指定反馈办理结果、提交办结报告的期限（LVR Art 22(3)）", "LVR Art 22(3)"),
    "is_handler": Guard(_is_handler, "本信访事项须由转送、交办的有权处理机关办理（LVR Art 22, 23 ¶3）", "LVR Art 22, 23 ¶3"),
    "written_notice": Guard(_written_notice, "受理须书面告知信访人接收情况以及处理途径和程序，姓名、住址不清的除外（LVR Art 23 ¶2, ¶3）",
                            "LVR Art 23 ¶2, ¶3"),
    "objection_in_time": Guard(_objection_in_time, "对转送、交办有异议的，应当自收到之日起5个工作日内提出（LVR Art 23 ¶3）",
                               "LVR Art 23 ¶3"),
    "objection_not_settled": Guard(_objection_not_settled, "异议已经转送机关核实不予同意，应当受理办理（LVR Art 23 ¶3）",
                                   "LVR Art 23 ¶3"),
    "objection_reasons": Guard(_objection_reasons, "提出异议应当详细说明理由（LVR Art 23 ¶3）", "LVR Art 23 ¶3"),
    "redirect_target": Guard(_redirect_target,
                             "涉法涉诉事项转政法部门（LVR Art 20 ¶2, 22 ¶2, 28 ¶2），检举控告转纪检监察机关（LVR Art 22 ¶2, 30）",
                             "LVR Art 20 ¶2, 22 ¶2, 28 ¶2, 30"),
    "suggestion_kind": Guard(_kind("suggestion", "information"), "仅反映情况、建议意见类事项按研究论证、予以回复办理（LVR Art 29）",
                             "LVR Art 29"),
    "claim_kind": Guard(_kind("claim"), "仅申诉求决类事项按 LVR Art 31 区分情况办理（LVR Art 31）", "LVR Art 31"),
    "legal_target": Guard(_legal_target, "导入的法定程序须由相应机关办理：诉讼/复议→法院，检察→检察院，公安→公安机关，仲裁→仲裁机构，行政程序→行政机关（LVR Art 31(1)-(4)）",
                          "LVR Art 31(1)-(4)"),
    "hearing_grounds": Guard(_hearing_grounds, "重大、复杂、疑难的信访事项（LVR Art 31(6)）方可举行听证", "LVR Art 31(6)"),
    "mediation_consent": Guard(_mediation_consent, "调解须经争议双方当事人同意（LVR Art 33）", "LVR Art 33"),
    "settlement_written": Guard(_settlement_written, "经调解、和解达成一致的，应当制作调解协议书或者和解协议书，由双方签署（LVR Art 33）",
                                "LVR Art 33"),
    "opinion_contents": Guard(_opinion_contents, "信访处理意见书应当载明处理意见及其法律法规依据（LVR Art 32）", "LVR Art 32"),
    "extension_open": Guard(_extension_open, "仅可在办理期限届满前延长（LVR Art 34）", "LVR Art 34"),
    "review_window": Guard(_review_window, "复查请求应当自收到书面答复之日起30日内提出（LVR Art 35）", "LVR Art 35"),
    "reviewable": Guard(_reviewable, "复查针对依 LVR Art 31(6) 出具的信访处理意见（LVR Art 35）", "LVR Art 35"),
    "handler_has_superior": Guard(_handler_has_superior, "机构目录中找不到原办理机关的上一级机关，无法复查（LVR Art 35）", "LVR Art 35"),
    "is_reviewer": Guard(_is_reviewer, "复查由原办理机关的上一级机关作出（LVR Art 35）", "LVR Art 35"),
    "written_reply": Guard(_written_reply, "复查意见应当予以书面答复（LVR Art 35）", "LVR Art 35"),
    "written_recheck": Guard(_written_reply, "复核意见应当书面答复、送达信访人（LVR Art 36；ZJLV Art 25(3)）",
                             "LVR Art 36; ZJLV Art 25(3)"),
    "recheck_window": Guard(_recheck_window, "复核请求应当自收到复查意见书面答复之日起30日内提出（LVR Art 36）", "LVR Art 36"),
    "reviewer_has_superior": Guard(_reviewer_has_superior, "机构目录中找不到复查机关的上一级机关，无法复核（LVR Art 36）", "LVR Art 36"),
    "is_rechecker": Guard(_is_rechecker, "复核由复查机关的上一级机关作出（LVR Art 36）", "LVR Art 36"),
    "hearing_over": Guard(_hearing_over, "听证进行中（复核期限已中止），听证结束后方可出具复核意见（LVR Art 36 ¶2）", "LVR Art 36 ¶2"),
    "publicise_after_hearing": Guard(_publicise_after_hearing, "经过听证的复核意见方可向社会公示（LVR Art 36 ¶2）", "LVR Art 36 ¶2"),
    "pause_for_hearing": Guard(_pause_for_hearing, "复核期限仅扣除听证所需时间（reason=hearing）（LVR Art 36 ¶2）", "LVR Art 36 ¶2"),
    "supervision_grounds": Guard(_supervision_grounds, "督办须有逾期的期限（系统）或发现的推诿、敷衍、拖延等情形（信访部门）（LVR Art 40）",
                                 "LVR Art 40"),
    "support_opinion": Guard(_support_opinion, "仅支持信访请求的处理意见须督促执行（LVR Art 32 ¶2, 40, 42(4)）", "LVR Art 32 ¶2, 40, 42(4)"),
    "same_petition": Guard(_same_petition, "重复信访须为本系统已登记的同一信访人、同一事项（LVR Art 19 ¶3, 36 ¶3）", "LVR Art 19 ¶3, 36 ¶3"),
    "not_finally_settled": Guard(_not_finally_settled,
                                 "该信访人同一事项已经复核终结（浙江：已处理终结），仍以同一事实和理由提出的，各级信访部门和其他机关、单位不再受理"
                                 "（LVR Art 36 ¶3；ZJLV Art 25 ¶2）；有新的事实和理由的除外",
                                 "LVR Art 36 ¶3; ZJLV Art 25 ¶2"),
    "not_law_related": Guard(_not_law_related,
                             "涉法涉诉信访事项应当从普通信访体制中分离，转同级政法部门依法处理（诉访分离），不予转送、受理和按普通信访程序办理"
                             "（LVR Art 22 ¶2, 28 ¶2, 31(1)；浙江 ZJLV Art 3）",
                             "LVR Art 22 ¶2, 28 ¶2, 31(1); ZJLV Art 3"),
    "statutory_channel_profile": Guard(_statutory_channel_profile,
                                       "依法应当通过法定途径解决的投诉请求登记时不予受理，仅适用于浙江省信访条例（ZJLV Art 19, 20(1)）；"
                                       "《信访工作条例》下应受理后导入相应程序（LVR Art 31(1)-(4)）",
                                       "ZJLV Art 19, 20(1); LVR Art 31(1)-(4)"),
    "refusal_in_writing": Guard(_refusal_in_writing,
                                "不予受理的，应当书面告知信访人按照法律、法规规定的程序提出（ZJLV Art 20(1)）", "ZJLV Art 20(1)"),
    "opinion_service_date": Guard(_service_date("opinion"),
                                  "送达日期须为处理意见书出具之日至今天之间的日期；复查期限自收到书面答复之日起计算（LVR Art 35）",
                                  "LVR Art 35"),
    "review_service_date": Guard(_service_date("review"),
                                 "送达日期须为复查意见出具之日至今天之间的日期；复核期限自收到书面答复之日起计算（LVR Art 36 ¶1）",
                                 "LVR Art 36 ¶1"),
    "recheck_service_date": Guard(_service_date("recheck"),
                                  "送达日期须为复核意见出具之日至今天之间的日期（ZJLV Art 25(3)：复核意见书面送达信访人）",
                                  "ZJLV Art 25(3)"),
    "petitioner_evaluates": Guard(_petitioner_evaluates,
                                  "满意度由信访人评价，工作人员代为记录的须注明回访方式（LVR Art 21 ¶2）", "LVR Art 21 ¶2"),
    "d4_final": Guard(_d4_final, "仅对经复核终结（浙江：处理终结）、仍以同一事实和理由提出的投诉请求不再受理（LVR Art 36 ¶3；ZJLV Art 25 ¶2）",
                      "LVR Art 36 ¶3; ZJLV Art 25 ¶2"),
    "d3_in_progress": Guard(_d3_in_progress,
                            "仅对已经受理、在规定期限内正在办理，又向上级机关提出的同一信访事项不予受理（LVR Art 19 ¶3；浙江 ZJLV Art 20(5)）",
                            "LVR Art 19 ¶3; ZJLV Art 20(5)"),
}
