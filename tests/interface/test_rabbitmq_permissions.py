"""The RabbitMQ permissions of ``python -m infra.manage rabbitmq-definitions`` (infra/rabbitmq.py), applied to
the test's throwaway vhost through the management API of the real broker: a service's user publishes its own
events and calls the services it needs, and is refused another service's events exchange, another service's
RPC queue and a routing key it has no business with."""
from __future__ import annotations

import secrets
from urllib.parse import quote, urlparse

import pika
import pika.exceptions
import pytest

from infra.rabbitmq import definitions, permissions


@pytest.fixture
def broker_user(rabbit_config, rabbit_manager):
    """make(service) -> an AMQP URI for a fresh broker user with that service's permissions on the vhost."""
    vhost = urlparse(rabbit_config["AMQP_URI"]).path.lstrip("/")
    made = []

    def make(service):
        name, password = f"t11-{service}-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
        rabbit_manager._put("users", name, json={"password": password, "tags": ""})
        made.append(name)
        p = permissions(service)
        rabbit_manager._put("permissions", vhost, name,
                            json={"configure": p["configure"], "write": p["write"], "read": p["read"]})
        for t in p["topic"]:
            rabbit_manager._put("topic-permissions", vhost, name, json=t)
        u = urlparse(rabbit_config["AMQP_URI"])
        return f"amqp://{name}:{quote(password, safe='')}@{u.hostname}:{u.port or 5672}/{quote(vhost, safe='')}"
    yield make
    for name in made:
        rabbit_manager._delete("users", name)


@pytest.fixture
def topology(rabbit_config):
    """The exchanges and one service queue, declared by an administrator (guest), as the definitions file does."""
    conn = pika.BlockingConnection(pika.URLParameters(rabbit_config["AMQP_URI"]))
    ch = conn.channel()
    for ex in ("nameko-rpc", "intake.events", "mediation.events"):
        ch.exchange_declare(ex, "topic", durable=True)
    ch.queue_declare("rpc-mediation", durable=True)
    ch.queue_bind("rpc-mediation", "nameko-rpc", "mediation.*")
    yield
    conn.close()


def refused(uri, action) -> bool:
    """True when the broker closes the channel with ACCESS_REFUSED (403) for ``action(channel)``."""
    conn = pika.BlockingConnection(pika.URLParameters(uri))
    ch = conn.channel()
    ch.confirm_delivery()
    try:
        action(ch)
        ch.close()
        return False
    except pika.exceptions.ChannelClosedByBroker as err:
        assert err.reply_code == 403, err
        return True
    finally:
        if conn.is_open:
            conn.close()


def publish(exchange, key):
    return lambda ch: ch.basic_publish(exchange, key, b"{}")


def test_a_service_user_writes_only_its_own_exchanges_and_the_rpc_it_needs(broker_user, topology):
    intake, recommendation = broker_user("intake"), broker_user("recommendation")
    # its own events, a call to a service it hands cases to, a reply to a caller
    assert not refused(intake, publish("intake.events", "case_transitioned"))
    assert not refused(intake, publish("nameko-rpc", "mediation.get_case"))
    assert not refused(intake, publish("nameko-rpc", "0b9ac1e2-3f4d-4c5b-8a7e-1234567890ab"))
    # another service's events exchange: the forged case_transitioned on mediation.events
    assert refused(intake, publish("mediation.events", "case_transitioned"))
    # a service it never calls, and any other key on nameko-rpc (topic permissions)
    assert refused(recommendation, publish("nameko-rpc", "mediation.fire"))
    assert refused(intake, publish("nameko-rpc", "recommendation.fire"))


def test_a_service_user_reads_only_its_own_queues(broker_user, topology):
    intake = broker_user("intake")
    assert refused(intake, lambda ch: ch.basic_consume("rpc-mediation", lambda *a: None))        # mediation's calls
    assert refused(intake, lambda ch: ch.queue_declare("rpc-mediation", durable=True))
    assert not refused(intake, lambda ch: ch.queue_declare("rpc-intake", durable=True))
    assert not refused(intake, lambda ch: ch.queue_bind("rpc-intake", "nameko-rpc", "intake.*"))
    assert not refused(intake, lambda ch: ch.basic_consume("rpc-intake", lambda *a: None))


def test_the_definitions_file_has_a_user_per_service_and_the_gateway():
    users = ("intake", "mediation", "diversion", "petition", "recommendation", "supervision", "gateway")
    d = definitions("jiefen", {u: "pw" for u in users})
    assert sorted(u["name"] for u in d["users"]) == sorted(users)
    assert all(u["password_hash"] != "pw" for u in d["users"])
    assert {p["vhost"] for p in d["permissions"]} == {"jiefen"}


def test_only_the_supervision_service_publishes_on_the_feed_topic_with_its_keys(broker_user, rabbit_config):
    from infra.rabbitmq import FEED_EXCHANGE
    conn = pika.BlockingConnection(pika.URLParameters(rabbit_config["AMQP_URI"]))
    conn.channel().exchange_declare(FEED_EXCHANGE, "topic", durable=True)
    conn.close()
    supervision, intake = broker_user("supervision"), broker_user("intake")
    assert not refused(supervision, publish(FEED_EXCHANGE, "case_fact.petition"))
    assert not refused(supervision, publish(FEED_EXCHANGE, "figures.month"))
    assert refused(supervision, publish(FEED_EXCHANGE, "anything.else"))
    assert refused(intake, publish(FEED_EXCHANGE, "case_fact.intake"))
