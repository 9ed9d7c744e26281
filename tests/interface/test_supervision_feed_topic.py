"""The feed on AMQP (contracts/feed.py, PSR Art 49, 51), with intake and supervision running on a real broker,
on SQLite and PostgreSQL: a consumer bound in the test to ``jiefen.feed.v1`` receives a case's de-identified
fact after the case's event, signed by the supervision service and equal to its JSON-lines record; a month's
figures go out on ``figures.month``."""
from __future__ import annotations

import json
import queue

import pytest
from kombu import Connection, Queue

from contracts.feed import FEED_EXCHANGE, FEED_VERSION, PERSONAL, CaseFactSchema, FeedMessageSchema
from infra.config import load_config
from infra.orgs import load_directory
from infra.trust import load_trust, verify_event
from services.supervision.feed_topic import EXCHANGE
from tests.factories import claim, key
from tests.harness import wait_for
from tests.interface.supervision_walk import supervision

__all__ = ["supervision"]


@pytest.fixture
def feed_consumer(rabbit_config):
    """get(routing_key_prefix) -> the next message on the feed topic whose key starts with it."""
    conn = Connection(rabbit_config["AMQP_URI"])
    got: queue.Queue = queue.Queue()
    q = Queue("", exchange=EXCHANGE, routing_key="#", exclusive=True, auto_delete=True)
    consumer = conn.Consumer([q], callbacks=[lambda body, m: (got.put((m.delivery_info["routing_key"], body)), m.ack())],
                             accept=["json"])
    consumer.consume()

    def get(prefix: str, matching=lambda body: True):
        def one():
            try:
                conn.drain_events(timeout=0.2)
            except TimeoutError:
                pass
            while not got.empty():
                routing_key, body = got.get()
                if routing_key.startswith(prefix) and matching(body):
                    return routing_key, body
            return None
        return wait_for(one, timeout=30, interval=0)
    yield get
    consumer.cancel()
    conn.release()


def test_a_case_event_puts_its_de_identified_fact_on_the_topic(intake, supervision, jiefen, feed_consumer, rpc_as):
    config = load_config(**jiefen)
    trust = load_trust(config, load_directory(str(config.path("organisations"))))
    applied = claim("neighbourhood", channel="hotline_12345")
    case = rpc_as("window").intake.register_case(applied, key())

    # the event's row first; the service's facts (category, channel) complete it a moment later
    routing_key, body = feed_consumer("case_fact.", lambda b: b["record"]["case_type"] == "intake"
                                      and b["record"]["channel"] is not None)
    assert routing_key == "case_fact.intake" and body["kind"] == "case_fact"
    FeedMessageSchema().load(body)
    assert verify_event(trust, body, "supervision")
    forged = {**body, "record": {**body["record"], "status": "IN_CLOSED"}}
    assert not verify_event(trust, forged, "supervision")
    record = body["record"]
    CaseFactSchema().load(record)
    assert record["feed_version"] == FEED_VERSION and record["channel"] == "hotline_12345"
    text = json.dumps(body, ensure_ascii=False)
    assert not set(record) & set(PERSONAL) and case["case_no"] not in text and case["case_id"] not in text
    for party in applied["parties"]:
        assert party["name"] not in text and party["phone"] not in text and party["id_number"] not in text
    assert applied["summary"] not in text and applied["subject_ref"] not in text
    # the same record as the JSON-lines export
    exported = rpc_as("supv").supervision.feed_export(None, 100)["lines"].splitlines()
    assert record in [json.loads(line) for line in exported]


def test_a_months_figures_go_out_on_the_topic(supervision, jiefen, feed_consumer, rpc_as):
    sent = rpc_as("supv").supervision.publish_figures("2026-10")
    routing_key, body = feed_consumer("figures.")
    assert routing_key == "figures.month" and body["record"] == sent
    assert body["record"]["period_from"] == "2026-10-01" and "closed_on_time_rate" in body["record"]["figures"]
    assert FEED_EXCHANGE == "jiefen.feed.v1"
