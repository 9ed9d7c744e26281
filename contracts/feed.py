"""The de-identified case feed for the provincial 数字平安系统 or any county system (PSR Art 49, 51:
数据汇集共享): one JSON object per case, as JSON lines. Versioned: a consumer checks ``feed_version``;
fields are only ever added within a major version.

De-identified by construction: no names, ID numbers, phones, addresses, free text, case numbers or
query codes; cases are referred to by a pseudonymous ``case_ref`` (stable per case, not reversible to
its number); times are coarsened to Beijing dates. Organisations and townships are public bodies and
are named by their directory code (config/organisations.yaml)."""
from __future__ import annotations

import hashlib

from marshmallow import Schema, fields, validate

FEED_VERSION = "1.0"


def case_ref(county: str | None, case_id: str) -> str:
    return hashlib.sha256(f"jiefen-feed:{county or ''}:{case_id}".encode()).hexdigest()[:20]


class CaseFactSchema(Schema):
    feed_version = fields.String(required=True, validate=validate.Equal(FEED_VERSION))
    case_ref = fields.String(required=True, validate=validate.Length(equal=20))
    parent_ref = fields.String(allow_none=True, validate=validate.Length(equal=20))
    county = fields.String(allow_none=True, metadata={"description": "6-digit administrative code"})
    town_id = fields.String(allow_none=True, metadata={"description": "township government code, or null (county level)"})
    org_id = fields.String(required=True, metadata={"description": "owning organisation code"})
    service = fields.String(required=True)
    case_type = fields.String(required=True)
    category = fields.String(allow_none=True)
    channel = fields.String(allow_none=True)
    status = fields.String(required=True)
    terminal = fields.Boolean(required=True)
    supervised = fields.Boolean(required=True)
    created_date = fields.Date(required=True)
    closed_date = fields.Date(allow_none=True)
    resolution = fields.String(allow_none=True, metadata={"description": "化解 kind (README, Supervision)"})
    resolved_date = fields.Date(allow_none=True)
    overdue_ever = fields.Boolean(required=True)
    stages = fields.Dict(keys=fields.String(), values=fields.Date(), required=True,
                         metadata={"description": "state -> Beijing date first entered"})


PERSONAL = ("name", "id_number", "phone", "address", "summary", "request", "facts", "case_no", "query_code", "parties")


# -- the AMQP topic (PSR Art 49, 51) -----------------------------------------------------------------
# A topic exchange per major version: a consumer binds a queue of its own to it (``case_fact.#`` for the
# case facts, ``case_fact.petition`` for one case type, ``figures.#`` for the figures). Every message is an
# envelope signed by the supervision service like every other event (infra/trust.py sign_event; a consumer
# checks it with verify_event(..., "supervision")); its ``record`` is exactly a JSON-lines record
# (CaseFactSchema) or a figures record (FiguresRecordSchema).
FEED_EXCHANGE = "jiefen.feed.v1"                # its permissions: infra/rabbitmq.py
FACT_KEY = "case_fact.{case_type}"
FIGURES_KEY = "figures.month"
KINDS = ("case_fact", "figures")


class FigureValueSchema(Schema):
    value = fields.Float(allow_none=True, required=True)
    numerator = fields.Integer()
    denominator = fields.Integer()


class FiguresRecordSchema(Schema):
    """A period's figures for the county in total (README, "Supervision": each definition and basis)."""
    feed_version = fields.String(required=True, validate=validate.Equal(FEED_VERSION))
    county = fields.String(allow_none=True, metadata={"description": "6-digit administrative code"})
    period_from = fields.Date(required=True)
    period_to = fields.Date(required=True)
    computed_at = fields.AwareDateTime(required=True)
    figures = fields.Dict(keys=fields.String(), values=fields.Nested(FigureValueSchema), required=True)
    stage_days = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True,
                             metadata={"description": "'case_type:state' -> {value: average working days, count}"})


class FeedMessageSchema(Schema):
    feed_version = fields.String(required=True, validate=validate.Equal(FEED_VERSION))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    event_id = fields.String(required=True, validate=validate.Length(equal=32))
    event_type = fields.String(required=True, validate=validate.OneOf(KINDS))
    published_at = fields.AwareDateTime(required=True)
    record = fields.Dict(required=True)
    signature = fields.String(required=True)


def record_schema(kind: str) -> Schema:
    return CaseFactSchema() if kind == "case_fact" else FiguresRecordSchema()
