"""Contracts of the residents' evaluation and what follows from it (PSR Art 62: 满意率), and of the early
warnings as work (PSR Art 50, 54: 研判预警): the 回访 case type and the 预警处置 case type of the supervision
service, and the evaluation the resident gives through the lookup (case number + query code)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from contracts.schemas import KEY, text

# PSR Art 62: 满意率 counts 满意 and 基本满意 over every evaluation given
RATINGS = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}
SATISFIED = ("satisfied", "basically_satisfied")
# who gave an evaluation and how (the only way today: the resident, through the lookup with the query code)
GIVEN_BY = {"resident": "当事人本人（凭查询码评价）"}
# what the 回访 found
VISIT_RESULTS = {"resolved_on_visit": "回访后问题已解决", "explained_understood": "已解释说明，当事人表示理解",
                 "still_dissatisfied": "当事人仍不满意，已报告督办", "unreachable": "多次联系未果"}
LEVELS = {"red": "红色预警", "yellow": "黄色预警", "blue": "蓝色预警"}
WARNING_RULES = {"repeated_petitions": "重复信访", "category_surge": "同类纠纷集中发生（群体性风险）",
                 "escalating_matter": "矛盾升级", "overdue_share": "超期占比偏高或上升",
                 "same_person": "同一当事人多次涉纠纷", "same_address": "同一地址多起纠纷", "one_respondent": "同一被申请人面对多名申请人（群体性风险）",
                 "risk_words": "民转刑风险"}
# what a warning of each rule is about: with its rule and period, these find every case behind it (the drill-down,
# supervision.warning_cases) and tell one warning from another (a 预警处置 task's fingerprint)
WARNING_ABOUT = {"repeated_petitions": ("town_id",), "category_surge": ("town_id", "category"),
                 "escalating_matter": ("root_case_id",), "overdue_share": ("org_id",), "same_person": ("subject",),
                 "same_address": ("subject",), "one_respondent": ("subject",), "risk_words": ("case_id",)}
assert set(WARNING_ABOUT) == set(WARNING_RULES)
ABOUT_KEYS = tuple(dict.fromkeys(k for keys in WARNING_ABOUT.values() for k in keys))


class EvaluateArgs(Schema):
    """What the resident sends from the lookup page."""
    case_no = fields.String(required=True, validate=validate.Length(min=5, max=40))
    query_code = fields.String(required=True, validate=validate.Length(min=4, max=16))
    rating = fields.String(required=True, validate=validate.OneOf(RATINGS, error="请选择满意、基本满意或不满意"))
    reason = fields.String(load_default="", validate=validate.Length(max=500))
    idempotency_key = fields.String(required=True, validate=KEY)

    @validates_schema
    def _reason_when_dissatisfied(self, data, **kwargs):
        if data.get("rating") == "dissatisfied" and not (data.get("reason") or "").strip():
            raise ValidationError("选择不满意时请写明原因", "reason")


class OpenReturnVisitSchema(Schema):
    """Opened by the service on an 不满意 evaluation: the evaluation it answers, the organisation that visits."""
    evaluation_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    evaluated_case_no = fields.String(required=True, validate=validate.Length(min=1, max=40))
    owner_org_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    rating = fields.String(required=True, validate=validate.OneOf(RATINGS))
    reason = text("note")


class RecordReturnVisitSchema(Schema):
    visit_result = fields.String(required=True, validate=validate.OneOf(VISIT_RESULTS))
    note = text("note")


class RaiseWarningSchema(Schema):
    """A warning of services/supervision/warnings_sql.py made a task (PSR Art 50, 54): how many cases are behind
    it, the first of them (at most 50), and what finds them all (the period and what it is about)."""
    warning_rule = fields.String(required=True, validate=validate.OneOf(WARNING_RULES))
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    explanation = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    case_count = fields.Integer(load_default=None, validate=validate.Range(min=0))
    case_ids = fields.List(fields.String(validate=validate.Length(max=32)), required=True, validate=validate.Length(max=50))
    case_nos = fields.List(fields.String(validate=validate.Length(max=40)), load_default=list)   # as people read them
    period_from = fields.Date(load_default=None)
    period_to = fields.Date(load_default=None)
    about = fields.Dict(keys=fields.String(validate=validate.OneOf(ABOUT_KEYS)),
                        values=fields.String(allow_none=True, validate=validate.Length(max=64)), load_default=dict)
    basis = fields.String(required=True, validate=validate.Length(max=200))
    fingerprint = fields.String(required=True, validate=validate.Length(min=1, max=64))


class HandleWarningSchema(Schema):
    measures = text("note")
