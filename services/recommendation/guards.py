"""The legal conditions of the recommendation's events (``GUARDS``, name → Guard); each message cites its
article (JSR 综合治理类司法建议规定; PRR 人民检察院检察建议工作规定; POL; PIL; CPL; PSR)."""
from __future__ import annotations

from datetime import datetime

from contracts import recommendation as c
from contracts.recommendation import COURT, KINDS, PROCURATORATE
from infra import clocks
from infra.casetype import Guard
from infra.orgs import LEVELS
from services.recommendation import letters, sides
from services.recommendation.sides import kind_of, org_of, side_of

COMPETENT_KINDS = ("government", "department", "police", "petition_office", "arbitration")   # 主管机关
AGENCY_KINDS = ("government", "department", "police")        # 行政机关 (行政诉讼法 Art 25 ¶4)
ISSUER_MEASURES = {
    COURT: {"notify_recipient_superior", "refer_to_centre"},                        # JSR Art 9; PSR Art 60
    PROCURATORATE: {"report_superior_procuratorate", "notify_recipient_superior",   # PRR
                    "report_party_committee_npc", "notify_discipline", "refer_to_centre"},
}
COPY_KINDS_FOR = {
    COURT: {"recipient_superior", "other_relevant"},                                          # JSR Art 9
    PROCURATORATE: {"recipient_superior", "superior_procuratorate", "party_committee", "npc",  # PRR
                    "government", "discipline"},
}


def _issuer_org(case, d, ctx):
    org = org_of(ctx, ctx.actor.org_id)
    return org is not None and org.kind in (COURT, PROCURATORATE)


def _kind_matches(case, d, ctx):
    org = org_of(ctx, ctx.actor.org_id)
    return org is not None and KINDS[d["kind"]][0] == org.kind


def _recipient_known(case, d, ctx):
    return org_of(ctx, d["recipient_org_id"]) is not None and d["recipient_org_id"] != ctx.actor.org_id


def _in_jurisdiction(issuer, recipient) -> bool:
    return not issuer.county or issuer.county == recipient.county


def _same_level(issuer, recipient) -> bool:
    return issuer.level == recipient.level and _in_jurisdiction(issuer, recipient)


def _court_jurisdiction(case, d, ctx):
    """JSR Art 3: a competent body of the court's own level ("一般": bodies below it within the court's
    area are accepted), never a body above it or outside its area."""
    issuer, recipient = org_of(ctx, ctx.actor.org_id), org_of(ctx, d["recipient_org_id"])
    if KINDS[d["kind"]][0] != COURT or recipient is None or recipient.kind not in COMPETENT_KINDS:
        return True
    return LEVELS.index(recipient.level) >= LEVELS.index(issuer.level) and _in_jurisdiction(issuer, recipient)


def _retrial_to_court(case, d, ctx):
    if d["kind"] != "retrial":
        return True
    issuer, recipient = org_of(ctx, ctx.actor.org_id), org_of(ctx, d["recipient_org_id"])
    return recipient is not None and recipient.kind == COURT and _same_level(issuer, recipient)


def _public_interest_to_agency(case, d, ctx):
    recipient = org_of(ctx, d["recipient_org_id"])
    return d["kind"] != "public_interest" or (recipient is not None and recipient.kind in AGENCY_KINDS)


def _recurring(case, d, ctx):
    minimum = int(letters.setting(ctx.env.config, "recurring_min_cases"))
    return not d.get("risk_pattern") or len(d["source_cases"]) >= minimum


def _court_consulted(case, d, ctx):
    return side_of(case) != COURT or bool(case.data.get("consultations"))


def _court_committee(case, d, ctx):
    return side_of(case) != COURT or (d["approved_by"] == "judicial_committee" and d["signed_by_president"])


def _procuratorate_approver(case, d, ctx):
    return side_of(case) != PROCURATORATE or d["approved_by"] in c.OBJECTION_DECIDERS


def _retrial_committee(case, d, ctx):
    return kind_of(case) != "retrial" or d["approved_by"] == "procuratorial_committee"


def _court_reply_stated(case, d, ctx):
    return side_of(case) != COURT or d.get("reply_period") is not None


def _reply_limit(which):
    def check(case, d, ctx):
        kind = kind_of(case)
        applies = {"court": side_of(case) == COURT, "public_interest": kind == "public_interest",
                   "procuratorate": side_of(case) == PROCURATORATE and kind != "public_interest"}[which]
        if not applies or (which == "court" and d.get("special_provision")):
            return True
        limit = letters.reply_limit(ctx.env.config, kind, d)
        return letters.not_longer(d.get("reply_period"), limit, clocks.local_date(ctx.now))
    return check


def _doc_prefix(case, d, ctx):
    return bool(letters.doc_prefix(ctx.env.config, case.org_id))


def _served_on_addressee(case, d, ctx):
    return d["recipient_org_id"] == sides.recipient_org(case)


def _copies_fit(case, d, ctx):
    side = side_of(case)
    if side == COURT and d["copies"] and not d["major_issue"]:
        return False
    return all(copy["kind"] in COPY_KINDS_FOR[side] for copy in d["copies"])


def _copies_known(case, d, ctx):
    directory = ctx.env.directory
    recipient = sides.recipient_org(case)
    for copy in d["copies"]:
        if copy["org_id"] is None:
            continue
        if directory.get(copy["org_id"]) is None:
            return False
        superiors = {o.code for o in directory.ancestors(recipient)}
        if copy["kind"] == "recipient_superior" and copy["org_id"] not in superiors:
            return False
    return True


def _retrial_filed_upward(case, d, ctx):
    return kind_of(case) != "retrial" or any(copy["kind"] == "superior_procuratorate" for copy in d["copies"])


def _procuratorate_only(case, d, ctx):
    return side_of(case) == PROCURATORATE


def _first_objection(case, d, ctx):
    return not any(o["revision"] == case.data["revision"] for o in case.data.get("objections") or [])


def _within_objection_period(case, d, ctx):
    due = (case.data.get("service") or {}).get("objection_due_at")
    return bool(due) and ctx.now <= datetime.fromisoformat(due)


def _reply_states_adoption(case, d, ctx):
    if d["adoption"] in ("adopted", "partially_adopted") and not d["measures"].strip():
        return False
    return d["adoption"] == "adopted" or bool(d["reasons"].strip())


def _rectification_evidence(case, d, ctx):
    return d["adoption"] == "not_adopted" or bool(d["evidence"])


def _no_just_cause(case, d, ctx):
    return bool(d["no_just_cause"])


def _measures_fit(case, d, ctx):
    allowed = set(c.CENTRE_MEASURES) if ctx.actor.role == "supv" else ISSUER_MEASURES[side_of(case)]
    return bool(d["measures"]) and set(d["measures"]) <= allowed


def _chief_decides(case, d, ctx):
    return ctx.actor.role != "issuer" or side_of(case) != PROCURATORATE or bool((d["decided_by"] or "").strip())


def _public_interest_kind(case, d, ctx):
    return kind_of(case) == "public_interest"


def _suit_court(case, d, ctx):
    org = org_of(ctx, d["court_org_id"])
    return d["court_org_id"] is None or (org is not None and org.kind == COURT)


GUARDS = {
    "issuer_org": Guard(_issuer_org, "司法建议、检察建议须以人民法院或人民检察院的名义提出（JSR Art 4；POL Art 21）",
                        "JSR Art 4; POL Art 21"),
    "kind_matches": Guard(_kind_matches, "建议类型须与制发机关相符：人民法院提出综合治理类司法建议，"
                          "人民检察院提出再审、纠正违法、公益诉讼、社会治理及其他检察建议（JSR Art 1；PRR）", "JSR Art 1; PRR"),
    "recipient_known": Guard(_recipient_known, "被建议单位须为登记在册的有关主管机关或其他有关单位，且不能是制发机关本身"
                             "（JSR Art 3；POL Art 21）", "JSR Art 3; POL Art 21"),
    "court_jurisdiction": Guard(_court_jurisdiction, "人民法院向主管机关提出司法建议，一般应当向本院辖区范围内的同级主管机关提出；"
                              "需要异地主管机关采取措施的，层报上级人民法院决定（JSR Art 3）", "JSR Art 3"),
    "retrial_to_court": Guard(_retrial_to_court, "再审检察建议须向同级人民法院提出（CPL Art 219 ¶2）", "CPL Art 219 ¶2"),
    "public_interest_to_agency": Guard(_public_interest_to_agency, "公益诉讼诉前检察建议须向负有监督管理职责的行政机关提出"
                                       "（PIL Art 21；行政诉讼法 Art 25 ¶4）", "PIL Art 21; 行政诉讼法 Art 25 ¶4"),
    "recurring": Guard(_recurring, "依据风险数据起草建议，须关联足以反映矛盾纠纷多发高发的多起案件"
                       "（件数下限 recommendation.recurring_min_cases [A]）（JSR Art 1；PSR Art 61 ¶2）",
                       "JSR Art 1; PSR Art 61 ¶2"),
    "court_consulted": Guard(_court_consulted, "人民法院提出司法建议前，应当与被建议单位沟通，听取其意见（JSR Art 5）",
                             "JSR Art 5"),
    "court_committee": Guard(_court_committee, "司法建议书须经审判委员会审议通过，由院长签发（JSR Art 7）", "JSR Art 7"),
    "procuratorate_approver": Guard(_procuratorate_approver, "检察建议须经检察长或检察委员会决定（POL Art 29, 33；PRR [V?]）",
                                    "POL Art 29, 33; PRR [V?]"),
    "retrial_committee": Guard(_retrial_committee, "再审检察建议须经本院检察委员会讨论决定（CPLI Art 414(5)）",
                               "CPLI Art 414(5)"),
    "court_reply_stated": Guard(_court_reply_stated, "司法建议书应当写明被建议单位书面答复的期限（JSR Art 8；附件2）",
                                "JSR Art 8"),
    "court_reply_limit": Guard(_reply_limit("court"), "司法建议的答复期限一般不超过两个月；法律、司法解释另有规定的，"
                               "须写明所依据的规定（JSR Art 8）", "JSR Art 8"),
    "procuratorate_reply_limit": Guard(_reply_limit("procuratorate"), "检察建议的书面回复期限为二个月，情况紧急的为十五日，"
                                       "建议书不得规定更长的期限（PRR [V?]；POL Art 21）", "PRR [V?]; POL Art 21"),
    "public_interest_reply_limit": Guard(_reply_limit("public_interest"), "公益诉讼检察建议的回复期限为二个月，"
                                         "损害继续扩大等紧急情形为十五日，不得更长（PIL Art 21）", "PIL Art 21"),
    "doc_prefix": Guard(_doc_prefix, "建议书实行统一编号（地名简称＋法建/检建＋〔年度〕＋序号）：制发机关须配置地名简称"
                        "（JSR Art 6 ¶2；附件1）", "JSR Art 6 ¶2"),
    "served_on_addressee": Guard(_served_on_addressee, "建议书须送达其首部载明的被建议单位（JSR 附件1 二；POL Art 21）",
                                 "JSR 附件1; POL Art 21"),
    "copies_fit": Guard(_copies_fit, "抄送须合于制发机关的规定：司法建议仅在问题重大时抄送被建议单位的上级主管机关或其他有关单位；"
                        "检察建议可抄送上级主管机关、上级人民检察院、同级党委、人大、政府、纪检监察机关（JSR Art 9；PRR）",
                        "JSR Art 9; PRR"),
    "copies_known": Guard(_copies_known, "抄送机构须登记在册；“上级主管机关”须为被建议单位的上级机关（JSR Art 9）",
                          "JSR Art 9"),
    "retrial_filed_upward": Guard(_retrial_filed_upward, "再审检察建议须报上级人民检察院备案（CPL Art 219 ¶2）",
                                  "CPL Art 219 ¶2"),
    "procuratorate_only": Guard(_procuratorate_only, "仅检察建议的被建议单位可以提出异议并由检察院复核（PRR Art 23）",
                                "PRR Art 23"),
    "first_objection": Guard(_first_objection, "对同一份建议书只能提出一次异议（PRR Art 23 [A]）", "PRR Art 23 [A]"),
    "within_objection_period": Guard(_within_objection_period, "异议须在建议书载明的期限内提出（PRR Art 23；SPEC §6 [A]）",
                                     "PRR Art 23; SPEC §6 [A]"),
    "reply_states_adoption": Guard(_reply_states_adoption, "书面回复须写明采纳落实的措施；未采纳或部分采纳的须说明理由"
                                   "（POL Art 21；JSR Art 8）", "POL Art 21; JSR Art 8"),
    "rectification_evidence": Guard(_rectification_evidence, "回复已采纳落实的，须附整改落实的证明材料（PSR Art 61 ¶2；SPEC §6）",
                                    "PSR Art 61 ¶2"),
    "no_just_cause": Guard(_no_just_cause, "经督促仍无正当理由不予整改或整改不到位的，方可升级（PRR [V?]；PSR Art 65）",
                         "PRR [V?]; PSR Art 65"),
    "measures_fit": Guard(_measures_fit, "升级措施须在本机关职权内：检察院报告上级院、通报被建议单位上级机关、报告党委人大政府、"
                          "通报纪检监察；法院抄送上级主管机关；平安建设组织协调机构约谈、通报、挂牌督办"
                          "（PRR；JSR Art 9；PSR Art 60, 65）", "PRR; JSR Art 9; PSR Art 60, 65"),
    "chief_decides": Guard(_chief_decides, "检察建议的升级措施由检察长决定，须写明决定人（PRR [V?]；POL Art 29）",
                           "PRR [V?]; POL Art 29"),
    "public_interest_kind": Guard(_public_interest_kind, "仅公益诉讼检察建议可在行政机关仍不依法履行职责时提起行政公益诉讼"
                                  "（PIL Art 21；行政诉讼法 Art 25 ¶4）", "PIL Art 21; 行政诉讼法 Art 25 ¶4"),
    "suit_court": Guard(_suit_court, "行政公益诉讼须向人民法院提起（行政诉讼法 Art 25 ¶4）", "行政诉讼法 Art 25 ¶4"),
}
