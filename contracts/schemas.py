"""Marshmallow contracts shared by every case service: the uniform case surface and its payloads."""
from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validate, validates_schema

from contracts.enums import CATEGORIES, CHANNELS, EVIDENCE_KINDS, PARTY_KINDS, PARTY_ROLES
from contracts.idnumbers import ID_ABSENT_REASONS, id_problem, normalise as normalise_id, normalise_phone
from contracts.config import default_config

LIMITS = default_config()["limits"]
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{5,8})$")   # mobile, landline, short service numbers
KEY = validate.Length(min=8, max=128)
_INSTANCES: dict[type[Schema], Schema] = {}


def schema_instance(schema: type[Schema]) -> Schema:
    """The one instance of a schema class every load uses (issue 17: building a schema, with its nested
    schemas and their validators, cost as much as loading the claim with it). Safe to share: a marshmallow 4
    schema keeps no state between loads (no context), and a load never yields to another greenlet."""
    instance = _INSTANCES.get(schema)
    if instance is None:
        instance = _INSTANCES[schema] = schema()
    return instance


def text(limit_key: str, required: bool = True, **kw) -> fields.String:
    minimum = 1 if required else 0
    return fields.String(required=required, validate=validate.Length(min=minimum, max=LIMITS[limit_key]), **kw)


class PartySchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(PARTY_ROLES))
    kind = fields.String(required=True, validate=validate.OneOf(PARTY_KINDS))
    name = text("name")
    id_number = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32),
                              metadata={"description": "居民身份证号 (person) or 统一社会信用代码 (organisation); "
                                                       "full-width digits, spaces and a lower-case x are normalised"})
    id_absent_reason = fields.String(load_default=None, allow_none=True,
                                     validate=validate.OneOf(tuple(ID_ABSENT_REASONS), error="无身份证号的原因应为："
                                                             + "、".join(f"{k}（{v}）" for k, v in ID_ABSENT_REASONS.items())),
                                     metadata={"description": "why a person has no ID number: "
                                                              + ", ".join(ID_ABSENT_REASONS)})
    phone = fields.String(load_default=None, allow_none=True,
                          validate=validate.Regexp(PHONE, error="电话号码格式不正确（手机11位，或区号-座机号）"))
    address = text("address", required=False, load_default=None, allow_none=True)

    @pre_load
    def normalise(self, data, **kwargs):
        """Once, at the boundary: the stored, searched and compared form (contracts.idnumbers)."""
        if isinstance(data, dict):
            data = dict(data)
            if isinstance(data.get("id_number"), str):
                data["id_number"] = normalise_id(data["id_number"])
            if isinstance(data.get("phone"), str):
                data["phone"] = normalise_phone(data["phone"])
        return data

    @validates_schema
    def check_id_number(self, data, **kwargs):
        number = data.get("id_number")
        if not number:
            if data.get("kind") == "person" and data.get("role") == "applicant" and not data.get("id_absent_reason"):
                # LVR Art 19, 21 ask for name, address, request and facts, not an ID number: one may be
                # missing, but the clerk records why
                raise ValidationError("请填写申请人的居民身份证号；无法提供时请选择原因（id_absent_reason）", "id_number")
            return
        problem = id_problem(data.get("kind"), number)
        if problem:
            raise ValidationError(problem, "id_number")

    @post_load
    def drop_absent_reason(self, data, **kwargs):
        if data.get("id_number"):
            data["id_absent_reason"] = None
        return data


class RegisterCaseSchema(Schema):
    """SPEC §2 register_claim: name, address, request, facts and reasons (LVR Art 19, 21)."""
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    summary = text("summary")
    request = text("request")
    facts = text("facts", required=False, load_default="")
    oral = fields.Boolean(load_default=False, metadata={"description": "oral claim recorded by the clerk"})
    subject_ref = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=LIMITS["address"]),
                                metadata={"description": "address, parcel or contract no. the dispute is about"})
    claim_type = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    parties = fields.List(fields.Nested(PartySchema), required=True,
                          validate=validate.Length(min=1, max=LIMITS["parties"]))

    @validates_schema
    def one_applicant(self, data, **kwargs):
        if not any(p.get("role") == "applicant" for p in data.get("parties", [])):
            raise ValidationError("至少需要一名申请人（role=applicant）", "parties")


class PageSchema(Schema):
    number = fields.Integer(load_default=1, validate=validate.Range(min=1))
    size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class FindCasesSchema(Schema):
    case_type = fields.String(load_default=None, validate=validate.Length(max=40))
    status = fields.List(fields.String(validate=validate.Length(max=40)), load_default=None)
    category = fields.String(load_default=None, validate=validate.OneOf(CATEGORIES))
    channel = fields.String(load_default=None, validate=validate.Length(max=32))   # each service has its own channels
    org_id = fields.String(load_default=None)
    # the body owns the case or takes part in it (its own cases, not those of the bodies it governs)
    acting_org_id = fields.String(load_default=None, validate=validate.Length(max=64))
    case_no = fields.String(load_default=None)
    party_id_number = fields.String(load_default=None, validate=validate.Length(max=40))
    parent_case_id = fields.String(load_default=None)
    supervised = fields.Boolean(load_default=None)
    overdue = fields.Boolean(load_default=None)
    due_within_days = fields.Integer(load_default=None, validate=validate.Range(min=0, max=366))
    created_from = fields.AwareDateTime(load_default=None)
    created_to = fields.AwareDateTime(load_default=None)
    text = fields.String(load_default=None, validate=validate.Length(max=100))

    @post_load
    def normalise_id_number(self, data, **kwargs):
        data["party_id_number"] = normalise_id(data.get("party_id_number"))   # as stored (PartySchema)
        return data


class FireSchema(Schema):
    case_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    event = fields.String(required=True, validate=validate.Length(min=1, max=48))
    data = fields.Dict(load_default=dict)
    expected_version = fields.Integer(required=True, validate=validate.Range(min=1))
    idempotency_key = fields.String(required=True, validate=KEY)


class CreateArgs(Schema):
    """What a command that opens a case carries besides the case itself."""
    idempotency_key = fields.String(required=True, validate=KEY)


class CommandSchema(Schema):
    """What every intake command carries besides its own data."""
    case_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    expected_version = fields.Integer(required=True, validate=validate.Range(min=1))
    idempotency_key = fields.String(required=True, validate=KEY)


class ClockEventSchema(Schema):
    """The data of every event the clock sweep fires as ``sys`` (deadline_warning, expiries, 督办 flags):
    which clock of the case ran (``ClockDef.kind``). One contract for every case type."""
    clock = fields.String(required=True, validate=validate.Length(min=1, max=48))


class HandoffSchema(Schema):
    """What a case service receives when another hands a matter over (SPEC §7): the parent case's
    identity, the routing decision and the claim as registered, parties whole (the receiving body
    handles the case)."""
    parent_service = fields.String(required=True, validate=validate.Length(min=1, max=32))
    parent_case_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    parent_case_no = fields.String(required=True, validate=validate.Length(min=1, max=40))
    link_type = fields.String(load_default="child", validate=validate.OneOf(("child", "source")))
    reason = text("note")
    basis = fields.String(load_default="", validate=validate.Length(max=400))
    target_org_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    channel = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(CHANNELS))
    category = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(CATEGORIES))
    summary = text("summary")
    request = text("request")
    facts = text("facts", required=False, load_default="")
    parties = fields.List(fields.Nested(PartySchema), required=True,
                          validate=validate.Length(min=1, max=LIMITS["parties"]))
    data = fields.Dict(load_default=dict)


class PartyActSchema(Schema):
    """A party's act recorded by staff on the party's behalf (``data.party_act`` of an event whose roles
    include ``party``): which party, and the evidence the law wants for it."""
    party = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, error="须为本案当事人的序号（从1起）"),
                           error_messages={"required": "必填：哪一位当事人（序号，从1起）",
                                           "invalid": "须为本案当事人的序号（从1起）"})
    evidence_kind = fields.String(required=True, validate=validate.OneOf(
        list(EVIDENCE_KINDS), error=f"须为以下之一：{'、'.join(f'{k}（{v}）' for k, v in EVIDENCE_KINDS.items())}"),
        error_messages={"required": "必填：证明当事人意思表示的材料种类"})
    evidence_ref = fields.String(required=True, validate=validate.Length(min=1, max=200, error="须为1至200字的材料编号或存放位置"),
                                 error_messages={"required": "必填：材料编号或存放位置（如笔录编号、文书编号）"})
    note = fields.String(load_default="", validate=validate.Length(max=LIMITS["note"], error="过长"))
