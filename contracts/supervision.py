"""Contracts of the supervision service's own case types: 督办 of a case (PSR Art 39 ¶2, 46 ¶2, 60) and
挂牌督办 of an area or a prominent problem (PSR Art 60, 65): the data each event carries."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from contracts.enums import CATEGORIES, CHANNELS
from contracts.schemas import text

# PSR Art 65 ¶1 (1)-(6): the grounds on which 约谈、通报、挂牌督办 and 限期整改 may be ordered
LISTING_GROUNDS = {
    "measures_not_implemented": "未落实平安建设工作措施，基层基础工作薄弱，致使社会治安秩序混乱（第六十五条第一款第一项）",
    "major_incidents": "发生重大、特别重大或者在较短时间内连续发生较大的群体性事件、刑事犯罪案件等（第一款第二项）",
    "assessment_failed": "平安建设考核评价不合格、不达标（第一款第三项）",
    "key_problem_untreated": "对平安建设的重点区域和突出问题未采取有效措施治理（第一款第四项）",
    "data_misreported": "瞒报、漏报、拒报平安建设考核数据（第一款第五项）",
    "other": "国家和省规定的其他情形（第一款第六项）",
}
SUBJECT_KINDS = {"area": "重点区域", "problem": "突出问题"}
INSPECTION_METHODS = {"inspection": "检查", "unannounced": "暗访"}   # PSR Art 60


class OpenSupervisionSchema(Schema):
    target_case_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    reason = text("summary")
    deadline = fields.Date(required=True, metadata={"description": "办结期限（北京时间日期）"})


class NoteSchema(Schema):
    note = text("note", required=False, load_default="")


class ReportSchema(Schema):
    result = text("note")
    measures = text("note", required=False, load_default="")


class ReturnReportSchema(Schema):
    reason = text("note")
    deadline = fields.Date(required=True)


class CloseSupervisionSchema(Schema):
    assessment = text("note")


class ReasonSchema(Schema):
    reason = text("note")


class ListSchema(Schema):
    subject_kind = fields.String(required=True, validate=validate.OneOf(SUBJECT_KINDS))
    subject = text("summary")
    responsible_org_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    ground = fields.String(required=True, validate=validate.OneOf(LISTING_GROUNDS))
    reason = text("note")
    category = fields.String(load_default=None, validate=validate.OneOf(CATEGORIES))


class PlanSchema(Schema):
    plan = text("note")


class ApprovePlanSchema(Schema):
    deadline = fields.Date(required=True, metadata={"description": "整改期限（北京时间日期）"})
    note = text("note", required=False, load_default="")


class InspectionSchema(Schema):
    method = fields.String(required=True, validate=validate.OneOf(INSPECTION_METHODS))
    findings = text("note")


class RectifiedSchema(Schema):
    report = text("note")


class RejectRectificationSchema(Schema):
    shortcomings = text("note")
    deadline = fields.Date(required=True)


class LiftSchema(Schema):
    """摘牌 on the centre's acceptance check: how it was checked (PSR Art 60: 检查、暗访) and what it found."""
    method = fields.String(required=True, validate=validate.OneOf(INSPECTION_METHODS))
    findings = text("note")
    conclusion = text("note")


class SummonSchema(Schema):
    """约谈: whom (by post, not by name: personal data stays out of the record) and what was required."""
    official_post = fields.String(required=True, validate=validate.Length(min=1, max=100))
    note = text("note")


class CirculateSchema(Schema):
    """通报: to whom it was circulated and what it said."""
    scope = fields.String(required=True, validate=validate.Length(min=1, max=200))
    note = text("note")



# -- the centre's figures and lists (services/supervision/query.py; the gateway's OpenAPI) ----------------
READ_SERVICES = ("intake", "mediation", "diversion", "petition", "recommendation")   # whose cases the read model holds


class FiltersSchema(Schema):
    service = fields.String(load_default=None, validate=validate.OneOf(READ_SERVICES))
    case_type = fields.String(load_default=None)
    org_id = fields.String(load_default=None)
    town_id = fields.String(load_default=None)
    category = fields.String(load_default=None, validate=validate.OneOf(CATEGORIES))
    channel = fields.String(load_default=None, validate=validate.OneOf(CHANNELS))
