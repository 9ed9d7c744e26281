"""Contracts of the recommendation service (司法建议、检察建议; SPEC §6): the data each event carries.

Kinds: court 综合治理类 (JSR Art 1); procuratorate 再审, 纠正违法, 公益诉讼, 社会治理, 其他 (PRR, per
People's Daily). Stable codes below, Chinese labels beside them.
"""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from contracts.enums import CATEGORIES
from contracts.schemas import KEY, text

COURT, PROCURATORATE = "court", "procuratorate"

# kind -> (the organisation kind that issues it, label)
KINDS = {
    "comprehensive_governance": (COURT, "综合治理类司法建议"),
    "retrial": (PROCURATORATE, "再审检察建议"),
    "correct_violation": (PROCURATORATE, "纠正违法检察建议"),
    "public_interest": (PROCURATORATE, "公益诉讼检察建议"),
    "social_governance": (PROCURATORATE, "社会治理检察建议"),
    "other": (PROCURATORATE, "其他检察建议"),
}

# the services whose cases can show the problem a recommendation addresses (SPEC §7 last rows)
SOURCE_SERVICES = ("intake", "mediation", "diversion", "petition", "recommendation")

CONSULT_METHODS = {"meeting": "座谈沟通", "letter": "书面征求意见", "visit": "走访", "phone": "电话沟通",
                   "online": "线上沟通"}
APPROVERS = {"judicial_committee": "审判委员会", "chief_procurator": "检察长",
             "procuratorial_committee": "检察委员会"}
OBJECTION_DECIDERS = {"chief_procurator": "检察长", "procuratorial_committee": "检察委员会"}
SERVICE_MANNERS = {"written": "书面送达", "announced": "宣告送达"}
COPY_KINDS = {
    "recipient_superior": "被建议单位的上级主管机关",       # JSR Art 9; PRR
    "other_relevant": "其他有关单位",                      # JSR Art 9
    "superior_procuratorate": "上级人民检察院（备案）",      # CPL Art 219 ¶2; PRR
    "party_committee": "同级党委",                         # PRR
    "npc": "同级人大常委会",                               # PRR
    "government": "同级人民政府",                          # PRR
    "discipline": "纪检监察机关",                          # PRR
}
ADOPTION = {"adopted": "采纳并落实", "partially_adopted": "部分采纳", "not_adopted": "未采纳"}
URGE_METHODS = {"inquiry": "询问", "visit": "走访", "consultation": "磋商", "joint_meeting": "联席会议",
                "urging_letter": "督促函"}
ESCALATION_MEASURES = {
    "report_superior_procuratorate": "报告上一级人民检察院",                  # PRR
    "notify_recipient_superior": "通报/抄送被建议单位的上级机关或主管部门",     # PRR; JSR Art 9
    "report_party_committee_npc": "报告同级党委、人大，通报同级政府",          # PRR
    "notify_discipline": "通报纪检监察机关",                                 # PRR
    "refer_to_centre": "提请平安建设组织协调机构督办",                        # PSR Art 60
    "interview": "约谈",                                                    # PSR Art 65
    "public_notice": "通报",                                                # PSR Art 65
    "listed_supervision": "挂牌督办",                                       # PSR Art 60, 65
}
CENTRE_MEASURES = ("interview", "public_notice", "listed_supervision", "refer_to_centre")
VERIFY_METHODS = {"on_site": "实地核查", "document_review": "书面审查", "interview": "座谈了解",
                  "follow_up_cases": "跟踪后续案件"}
PERIOD_UNITS = ("days", "months")
SHA256_HEX = validate.Regexp(r"^[0-9a-fA-F]{64}$", error="must be a SHA-256 digest: 64 hexadecimal characters")


class IsoDate(fields.Date):
    """A date, validated, kept as its ISO string: event data is stored as JSON (audit entry, case data)."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).isoformat()


def _choice(choices, **kw) -> fields.String:
    return fields.String(validate=validate.OneOf(list(choices)), **kw)


class CaseRefSchema(Schema):
    """A case in another service (or this one) showing the problem (SPEC §7: link type ``source``)."""
    service = _choice(SOURCE_SERVICES, required=True)
    case_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    case_no = fields.String(required=True, validate=validate.Length(min=1, max=40))


class RiskPatternSchema(Schema):
    """What the centre's data shows (the centre supplies data only: SPEC §7)."""
    description = text("note")
    category = _choice(CATEGORIES, load_default=None, allow_none=True)
    case_count = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))
    period_from = IsoDate(load_default=None, allow_none=True)
    period_to = IsoDate(load_default=None, allow_none=True)


def _unique_refs(refs: list[dict]) -> None:
    seen = set()
    for r in refs:
        k = (r["service"], r["case_id"])
        if k in seen:
            raise ValidationError(f"case {r['service']}:{r['case_id']} listed twice", "source_cases")
        seen.add(k)


class DraftSchema(Schema):
    """draft: the problem found in casework and the body it is addressed to (JSR Art 1, 3; 附件2)."""
    kind = _choice(KINDS, required=True)
    recipient_org_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    title = text("summary", metadata={"description": "关于××的司法建议书/检察建议书"})
    problems = text("facts", metadata={"description": "审判执行/检察工作中发现的问题"})
    recommendations = text("request", metadata={"description": "具体建议，与问题一一对应"})
    found_in = text("note", metadata={"description": "在哪些案件或工作中发现（JSR Art 1；附件2）"})
    category = _choice(CATEGORIES, load_default=None, allow_none=True)
    source_cases = fields.List(fields.Nested(CaseRefSchema), load_default=list,
                               validate=validate.Length(max=500))
    risk_pattern = fields.Nested(RiskPatternSchema, load_default=None, allow_none=True)

    @validates_schema
    def refs_unique(self, data, **kwargs):
        _unique_refs(data.get("source_cases") or [])


class RiskDraftArgs(Schema):
    """open_draft_from_risk_pattern: the draft, the linked cases and the pattern (SPEC §7)."""
    source_cases = fields.List(fields.Nested(CaseRefSchema), required=True,
                               validate=validate.Length(min=1, max=500))
    risk_pattern = fields.Nested(RiskPatternSchema, required=True)
    idempotency_key = fields.String(required=True, validate=KEY)


class ConsultSchema(Schema):
    method = _choice(CONSULT_METHODS, required=True)
    note = text("note")
    recipient_opinion = text("note", required=False, load_default="")


class NoteSchema(Schema):
    note = text("note", required=False, load_default="")


class PeriodSchema(Schema):
    amount = fields.Integer(required=True, validate=validate.Range(min=1, max=366))
    unit = _choice(PERIOD_UNITS, required=True)


class ApproveIssueSchema(Schema):
    """approve_issue: who approved and signed, and the periods the letter states (JSR Art 6-8; PRR)."""
    approved_by = _choice(APPROVERS, required=True)
    meeting_ref = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    signed_by = text("name")
    signed_by_president = fields.Boolean(load_default=False, metadata={"description": "院长签发 (JSR Art 7 ¶2)"})
    reply_period = fields.Nested(PeriodSchema, load_default=None, allow_none=True)
    special_provision = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=400),
                                      metadata={"description": "法律、司法解释另有规定的条文 (JSR Art 8)"})
    urgent = fields.Boolean(load_default=False, metadata={"description": "情况紧急 (PRR)"})
    damage_spreading = fields.Boolean(load_default=False,
                                      metadata={"description": "损害继续扩大等紧急情形 (PIL Art 21)"})
    objection_period = fields.Nested(PeriodSchema, load_default=None, allow_none=True)


class CopySchema(Schema):
    kind = _choice(COPY_KINDS, required=True)
    name = text("name")
    org_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))


class ServeSchema(Schema):
    """serve: the recipient served, how, and the bodies copied (PRR; JSR Art 9)."""
    recipient_org_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    manner = _choice(SERVICE_MANNERS, required=True)
    received_by = text("name")
    copies = fields.List(fields.Nested(CopySchema), load_default=list, validate=validate.Length(max=20))
    major_issue = fields.Boolean(load_default=False, metadata={"description": "问题重大 (JSR Art 9)"})
    note = text("note", required=False, load_default="")


class EvidenceSchema(Schema):
    """A document kept elsewhere, referenced by its id and, when a scanned file is kept, that file's SHA-256
    digest (never the content). A paper document a clerk records in the page has its number only (issue 14)."""
    document_id = fields.String(required=True, validate=validate.Length(min=1, max=128))
    sha256 = fields.String(load_default=None, allow_none=True, validate=SHA256_HEX)
    title = text("name")
    media_type = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))

    @post_load
    def lower(self, data, **kwargs):
        return {**data, "sha256": data["sha256"].lower() if data.get("sha256") else None}


def _unique_documents(items: list[dict], field: str) -> None:
    ids = [e["document_id"] for e in items]
    if len(ids) != len(set(ids)):
        raise ValidationError("a document is listed twice", field)


class ObjectionSchema(Schema):
    grounds = text("note")
    evidence = fields.List(fields.Nested(EvidenceSchema), load_default=list, validate=validate.Length(max=50))

    @validates_schema
    def documents_unique(self, data, **kwargs):
        _unique_documents(data.get("evidence") or [], "evidence")


class ObjectionDecisionSchema(Schema):
    """PRR Art 23: the chief procurator or the procuratorial committee decides; reasons explained."""
    decided_by = _choice(OBJECTION_DECIDERS, required=True)
    reasons = text("note")


class ObjectionAmendSchema(ObjectionDecisionSchema):
    amendment = text("request", metadata={"description": "修改后的建议内容"})


class ReplySchema(Schema):
    """submit_reply: the written reply on adoption and implementation (POL Art 21; JSR Art 8; PSR Art 61)."""
    adoption = _choice(ADOPTION, required=True)
    reply = text("request")
    measures = text("note", required=False, load_default="", metadata={"description": "采取的整改措施"})
    reasons = text("note", required=False, load_default="", metadata={"description": "未采纳的理由"})
    evidence = fields.List(fields.Nested(EvidenceSchema), load_default=list, validate=validate.Length(max=50))
    signed_by = text("name")

    @validates_schema
    def documents_unique(self, data, **kwargs):
        _unique_documents(data.get("evidence") or [], "evidence")


class UrgeSchema(Schema):
    method = _choice(URGE_METHODS, required=True)
    note = text("note", required=False, load_default="")


class EscalateSchema(Schema):
    """escalate: by the issuer (PRR: the chief procurator decides; JSR Art 9) or the centre (PSR Art 60, 65),
    on a finding of no just cause, with its measures; never by the system (the clock only warns)."""
    no_just_cause = fields.Boolean(load_default=False, metadata={"description": "无正当理由不予整改 (PRR)"})
    measures = fields.List(_choice(ESCALATION_MEASURES), load_default=list, validate=validate.Length(max=8))
    decided_by = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    note = text("note", required=False, load_default="")


class SuperviseSchema(Schema):
    """The centre's 督办 (PSR Art 60, 65): 约谈, 通报, 挂牌督办, with a date to rectify by."""
    measures = fields.List(_choice(CENTRE_MEASURES[:3]), required=True, validate=validate.Length(min=1, max=3))
    rectify_by = IsoDate(load_default=None, allow_none=True)
    note = text("note", required=False, load_default="")


class SuitSchema(Schema):
    reason = text("note")
    court_org_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    court_case_no = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60))


class VerifySchema(Schema):
    method = _choice(VERIFY_METHODS, required=True)
    note = text("note", required=False, load_default="")


class ImplementedSchema(Schema):
    findings = text("note")


class NotImplementedSchema(Schema):
    shortcomings = text("note", metadata={"description": "整改不到位之处 (PRR)"})



class ReviewObjectionArgs(Schema):
    decision = _choice(("upheld_amend", "upheld_withdraw", "dismissed"), required=True)

