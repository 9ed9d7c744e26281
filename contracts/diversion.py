"""Contracts of the diversion service (诉非分流; SPEC §4, §7): the data each event of the pre-filing /
entrusted mediation case type (``diversion``, DV) and of the judicial confirmation case type (``jc``)
takes, the RPC arguments, and the hand-off data other services send to ``open_from_handoff``."""
from __future__ import annotations

from datetime import date, datetime

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from contracts.enums import CATEGORIES, CHANNELS
from contracts.schemas import LIMITS, PartySchema, text


def _when(value: str) -> None:
    """An ISO date (2026-03-01) or an ISO datetime; a naive datetime is read as Shanghai time."""
    try:
        datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError("not an ISO date (YYYY-MM-DD) or datetime") from None


When = lambda **kw: fields.String(validate=_when, **kw)   # noqa: E731
Seqs = lambda **kw: fields.List(fields.Integer(validate=validate.Range(min=1)), **kw)   # noqa: E731
Seq = lambda **kw: fields.Integer(validate=validate.Range(min=1), **kw)   # noqa: E731


# -- reason codes (fixed lists, each from its article) ---------------------------------------------
RETURN_GROUNDS = {                       # OMR Art 9: a pre-filing online mediation application is returned
    "outside_court_scope": "OMR Art 9(1): 不属于人民法院受案范围，告知其他纠纷解决方式",
    "no_jurisdiction": "OMR Art 9(2): 邀请法院对纠纷无管辖权，告知选择有管辖权法院的调解组织",
    "unsuitable_online": "OMR Art 9(3): 不适宜在线调解，告知到诉讼服务大厅现场办理调解或立案",
}
DIRECT_FILING_GROUNDS = {               # SZ Art 69 ¶2; SPEC §2.3: straight to filing review
    "already_premediated": "SZ Art 69 ¶2; SPEC D7: 已经相关单位或者组织先行调解",
    "not_suitable_for_mediation": "SZ Art 69 ¶2; CPL Art 125: 法律规定不能调解或案件性质不适宜调解",
}
DESIGNATED_BY = ("parties_jointly", "court")
DECLINE_GROUNDS = ("outside_remit", "outside_expertise", "other_unsuitable")          # OMR Art 12 ¶1
TERMINATION_GROUNDS = {                 # OMR Art 25(2)-(8); SIM Art 18, 26
    "self_settled_withdrawn": "OMR Art 25(2): 当事人自行和解，撤回调解申请",
    "unreachable": "OMR Art 25(3): 在调解期限内无法联系到当事人",
    "party_unwilling": "OMR Art 25(4); SIM Art 26(2): 当事人一方明确表示不愿意继续调解",
    "wide_disagreement": "OMR Art 25(5); SIM Art 26(3): 当事人分歧较大且难以达成调解协议",
    "period_expired_no_extension": "OMR Art 25(6): 调解期限届满且未合意延长",
    "refused_to_sign": "OMR Art 25(7): 当事人一方拒绝在调解协议上签章",
    "other": "OMR Art 25(8); SIM Art 26(4): 其他导致调解无法进行的情形",
    "suspected_false_mediation": "SIM Art 18; OMR Art 23: 存在虚假调解可能",
}
FILING_CONDITIONS = ("plaintiff_direct_interest", "defendant_identified", "specific_claim",
                     "within_scope_and_jurisdiction")                                    # CPL Art 122(1)-(4)
REFUSAL_GROUNDS = {                     # CPL Art 126 (Art 122 not met), Art 127(1)-(7)
    "conditions_not_met": "CPL Art 122, 126: 不符合起诉条件",
    "administrative_litigation": "CPL Art 127(1): 告知提起行政诉讼",
    "arbitration_agreement": "CPL Art 127(2): 告知申请仲裁",
    "other_organ": "CPL Art 127(3): 告知向有关机关申请解决",
    "other_court": "CPL Art 127(4): 告知向有管辖权的人民法院起诉",
    "res_judicata": "CPL Art 127(5): 告知申请再审",
    "barred_period": "CPL Art 127(6): 在不得起诉的期限内起诉",
    "six_month_bar": "CPL Art 127(7): 六个月内又起诉",
}
PROCEDURES = {"ordinary": 15, "summary": 7}                                             # OMR Art 24; SIM Art 27 ¶2
CONSENT_OUTCOMES = ("mediation_statement", "withdrawal")                                # OMR Art 20 ¶2; SIM Art 20
EXPLAIN_ITEMS = ("advantages", "forms", "rights_obligations", "legal_consequences", "procedure")   # OMR Art 7
EXPLAIN_REQUIRED = ("forms", "rights_obligations", "legal_consequences", "procedure")
HOW = ("in_person", "phone", "online", "written", "oral")

# judicial confirmation
NOT_ACCEPTED_GROUNDS = {                # CPLI Art 355 ¶1 (JC11 Art 4 ¶2)
    "not_court_scope": "CPLI Art 355(1): 不属于人民法院受理范围",
    "no_jurisdiction": "CPLI Art 355(2): 不属于收到申请的人民法院管辖",
    "status_relation": "CPLI Art 355(3): 确认婚姻、亲子、收养关系等身份关系",
    "other_special_procedure": "CPLI Art 355(4): 涉及适用其他特别程序、公示催告程序、破产程序",
    "property_or_ip_title": "CPLI Art 355(5): 调解协议内容涉及物权、知识产权确权",
}
REJECTION_GROUNDS = {                   # CPLI Art 358 (JC11 Art 7); Art 355 ¶2 after acceptance
    "violates_mandatory_law": "CPLI Art 358(1): 违反法律强制性规定",
    "harms_interests": "CPLI Art 358(2): 损害国家利益、社会公共利益、他人合法权益",
    "against_public_order": "CPLI Art 358(3): 违背公序良俗",
    "involuntary": "CPLI Art 358(4): 违反自愿原则",
    "unclear_content": "CPLI Art 358(5): 内容不明确",
    "other": "CPLI Art 358(6): 其他不能进行司法确认的情形",
    **{f"art355_{k}": f"CPLI Art 355 ¶2: 受理后发现{v.split(': ', 1)[1]}" for k, v in NOT_ACCEPTED_GROUNDS.items()},
}
JURISDICTION_BASES = {                  # CPL Art 205; CPLI Art 352; JC11 Art 2; SIM Art 19 ¶2
    "delegating_court": "CPL Art 205(1): 人民法院邀请调解组织开展先行调解的，向作出邀请的人民法院提出",
    "party_domicile": "CPL Art 205(2): 当事人住所地基层人民法院",
    "subject_location": "CPL Art 205(2): 标的物所在地基层人民法院",
    "mediator_location": "CPL Art 205(2); CPLI Art 352: 调解组织所在地基层人民法院",
}
OBJECTORS = ("party", "interested_person")                                             # CPLI Art 372 ¶2
NON_PERFORMANCE = ("refused", "partial")                                                # CPL Art 206


# -- DV: pre-filing delegated mediation (SPEC §4A) ---------------------------------------------------
class ComplaintSchema(Schema):
    """receive_complaint: the complaint (起诉材料) a court filing officer receives, or intake's hand-off."""
    channel = fields.String(load_default="window", validate=validate.OneOf(CHANNELS))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    summary = text("summary")
    request = text("request")
    facts = text("facts", required=False, load_default="")
    subject_ref = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=LIMITS["address"]))
    claim_type = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    oral = fields.Boolean(load_default=False, metadata={"description": "oral complaint recorded (CPL Art 123 ¶2)"})
    parties = fields.List(fields.Nested(PartySchema), required=True,
                          validate=validate.Length(min=2, max=LIMITS["parties"]))
    court_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64),
                             metadata={"description": "the court; default: the officer's own court"})
    note = text("note", required=False, load_default="")
    handoff = fields.Dict(load_default=None, allow_none=True,
                          metadata={"description": "set by open_from_handoff only (SPEC §7)"})

    @validates_schema
    def both_sides(self, data, **kwargs):
        roles = {p.get("role") for p in data.get("parties", [])}
        if not {"applicant", "respondent"} <= roles:
            raise ValidationError("a plaintiff (applicant) and a respondent are required", "parties")


class ExplainSchema(Schema):
    how = fields.String(required=True, validate=validate.OneOf(("oral", "written", "online")))
    told = fields.List(fields.String(validate=validate.OneOf(EXPLAIN_ITEMS)), required=True,
                       metadata={"description": "what was explained (OMR Art 7)"})
    suitable = fields.Boolean(required=True, metadata={"description": "the dispute is suitable for mediation"})
    note = text("note", required=False, load_default="")


class PartyActSchema(Schema):
    party = Seq(required=True, metadata={"description": "the party's number (seq) in the case"})
    how = fields.String(load_default="in_person", validate=validate.OneOf(HOW))
    statement = text("note", required=False, load_default="")


class ReturnSchema(Schema):
    ground = fields.String(required=True, validate=validate.OneOf(RETURN_GROUNDS))
    channel_told = text("note")
    note = text("note", required=False, load_default="")


class DirectToFilingSchema(Schema):
    ground = fields.String(required=True, validate=validate.OneOf(DIRECT_FILING_GROUNDS))
    note = text("note", required=False, load_default="")


class DesignateSchema(Schema):
    by = fields.String(required=True, validate=validate.OneOf(DESIGNATED_BY))
    mediator_org_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    mediator_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64),
                                metadata={"description": "a specially invited mediator (SIM Art 12)"})
    parties_asked_court = fields.Boolean(load_default=False,
                                         metadata={"description": "the parties agreed the court designates (OMR Art 10 ¶2)"})
    note = text("note", required=False, load_default="")


class MediatorAcceptsSchema(Schema):
    mediator_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    disclosure = text("note", required=False, load_default="", metadata={"description": "OMR Art 13"})


class MediatorDeclinesSchema(Schema):
    ground = fields.String(required=True, validate=validate.OneOf(DECLINE_GROUNDS))
    reason = text("note")


class UnreachableSchema(Schema):
    attempts = text("note", metadata={"description": "how the respondent was sought (OMR Art 15 ¶2: 写明原因)"})


class ExtendSchema(Schema):
    clock = fields.String(required=True, validate=validate.OneOf(("prefiling_mediation", "entrusted_mediation")))
    amount = fields.Integer(required=True, validate=validate.Range(min=1, max=366))
    agreed_by = Seqs(required=True, metadata={"description": "every party's consent (OMR Art 24; SIM Art 27)"})
    reason = text("note", required=False, load_default="")


class PauseSchema(Schema):
    clock = fields.String(required=True, validate=validate.OneOf(("prefiling_mediation",)))
    reason = fields.String(load_default="appraisal", validate=validate.OneOf(("appraisal",)))
    note = text("note", required=False, load_default="")


class ResumeSchema(Schema):
    clock = fields.String(required=True, validate=validate.OneOf(("prefiling_mediation",)))
    note = text("note", required=False, load_default="")


class SignAgreementSchema(Schema):
    content = text("request")
    signatures = Seqs(required=True, metadata={"description": "parties who e-signed (OMR Art 19)"})
    mediator_signature = fields.String(required=True, validate=validate.Length(min=1, max=64))
    org_seal = fields.Boolean(load_default=True, metadata={"description": "the mediation organisation's seal"})
    note = text("note", required=False, load_default="")


class TerminateSchema(Schema):
    ground = fields.String(required=True, validate=validate.OneOf(TERMINATION_GROUNDS))
    reason = text("note", metadata={"description": "调解不成的原因 (OMR Art 21)"})
    cost_increasing_conduct = text("note", required=False, load_default="")



class TransferToFilingSchema(Schema):
    """SIM Art 21 ¶1; OMR Art 21(2): the file goes back to the court, which registers the suit of the
    plaintiff who insists on suing (CPL Art 122-123: the party's own decision, and who recorded it)."""
    party_insists_on_suing = fields.Boolean(required=True, metadata={"description": "SIM Art 21 ¶1"})
    party = Seq(required=True, metadata={"description": "the plaintiff who decided to sue (its number in the case)"})
    how = fields.String(load_default="in_person", validate=validate.OneOf(HOW),
                        metadata={"description": "how the plaintiff's decision was expressed"})
    note = text("note", required=False, load_default="")


class RequestCorrectionSchema(Schema):
    missing = text("note", metadata={"description": "what the complaint lacks (CPLI Art 126)"})


class CorrectedSchema(Schema):
    note = text("note", required=False, load_default="")


class FileCaseSchema(Schema):
    docket_no = fields.String(required=True, validate=validate.Length(min=3, max=64))
    conditions = fields.List(fields.String(validate=validate.OneOf(FILING_CONDITIONS)), required=True,
                             metadata={"description": "CPL Art 122 conditions found met"})
    procedure = fields.String(load_default="ordinary", validate=validate.OneOf(PROCEDURES))
    note = text("note", required=False, load_default="")


class RefuseFilingSchema(Schema):
    ground = fields.String(required=True, validate=validate.OneOf(REFUSAL_GROUNDS))
    ruling_no = fields.String(required=True, validate=validate.Length(min=3, max=64))
    channel_told = text("note")
    appeal_told = fields.Boolean(required=True, metadata={"description": "CPL Art 126: the ruling is appealable"})


class ApplyConfirmationSchema(Schema):
    applicants = Seqs(required=True)
    form = fields.String(load_default="written", validate=validate.OneOf(("written", "oral")))
    note = text("note", required=False, load_default="")


# -- DV: post-filing entrusted mediation (SPEC §4B) -------------------------------------------------
class EntrustSchema(Schema):
    procedure = fields.String(required=True, validate=validate.OneOf(PROCEDURES))
    mediator_org_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    note = text("note", required=False, load_default="")


class FileReceivedSchema(Schema):
    received_by = fields.String(required=True, validate=validate.Length(min=1, max=64),
                                metadata={"description": "the mediator who signed for the file (SIM Art 27 ¶3)"})
    note = text("note", required=False, load_default="")


class AgreementReachedSchema(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(CONSENT_OUTCOMES))
    content = text("request")
    document_no = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))


class MediationFailedSchema(Schema):
    reason = text("note")


# -- JC: judicial confirmation (SPEC §4C) -----------------------------------------------------------
class AgreementSchema(Schema):
    effective_at = When(required=True, metadata={"description": "when the agreement took effect"})
    content = text("request")
    kind = fields.String(load_default="written", validate=validate.OneOf(("written", "oral")))
    mediation_org_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    mediation_case_no = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    delegated_by_court = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64),
                                       metadata={"description": "the court that delegated the mediation"})


class JcApplySchema(Schema):
    court_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    category = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(CATEGORIES))
    channel = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(CHANNELS))
    summary = text("summary")
    request = text("request", required=False, load_default="请求确认调解协议有效")
    facts = text("facts", required=False, load_default="")
    parties = fields.List(fields.Nested(PartySchema), required=True,
                          validate=validate.Length(min=2, max=LIMITS["parties"]))
    applicants = Seqs(required=True, metadata={"description": "the parties who apply (CPL Art 205: both)"})
    form = fields.String(load_default="written", validate=validate.OneOf(("written", "oral")))
    agreement = fields.Nested(AgreementSchema, required=True)
    jurisdiction_basis = fields.String(load_default="mediator_location", validate=validate.OneOf(JURISDICTION_BASES))
    intermediate_court = fields.Boolean(load_default=False,
                                        metadata={"description": "the dispute belongs to an intermediate court"})
    jurisdiction_county = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^\d{6}$"),
                                        metadata={"description": "party_domicile / subject_location: the 6-digit "
                                                                 "code of the county where it is (CPL Art 205(2))"})
    materials = fields.List(fields.String(validate=validate.Length(max=100)), load_default=list)
    note = text("note", required=False, load_default="")
    applied_at = When(load_default=None, allow_none=True,
                      metadata={"description": "when the parties applied, recorded by the case they applied on and "
                                               "carried by its hand-off (CPL Art 205; PML Art 33); at the court "
                                               "itself the application is made on the day it is received"})
    handoff = fields.Dict(load_default=None, allow_none=True,
                          metadata={"description": "set by open_from_handoff only (SPEC §7)"})


    @validates_schema
    def place_known(self, data, **kwargs):
        if data.get("jurisdiction_basis") in ("party_domicile", "subject_location") and not data.get("jurisdiction_county"):
            raise ValidationError("必填：当事人住所地或标的物所在地所在县（市、区）的行政区划代码（CPL Art 205(2)）",
                                  "jurisdiction_county")


class JcAcceptSchema(Schema):
    docket_no = fields.String(required=True, validate=validate.Length(min=3, max=64),
                              metadata={"description": "调确字 / 民特 case number (JC11 Art 4)"})


class JcRefuseSchema(Schema):
    ground = fields.String(required=True, validate=validate.OneOf(NOT_ACCEPTED_GROUNDS))
    ruling_no = fields.String(required=True, validate=validate.Length(min=3, max=64))
    reason = text("note", required=False, load_default="")


class SupplementSchema(Schema):
    items = text("note", metadata={"description": "what to supplement (CPLI Art 356 ¶2)"})
    days = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=60),
                          metadata={"description": "the time limit set; default from config [A]"})


class SupplementReceivedSchema(Schema):
    note = text("note", required=False, load_default="")


class WithdrawSchema(Schema):
    party = Seq(required=True)
    note = text("note", required=False, load_default="")


class ConfirmSchema(Schema):
    ruling_no = fields.String(required=True, validate=validate.Length(min=3, max=64))
    parties_heard = fields.Boolean(required=True, metadata={"description": "both parties verified in person (CPLI Art 356 ¶1)"})
    served_on = When(load_default=None, allow_none=True, metadata={"description": "the ruling reached the parties"})


class RejectSchema(Schema):
    ground = fields.String(required=True, validate=validate.OneOf(REJECTION_GROUNDS))
    ruling_no = fields.String(required=True, validate=validate.Length(min=3, max=64))
    reason = text("note")
    served_on = When(load_default=None, allow_none=True)


class ExtendReviewSchema(Schema):
    clock = fields.String(required=True, validate=validate.OneOf(("jc_decision",)))
    amount = fields.Integer(required=True, validate=validate.Range(min=1, max=60))
    approved_by = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64),
                                metadata={"description": "the court president who approved (JC11 Art 5)"})
    reason = text("note", required=False, load_default="")


class EnforcementSchema(Schema):
    applicant = Seq(required=True)
    non_performance = fields.String(required=True, validate=validate.OneOf(NON_PERFORMANCE))
    note = text("note", required=False, load_default="")


class ObjectionSchema(Schema):
    objector = fields.String(required=True, validate=validate.OneOf(OBJECTORS))
    party = Seq(load_default=None, allow_none=True)
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=LIMITS["name"]))
    received_on = When(load_default=None, allow_none=True, metadata={"description": "party: the ruling received"})
    known_on = When(load_default=None, allow_none=True,
                    metadata={"description": "interested person: knew or should have known of the harm"})
    grounds = text("note")

    @validates_schema
    def who(self, data, **kwargs):
        if data["objector"] == "party" and not data.get("party"):
            raise ValidationError("required for a party's objection", "party")
        if data["objector"] == "interested_person" and not (data.get("name") and data.get("known_on")):
            raise ValidationError("name and known_on are required for an interested person", "known_on")


class ObjectionDecisionSchema(Schema):
    """CPLI Art 372 ¶1: the court's decision on an objection: a new ruling revoking or changing the
    original one (异议成立或者部分成立), or a ruling dismissing the objection (异议不成立)."""
    ruling_no = fields.String(required=True, validate=validate.Length(min=3, max=64))
    reason = text("note")
    served_on = When(load_default=None, allow_none=True)


class AmendRulingSchema(ObjectionDecisionSchema):
    content = text("request", metadata={"description": "the agreement as the new ruling confirms it (改变原裁定)"})


# -- hand-off data (HandoffSchema.data) --------------------------------------------------------------
class SuitDecisionSchema(Schema):
    """The plaintiff's own decision to sue carried by a suit's hand-off (CPL Art 122-123): the party's
    number (in the hand-off's parties), how it was expressed, and who recorded it."""
    party = Seq(load_default=None, allow_none=True)
    how = fields.String(required=True, validate=validate.OneOf(("in_person", "written", "phone", "online")),
                        error_messages={"required": "必填：当事人以何种方式表示起诉"})
    statement = text("note", error_messages={"required": "必填：当事人表示起诉的陈述"})
    decided_on = When(load_default=None, allow_none=True)
    recorded_by = fields.Dict(load_default=None, allow_none=True)

    class Meta:
        unknown = "include"


class HandoffDataSchema(Schema):
    """What a parent service may put in ``handoff["data"]`` for diversion (unknown keys are kept).

    - From mediation, for judicial confirmation: ``agreement`` (AgreementSchema fields; ``obligations``
      is accepted for ``content``), ``joint_application`` (both parties apply), ``applicants``,
      ``form``, ``committee_id`` (the mediation committee), ``jurisdiction_basis``, ``applied_at`` (when
      the parties applied: the 30-day window of CPL Art 205 is judged on it). ``purpose`` may say
      ``judicial_confirmation`` explicitly; otherwise the presence of ``agreement`` decides.
    - From mediation, for a suit (``refer_to_court``): ``purpose: litigation``, ``prior_mediation``
      ``{outcome: terminated | agreement_not_performed, ...}`` (after a termination SPEC D7 bars a second
      pre-filing diversion), ``plaintiff`` (the party who sues), ``claim`` and ``suit_decision`` (the
      plaintiff's own decision: how, statement, who recorded it; CPL Art 122-123).
    - From petition, for a 涉法涉诉 civil suit: ``purpose: litigation``; ``suit_decision`` likewise when the
      sender records it (optional, so older senders keep working: the case then shows it as not recorded).
    """
    purpose = fields.String(load_default=None, allow_none=True,
                            validate=validate.OneOf(("litigation", "judicial_confirmation")))
    agreement = fields.Dict(load_default=None, allow_none=True)
    joint_application = fields.Boolean(load_default=None, allow_none=True)
    applicants = Seqs(load_default=None, allow_none=True)
    form = fields.String(load_default="written", validate=validate.OneOf(("written", "oral")))
    committee_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    jurisdiction_basis = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(JURISDICTION_BASES))
    jurisdiction_county = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^\d{6}$"))
    prior_mediation = fields.Dict(load_default=None, allow_none=True)
    plaintiff = Seq(load_default=None, allow_none=True,
                    metadata={"description": "litigation: the party who sues (its number in the hand-off's parties)"})
    claim = text("request", required=False, load_default=None, allow_none=True,
                 metadata={"description": "litigation: the claim (诉讼请求); default the hand-off's request"})
    materials = fields.List(fields.String(validate=validate.Length(max=100)), load_default=list)
    subject_ref = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=LIMITS["address"]))
    suit_decision = fields.Nested(SuitDecisionSchema, load_default=None, allow_none=True,
                                  metadata={"description": "litigation: the plaintiff's decision to sue (CPL Art "
                                                           "122-123); sent by mediation's refer_to_court"})
    applied_at = When(load_default=None, allow_none=True,
                      metadata={"description": "judicial confirmation: when the parties applied (CPL Art 205); "
                                               "absent from older senders: the day of arrival counts"})

    class Meta:
        unknown = "include"
