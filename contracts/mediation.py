"""Contracts of the people's mediation service (人民调解, SPEC §3): the data each event carries.

Parties are referred to by their number on the case (1, 2, ... in the order of ``parties`` in the case
view). Fields a guard checks (what an agreement must carry, who signed, which channels the parties were
told of) default to empty, so a missing item is refused by the guard that names it and cites its
article (GUARD_FAILED), rather than by a bare schema error.
"""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from contracts.enums import CATEGORIES, CHANNELS
from contracts.schemas import KEY, LIMITS, PartySchema, text

CODE = validate.Length(min=1, max=64)
PARTY_NO = fields.Integer(validate=validate.Range(min=1, max=LIMITS["parties"]))

# PMR Art 22: matters a people's mediation committee does not accept
REJECT_GROUNDS = {
    "specialised_organ_only": "法律、法规规定只能由专门机关管辖处理的",
    "mediation_forbidden": "法律、法规禁止采用民间调解方式解决的",
    "accepted_by_court": "人民法院已经受理或者解决的",
    "accepted_by_police": "公安机关已经受理或者解决的",
    "accepted_by_admin_organ": "其他行政机关已经受理或者解决的",
}

# PML Art 26 (仲裁、行政、司法等途径); NB Art 18 ¶3 (another committee); LDL Art 5, 14 (labour arbitration)
CHANNELS_TOLD = {
    "litigation": "向人民法院提起诉讼",
    "arbitration": "申请仲裁",
    "labour_arbitration": "申请劳动争议仲裁",
    "administrative": "行政途径（行政调解、行政裁决、行政复议等）",
    "other_committee": "向其他人民调解委员会申请调解",
}

# where the matter goes next after termination (SPEC §7: PM_TERMINATED → DV_RECEIVED or external)
NEXT_CHANNELS = ("diversion", "external", "none")

# NB Art 23: grounds for terminating a mediation
FAILURE_GROUNDS = {
    "party_refuses_or_abandons": "一方当事人拒绝或者放弃调解",
    "no_agreement_possible": "人民调解委员会认为无法达成协议",
    "obstacle": "发生特定的事由使调解不能进行",
    "other_lawful": "依法可以终止调解的其他情形",
}

SIGNATURE_FORMS = ("sign", "seal", "fingerprint")    # PML Art 29 ¶2: 签名、盖章或者按指印
ARCHIVE_MATERIALS = {                                # PML Art 27
    "registration": "调解登记",
    "work_record": "调解工作记录",
    "agreement": "调解协议书",
    "oral_agreement_record": "口头协议记录",
    "termination_notice": "终止调解通知书",
    "confirmation_ruling": "司法确认裁定书",
    "other": "其他材料",
}
APPOINTMENT = ("designated", "chosen_by_parties")    # PML Art 19
JURISDICTION_BASES = ("mediator_location", "party_domicile", "subject_location")   # CPL Art 205(2)
# how an application for judicial confirmation ended without a ruling on the agreement
LAPSE_OUTCOMES = {
    "not_accepted": "CPLI Art 355: 人民法院裁定不予受理",
    "withdrawn": "CPLI Art 357: 撤回申请（或按撤回申请处理）",
    "handoff_refused": "the court service refused the application as handed over (SPEC §7)",
}
NON_PERFORMANCE = ("refused", "partial")             # CPL Art 206: 拒绝履行或者未全部履行
ESCALATION_RISKS = ("public_security", "criminal")   # PML Art 25
PAUSE_REASONS = ("appraisal",)                       # MDR Art 38: 鉴定时间不计入调解期限


def _party_numbers(**kw) -> fields.List:
    return fields.List(PARTY_NO, load_default=list, validate=validate.Length(max=LIMITS["parties"]), **kw)


class HandoffRefSchema(Schema):
    """The case another service handed over (SPEC §7): set only by ``open_from_handoff``."""
    parent_service = fields.String(required=True, validate=validate.Length(min=1, max=32))
    parent_case_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    parent_case_no = fields.String(required=True, validate=validate.Length(min=1, max=40))
    reason = text("note", required=False, load_default="")
    basis = fields.String(load_default="", validate=validate.Length(max=400))
    data = fields.Dict(load_default=dict)


class ApplySchema(Schema):
    """apply / initiate_proactive: the dispute as registered (PML Art 17: written or oral)."""
    committee_id = fields.String(load_default=None, allow_none=True, validate=CODE,
                                 metadata={"description": "the committee applied to; default: the actor's "
                                                          "committee, else the configured default"})
    channel = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(CHANNELS))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    summary = text("summary")
    request = text("request")
    facts = text("facts", required=False, load_default="")
    oral = fields.Boolean(load_default=False, metadata={"description": "oral application recorded (PML Art 17)"})
    joint_application = fields.Boolean(load_default=False,
                                       metadata={"description": "all parties applied together"})
    parties = fields.List(fields.Nested(PartySchema), required=True,
                          validate=validate.Length(min=2, max=LIMITS["parties"]))
    handoff = fields.Nested(HandoffRefSchema, load_default=None, allow_none=True)
    note = text("note", required=False, load_default="")

    @validates_schema
    def both_sides(self, data, **kwargs):
        roles = {p.get("role") for p in data.get("parties", [])}
        if not {"applicant", "respondent"} <= roles:
            raise ValidationError("a mediation needs at least one applicant and one respondent", "parties")


class ProactiveSchema(ApplySchema):
    """initiate_proactive: the committee's own case; nobody applied, nothing was handed over."""
    source = text("note", required=False, load_default="",
                  metadata={"description": "how the committee learnt of the dispute (grid report, visit …)"})

    class Meta:
        exclude = ("handoff", "joint_application")


class RequestConsentSchema(Schema):
    how = fields.String(load_default="phone",
                        validate=validate.OneOf(("in_person", "phone", "letter", "sms", "online")))
    note = text("note", required=False, load_default="")


class ConsentSchema(Schema):
    party = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))
    note = text("note", required=False, load_default="")


class RefuseSchema(Schema):
    party = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))
    express = fields.Boolean(load_default=False, metadata={"description": "the party said so expressly"})
    statement = text("note", required=False, load_default="")


class AcceptSchema(Schema):
    respondent_consented = fields.Boolean(
        load_default=False, metadata={"description": "the other party's consent, if given at the committee"})
    already_accepted_by = fields.String(load_default=None, allow_none=True,
                                       validate=validate.OneOf(("court", "police", "administrative_organ")))
    specialised_organ_only = fields.Boolean(load_default=False)
    mediation_forbidden = fields.Boolean(load_default=False)
    note = text("note", required=False, load_default="")


class RejectSchema(Schema):
    ground = fields.String(required=True, validate=validate.OneOf(REJECT_GROUNDS))
    channel_told = text("note", required=False, load_default="",
                        metadata={"description": "the body or procedure the parties were told to turn to"})
    escalation_risk = fields.Boolean(load_default=False)
    calming_measures = text("note", required=False, load_default="")
    handed_over_to = fields.String(load_default=None, allow_none=True, validate=CODE)
    note = text("note", required=False, load_default="")


class AssignMediatorSchema(Schema):
    mediator_ids = fields.List(fields.String(validate=CODE), required=True, validate=validate.Length(min=1, max=9))
    how = fields.String(required=True, validate=validate.OneOf(APPOINTMENT))
    note = text("note", required=False, load_default="")


class EscalationSchema(Schema):
    risk = fields.String(required=True, validate=validate.OneOf(ESCALATION_RISKS))
    reported_to = fields.String(required=True, validate=CODE)
    measures = text("note", required=False, load_default="")


class ExtendSchema(Schema):
    clock = fields.String(required=True, validate=validate.Length(max=48))
    amount = fields.Integer(required=True, validate=validate.Range(min=1, max=366))
    requested_by = _party_numbers(metadata={"description": "the parties who ask (all of them)"})
    reason = text("note", required=False, load_default="")


class SignatureSchema(Schema):
    party = fields.Integer(required=True, validate=validate.Range(min=1))
    form = fields.String(load_default="sign", validate=validate.OneOf(SIGNATURE_FORMS))


class WrittenAgreementSchema(Schema):
    """PML Art 29: what the 调解协议书 carries and who signs and seals it."""
    parties = _party_numbers(metadata={"description": "parties named with their particulars (Art 29(1))"})
    dispute = text("facts", required=False, load_default="",
                   metadata={"description": "main facts, matters in dispute, each party's responsibility (Art 29(2))"})
    obligations = text("request", required=False, load_default="",
                       metadata={"description": "what was agreed (Art 29(3))"})
    performance_manner = text("note", required=False, load_default="")
    performance_deadline = text("note", required=False, load_default="")
    signatures = fields.List(fields.Nested(SignatureSchema), load_default=list)
    mediator_signature = fields.String(load_default=None, allow_none=True, validate=CODE)
    committee_seal = fields.Boolean(load_default=False)


class OralAgreementSchema(Schema):
    """PML Art 28, 30; NB Art 24."""
    content = text("request")
    written_requested = fields.Boolean(load_default=False)
    performed_immediately = fields.Boolean(load_default=False)
    major = fields.Boolean(load_default=False, metadata={"description": "major, complex or difficult dispute"})


class TerminateSchema(Schema):
    channels_told = fields.List(fields.String(validate=validate.OneOf(CHANNELS_TOLD)), load_default=list,
                                metadata={"description": "channels the parties were told of (PML Art 26)"})
    next_channel = fields.String(load_default="none", validate=validate.OneOf(NEXT_CHANNELS))
    reason = text("note", required=False, load_default="")


class WithdrawSchema(TerminateSchema):
    party = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))


class DeclareFailureSchema(TerminateSchema):
    ground = fields.String(required=True, validate=validate.OneOf(FAILURE_GROUNDS))


class ConfirmationApplicationSchema(Schema):
    """PML Art 33; CPL Art 205; CPLI Art 353."""
    applicants = _party_numbers(metadata={"description": "the parties applying (jointly: all of them)"})
    court_id = fields.String(required=True, validate=CODE)
    form = fields.String(load_default="written", validate=validate.OneOf(("written", "oral")))
    jurisdiction_basis = fields.String(
        load_default="mediator_location", validate=validate.OneOf(JURISDICTION_BASES),
        metadata={"description": "why this court (CPL Art 205(2)): the committee's, a party's domicile or the "
                                 "subject's location"})
    jurisdiction_county = fields.String(
        load_default=None, allow_none=True, validate=validate.Regexp(r"^\d{6}$"),
        metadata={"description": "party_domicile / subject_location: the 6-digit code of the county where it is"})
    intermediate_court = fields.Boolean(load_default=False,
                                        metadata={"description": "the dispute belongs to an intermediate court"})
    note = text("note", required=False, load_default="")

    @validates_schema
    def place_known(self, data, **kwargs):
        if data.get("jurisdiction_basis") in ("party_domicile", "subject_location") and not data.get("jurisdiction_county"):
            raise ValidationError("必填：当事人住所地或标的物所在地所在县（市、区）的行政区划代码（CPL Art 205(2)）",
                                  "jurisdiction_county")


class SupervisionSchema(Schema):
    supervisor = fields.String(load_default=None, allow_none=True, validate=CODE)
    note = text("note", required=False, load_default="")


class CourtCaseSchema(Schema):
    """What the court's judicial-confirmation case reported (SPEC §7): fired by ``sys`` from diversion's
    ``case_transitioned`` event of the JC case this case applied for (services/mediation/children.py).
    The ruling itself (number, ground) stays on the JC case, which the committee reads."""
    jc_case_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    jc_case_no = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    jc_status = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    jc_event = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=48))
    jc_version = fields.Integer(load_default=None, allow_none=True)
    at = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40),
                       metadata={"description": "when the court acted (the JC event's time)"})


OBJECTION_STATES = ("JC_OBJECTION", "JC_REVOKED", "JC_AMENDED", "JC_OBJECTION_DISMISSED")   # CPLI Art 372


class RulingReviewedSchema(CourtCaseSchema):
    """An objection to the court's ruling on the agreement, and the court's decision on it (CPLI Art 372),
    reported by the JC case (SPEC §7)."""
    jc_status = fields.String(required=True, validate=validate.OneOf(OBJECTION_STATES))


class LapsedSchema(CourtCaseSchema):
    """confirmation_lapsed: the application ended without a ruling on the agreement."""
    outcome = fields.String(required=True, validate=validate.OneOf(LAPSE_OUTCOMES))
    code = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40),
                         metadata={"description": "handoff_refused: the error code diversion answered"})
    link_id = fields.Integer(load_default=None, allow_none=True)


class RemediateSchema(Schema):
    """confirmation_rejected_remediate: the parties amend the agreement or make a new one (PML Art 33 ¶3)."""
    note = text("note", required=False, load_default="")


class RejectedTerminateSchema(TerminateSchema):
    """confirmation_rejected_terminate: the parties will sue instead (CPL Art 206; PML Art 26)."""


DECISION_HOW = ("in_person", "written", "phone", "online")   # how the plaintiff expressed the decision to sue
DECISION_REQUIRED = "必填：须记录当事人本人作出的起诉决定（以何种方式、其陈述），起诉是当事人自己的诉讼行为（CPL Art 122-123）"


class SuitDecisionSchema(Schema):
    """The plaintiff's own decision to sue (CPL Art 122-123: a suit is brought by the party), as the
    committee or the window recorded it; the plaintiff is ``refer_to_court``'s ``plaintiff``."""
    how = fields.String(required=True, validate=validate.OneOf(DECISION_HOW),
                        error_messages={"required": "必填：当事人以何种方式表示起诉（当面、书面、电话、网上）"},
                        metadata={"description": "in_person | written | phone | online"})
    statement = text("note", error_messages={"required": "必填：当事人表示起诉的陈述（如“本人坚持起诉”）"},
                     metadata={"description": "the party's own words or signed statement"})
    decided_on = fields.Date(load_default=None, allow_none=True,
                             metadata={"description": "when the party decided; default: when it is recorded"})


class ReferToCourtSchema(Schema):
    """refer_to_court: a party sues (PML Art 26 after termination; Art 32 over an unconfirmed agreement);
    the matter is handed to the court's pre-filing registration (SPEC §7)."""
    plaintiff = fields.Integer(required=True, validate=validate.Range(min=1, max=LIMITS["parties"]),
                               metadata={"description": "the party who sues (its number on this case)"})
    court_id = fields.String(load_default=None, allow_none=True, validate=CODE,
                             metadata={"description": "the court; default: the county court (diversion config)"})
    claim = text("request", required=False, load_default="",
                 metadata={"description": "the claim (诉讼请求); default: this case's request"})
    reason = text("note", required=False, load_default="")
    decision = fields.Nested(SuitDecisionSchema, required=True, error_messages={"required": DECISION_REQUIRED},
                             metadata={"description": "the plaintiff's decision to sue (CPL Art 122-123)"})


class HandoffRefusedSchema(Schema):
    """handoff_refused: the court service refused the suit hand-off (fired by ``sys``)."""
    link_id = fields.Integer(required=True)
    service = fields.String(load_default="diversion", validate=validate.Length(max=32))
    code = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))


class PerformedSchema(Schema):
    note = text("note", required=False, load_default="")


class NonPerformanceSchema(Schema):
    party = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))
    note = text("note")


class ArchiveSchema(Schema):
    file_no = fields.String(required=True, validate=validate.Length(min=1, max=64))
    materials = fields.List(fields.String(validate=validate.OneOf(ARCHIVE_MATERIALS)), load_default=list)
    note = text("note", required=False, load_default="")



class PauseSchema(Schema):
    clock = fields.String(required=True, validate=validate.Length(max=48))
    reason = fields.String(required=True, validate=validate.OneOf(PAUSE_REASONS))
    note = text("note", required=False, load_default="")


class ResumeSchema(Schema):
    clock = fields.String(required=True, validate=validate.Length(max=48))
    note = text("note", required=False, load_default="")


class EnforcementArgs(Schema):
    """``apply_enforcement``: a party applies, through this case, to the court that confirmed the agreement
    (PML Art 33 ¶2; CPL Art 206); the application is made on the linked judicial-confirmation case."""
    case_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    applicant = fields.Integer(required=True, validate=validate.Range(min=1, max=LIMITS["parties"]))
    non_performance = fields.String(required=True, validate=validate.OneOf(NON_PERFORMANCE))
    note = text("note", required=False, load_default="")
    idempotency_key = fields.String(required=True, validate=KEY)


class CourtPeriodSchema(Schema):
    """court_period_updated (sys): the delegating court's open deadlines and the DV case's state, read from
    the court's case (services/mediation/delegated.py; SPEC §7: the DV clocks govern)."""
    deadlines = fields.List(fields.Dict(), load_default=list, validate=validate.Length(max=20))
    court_status = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    court_status_label = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=80))
    court_version = fields.Integer(load_default=0)
