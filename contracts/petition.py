"""Contracts of the petition service's event data (SPEC §5, 信访工作条例 2022 = LVR).

Dates travel as ISO strings (``YYYY-MM-DD``): event data is stored in the audit trail as JSON."""
from __future__ import annotations

from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from contracts.enums import CATEGORIES
from contracts.schemas import LIMITS, HandoffSchema, PartySchema, text

# LVR Art 17: 信息网络、书信、电话、传真、走访 (ZJLV Art 2 adds 电子邮件, taken as network)
PETITION_CHANNELS = {"network": "信息网络", "letter": "书信", "phone": "电话", "fax": "传真", "visit": "走访"}
ORAL_CHANNELS = ("phone", "visit")        # LVR Art 19 ¶1: oral petitions are recorded as told

# What the petition asks for decides how it is handled (LVR Art 29-31)
PETITION_KINDS = {
    "suggestion": "建议意见类（Art 29）",
    "information": "反映情况（Art 29）",
    "accusation": "检举控告类（Art 30）",
    "claim": "申诉求决类（Art 31）",
}

# redirect (PT_RECEIVED → PT_REDIRECTED): what lies outside the ordinary petition procedure
REDIRECT_KINDS = {
    "outside_competence": "不属于本机关职权范围，告知向有权处理的机关提出（LVR Art 23 ¶1）",
    "law_related": "涉法涉诉，转同级政法部门依法处理（诉访分离，LVR Art 20 ¶2, 22 ¶2, 28 ¶2）",
    "accusation": "检举控告，转纪检监察机关依规依纪依法处理（LVR Art 22 ¶2, 30）",
    # Zhejiang profile only: 不予受理 at registration, with written notice within 5 WD (ZJLV Art 19, 20(1));
    # under the national LVR such a claim is accepted and routed (route_to_legal_procedure, Art 31(1)-(4))
    "statutory_channel": "依法应当通过诉讼、仲裁、行政复议等法定途径解决，不予受理并书面告知按法定程序提出（ZJLV Art 19, 20(1)）",
}

# route_to_legal_procedure (PT_ACCEPTED → PT_ROUTED_LEGAL): LVR Art 31(1)-(4)
LEGAL_PROCEDURES = {
    "litigation": "LVR Art 31(1)：审判机关诉讼程序",
    "judicial_review": "LVR Art 31(1)：复议程序（审判机关）",
    "procuratorial": "LVR Art 31(1)：检察机关刑事立案或法律监督程序",
    "police": "LVR Art 31(1)：公安机关法律程序",
    "arbitration": "LVR Art 31(2)：仲裁",
    "party_appeal": "LVR Art 31(3)：党员申诉、申请复审",
    "administrative": "LVR Art 31(4)：行政复议、行政裁决、行政确认、行政许可、行政处罚等行政程序",
}

HANDLING_BASES = {"31(5)": "LVR Art 31(5)：依法履行或者答复", "31(6)": "LVR Art 31(6)：调查核实，出具信访处理意见书"}
OPINION_OUTCOMES = {"support": "予以支持", "explain": "解释说明", "not_support": "不予支持"}   # LVR Art 32
SATISFACTION = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}
NOTIFIED_HOW = ("letter", "online", "in_person", "sms", "phone")
# 送达 of a written reply (信访处理意见书 / 复查意见 / 复核意见): how it reached the petitioner. The 复查/复核
# windows run from the day it was received (自收到书面答复之日起, LVR Art 35, 36 ¶1); the forms follow
# 民事诉讼法 Art 87-95, the forms of service Chinese organs use for written decisions.
SERVICE_METHODS = {"direct": "直接送达", "left_at_address": "留置送达", "electronic": "电子送达",
                   "entrusted": "委托送达", "post": "邮寄送达", "forwarded": "转交送达", "public_notice": "公告送达"}
# who evaluated the handling (LVR Art 21 ¶2: the petitioner evaluates) and how the office collected it
SATISFACTION_VIA = {"self_service": "信访人通过信访信息系统自评", "phone": "电话回访", "in_person": "当面回访",
                    "sms": "短信回访", "letter": "书面回访", "online": "网上回访"}
DUPLICATE_RULES = {"D3": "LVR Art 19 ¶3; ZJLV Art 20(5)", "D4": "LVR Art 36 ¶3; ZJLV Art 20(5), 25 ¶2"}
HEARING_GROUNDS = ("major", "complex", "difficult")   # LVR Art 31(6): 重大、复杂、疑难


def civil_suit_field(**kw) -> fields.Boolean:
    """诉访分离 (LVR Art 20 ¶2, 22 ¶2, 31(1)): the matter is a new civil suit; the petition service hands
    it to the court's pre-filing registration (diversion DV_RECEIVED, SPEC §7)."""
    return fields.Boolean(load_default=False, metadata={"description": "a new civil suit: handed to the court "
                                                                       "(diversion DV_RECEIVED; SPEC §7)"}, **kw)


def satisfaction_via(**kw) -> fields.String:
    return fields.String(load_default=None, allow_none=True, validate=validate.OneOf(SATISFACTION_VIA),
                         metadata={"description": "how the petitioner's evaluation was collected (回访方式; LVR Art 21 ¶2)"},
                         **kw)


def iso_date(**kw) -> fields.String:
    return fields.String(validate=validate.Regexp(r"^\d{4}-\d{2}-\d{2}$", error="YYYY-MM-DD"), **kw)


def org_code(**kw) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=64), **kw)


class RegisterPetitionSchema(Schema):
    """register: LVR Art 17 (channels), 19 (name, address, request, facts, reasons; oral recorded),
    20 (group visits), 21 (into the system)."""
    channel = fields.String(required=True, validate=validate.OneOf(PETITION_CHANNELS))
    petition_kind = fields.String(required=True, validate=validate.OneOf(PETITION_KINDS))
    category = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(CATEGORIES))
    summary = text("summary")
    request = text("request")
    facts = text("facts", required=False, load_default="")
    reasons = text("facts", required=False, load_default="")
    oral = fields.Boolean(load_default=False, metadata={"description": "oral petition recorded (LVR Art 19)"})
    subject_ref = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=LIMITS["address"]),
                                metadata={"description": "address, parcel or decision no. the petition is about"})
    parties = fields.List(fields.Nested(PartySchema), required=True,
                          validate=validate.Length(min=1, max=LIMITS["parties"]))
    org_id = org_code(load_default=None, allow_none=True,
                      metadata={"description": "receiving body; default the actor's, or the county petition office"})
    respondent_org_id = org_code(load_default=None, allow_none=True,
                                 metadata={"description": "the organ the petition is about"})
    group_visit = fields.Boolean(load_default=False)
    visitor_count = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=100000))
    representatives = fields.List(fields.String(validate=validate.Length(min=1, max=LIMITS["name"])),
                                  load_default=list)

    @validates("parties")
    def one_petitioner(self, value, **kwargs):
        if not any(p.get("role") == "applicant" for p in value):
            raise ValidationError("at least one petitioner (role applicant) is required")


class HandoffRegisterSchema(HandoffSchema):
    """register_from_handoff: intake's route_to_petition (SPEC §7; PSR Art 46)."""


def new_facts_field() -> fields.Boolean:
    return fields.Boolean(load_default=False, metadata={
        "description": "the matter was re-reviewed (or, Zhejiang, closed) before: taken up again only on new facts "
                       "or reasons (LVR Art 36 ¶3; ZJLV Art 25 ¶2)"})


class TransferSchema(Schema):
    handler_org_id = org_code(required=True)
    new_facts_or_reasons = new_facts_field()
    note = text("note", required=False, load_default="")


class AssignSchema(TransferSchema):
    report_due = iso_date(load_default=None, allow_none=True,
                          metadata={"description": "date the handler reports the result (LVR Art 22(3))"})


class AcknowledgeSchema(Schema):
    new_facts_or_reasons = new_facts_field()
    written_notice_ref = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100),
                                       metadata={"description": "书面告知 document reference (LVR Art 23)"})
    notified_how = fields.String(load_default="letter", validate=validate.OneOf(NOTIFIED_HOW))
    address_unclear = fields.Boolean(load_default=False,
                                     metadata={"description": "name/address unclear: no notice (LVR Art 23 ¶2)"})
    note = text("note", required=False, load_default="")


class ObjectionSchema(Schema):
    reasons = text("note", required=False, load_default="")


class ObjectionDecisionSchema(Schema):
    note = text("note")


class RedirectSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(REDIRECT_KINDS))
    target_org_id = org_code(load_default=None, allow_none=True)
    channel_told = text("note", metadata={"description": "the channel the petitioner was told to use"})
    notified_how = fields.String(load_default="letter", validate=validate.OneOf(NOTIFIED_HOW))
    written_notice_ref = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100),
                                       metadata={"description": "书面告知 document (ZJLV Art 20(1): 不予受理并书面告知)"})
    civil_suit = civil_suit_field()

    @validates_schema
    def suit_is_law_related(self, data, **kwargs):
        if data.get("civil_suit") and data.get("kind") != "law_related":
            raise ValidationError("only a 涉法涉诉 (law_related) redirect is a civil suit (LVR Art 20 ¶2, 22 ¶2)",
                                  "civil_suit")


class ServeSchema(Schema):
    """送达 of a written reply: the date the petitioner received it and how (LVR Art 35, 36 ¶1: 自收到书面答复
    之日起30日; ZJLV Art 25(3): 书面送达)."""
    served_on = iso_date(required=True, metadata={"description": "date the petitioner received the reply (送达日)"})
    method = fields.String(required=True, validate=validate.OneOf(SERVICE_METHODS),
                           metadata={"description": "直接/留置/电子/委托/邮寄/转交/公告送达"})
    receipt_ref = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100),
                                metadata={"description": "送达回证, 邮件回执 or system record"})
    received_by = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=LIMITS["name"]))
    note = text("note", required=False, load_default="")

    @validates("served_on")
    def real_date(self, value, **kwargs):
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ValidationError("不是有效日期（YYYY-MM-DD）")


class RejectDuplicateSchema(Schema):
    duplicate_of = fields.String(required=True, validate=validate.Length(min=1, max=40),
                                 metadata={"description": "case id or case no. of the earlier petition"})
    rule = fields.String(required=True, validate=validate.OneOf(DUPLICATE_RULES))
    new_facts_or_reasons = fields.Boolean(load_default=False)
    note = text("note", required=False, load_default="")


class NoteSchema(Schema):
    note = text("note", required=False, load_default="")


class RouteLegalSchema(Schema):
    procedure = fields.String(required=True, validate=validate.OneOf(LEGAL_PROCEDURES))
    target_org_id = org_code(load_default=None, allow_none=True)
    note = text("note", required=False, load_default="")
    civil_suit = civil_suit_field()

    @validates_schema
    def suit_is_litigation(self, data, **kwargs):
        if data.get("civil_suit") and data.get("procedure") != "litigation":
            raise ValidationError("only the litigation procedure is a civil suit (LVR Art 31(1))", "civil_suit")


class StartHandlingSchema(Schema):
    handling_basis = fields.String(required=True, validate=validate.OneOf(HANDLING_BASES))
    note = text("note", required=False, load_default="")


class ExtendSchema(Schema):
    """LVR Art 34: head of the organ approves, at most 30 days, the petitioner is told why."""
    clock = fields.String(load_default="handling", validate=validate.OneOf(("handling",)))
    amount = fields.Integer(required=True)
    approval = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200),
                             metadata={"description": "who approved (本机关负责人批准)"})
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=LIMITS["note"]))
    notice = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200),
                           metadata={"description": "how and when the petitioner was told the reason"})


class HearingSchema(Schema):
    grounds = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(HEARING_GROUNDS))
    held_on = iso_date(load_default=None, allow_none=True)
    note = text("note", required=False, load_default="")


class StartMediationSchema(Schema):
    mode = fields.String(load_default="mediation", validate=validate.OneOf(("mediation", "settlement")))
    petitioner_consents = fields.Boolean(load_default=False)
    other_side_consents = fields.Boolean(load_default=False)
    note = text("note", required=False, load_default="")


class SignSettlementSchema(Schema):
    agreement_ref = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    signed_by = fields.List(fields.String(validate=validate.OneOf(("petitioner", "other_side", "handler"))),
                            load_default=list)
    performed = fields.Boolean(load_default=False, metadata={
        "description": "the agreement has been performed (履行完毕): ZJLV Art 25(1) 处理终结"})
    satisfaction = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(SATISFACTION))
    via = satisfaction_via()
    note = text("note", required=False, load_default="")


class IssueOpinionSchema(Schema):
    """LVR Art 32: request, facts and reasons, the opinion and its legal basis."""
    outcome = fields.String(required=True, validate=validate.OneOf(OPINION_OUTCOMES))
    reasons = text("note")
    legal_basis = fields.String(load_default="", validate=validate.Length(max=LIMITS["note"]))
    document_ref = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))


class RequestSchema(Schema):
    reasons = text("note")


class AcceptSchema(Schema):
    satisfaction = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(SATISFACTION))
    via = satisfaction_via()
    note = text("note", required=False, load_default="")


class IssueDecisionSchema(Schema):
    """复查意见 (LVR Art 35) / 复核意见 (Art 36)."""
    outcome = fields.String(required=True, validate=validate.OneOf(OPINION_OUTCOMES))
    upholds_original = fields.Boolean(load_default=True)
    reasons = text("note")
    legal_basis = fields.String(load_default="", validate=validate.Length(max=LIMITS["note"]))
    written_reply_ref = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))


class IssueRecheckSchema(IssueDecisionSchema):
    hearing_held = fields.Boolean(load_default=False)
    publicise = fields.Boolean(load_default=False)


class ClockPauseSchema(Schema):
    clock = fields.String(required=True, validate=validate.Length(max=48))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=48),
                           metadata={"description": "hearing (LVR Art 36 ¶2 excludes hearing time)"})
    note = text("note", required=False, load_default="")



class SupervisionSchema(Schema):
    """deadline_expired: by sys (a clock ran out) or by the petition office (督办, LVR Art 40)."""
    clock = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=48))
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=LIMITS["note"]))


class ExecutionOverdueSchema(Schema):
    reason = text("note")


class SatisfactionSchema(Schema):
    """The petitioner's own evaluation (LVR Art 21 ¶2): the office records it only as collected from the
    petitioner (``via``), never as its own view."""
    satisfaction = fields.String(required=True, validate=validate.OneOf(SATISFACTION))
    via = satisfaction_via()
    evaluator = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=LIMITS["name"]),
                              metadata={"description": "the petitioner (or representative) who evaluated"})
    note = text("note", required=False, load_default="")


def parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
