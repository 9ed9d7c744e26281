"""The pika client against a real nameko 2.14 service on a real RabbitMQ (a throwaway vhost per test).

    nameko test tests/interface/test_pika_client.py --amqp-uri amqp://guest:guest@localhost:5672/ \
        --rabbit-ctl-uri http://guest:guest@localhost:15672
"""
from __future__ import annotations

import time
import uuid
from collections import defaultdict

import eventlet
import pika
import pytest
from nameko.extensions import DependencyProvider
from nameko.rpc import rpc
from nameko.standalone.rpc import ClusterRpcProxy

from bench.amqp_echo import echo_round_trips
from contracts.client import RPC_EXCHANGE, JiefenClient, pika_uri
from contracts.errors import JiefenError

SERVICE = "pika_client_probe"
ACTOR = {"user_id": "u-1001", "role": "window_clerk", "org_id": "org-海淀-01"}

# every (idempotency_key -> list of payloads) the probe service has seen; the container runs
# in this process (green threads), so the test can read it directly
SEEN: dict[str, list] = defaultdict(list)
DONE: dict[str, int] = defaultdict(int)  # idempotency_key -> workers that finished


class WorkerData(DependencyProvider):
    """The worker's context data (what nameko read from the ``nameko.*`` headers)."""

    def get_dependency(self, worker_ctx):
        return dict(worker_ctx.data)


class ProbeService:
    name = SERVICE
    data = WorkerData()

    @rpc
    def echo(self, x):
        return {"x": x, **{k: self.data.get(k) for k in ("user_id", "role", "org_id")}}

    @rpc
    def fail(self):
        raise JiefenError(
            "GUARD_FAILED",
            "复查请求须自收到书面答复之日起30日内提出（信访条例 LVR Art 34）",
            {"article": "LVR Art 34", "days_allowed": 30, "days_elapsed": 41},
        )

    @rpc
    def record(self, idempotency_key, payload, slow_attempts=0, seconds=0.0):
        """Counts deliveries per idempotency key; the first ``slow_attempts`` of them are slow."""
        SEEN[idempotency_key].append(payload)
        attempt = len(SEEN[idempotency_key])
        try:
            if attempt <= slow_attempts:
                eventlet.sleep(seconds)
            return {"idempotency_key": idempotency_key, "attempt": attempt}
        finally:
            DONE[idempotency_key] += 1

    @rpc
    def slow(self, seconds):
        eventlet.sleep(seconds)
        return seconds


@pytest.fixture
def probe(container_factory, rabbit_config):
    container = container_factory(ProbeService, rabbit_config)
    container.start()
    return container


@pytest.fixture
def client_factory(rabbit_config):
    clients = []

    def make(**kwargs):
        kwargs.setdefault("actor", ACTOR)
        client = JiefenClient(rabbit_config["AMQP_URI"], **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def wait_until(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not (got := predicate()):
        assert time.monotonic() < deadline, "condition not reached in time"
        eventlet.sleep(0.02)
    return got


def test_round_trip_carries_the_actor_into_worker_context(probe, client_factory):
    client = client_factory()

    result = client.call(SERVICE, "echo", {"当事人": "张三", "n": [1, 2]})

    assert result == {"x": {"当事人": "张三", "n": [1, 2]}, **ACTOR}


def test_service_proxy_attribute_access(probe, client_factory):
    client = client_factory()

    assert client.service(SERVICE).echo(x="via proxy")["x"] == "via proxy"
    assert client.service(SERVICE).slow(seconds=0) == 0


def test_client_is_a_context_manager(probe, rabbit_config):
    with JiefenClient(rabbit_config["AMQP_URI"], actor=ACTOR) as client:
        assert client.call(SERVICE, "echo", 1)["x"] == 1
    assert client._connection is None


def test_actor_matches_what_cluster_rpc_proxy_sends(probe, client_factory, rabbit_config):
    with ClusterRpcProxy(rabbit_config, context_data=ACTOR) as cluster:
        via_nameko = getattr(cluster, SERVICE).echo("same")

    assert client_factory().call(SERVICE, "echo", "same") == via_nameko


def test_service_error_is_rebuilt_with_code_message_details(probe, client_factory):
    client = client_factory()

    with pytest.raises(JiefenError) as caught:
        client.call(SERVICE, "fail")

    err = caught.value
    assert err.code == "GUARD_FAILED"
    assert "LVR Art 34" in err.message
    assert err.details == {"article": "LVR Art 34", "days_allowed": 30, "days_elapsed": 41}
    assert err.http_status == 422


def test_unknown_method_fails_as_not_found_not_by_timeout(probe, client_factory):
    client = client_factory(timeout=30, retries=0)

    with pytest.raises(JiefenError) as caught:
        client.call(SERVICE, "no_such_method")

    assert caught.value.code == "NOT_FOUND"
    assert "MethodNotFound" in caught.value.message


def test_unknown_service_is_unavailable_at_once(rabbit_config, client_factory):
    # no container at all: nothing is bound to "nobody_home.*", the publish is returned
    client = client_factory(timeout=30, retries=2)

    with pytest.raises(JiefenError) as caught:
        client.call("nobody_home", "get_case", case_id="c-1")

    assert caught.value.code == "SERVICE_UNAVAILABLE"
    assert "nobody_home" in caught.value.message
    assert caught.value.details["reason"] == "unroutable"


def test_stopped_service_times_out_and_its_queued_requests_expire(rabbit_config, client_factory):
    # a stopped nameko service leaves its durable "rpc-<service>" queue bound, with no consumer
    conn = pika.BlockingConnection(pika.URLParameters(pika_uri(rabbit_config["AMQP_URI"])))
    channel = conn.channel()
    channel.exchange_declare(RPC_EXCHANGE, exchange_type="topic", durable=True)
    channel.queue_declare("rpc-stopped_service", durable=True)
    channel.queue_bind("rpc-stopped_service", RPC_EXCHANGE, routing_key="stopped_service.*")
    client = client_factory(timeout=0.3, retries=1)

    with pytest.raises(JiefenError) as caught:
        client.call("stopped_service", "register_case", idempotency_key="k-1")

    assert caught.value.code == "SERVICE_UNAVAILABLE"
    assert caught.value.details["attempts"] == 2
    # both attempts expired (TTL = timeout): nothing left to run when the service restarts
    wait_until(lambda: channel.queue_declare("rpc-stopped_service", passive=True)
               .method.message_count == 0)
    assert channel.basic_get("rpc-stopped_service", auto_ack=True) == (None, None, None)
    conn.close()


class Spy:
    """Copies of every request published with ``routing_key``, consumed as they arrive (the
    client's requests carry a TTL, so they cannot wait in the spy's queue)."""

    def __init__(self, amqp_uri: str, routing_key: str):
        self.copies: list = []
        self._conn = pika.BlockingConnection(pika.URLParameters(pika_uri(amqp_uri)))
        channel = self._conn.channel()
        channel.exchange_declare(RPC_EXCHANGE, exchange_type="topic", durable=True)
        queue = channel.queue_declare("", exclusive=True).method.queue
        channel.queue_bind(queue, RPC_EXCHANGE, routing_key=routing_key)
        channel.basic_consume(queue, lambda ch, m, props, body: self.copies.append((props, body)),
                              auto_ack=True)
        self._running = True
        self._thread = eventlet.spawn(self._pump)

    def _pump(self):
        while self._running:
            self._conn.process_data_events(time_limit=0.05)

    def close(self):
        self._running = False
        self._thread.wait()
        self._conn.close()


def test_timeout_retries_with_identical_body_then_unavailable(probe, client_factory, rabbit_config):
    spy = Spy(rabbit_config["AMQP_URI"], f"{SERVICE}.record")
    client = client_factory(timeout=0.3, retries=2)
    key = str(uuid.uuid4())

    with pytest.raises(JiefenError) as caught:
        client.call(SERVICE, "record", idempotency_key=key, payload={"案由": "欠薪"},
                    slow_attempts=99, seconds=1.0)

    assert caught.value.code == "SERVICE_UNAVAILABLE"
    assert caught.value.details["attempts"] == 3
    # the service saw the same idempotency key three times, with the same payload
    wait_until(lambda: len(SEEN[key]) == 3)
    assert SEEN[key] == [{"案由": "欠薪"}] * 3
    # on the wire: byte-identical bodies and headers, one reply queue, fresh correlation ids
    wait_until(lambda: len(spy.copies) == 3)
    spy.close()
    assert len({body for _, body in spy.copies}) == 1
    assert len({props.correlation_id for props, _ in spy.copies}) == 3
    assert len({props.reply_to for props, _ in spy.copies}) == 1
    assert all(props.headers == spy.copies[0][0].headers for props, _ in spy.copies)
    assert spy.copies[0][0].headers["nameko.user_id"] == ACTOR["user_id"]
    wait_until(lambda: DONE[key] == 3)  # let the sleeping workers finish before teardown


def test_late_reply_to_an_earlier_attempt_is_ignored(probe, client_factory):
    client = client_factory(timeout=0.4, retries=2)
    key = str(uuid.uuid4())

    # attempt 1 sleeps 0.8s, past the 0.4s timeout; attempt 2 (same body) answers at once
    result = client.call(SERVICE, "record", idempotency_key=key, payload="p",
                         slow_attempts=1, seconds=0.8)
    assert result == {"idempotency_key": key, "attempt": 2}

    # attempt 1's reply reaches the same reply queue while the client awaits this next call
    client.timeout = 5.0
    assert client.call(SERVICE, "slow", 1.0) == 1.0
    assert DONE[key] == 2
    assert client.ignored_replies == 1


def test_reconnects_after_the_broker_drops_the_connection(
    probe, client_factory, rabbit_manager, rabbit_config
):
    client = client_factory(timeout=2)
    assert client.call(SERVICE, "echo", 1)["x"] == 1

    def pika_connections():  # the service's own connections are py-amqp's, not pika's
        return [c["name"] for c in rabbit_manager.get_connections()
                if c["vhost"] == rabbit_config["vhost"]
                and c.get("client_properties", {}).get("product") == "Pika Python Client Library"]

    dropped = wait_until(pika_connections, timeout=10)
    for name in dropped:
        rabbit_manager.delete_connection(name)
    assert client.call(SERVICE, "echo", 2)["x"] == 2
    # it answered over a new connection: the broker lists one, and not the dropped one (its list lags)
    wait_until(lambda: (now := set(pika_connections())) and not now & set(dropped), timeout=20)


def test_bare_amqp_echo_bench_runs(rabbit_config):
    samples = echo_round_trips(rabbit_config["AMQP_URI"], 20)

    assert len(samples) == 20
    assert all(0 < s < 5 for s in samples)
