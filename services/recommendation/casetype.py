"""The recommendation case type: judicial and procuratorial recommendations (司法建议、检察建议; SPEC §6).

Keys: JSR 综合治理类司法建议规定 (法释〔2023〕11号); PRR 人民检察院检察建议工作规定 2019 (article numbers
[V?] except Art 23); POL 人民检察院组织法 2018 Art 21; PIL 检察公益诉讼解释 2018 Art 21; CPL 民事诉讼法
Art 219; CPLI 民诉法解释 Art 414; PSR 浙江省平安建设条例 Art 60, 61, 65.

Several targets of one SPEC row are separate events: objection_upheld → ``objection_upheld_amend``
(RC_ISSUED, the amended letter is served again) or ``objection_upheld_withdraw`` (RC_WITHDRAWN).
"""
from __future__ import annotations

from contracts import recommendation as c
from contracts.recommendation import KINDS, PROCURATORATE
from contracts.schemas import ClockEventSchema
from infra.casetype import CaseType, ClockDef, EventDef, Period, StateDef, configured
from services.recommendation import effects as fx, sides
from services.recommendation.guards import GUARDS
from services.recommendation.sides import kind_of

STATES = (
    StateDef("RC_DRAFTING", "起草", basis="JSR Art 1, 3; PRR"),
    StateDef("RC_CONSULTING", "征求意见", basis="JSR Art 5; PRR"),
    StateDef("RC_PENDING_APPROVAL", "待审批", basis="JSR Art 7; PRR [V?]"),
    StateDef("RC_ISSUED", "已制发", basis="JSR Art 6-7"),
    StateDef("RC_AWAITING_REPLY", "已送达待回复", basis="POL Art 21; JSR Art 8; PSR Art 61 ¶2"),
    StateDef("RC_OBJECTION_REVIEW", "异议复核", basis="PRR Art 23 (procuratorate only)"),
    StateDef("RC_WITHDRAWN", "撤回", terminal=True, basis="PRR Art 23"),
    StateDef("RC_OVERDUE", "逾期未复", basis="JSR Art 8; PRR; PIL Art 21"),
    StateDef("RC_URGED", "已督促", basis="PRR; JSR Art 8 ¶2"),
    StateDef("RC_ESCALATED", "已升级", basis="PRR; JSR Art 9; PSR Art 60, 65"),
    StateDef("RC_REPLIED", "已书面回复", basis="POL Art 21; JSR Art 8"),
    StateDef("RC_VERIFYING", "落实核查", basis="JSR Art 8 ¶2; PRR"),
    StateDef("RC_LITIGATION", "公益诉讼", terminal=True, basis="PIL Art 21; 行政诉讼法 Art 25"),
    StateDef("RC_CLOSED", "办结", terminal=True, basis="PSR Art 61 ¶2"),
)

REPLY_STATES = ("RC_AWAITING_REPLY", "RC_OVERDUE", "RC_URGED", "RC_ESCALATED")


def _g(*names):
    return tuple(GUARDS[n] for n in names)


EVENTS = (
    EventDef("draft", "起草建议", (), "RC_DRAFTING", ("issuer",),
             "JSR Art 1, 3, 4; PRR; PSR Art 61 ¶2: problem found in casework, addressed to the competent body",
             guards=_g("issuer_org", "kind_matches", "recipient_known", "court_jurisdiction", "retrial_to_court",
                       "public_interest_to_agency", "recurring"),
             schema=c.DraftSchema, effect=fx.draft),
    EventDef("consult_recipient", "征求被建议单位意见", ("RC_DRAFTING",), "RC_CONSULTING", ("issuer",),
             "JSR Art 5; PRR (may consult before issuing)", schema=c.ConsultSchema, effect=fx.consult),
    EventDef("submit", "提请审批", ("RC_DRAFTING", "RC_CONSULTING"), "RC_PENDING_APPROVAL", ("issuer",),
             "JSR Art 5, 7; PRR", guards=_g("court_consulted"), schema=c.NoteSchema, effect=fx.submit),
    EventDef("approve_issue", "审批制发", ("RC_PENDING_APPROVAL",), "RC_ISSUED", ("issuer",),
             "JSR Art 6-8 (审委会审议, 院长签发, ×法建〔年〕×号); PRR [V?] (检察长/检委会); PIL Art 21",
             guards=_g("court_committee", "procuratorate_approver", "retrial_committee", "court_reply_stated",
                       "court_reply_limit", "procuratorate_reply_limit", "public_interest_reply_limit", "doc_prefix"),
             schema=c.ApproveIssueSchema, effect=fx.approve_issue),
    EventDef("serve", "送达", ("RC_ISSUED",), "RC_AWAITING_REPLY", ("issuer",),
             "PRR (书面或宣告送达; 抄送党委、人大、政府、纪检监察); JSR Art 9 (抄送上级主管机关); CPL Art 219 ¶2",
             guards=_g("served_on_addressee", "copies_fit", "copies_known", "retrial_filed_upward"),
             schema=c.ServeSchema, effect=fx.serve),
    EventDef("raise_objection", "提出异议", ("RC_AWAITING_REPLY",), "RC_OBJECTION_REVIEW", ("rcpt",),
             "PRR Art 23: procuratorate only, within the period stated in the letter",
             guards=_g("procuratorate_only", "first_objection", "within_objection_period"),
             schema=c.ObjectionSchema, effect=fx.raise_objection),
    EventDef("objection_upheld_amend", "异议成立（修改建议）", ("RC_OBJECTION_REVIEW",), "RC_ISSUED", ("issuer",),
             "PRR Art 23: chief procurator or committee decides; the amended letter is served again",
             schema=c.ObjectionAmendSchema, effect=fx.decide_objection("upheld_amend")),
    EventDef("objection_upheld_withdraw", "异议成立（撤回建议）", ("RC_OBJECTION_REVIEW",), "RC_WITHDRAWN", ("issuer",),
             "PRR Art 23: chief procurator or committee decides", schema=c.ObjectionDecisionSchema,
             effect=fx.decide_objection("upheld_withdraw")),
    EventDef("objection_dismissed", "异议不成立", ("RC_OBJECTION_REVIEW",), "RC_AWAITING_REPLY", ("issuer",),
             "PRR Art 23: reasons explained to the recipient", schema=c.ObjectionDecisionSchema,
             effect=fx.decide_objection("dismissed")),
    EventDef("submit_reply", "书面回复", REPLY_STATES, "RC_REPLIED", ("rcpt",),
             "POL Art 21; JSR Art 8; PSR Art 61 ¶2 (反馈处理情况); RC_OVERDUE added: a late reply is still a reply",
             guards=_g("reply_states_adoption", "rectification_evidence"), schema=c.ReplySchema, effect=fx.submit_reply),
    EventDef("deadline_warning", "期限预警", ("RC_ISSUED", "RC_AWAITING_REPLY", "RC_URGED"), None, ("sys",),
             "SPEC §1: T-3 WD [A]", schema=ClockEventSchema),
    EventDef("deadline_expired", "答复逾期", ("RC_AWAITING_REPLY",), "RC_OVERDUE", ("sys",),
             "JSR Art 8; PRR; PIL Art 21; SPEC §7: RC_OVERDUE → SUPV 督办 (PSR Art 60, 65)",
             schema=ClockEventSchema, effect=fx.overdue),
    EventDef("service_overdue", "送达逾期预警", ("RC_ISSUED",), None, ("sys",),
             "SPEC §6: service of the letter within 7 d of issue [A; repealed Jiangsu 2017 rule]",
             schema=ClockEventSchema, effect=fx.service_overdue),
    EventDef("urge", "督促", ("RC_OVERDUE",), "RC_URGED", ("issuer", "supv"),
             "PRR (询问、走访、磋商、联席会议); JSR Art 8 ¶2; PSR Art 60", schema=c.UrgeSchema, effect=fx.urge),
    EventDef("escalation_due", "督促期满提示升级", ("RC_URGED",), None, ("sys",),
             "SPEC §6: urge → escalate 15 d [A]: the clock warns the issuer and the centre; escalation itself "
             "is a human decision (PRR; JSR Art 9; PSR Art 60, 65)", schema=ClockEventSchema, effect=fx.escalation_due),
    EventDef("escalate", "升级", ("RC_URGED",), "RC_ESCALATED", ("issuer", "supv"),
             "PRR (检察长决定: 报告上级院, 通报上级主管机关, 报告党委人大政府, 纪检监察); JSR Art 9; PSR Art 60, 65; "
             "a finding of no just cause and the measures, by people (on the escalation clock's warning or earlier)",
             guards=_g("no_just_cause", "measures_fit", "chief_decides"), schema=c.EscalateSchema, effect=fx.escalate),
    EventDef("supervise", "督办（约谈/通报/挂牌督办）", ("RC_OVERDUE", "RC_URGED", "RC_ESCALATED"), None, ("supv",),
             "PSR Art 60, 65; SPEC §7: RC_OVERDUE / RC_ESCALATED → SUPV 挂牌督办/约谈", schema=c.SuperviseSchema,
             effect=fx.supervise),
    EventDef("file_public_interest_suit", "提起行政公益诉讼", ("RC_OVERDUE", "RC_URGED", "RC_ESCALATED"), "RC_LITIGATION",
             ("issuer",), "PIL Art 21; 行政诉讼法 Art 25 ¶4: agency still not performing after the period "
             "(RC_OVERDUE added: the suit needs no urging)", guards=_g("public_interest_kind", "suit_court"),
             schema=c.SuitSchema, effect=fx.file_suit),
    EventDef("verify_implementation", "落实核查", ("RC_REPLIED",), "RC_VERIFYING", ("issuer",),
             "JSR Art 8 ¶2; PRR [A: timing]", schema=c.VerifySchema, effect=fx.verify),
    EventDef("mark_implemented", "确认落实（办结）", ("RC_VERIFYING",), "RC_CLOSED", ("issuer",),
             "JSR Art 8 ¶2; PSR Art 61 ¶2", schema=c.ImplementedSchema, effect=fx.verification_result("implemented")),
    EventDef("mark_not_implemented", "整改不到位", ("RC_VERIFYING",), "RC_URGED", ("issuer",),
             "PRR: 整改不到位 → urged again", schema=c.NotImplementedSchema,
             effect=fx.verification_result("not_implemented")),
)


# -- clocks (SPEC §6) --------------------------------------------------------------------------------
def _letter_period(key: str):
    def period(config, case) -> Period:
        if case is None:
            raise LookupError("set per case in the letter")
        p = case.data["letter"][key]
        return Period(int(p["amount"]), p["unit"])
    return period


def _kind_in(*kinds):
    return lambda case: case is not None and kind_of(case) in kinds


PROCURATORATE_KINDS = tuple(k for k, (side, _) in KINDS.items() if side == PROCURATORATE and k != "public_interest")

CLOCKS = (
    ClockDef("court_reply", "司法建议答复期限", _letter_period("reply_period"), ("RC_AWAITING_REPLY",),
             ("RC_AWAITING_REPLY",), "deadline_expired",
             "JSR Art 8: set in the letter, generally ≤ 2 months; from receipt [A; template 收到后×个月内]",
             applies=_kind_in("comprehensive_governance")),
    ClockDef("procuratorate_reply", "检察建议回复期限", _letter_period("reply_period"), ("RC_AWAITING_REPLY",),
             ("RC_AWAITING_REPLY",), "deadline_expired",
             "PRR per SPP release [V?]: 2 months, 15 d if urgent; POL Art 21",
             applies=_kind_in(*PROCURATORATE_KINDS)),
    ClockDef("public_interest_reply", "公益诉讼检察建议回复期限", _letter_period("reply_period"), ("RC_AWAITING_REPLY",),
             ("RC_AWAITING_REPLY",), "deadline_expired", "PIL Art 21: 2 months, 15 d if the damage is spreading",
             applies=_kind_in("public_interest")),
    ClockDef("service", "送达期限", configured("recommendation", "service"), ("RC_ISSUED",), ("RC_ISSUED",), "service_overdue",
             "SPEC §6: 7 d from issue [A; repealed Jiangsu 2017 rule]"),
    ClockDef("escalation", "督促后升级期限", configured("recommendation", "urge_escalate"), ("RC_URGED",), ("RC_URGED",),
             "escalation_due", "SPEC §6: urge → escalate 15 d [A]; on expiry the issuer and the centre are told "
             "to decide (escalate is a human act: PRR; JSR Art 9; PSR Art 60, 65)"),
)

RECOMMENDATION = CaseType(code="recommendation", label="司法建议、检察建议", service="recommendation",
                          case_no_prefix="RC", basis="浙江省平安建设条例 Art 60, 61, 65; JSR; PRR; POL Art 21",
                          states=STATES, events=EVENTS, clocks=CLOCKS, participants=sides.participants)
