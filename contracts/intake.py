"""Contracts of the intake service's event data (SPEC §2)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from contracts.enums import CATEGORIES, EXTERNAL_CHANNELS
from contracts.schemas import RegisterCaseSchema, text

NOTIFIED_HOW = ("in_person", "phone", "sms", "letter", "online")


class ClassifySchema(Schema):
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    claim_type = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    note = text("note", required=False, load_default="")


class AnswerOnSpotSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(("consultation", "answerable_now")))
    answer = text("note")


class LinkDuplicateSchema(Schema):
    duplicate_of = fields.String(required=True, validate=validate.Length(min=1, max=32))
    rule = fields.String(required=True, validate=validate.OneOf([f"D{i}" for i in range(1, 9)]))
    note = text("note", required=False, load_default="")


class RouteSchema(Schema):
    reason = text("note")
    target_org_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))


class RouteToMediationSchema(RouteSchema):
    party_refused_mediation = fields.Boolean(load_default=False)
    already_accepted_by = fields.String(load_default=None, allow_none=True,
                                        validate=validate.OneOf(("court", "police", "administrative_organ")))


class RouteToDiversionSchema(RouteSchema):
    party_wants_to_sue = fields.Boolean(load_default=False)


class RouteToPetitionSchema(RouteSchema):
    statutory_procedure = fields.String(load_default=None, allow_none=True,
                                        validate=validate.OneOf(("litigation", "administrative_review",
                                                                 "arbitration", "other_procedure")))


class ReferExternalSchema(Schema):
    external_channel = fields.String(required=True, validate=validate.OneOf(EXTERNAL_CHANNELS))
    reason = text("note")
    target_org_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))


class NotifySchema(Schema):
    notified_how = fields.String(required=True, validate=validate.OneOf(NOTIFIED_HOW))
    note = text("note", required=False, load_default="")


class ChildClosedSchema(Schema):
    child_case_id = fields.String(required=True)


class CloseSchema(Schema):
    outcome = text("note")



__all__ = ["RegisterCaseSchema", "ClassifySchema", "AnswerOnSpotSchema", "LinkDuplicateSchema",
           "RouteToMediationSchema", "RouteToDiversionSchema", "RouteToPetitionSchema", "ReferExternalSchema",
           "NotifySchema", "ChildClosedSchema", "CloseSchema"]


REISSUE_REASONS = ("lost", "disclosed", "other")


class ReissueQueryCodeSchema(Schema):
    """reissue_query_code: the window gives the resident a new query code; the old one stops working at once.
    Neither code is stored or audited, only its keyed hash (个人信息保护法 Art 51(3): encryption)."""
    reissue_reason = fields.String(required=True, validate=validate.OneOf(REISSUE_REASONS))
    note = text("note", required=False, load_default="")


class LookupArgs(Schema):
    """A resident's lookup by case number and query code (each service's ``lookup_by_query_code``; the
    gateway's public lookup page)."""
    case_no = fields.String(required=True, validate=validate.Length(min=5, max=40))
    query_code = fields.String(required=True, validate=validate.Length(min=4, max=16))
