"""The feed on AMQP (PSR Art 49, 51: data for the provincial 数字平安系统 or any county system): the records of
the JSON-lines export (feed.py) and the figures, published on the versioned topic exchange of
contracts/feed.py, each in an envelope signed by the supervision service like every other event."""
from __future__ import annotations

import logging
import uuid
from datetime import date, datetime

from kombu import Exchange
from nameko.amqp.publish import Publisher
from nameko.extensions import DependencyProvider

from contracts.feed import (FACT_KEY, FEED_EXCHANGE, FEED_VERSION, FIGURES_KEY, FeedMessageSchema,
                            FiguresRecordSchema, record_schema)
from infra.trust import sign_event
from infra.views import iso

log = logging.getLogger(__name__)
EXCHANGE = Exchange(FEED_EXCHANGE, type="topic", durable=True)


def figures_record(county: str | None, first: date, last: date, computed_at: datetime, total: dict) -> dict:
    """A period's figures in total (figures_sql.compute(...)["total"]) as a feed record."""
    record = {"feed_version": FEED_VERSION, "county": county, "period_from": first.isoformat(),
              "period_to": last.isoformat(), "computed_at": iso(computed_at),
              "figures": {k: v for k, v in total.items() if k != "stage_days"}, "stage_days": total["stage_days"]}
    FiguresRecordSchema().load(record)        # the contract holds for every record we publish
    return record


def message(signer, kind: str, record: dict, now: datetime) -> dict:
    record_schema(kind).load(record)
    body = {"feed_version": FEED_VERSION, "kind": kind, "event_id": uuid.uuid4().hex, "event_type": kind,
            "published_at": iso(now), "record": record}
    signed = sign_event(signer, body)
    FeedMessageSchema().load(signed)
    return signed


class FeedTopic(DependencyProvider):
    """``publish(kind, record, routing_key, now)`` for the service's workers; the exchange is declared on
    the first publish (durable: consumers bind their own queues to it)."""

    def setup(self):
        self.publisher = Publisher(self.container.config["AMQP_URI"], exchange=EXCHANGE, declare=[EXCHANGE],
                                   serializer="json", use_confirms=True)

    def get_dependency(self, worker_ctx):
        return self

    def publish(self, signer, kind: str, record: dict, now: datetime) -> None:
        key = FACT_KEY.format(case_type=record["case_type"]) if kind == "case_fact" else FIGURES_KEY
        self.publisher.publish(message(signer, kind, record, now), routing_key=key)
