"""The gateway's own HTTP contracts. Request payloads of the case services come from contracts/
unchanged (RegisterCaseSchema, FindCasesSchema, each event's data schema); these add what only HTTP
has (sign-in, the fire body, paging in the query string) and describe the JSON the API returns (for
/openapi.json: the services answer plain dicts, shaped by infra/views.py)."""
from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, validate

from contracts.errors import ERRORS


MAX_INT = 2 ** 31 - 1


# -- requests -------------------------------------------------------------------------------------
class SignInSchema(Schema):
    user_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200),
                             metadata={"format": "password"})


class FireBodySchema(Schema):
    """POST /api/{service}/cases/{case_id}/events/{event}; the Idempotency-Key header goes with it."""
    data = fields.Dict(keys=fields.String(), load_default=dict,
                       metadata={"description": "the event's data: see the event's `data` fields in "
                                                "GET /api/{service}/definition"})
    expected_version = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_INT),
                                      metadata={"description": "the case's `version` as last read"})


class PageQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


# -- responses (dicts from the services; extra members may appear) -------------------------------------
class Open(Schema):
    class Meta:
        unknown = INCLUDE


def _s(**kw):
    return fields.String(allow_none=True, **kw)


class ErrorSchema(Open):
    error = fields.String(required=True, validate=validate.OneOf(list(ERRORS)))
    message = fields.String(required=True)
    details = fields.Dict(required=True)


class UserSchema(Open):
    user_id = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    org_id = fields.String(required=True)
    org_name = fields.String(required=True)


class SessionSchema(Open):
    token = fields.String(required=True, metadata={"description": "send as `Authorization: Bearer <token>`"})
    expires_at = fields.String(required=True)
    user = fields.Nested(UserSchema, required=True)


class CurrentSessionSchema(Open):
    expires_at = _s()
    user = fields.Nested(UserSchema, required=True)


class ClockSchema(Open):
    kind = fields.String(required=True)
    label = fields.String()
    status = fields.String()
    unit = fields.String()
    amount = fields.Integer(allow_none=True)
    due_at = _s()
    due_date = _s()
    days_left = fields.Integer(allow_none=True)
    overdue = fields.Boolean()
    paused = fields.Boolean()
    basis = _s()


class PartyViewSchema(Open):
    role = fields.String()
    kind = fields.String()
    name = fields.String()
    id_number = _s(metadata={"description": "masked unless the reader's organisation owns the case"})
    id_absent_reason = _s(metadata={"description": "why a person has no ID number (contracts.idnumbers)"})
    phone = _s()
    address = _s()


class LinkSchema(Open):
    link_type = fields.String()
    service = _s()
    case_id = _s()
    case_no = _s()
    status = _s()
    terminal = fields.Boolean(allow_none=True)
    basis = _s()


class CaseSchema(Open):
    case_id = fields.String(required=True)
    case_no = fields.String(required=True)
    case_type = fields.String()
    service = fields.String()
    status = fields.String(required=True)
    status_label = fields.String()
    terminal = fields.Boolean()
    version = fields.Integer(required=True)
    org_id = _s()
    channel = _s()
    category = _s()
    summary = _s()
    supervised = fields.Boolean(allow_none=True)
    parent = fields.Dict(allow_none=True)
    created_at = _s()
    updated_at = _s()
    closed_at = _s()
    deadlines = fields.List(fields.Nested(ClockSchema))
    parties = fields.List(fields.Nested(PartyViewSchema))
    request = _s()
    facts = _s()
    data = fields.Dict(allow_none=True)
    clocks = fields.List(fields.Nested(ClockSchema))
    links = fields.List(fields.Nested(LinkSchema))
    query_code = fields.String(metadata={"description": "only in the answer to registration: the resident's "
                                                        "query code, printed on the receipt, never shown again"})


class CaseListSchema(Open):
    items = fields.List(fields.Nested(CaseSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    size = fields.Integer(required=True)


class OverdueCaseSchema(CaseSchema):
    overdue_clock = fields.Nested(ClockSchema)


class OverdueListSchema(CaseListSchema):
    items = fields.List(fields.Nested(OverdueCaseSchema), required=True)


class AuditEntrySchema(Open):
    seq = fields.Integer(required=True)
    at = _s()
    user_id = _s()
    role = _s()
    org_id = _s()
    event = fields.String(required=True)
    event_label = fields.String(metadata={"description": "added by the gateway from the case definition"})
    to = _s()
    version = fields.Integer(allow_none=True)
    data = fields.Dict(allow_none=True)
    basis = _s()
    hash = _s()


class VerifySchema(Open):
    case_id = fields.String(required=True)
    valid = fields.Boolean(required=True)
    entries = fields.Integer(required=True)
    broken_at = fields.Integer(allow_none=True)
    code = _s(metadata={"description": "which check failed: ENTRY_MISSING, LINK_BROKEN, ENTRY_ALTERED, TAIL_MISSING, "
                                       "HEAD_MISMATCH, STATUS_MISMATCH, VERSION_MISMATCH, UNANCHORED"})
    problem = _s(metadata={"description": "what failed, in Chinese"})


class ChoiceSchema(Open):
    value = fields.String(required=True)
    label = fields.String(required=True, metadata={"description": "中文名称"})
    basis = _s()


class EventFieldSchema(Open):
    name = fields.String(required=True)
    type = fields.String(required=True)
    required = fields.Boolean(required=True)
    choices = fields.List(fields.String())
    options = fields.List(fields.Nested(ChoiceSchema), metadata={"description": "the choices with their Chinese labels"})
    label = _s()
    help = _s()
    widget = fields.Dict(metadata={"description": "text | textarea | number | check | date | choice | multi | org "
                                                  "(org_kinds) | mediator(s) | party | parties | case | signatures | "
                                                  "lines | group | rows | hidden | clock"})
    description = _s()


class EventDefSchema(Open):
    id = fields.String(required=True)
    label = fields.String(required=True)
    to = _s()
    roles = fields.List(fields.String())
    basis = _s()
    basis_text = _s(metadata={"description": "the legal basis in Chinese: 《人民调解法》第二十九条"})
    articles = fields.List(fields.Dict(), metadata={"description": "each cited article with its text"})
    data = fields.List(fields.Nested(EventFieldSchema))


class DefinitionSchema(Open):
    code = fields.String(required=True)
    label = fields.String(required=True)
    service = fields.String(required=True)
    states = fields.List(fields.Dict(), required=True)
    events = fields.List(fields.Nested(EventDefSchema), required=True)
    clocks = fields.List(fields.Dict(), required=True)


class DuplicateSchema(Open):
    case_id = _s()
    case_no = _s()


class SweepSchema(Open):
    pass


class OrganisationSchema(Open):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    level = fields.String(required=True)
    parent = _s()
    county = _s()


class ServiceInfoSchema(Open):
    name = fields.String(required=True)
    label = fields.String(required=True)


class MilestoneSchema(Open):
    at = _s()
    label = fields.String()
    status_label = fields.String()


class LookupResultSchema(Open):
    case_no = fields.String(required=True)
    status = fields.String(required=True)
    status_label = fields.String(required=True)
    closed = fields.Boolean(required=True)
    category_label = _s()
    channel = _s()
    channel_label = _s()
    milestones = fields.List(fields.Nested(MilestoneSchema), required=True)
    next_deadline = _s()
    children = fields.List(fields.Dict())
    plain = fields.Dict(metadata={"description": "in plain words: where (where the case is), who (who handles it), "
                                                "next_date, may_do (what the resident may do now), basis"})
