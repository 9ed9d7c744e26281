"""The words the user sees: a Chinese label, help text and widget for every field of every contract, and a
Chinese label for every choice. Codes stay in the API; people read these.

One vocabulary for all services: a field of the same name gets the same label wherever it appears, so a
new event that reuses ``note`` or ``party`` needs nothing here. A new field name or a new choice value
must be added below: ``tests/unit/test_labels.py`` fails for any field or choice without a Chinese label.

``annotate(schema)`` writes the labels into the marshmallow fields' metadata (``title``, ``description``,
``x-widget``, ``x-choices``), so the OpenAPI document carries them; ``describe(name, field)`` is what
``case_definition()`` serves for each field.
"""
from __future__ import annotations

import re
from functools import lru_cache

from marshmallow import Schema, fields

from contracts.enums import CATEGORIES, CHANNELS, EXTERNAL_CHANNELS, PARTY_KINDS, PARTY_ROLES, ROLES
from contracts.errors import FIELDS_NAMED
from contracts.idnumbers import ID_ABSENT_REASONS
from contracts.messages import HAN

# -- widgets ------------------------------------------------------------------------------------------
# text · textarea · number · check · date · choice · multi (several choices) · org (an organisation of
# the given kinds) · mediator (the committee's roster) · party / parties (from the case's parties) ·
# case (a case number, searched) · signatures (已签名/盖章/按指印 per party) · lines (several short texts)
# · group / rows (a nested record / a list of them) · hidden (set by the services, never typed)
ORG_KINDS = {
    "centre": "社会治理中心", "mediation_committee": "人民调解委员会", "court": "人民法院",
    "procuratorate": "人民检察院", "petition_office": "信访部门", "government": "人民政府",
    "department": "政府部门", "police": "公安机关", "discipline": "纪检监察机关", "arbitration": "仲裁机构",
}
ANY_ORG = tuple(ORG_KINDS)
STATE_ORGANS = ("government", "department", "police", "petition_office", "court", "procuratorate", "discipline")


def org(*kinds: str) -> dict:
    return {"kind": "org", "org_kinds": list(kinds or ANY_ORG)}


T, TA, N, CK, D, CH, M = "text", "textarea", "number", "check", "date", "choice", "multi"
P, MED, CASE, HID = "party", "mediator", "case", "hidden"

# name -> (label, widget, help). Widget None: derived from the field's type (text, number, check, choice …).
FIELDS: dict[str, tuple[str, object, str]] = {
    # the claim and its parties
    "channel": ("来源渠道", CH, ""),
    "category": ("纠纷类别", CH, ""),
    "claim_type": ("请求类型", T, "如：赔偿、返还、确认、履行"),
    "summary": ("纠纷简述", TA, "一两句话说明纠纷"),
    "request": ("请求事项", TA, "当事人请求解决的事项"),
    "facts": ("事实与理由", TA, ""),
    "oral": ("口头申请，由工作人员记录", CK, ""),
    "subject_ref": ("争议标的", T, "地址、地块号或合同编号等"),
    "parties": ("当事人", P, ""),
    "role": ("身份", CH, ""),
    "kind": ("类型", CH, ""),
    "name": ("姓名或名称", T, ""),
    "id_number": ("身份证号码或统一社会信用代码", T, ""),
    "phone": ("联系电话", T, ""),
    "address": ("住址", T, ""),
    "representatives": ("代表人姓名", "lines", "多人来访推选的代表（每行一人）"),
    "visitor_count": ("来访人数", N, ""),
    "id_absent_reason": ("未提供身份证号码的原因", CH, "来信未载明、热线来电、匿名上报或本人拒绝提供时选择（《信访工作条例》第十九条、第二十一条不要求身份证号码）"),
    "applied_at": ("当事人申请日期", D, "当事人共同提出司法确认申请的日期，三十日期间据此计算"),
    "jurisdiction_county": ("管辖依据所在县（市、区）", "county", "当事人住所地或标的物所在地所在的县（市、区）"),
    "decision": ("当事人起诉的决定", None, "当事人本人决定起诉的记录"),
    "decided_on": ("决定日期", D, ""),
    "via": ("收集方式", CH, ""),
    "evaluator": ("评价人姓名", T, "信访人本人或其委托的人"),
    "receipt_ref": ("送达回证编号", T, "送达回证、邮寄回执或电子送达记录的编号"),
    "performed": ("和解协议已履行", CK, ""),
    "target_case_id": ("被督办案件", CASE, "按案件编号查找"),
    "deadline": ("办理期限", D, ""),
    "result": ("办理结果", TA, ""),
    "assessment": ("督办评价", TA, ""),
    "subject": ("挂牌督办的区域或问题", TA, ""),
    "subject_kind": ("督办对象类型", CH, ""),
    "responsible_org_id": ("责任单位", org(), ""),
    "plan": ("整改方案", TA, ""),
    "report": ("整改情况报告", TA, ""),
    "official_post": ("约谈对象职务", T, "被约谈的责任单位负责人的职务"),
    "scope": ("通报范围", T, ""),
    "conclusion": ("摘牌结论", TA, ""),
    "group_visit": ("多人集体来访", CK, ""),
    "petition_kind": ("信访事项类型", CH, ""),
    "respondent_org_id": ("被反映的机关", org(*STATE_ORGANS), "信访事项所涉及的机关"),
    "org_id": ("单位", org(), ""),
    "acting_org_id": ("承办或参与办理的机构", org(), ""),
    "committee_id": ("受理的人民调解委员会", org("mediation_committee"), "不选则为本委员会"),
    "joint_application": ("双方共同申请", CK, ""),
    "source": ("纠纷来源", TA, "如何得知纠纷：网格员上报、走访排查等"),
    "handoff": ("移送来源", HID, ""),
    "parent_service": ("移送业务", HID, ""),
    "parent_case_id": ("移送案件", HID, ""),
    "parent_case_no": ("移送案件编号", HID, ""),
    "link_type": ("关联类型", HID, ""),
    "data": ("附带信息", HID, ""),
    # general
    "note": ("备注", TA, ""),
    "reason": ("理由", TA, ""),
    "reasons": ("理由", TA, ""),
    "statement": ("当事人的陈述", TA, ""),
    "basis": ("依据", HID, ""),
    "how": ("方式", CH, ""),
    "notified_how": ("告知方式", CH, ""),
    "method": ("方式", CH, ""),
    "manner": ("送达方式", CH, ""),
    "mode": ("化解方式", CH, ""),
    "outcome": ("结果", CH, ""),
    "ground": ("事由", CH, ""),
    "grounds": ("理由", TA, ""),
    "procedure": ("程序", CH, ""),
    "amount": ("延长的期间", N, "按该期限的计算单位（日、工作日或月）"),
    "clock": ("期限", "clock", ""),
    "unit": ("计算单位", CH, ""),
    "days": ("期限（日）", N, "不填则按规定的期限"),
    "items": ("需要补充的材料", TA, ""),
    "missing": ("起诉状欠缺的内容", TA, ""),
    "answer": ("答复内容", TA, ""),
    "rule": ("重复件规则", CH, ""),
    "duplicate_of": ("在先案件", CASE, "输入案件编号查找"),
    "child_case_id": ("下级案件", HID, ""),
    "target_org_id": ("接收机构", org(), "不选则按默认机构"),
    "external_channel": ("导入的法定途径", CH, ""),
    "statutory_procedure": ("应通过的法定途径", CH, ""),
    "already_accepted_by": ("已由其他机关受理", CH, ""),
    "party_refused_mediation": ("当事人一方明确拒绝调解", CK, ""),
    "party_wants_to_sue": ("当事人坚持起诉", CK, ""),
    "civil_suit": ("属新的民事纠纷，移送人民法院", CK, "诉访分离"),
    # parties' acts and consent
    "party": ("当事人", P, "从本案当事人中选择"),
    "applicant": ("申请人", P, ""),
    "applicants": ("申请人", P, "共同申请的，选择全部当事人"),
    "plaintiff": ("原告（起诉的当事人）", P, ""),
    "requested_by": ("提出请求的当事人", P, "应为全部当事人"),
    "agreed_by": ("同意的当事人", P, "应为全部当事人"),
    "objector": ("异议人", CH, ""),
    "express": ("当事人明确表示", CK, ""),
    "respondent_consented": ("对方当事人已同意调解", CK, ""),
    "other_side_consents": ("对方当事人同意", CK, ""),
    "petitioner_consents": ("信访人同意", CK, ""),
    "satisfaction": ("满意程度", CH, ""),
    # mediation
    "specialised_organ_only": ("只能由专门机关管辖处理", CK, ""),
    "mediation_forbidden": ("禁止采用民间调解方式", CK, ""),
    "channel_told": ("告知的其他途径", TA, "告知当事人可以向哪个机关或通过什么程序解决"),
    "channels_told": ("告知的其他途径", M, "依法告知当事人可以通过仲裁、行政、司法等途径维护权利"),
    "escalation_risk": ("有激化风险", CK, ""),
    "calming_measures": ("采取的稳控措施", TA, ""),
    "handed_over_to": ("移交机关", org("police", "government", "department", "centre"), ""),
    "mediator_ids": ("调解员", MED, "从本委员会调解员名册中选择"),
    "mediator_id": ("调解员", MED, ""),
    "mediator_org_id": ("调解组织", org("mediation_committee"), ""),
    "risk": ("风险类型", CH, ""),
    "reported_to": ("报告的机关", org("police", "government", "department", "centre"), ""),
    "measures": ("采取的措施", None, ""),
    "dispute": ("纠纷的主要事实、争议事项及各方责任", TA, "调解协议书应载明"),
    "obligations": ("达成协议的内容", TA, "调解协议书应载明"),
    "performance_manner": ("履行方式", T, ""),
    "performance_deadline": ("履行期限", D, ""),
    "signatures": ("当事人签名", "signatures", "当事人已当面签名、盖章或者按指印的，逐一确认"),
    "form": ("形式", CH, ""),
    "mediator_signature": ("调解员签名", MED, "已签名的调解员"),
    "committee_seal": ("已加盖人民调解委员会印章", CK, ""),
    "org_seal": ("已加盖调解组织印章", CK, ""),
    "content": ("协议内容", TA, ""),
    "written_requested": ("当事人要求制作书面协议", CK, ""),
    "performed_immediately": ("即时履行完毕", CK, ""),
    "major": ("重大、复杂、疑难纠纷", CK, ""),
    "supervisor": ("回访督促人", T, ""),
    "file_no": ("卷宗号", T, ""),
    "materials": ("材料", M, ""),
    "next_channel": ("后续去向", CH, ""),
    "claim": ("诉讼请求", TA, "不填则为本案的请求事项"),
    "court_id": ("人民法院", org("court"), ""),
    "jurisdiction_basis": ("管辖依据", CH, ""),
    "non_performance": ("不履行情形", CH, ""),
    "at": ("时间", HID, ""),
    "code": ("退回原因代码", HID, ""),
    "link_id": ("关联", HID, ""),
    "jc_case_id": ("司法确认案件", HID, ""),
    "jc_case_no": ("司法确认案号", HID, ""),
    "jc_event": ("司法确认环节", HID, ""),
    "jc_status": ("司法确认状态", HID, ""),
    "jc_version": ("司法确认版本", HID, ""),
    "service": ("业务", CH, ""),
    # diversion and judicial confirmation
    "appeal_told": ("已告知可以上诉", CK, ""),
    "attempts": ("联系被告的经过", TA, "写明无法联系的原因"),
    "by": ("指定方式", CH, ""),
    "conditions": ("符合的起诉条件", M, ""),
    "cost_increasing_conduct": ("增加诉讼成本的行为", TA, ""),
    "disclosure": ("调解员披露的情况", TA, ""),
    "docket_no": ("案号", T, ""),
    "document_no": ("文书编号", T, ""),
    "parties_asked_court": ("当事人同意由法院指定", CK, ""),
    "parties_heard": ("已当面询问双方当事人", CK, ""),
    "party_insists_on_suing": ("当事人坚持起诉", CK, ""),
    "ruling_no": ("裁定书编号", T, ""),
    "served_on": ("送达日期", D, ""),
    "received_on": ("收到裁定的日期", D, ""),
    "known_on": ("知道或应当知道的日期", D, ""),
    "suitable": ("适宜调解", CK, ""),
    "told": ("已告知的事项", M, ""),
    "intermediate_court": ("属于中级人民法院管辖", CK, ""),
    "agreement": ("调解协议", None, ""),
    "effective_at": ("协议生效日期", D, ""),
    "delegated_by_court": ("委派调解的人民法院", org("court"), ""),
    "mediation_case_no": ("调解案件编号", CASE, ""),
    "mediation_org_id": ("调解组织", org("mediation_committee", "centre"), ""),
    "approved_by": ("批准人", None, ""),
    # petition
    "address_unclear": ("姓名或地址不清，无法告知", CK, ""),
    "written_notice_ref": ("书面告知书文号", T, ""),
    "handling_basis": ("处理方式", CH, ""),
    "handler_org_id": ("有权处理的机关", org(*STATE_ORGANS), ""),
    "report_due": ("报告结果的期限", D, ""),
    "document_ref": ("处理意见书文号", T, ""),
    "legal_basis": ("法律政策依据", TA, ""),
    "written_reply_ref": ("书面答复文号", T, ""),
    "upholds_original": ("维持原处理意见", CK, ""),
    "hearing_held": ("已举行听证", CK, ""),
    "held_on": ("听证日期", D, ""),
    "publicise": ("公开答复", CK, ""),
    "approval": ("批准情况", T, "本机关负责人批准"),
    "notice": ("告知信访人的情况", TA, "何时、以何种方式告知延期理由"),
    "new_facts_or_reasons": ("有新的事实或理由", CK, ""),
    "agreement_ref": ("和解协议编号", T, ""),
    "signed_by": ("签署人", None, ""),
    # recommendation
    "title": ("标题", T, ""),
    "found_in": ("发现问题的案件或工作", TA, ""),
    "problems": ("发现的问题", TA, ""),
    "recommendations": ("具体建议", TA, "与问题一一对应"),
    "recipient_org_id": ("被建议单位", org(*STATE_ORGANS, "centre"), ""),
    "source_cases": ("关联案件", None, ""),
    "case_id": ("案件", HID, ""),
    "case_no": ("案件编号", CASE, ""),
    "risk_pattern": ("风险规律", None, ""),
    "description": ("情况说明", TA, ""),
    "case_count": ("案件数", N, ""),
    "period_from": ("起始日期", D, ""),
    "period_to": ("截止日期", D, ""),
    "damage_spreading": ("损害继续扩大等紧急情形", CK, ""),
    "meeting_ref": ("会议纪要编号", T, ""),
    "signed_by_president": ("院长已签发", CK, ""),
    "special_provision": ("另有规定的条文", T, ""),
    "urgent": ("情况紧急", CK, ""),
    "objection_period": ("提出异议的期限", None, ""),
    "reply_period": ("书面回复的期限", None, ""),
    "copies": ("抄送单位", None, ""),
    "received_by": ("签收人", T, ""),
    "major_issue": ("问题重大", CK, ""),
    "recipient_opinion": ("被建议单位的意见", TA, ""),
    "evidence": ("证明材料", None, ""),
    "document_id": ("材料编号", T, ""),
    "media_type": ("文件类型", T, ""),
    "sha256": ("文件校验值", HID, ""),
    "reply": ("回复内容", TA, ""),
    "adoption": ("采纳情况", CH, ""),
    "amendment": ("修改后的建议内容", TA, ""),
    "decided_by": ("决定人", CH, ""),
    "no_just_cause": ("无正当理由不予整改", CK, ""),
    "rectify_by": ("整改期限", D, ""),
    "findings": ("核查情况", TA, ""),
    "shortcomings": ("整改不到位之处", TA, ""),
    "court_case_no": ("起诉案号", T, ""),
    "court_org_id": ("起诉的人民法院", org("court"), ""),
}

# event -> field -> widget, where the same field picks from other organisations in another event (the
# label stays the field's): intake routes to a committee, a court or a petition office (SPEC §2.1)
EVENT_WIDGETS: dict[str, dict[str, dict]] = {
    "route_to_mediation": {"target_org_id": org("mediation_committee")},
    "route_to_diversion": {"target_org_id": org("court")},
    "route_to_petition": {"target_org_id": org("petition_office", "government", "department")},
    "refer_external": {"target_org_id": org("police", "discipline", "arbitration", "court", "government",
                                            "department", "procuratorate")},
    "redirect": {"target_org_id": org("court", "police", "procuratorate", "discipline", "arbitration")},
    "route_to_legal_procedure": {"target_org_id": org("court", "police", "procuratorate", "arbitration")},
    # 转送/交办 to the organ with competence (LVR Art 22(1)-(3)); 涉法涉诉 and 检举控告 go by 不予受理/告知 (redirect)
    "transfer": {"handler_org_id": org("government", "department", "police")},
    "assign": {"handler_org_id": org("government", "department", "police")},
}

# value -> label, for choices whose code means the same wherever it appears
CHOICES: dict[str, str] = {
    **CATEGORIES, **CHANNELS, **PARTY_ROLES, **PARTY_KINDS, **EXTERNAL_CHANNELS,
    "fax": "传真", "network": "信息网络", "visit": "走访",
    "in_person": "当面", "phone": "电话", "letter": "书面", "sms": "短信", "online": "网上",
    "written": "书面", "oral": "口头",
    "designated": "由人民调解委员会指定", "chosen_by_parties": "由当事人选择",
    "consultation": "咨询解答", "answerable_now": "可当场答复",
    "court": "人民法院", "police": "公安机关", "administrative_organ": "其他行政机关",
    "litigation": "诉讼", "administrative_review": "行政复议", "arbitration": "仲裁",
    "other_procedure": "其他法定程序",
    "sign": "签名", "seal": "盖章", "fingerprint": "按指印",
    "diversion": "诉前调解/诉讼", "external": "其他法定途径", "none": "不再处理",
    "public_security": "治安案件风险", "criminal": "刑事案件风险",
    "refused": "拒绝履行", "partial": "未全部履行",
    "appraisal": "鉴定",
    "mediator_location": "调解组织所在地基层人民法院", "party_domicile": "当事人住所地基层人民法院",
    "subject_location": "标的物所在地基层人民法院",
    "intake": "一站式受理", "mediation": "人民调解", "petition": "信访", "recommendation": "司法建议、检察建议",
    "parties_jointly": "当事人共同选定",
    "mediation_statement": "出具调解书", "withdrawal": "撤诉",
    "outside_remit": "不属于调解组织的业务范围", "outside_expertise": "超出调解员的专业领域",
    "other_unsuitable": "其他不宜调解的情形",
    "adopted": "采纳", "partially_adopted": "部分采纳", "not_adopted": "不采纳",
    "advantages": "调解的优势", "forms": "调解的形式", "rights_obligations": "当事人的权利义务",
    "legal_consequences": "调解的法律后果", "procedure": "调解的程序",
    "chief_procurator": "检察长", "procuratorial_committee": "检察委员会", "judicial_committee": "审判委员会",
    "child": "下级案件", "source": "来源案件",
    "major": "问题重大", "complex": "情况复杂", "difficult": "疑难",
    "comprehensive_governance": "综合治理类司法建议", "retrial": "再审检察建议",
    "correct_violation": "纠正违法检察建议", "public_interest": "公益诉讼检察建议",
    "social_governance": "社会治理检察建议", "other": "其他",
    "recipient_superior": "被建议单位的上级机关", "other_relevant": "其他有关单位",
    "superior_procuratorate": "上级人民检察院", "party_committee": "党委", "npc": "人大常委会",
    "government": "人民政府", "discipline": "纪检监察机关",
    "meeting": "座谈会", "inquiry": "询问", "joint_meeting": "联席会议", "urging_letter": "督促函",
    "on_site": "实地查看", "document_review": "查阅资料", "interview": "约谈", "follow_up_cases": "跟踪相关案件",
    "report_superior_procuratorate": "报告上级人民检察院", "notify_recipient_superior": "通报被建议单位的上级机关",
    "report_party_committee_npc": "报告同级党委、人大", "notify_discipline": "移送纪检监察机关",
    "refer_to_centre": "移送平安建设组织协调机构", "public_notice": "公开通报", "listed_supervision": "挂牌督办",
    "written_notice": "书面告知", "announced": "宣告送达",
    "settlement": "和解", "party": "当事人", "interested_person": "利害关系人",
    "petitioner": "信访人", "other_side": "对方当事人", "handler": "承办人",
    "plaintiff_direct_interest": "原告与本案有直接利害关系", "defendant_identified": "有明确的被告",
    "specific_claim": "有具体的诉讼请求和事实、理由", "within_scope_and_jurisdiction": "属于人民法院受案范围和本院管辖",
    "prefiling_mediation": "诉前调解期限", "entrusted_mediation": "委托调解期限", "jc_decision": "司法确认审查期限",
    "handling": "办理期限",
    "days": "日", "months": "月",
    "D1": "同一当事人、同一事项重复登记", "D2": "同一事项已在办理中", "D3": "同一事项已受理或正在办理",
    "D4": "已经复查复核终结的同一事项", "D5": "多人反映的同一事项", "D6": "同一纠纷另一方的申请",
    "D7": "已经先行调解的纠纷", "D8": "其他重复情形",
    "satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意",
    "support": "予以支持", "not_support": "不予支持", "explain": "解释说明",
}

# (field, value) -> label, where a code means something else in that field
FIELD_CHOICES: dict[str, dict[str, str]] = {
    "id_absent_reason": ID_ABSENT_REASONS,
    "jc_status": {"JC_OBJECTION": "已提出异议", "JC_REVOKED": "确认裁定已撤销", "JC_AMENDED": "确认裁定已改变",
                  "JC_OBJECTION_DISMISSED": "异议已驳回"},
    "procedure": {"ordinary": "普通程序", "summary": "简易程序", "litigation": "诉讼程序",
                  "judicial_review": "复议程序", "procuratorial": "检察机关法律程序",
                  "police": "公安机关法律程序", "arbitration": "仲裁", "party_appeal": "党员申诉、申请复审",
                  "administrative": "行政复议、行政裁决等行政程序"},
    "outcome": {"handoff_refused": "人民法院未接收移送的申请", "not_accepted": "人民法院裁定不予受理",
                "withdrawn": "撤回申请"},
    "materials": {"other": "其他材料", "agreement": "调解协议书"},
    "ground": {"other": "其他情形"},
    "how": {"letter": "书面", "written": "书面", "oral": "口头"},
    "kind": {"other": "其他", "written": "书面", "oral": "口头",
             "statutory_channel": "应通过法定途径解决，不予受理并书面告知"},
    "service": {"diversion": "诉非分流"},
    "next_channel": {"diversion": "向人民法院起诉"},
    "grounds": {"major": "问题重大"},
}

CITATION = re.compile(r"^(?P<basis>[^:：]*?\b(?:Art|SPEC)\b[^:：]*)[:：]\s*(?P<label>.+)$")
PAREN_CITATION = re.compile(r"[（(][^（）()]*[A-Za-z][^（）()]*[）)]")


def _harvested(text: str) -> tuple[str, str]:
    """An enum's own label ("CPLI Art 355(1): 不属于人民法院受理范围") split into the Chinese words and
    the citation; English or bare numbers are not labels."""
    text = str(text or "").strip()
    m = CITATION.match(text)
    label, basis = (m.group("label"), m.group("basis")) if m else (text, "")
    for cited in PAREN_CITATION.findall(label):         # "申诉求决类（Art 31）": the citation is basis
        label = label.replace(cited, "")
        basis = "; ".join(b for b in (basis, cited.strip("（）() ")) if b)
    label = label.strip()
    return (label, basis.strip()) if HAN.search(label) and not re.search(r"[A-Za-z]", label) else ("", basis.strip())


def choice_label(field_name: str, value, harvested: str = "") -> str:
    """The Chinese label of one choice of one field ("" when there is none)."""
    value = str(value)
    own = FIELD_CHOICES.get(field_name, {}).get(value)
    if own:
        return own
    label, _ = _harvested(harvested)
    return label or CHOICES.get(value, "")


def _choices_of(f: fields.Field) -> tuple[list, dict]:
    inner = f.inner if isinstance(f, fields.List) else f
    for v in getattr(inner, "validators", []) or []:
        if hasattr(v, "choices"):
            ch = v.choices
            return list(ch), dict(ch) if isinstance(ch, dict) else {}
    return [], {}


def _nested(f: fields.Field) -> Schema | None:
    inner = f.inner if isinstance(f, fields.List) else f
    return inner.schema if isinstance(inner, fields.Nested) else None


def _widget(name: str, f: fields.Field, hint) -> dict:
    many = isinstance(f, fields.List)
    inner = f.inner if many else f
    nested = _nested(f)
    choices, _ = _choices_of(f)
    if hint == HID:
        return {"kind": HID}
    if nested is not None:
        if hint == "signatures":
            return {"kind": "signatures"}
        return {"kind": "rows" if many else "group"}
    if isinstance(hint, dict):
        return {**hint, "many": many} if many else dict(hint)
    if hint in (P, MED):
        return {"kind": {P: "parties", MED: "mediators"}[hint] if many else hint}
    if hint == "signatures":                # signatures as a list of party numbers (e-signed)
        return {"kind": "parties"}
    if choices:
        return {"kind": M if many else CH}
    if hint:
        return {"kind": hint}
    if isinstance(inner, fields.Boolean):
        return {"kind": CK}
    if isinstance(inner, (fields.Integer, fields.Float, fields.Decimal)):
        return {"kind": N}
    if isinstance(inner, (fields.Date, fields.DateTime)):
        return {"kind": D}
    return {"kind": "lines" if many else T}


def describe(name: str, f: fields.Field) -> dict:
    """What a terminal needs to ask for one field: label, help, widget and choices with their labels."""
    label, hint, help_text = FIELDS.get(name, ("", None, ""))
    choices, harvested = _choices_of(f)
    out = {
        "label": label, "help": help_text, "widget": _widget(name, f, hint),
        "choices": [{"value": c, "label": choice_label(name, c, harvested.get(c, "")),
                     "basis": _harvested(harvested.get(c, ""))[1]} for c in choices],
    }
    nested = _nested(f)
    if nested is not None:
        out["fields"] = [_sub(n2.data_key or k, n2) for k, n2 in nested.fields.items()]
    return out


def _sub(name: str, f: fields.Field) -> dict:
    d = describe(name, f)
    return {"name": name, "type": type(f).__name__, "required": f.required, **d,
            "choices": [c["value"] for c in d["choices"]], "options": d["choices"]}


def annotate(schema: type[Schema] | Schema, _seen: set | None = None) -> None:
    """Write the labels into the schema's declared fields (title, description, x-widget, x-choices), so
    every instance and the OpenAPI document carry them. Idempotent."""
    cls = schema if isinstance(schema, type) else type(schema)
    seen = _seen if _seen is not None else set()
    if cls in seen:
        return
    seen.add(cls)
    instance = cls()
    for key, declared in cls._declared_fields.items():
        name = declared.data_key or key
        if name not in instance.fields and key not in instance.fields:
            continue
        d = describe(name, instance.fields.get(key) or declared)
        meta = declared.metadata
        if d["label"]:
            meta["title"] = d["label"]
            meta["description"] = d["help"] or d["label"]
        meta["x-widget"] = d["widget"]
        if d["choices"]:
            meta["x-choices"] = {c["value"]: c["label"] for c in d["choices"]}
        nested = _nested(declared)
        if nested is not None:
            annotate(type(nested), seen)


def role_label(code: str) -> str:
    return ROLES.get(code, "")


# -- refusals in Chinese -------------------------------------------------------------------------------
def _labelled_paths(errors, prefix=()) -> list[str]:
    out = []
    for k, v in (errors or {}).items():
        if isinstance(v, dict):
            out += _labelled_paths(v, prefix + (str(k),))
        else:
            name = next((p for p in reversed(prefix + (str(k),)) if p in FIELDS), None)
            if name:
                label = FIELDS[name][0]
                number = next((int(p) + 1 for p in prefix + (str(k),) if p.isdigit()), None)
                out.append(f"第{number}位当事人的{label}" if number and "parties" in prefix else label)
    return list(dict.fromkeys(out))


def refusal_in_chinese(code: str, message: str, details: dict | None) -> tuple[str, dict]:
    """The error contract as a user reads it: field problems in Chinese (the field keys stay codes, so a
    form finds its inputs), the message naming the fields by their labels, citations as 《…》第…条."""
    from contracts.legal import cite_in_chinese
    details = dict(details or {})
    if isinstance(details.get("fields"), dict):
        # marshmallow's English, or validation_error's default naming the keys (输入有误（字段 case_no…）)
        if not HAN.search(message or "") or (message or "").startswith(("invalid fields", FIELDS_NAMED)):
            named = _labelled_paths(details["fields"])
            message = "请更正：" + "、".join(named) if named else "填写的内容有误，请更正标出的项目"
    return cite_in_chinese(message), details


# -- residents' evaluations, 回访 and 预警处置 (issue 15: PSR Art 50, 54, 62) ------------------------------
def _evaluation_words() -> None:
    from contracts.evaluation import LEVELS, VISIT_RESULTS, WARNING_RULES
    FIELDS.update({
        "evaluation_id": ("评价记录", HID, ""),
        "evaluated_case_no": ("被评价案件编号", T, ""),
        "owner_org_id": ("回访单位", org(), "办理该案的单位"),
        "rating": ("群众评价", CH, "满意、基本满意或不满意"),
        "visit_result": ("回访结果", CH, ""),
        "warning_rule": ("预警规则", CH, ""),
        "level": ("预警等级", CH, ""),
        "explanation": ("预警说明", TA, ""),
        "case_ids": ("涉及案件", HID, ""),
        "case_nos": ("涉及案件（前 50 件）", "lines", ""),
        "fingerprint": ("预警标识", HID, ""),
        "about": ("预警所指", HID, ""),       # what finds every case behind the warning (the drill-down), codes only
    })
    FIELD_CHOICES.update({"visit_result": VISIT_RESULTS, "warning_rule": WARNING_RULES, "level": LEVELS})


_evaluation_words()

# -- court-delegated mediation by a people's mediation committee (issue 13 item 15; SPEC §7) ------------
FIELDS.update({
    "deadlines": ("法院委派调解期限", HID, "委派法院的期限，由系统从法院案件同步"),
    "court_status": ("委派法院案件状态", HID, ""),
    "court_status_label": ("委派法院案件状态说明", HID, ""),
    "court_version": ("委派法院案件版本", HID, ""),
})

# -- query code reissue and document hashes (issue 14) --------------------------------------------------
FIELDS.update({
    "reissue_reason": ("补发查询码的原因", CH, "补发后原查询码立即失效"),
})
CHOICES.update({"lost": "查询码遗失", "disclosed": "查询码可能已泄露"})


def schema_fields(schema: type[Schema] | None, event_id: str | None = None) -> list[dict]:
    """What a form needs for each field of a contract (label, help, widget, labelled choices): served
    for every event's data in ``case_definition()`` and for every opening command (services/gateway/
    openings.py). ``event_id`` narrows organisation pickers per event (``EVENT_WIDGETS``)."""
    if schema is not None:
        annotate(schema)
    narrowed = EVENT_WIDGETS.get(event_id or "", {})
    return [{**f, "widget": narrowed.get(f["name"], f["widget"])} for f in _schema_fields(schema)]


def _schema_fields(schema: type[Schema] | None) -> list[dict]:
    return [dict(f) for f in _labelled_fields(schema)] if schema is not None else []


@lru_cache(maxsize=512)
def _labelled_fields(schema: type[Schema]) -> tuple:
    out = []
    for name, f in schema().fields.items():
        key = f.data_key or name
        d = describe(key, f)
        out.append({"name": key, "type": type(f).__name__, "required": f.required,
                    "choices": [c["value"] for c in d["choices"]], "options": d["choices"],
                    "label": d["label"], "help": d["help"], "widget": d["widget"],
                    "description": d["help"] or d["label"], **({"fields": d["fields"]} if "fields" in d else {})})
    return tuple(out)
