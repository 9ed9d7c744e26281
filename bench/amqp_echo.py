"""Bare-AMQP echo round trips with pika: the floor under nameko RPC latency.

An echo consumer (its own pika connection, in a thread) answers every message on its ``reply_to``;
a publisher on a second connection sends one message at a time to it and waits for the answer on
its own exclusive reply queue, as an RPC client does. No confirms, no JSON, no nameko.

    python bench/amqp_echo.py [amqp_uri] [n]
"""
from __future__ import annotations

import statistics
import sys
import threading
import time
import uuid

import pika

from contracts.client import pika_uri


def _echo_server(amqp_uri: str, queue: str, ready: threading.Event, box: dict) -> None:
    conn = pika.BlockingConnection(pika.URLParameters(pika_uri(amqp_uri)))
    channel = conn.channel()
    channel.queue_declare(queue, exclusive=True, auto_delete=True)

    def on_message(ch, method, props, body):
        ch.basic_publish("", props.reply_to, body,
                         pika.BasicProperties(correlation_id=props.correlation_id))

    channel.basic_consume(queue, on_message, auto_ack=True)
    box["stop"] = lambda: conn.add_callback_threadsafe(channel.stop_consuming)
    ready.set()
    try:
        channel.start_consuming()
    finally:
        conn.close()


class Echo:
    """An echo consumer (its thread) and a publisher with its reply queue: ``round_trip()`` is one call."""

    def __init__(self, amqp_uri: str):
        self.queue = f"bench-echo-{uuid.uuid4().hex}"
        ready, self.box = threading.Event(), {}
        self.server = threading.Thread(target=_echo_server, args=(amqp_uri, self.queue, ready, self.box),
                                       daemon=True)
        self.server.start()
        if not ready.wait(10):
            raise RuntimeError("echo consumer did not start")
        self.conn = pika.BlockingConnection(pika.URLParameters(pika_uri(amqp_uri)))
        self.channel = self.conn.channel()
        self.reply_queue = self.channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
        self.got: list[str] = []
        self.channel.basic_consume(self.reply_queue, lambda ch, m, p, b: self.got.append(p.correlation_id),
                                   auto_ack=True)

    def round_trip(self) -> float:
        """Seconds for one request/reply round trip through the broker."""
        cid = str(uuid.uuid4())
        start = time.perf_counter()
        self.channel.basic_publish("", self.queue, b'{"ping": 1}', pika.BasicProperties(
            reply_to=self.reply_queue, correlation_id=cid))
        while cid not in self.got:
            if time.perf_counter() - start > 5:
                raise TimeoutError("echo consumer did not answer within 5s")
            self.conn.process_data_events(time_limit=1)
        elapsed = time.perf_counter() - start
        self.got.clear()
        return elapsed

    def close(self) -> None:
        self.conn.close()
        self.box["stop"]()
        self.server.join(10)


def echo_round_trips(amqp_uri: str, n: int) -> list[float]:
    """Seconds for each of ``n`` sequential request/reply round trips through the broker."""
    echo = Echo(amqp_uri)
    try:
        return [echo.round_trip() for _ in range(n)]
    finally:
        echo.close()


if __name__ == "__main__":
    uri = sys.argv[1] if len(sys.argv) > 1 else "amqp://guest:guest@localhost:5672/"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    ms = sorted(s * 1000 for s in echo_round_trips(uri, count))
    print(f"n={count} p50={statistics.median(ms):.3f}ms "
          f"p95={ms[int(0.95 * (len(ms) - 1))]:.3f}ms max={ms[-1]:.3f}ms")
