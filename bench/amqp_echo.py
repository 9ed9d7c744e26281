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


def echo_round_trips(amqp_uri: str, n: int) -> list[float]:
    """Seconds for each of ``n`` sequential request/reply round trips through the broker."""
    queue = f"bench-echo-{uuid.uuid4().hex}"
    ready, box = threading.Event(), {}
    server = threading.Thread(target=_echo_server, args=(amqp_uri, queue, ready, box), daemon=True)
    server.start()
    if not ready.wait(10):
        raise RuntimeError("echo consumer did not start")
    conn = pika.BlockingConnection(pika.URLParameters(pika_uri(amqp_uri)))
    try:
        channel = conn.channel()
        reply_queue = channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
        got: list[str] = []
        channel.basic_consume(reply_queue, lambda ch, m, p, b: got.append(p.correlation_id),
                              auto_ack=True)
        samples = []
        for _ in range(n):
            cid = str(uuid.uuid4())
            start = time.perf_counter()
            channel.basic_publish("", queue, b'{"ping": 1}', pika.BasicProperties(
                reply_to=reply_queue, correlation_id=cid))
            while cid not in got:
                if time.perf_counter() - start > 5:
                    raise TimeoutError("echo consumer did not answer within 5s")
                conn.process_data_events(time_limit=1)
            samples.append(time.perf_counter() - start)
            got.clear()
        return samples
    finally:
        conn.close()
        box["stop"]()
        server.join(10)


if __name__ == "__main__":
    uri = sys.argv[1] if len(sys.argv) > 1 else "amqp://guest:guest@localhost:5672/"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    ms = sorted(s * 1000 for s in echo_round_trips(uri, count))
    print(f"n={count} p50={statistics.median(ms):.3f}ms "
          f"p95={ms[int(0.95 * (len(ms) - 1))]:.3f}ms max={ms[-1]:.3f}ms")
