"""A small RPC client for jiefen's nameko services, on pika only.

For window terminals and integrators that do not run nameko. It speaks the wire protocol of nameko
2.14's ``ClusterRpcProxy`` (checked against nameko/rpc.py, standalone/rpc.py, messaging.py):

- request: JSON ``{"args": [...], "kwargs": {...}}`` published to the durable topic exchange
  ``nameko-rpc`` with routing key ``<service>.<method>``, ``reply_to``, ``correlation_id``,
  ``content_type=application/json``, ``mandatory=True`` under publisher confirms (an unroutable
  call, i.e. no service queue bound, fails at once instead of waiting for the timeout);
- context data (the actor): one AMQP header per key, named ``nameko.<key>`` (nameko's
  ``HeaderDecoder`` strips the ``nameko.`` prefix into ``worker_ctx.data``);
- reply: the service publishes ``{"result": ..., "error": ...}`` to ``nameko-rpc`` with routing
  key = our ``reply_to``, so our reply queue is bound there under its own name. RabbitMQ's
  direct reply-to (``amq.rabbitmq.reply-to``) cannot be used: nameko replies through the
  ``nameko-rpc`` exchange, not the default one.

Dates, datetimes, times, decimals and UUIDs travel in kombu's JSON markers
(``{"__type__": "datetime", "__value__": "..."}``), exactly as a ``ClusterRpcProxy`` would send and
receive them.

The client is synchronous and not thread-safe: use one per thread.
"""
from __future__ import annotations

import base64
import functools
import json
import logging
import time
import uuid
from datetime import date, datetime
from datetime import time as dtime
from decimal import Decimal
from typing import Any

import pika
import pika.exceptions

from contracts.errors import JiefenError
from contracts.signing import Signer

__all__ = ["JiefenClient", "ServiceProxy", "RPC_EXCHANGE", "HEADER_PREFIX"]

_log = logging.getLogger(__name__)

RPC_EXCHANGE = "nameko-rpc"  # nameko.rpc.get_rpc_exchange: durable topic exchange
HEADER_PREFIX = "nameko."  # nameko.constants.HEADER_PREFIX + "."
CONTENT_TYPE = "application/json"
_CALL_ID_STACK_KEY = "call_id_stack"  # nameko.constants.CALL_ID_STACK_CONTEXT_KEY


# --- JSON, wire-compatible with kombu.utils.json ------------------------------------------------

def _marker(kind: str, value: Any) -> dict:
    return {"__type__": kind, "__value__": value}


def _default(obj: Any) -> Any:
    if isinstance(obj, datetime):  # before date: a datetime is a date
        return _marker("datetime", obj.isoformat())
    if isinstance(obj, date):
        return _marker("date", obj.isoformat())
    if isinstance(obj, dtime):
        return _marker("time", obj.isoformat())
    if isinstance(obj, Decimal):
        return _marker("decimal", str(obj))
    if isinstance(obj, uuid.UUID):
        return _marker("uuid", {"hex": obj.hex})
    if isinstance(obj, bytes):
        try:
            return _marker("bytes", obj.decode("utf-8"))
        except UnicodeDecodeError:
            return _marker("base64", base64.b64encode(obj).decode("ascii"))
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


_DECODERS = {
    "datetime": datetime.fromisoformat,
    "date": lambda v: datetime.fromisoformat(v).date(),
    "time": dtime.fromisoformat,
    "decimal": Decimal,
    "uuid": lambda v: uuid.UUID(**v),
    "bytes": lambda v: v.encode("utf-8"),
    "base64": lambda v: base64.b64decode(v.encode("ascii")),
}


def _object_hook(obj: dict) -> Any:
    if obj.keys() == {"__type__", "__value__"} and obj["__type__"] in _DECODERS:
        return _DECODERS[obj["__type__"]](obj["__value__"])
    return obj


def encode_request(args: tuple | list, kwargs: dict) -> bytes:
    """The request body nameko's ``Rpc`` entrypoint expects."""
    return json.dumps({"args": list(args), "kwargs": kwargs}, default=_default,
                      ensure_ascii=False).encode("utf-8")


def decode_reply(body: bytes) -> dict:
    return json.loads(body.decode("utf-8"), object_hook=_object_hook)


# --- the client ---------------------------------------------------------------------------------

class JiefenClient:
    """Call jiefen services over RabbitMQ without nameko.

    >>> signer = Signer.from_file("county-hotline", "county-hotline.key")   # or JIEFEN_CLIENT_ID + JIEFEN_KEY_FILE
    >>> with JiefenClient(actor={"user_id": "u1", "role": "window", "org_id": "zj-centre"}, signer=signer) as c:
    ...     case = c.call("intake", "get_case", case_id="...")
    ...     case = c.service("intake").get_case(case_id="...")   # the same

    ``call`` returns the method's result or raises ``JiefenError``: the service's own error rebuilt
    by ``JiefenError.from_reply``, or ``SERVICE_UNAVAILABLE`` when no service is bound to the
    routing key (at once) or no reply came within ``timeout`` seconds after ``retries`` resends.
    A resend carries the byte-identical body (so the same ``idempotency_key`` argument: services
    dedupe) under a fresh ``correlation_id``; a late reply to an earlier attempt is dropped.
    Worst-case blocking time is ``timeout * (retries + 1)``.

    "At once" holds only while no queue is bound: nameko's ``rpc-<service>`` queue is durable, so
    once a service has run on the broker, a call while it is stopped waits for the timeout. Each
    request carries a per-message TTL of ``timeout``, so such a request expires in the queue
    rather than running when the service comes back. An attempt that did reach a worker may still
    run after its timeout: every command must be idempotent (ENGINEERING.md §3).
    """

    def __init__(
        self,
        amqp_uri: str = "amqp://guest:guest@localhost:5672/",
        actor: dict | None = None,
        timeout: float = 10.0,
        retries: int = 2,
        signer: Signer | None = None,
    ):
        if timeout <= 0:
            raise ValueError("timeout must be > 0")
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self.amqp_uri = pika_uri(amqp_uri)
        self.actor = dict(actor or {})
        # signs the actor of every call (contracts/signing.py); default: JIEFEN_CLIENT_ID + JIEFEN_KEY_FILE
        self.signer = signer if signer is not None else Signer.from_env()
        self.timeout = float(timeout)
        self.retries = int(retries)
        self.ignored_replies = 0  # late or foreign replies dropped, for tests and diagnostics
        self._connection: pika.BlockingConnection | None = None
        self._channel = None
        self._reply_queue: str | None = None
        self._awaited: str | None = None
        self._reply: dict | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    def __enter__(self) -> "JiefenClient":
        self._ensure_connected()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        conn, self._connection, self._channel, self._reply_queue = self._connection, None, None, None
        if conn is not None and conn.is_open:
            try:
                conn.close()  # the exclusive reply queue goes with the connection
            except pika.exceptions.AMQPError:  # already broken: nothing left to release
                pass

    def _ensure_connected(self) -> None:
        if self._connection is not None:
            try:
                # detects a connection the broker dropped while we were idle (missed
                # heartbeats), and drains late replies still queued for earlier calls
                self._connection.process_data_events(0)
                if self._connection.is_open and self._channel.is_open:
                    return
            except pika.exceptions.AMQPError:
                pass
            self.close()
        try:
            conn = pika.BlockingConnection(pika.URLParameters(self.amqp_uri))
        except pika.exceptions.AMQPError as exc:
            raise JiefenError("SERVICE_UNAVAILABLE", f"cannot reach the message broker: {exc!r}",
                              {"broker": _redact(self.amqp_uri)}) from exc
        try:
            channel = conn.channel()
            channel.confirm_delivery()
            # same arguments as nameko, so the declaration is idempotent whoever comes first
            channel.exchange_declare(RPC_EXCHANGE, exchange_type="topic", durable=True)
            # one AMQP word (no dots) so it can never match a service's "<service>.*" binding
            queue = f"jiefen-client-reply-{uuid.uuid4().hex}"
            channel.queue_declare(queue, exclusive=True, auto_delete=True)
            channel.queue_bind(queue, RPC_EXCHANGE, routing_key=queue)
            channel.basic_consume(queue, self._on_reply, auto_ack=True)
        except BaseException:
            conn.close()
            raise
        self._connection, self._channel, self._reply_queue = conn, channel, queue

    # -- calls ---------------------------------------------------------------------------------

    def service(self, name: str) -> "ServiceProxy":
        return ServiceProxy(self, name)

    def call(self, service: str, method: str, *args, **kwargs) -> Any:
        body = encode_request(args, kwargs)  # built once: every attempt sends these bytes
        call_id = f"jiefen_client.{service}.{method}.{uuid.uuid4()}"
        context = dict(self.actor)
        if self.signer is not None and self.actor:
            context = self.signer.context(self.actor)     # a fresh assertion per call: no expiry mid-session
        headers = {HEADER_PREFIX + k: v for k, v in context.items() if v is not None}
        # nameko pops call_id_stack out of worker_ctx.data and extends it in nested calls,
        # so the service's logs can tie all attempts of this call together
        headers[HEADER_PREFIX + _CALL_ID_STACK_KEY] = [call_id]
        attempts = self.retries + 1
        last_problem = "no reply"
        for attempt in range(1, attempts + 1):
            correlation_id = str(uuid.uuid4())
            try:
                self._ensure_connected()
                self._publish(service, method, body, headers, correlation_id)
                reply = self._wait_for(correlation_id, self.timeout)
            except pika.exceptions.UnroutableError:
                raise JiefenError(
                    "SERVICE_UNAVAILABLE",
                    f"no service {service!r} is listening (message to {service}.{method} was unroutable)",
                    {"service": service, "method": method, "reason": "unroutable"},
                ) from None
            except pika.exceptions.AMQPError as exc:  # connection lost, channel closed, nack
                _log.warning("rpc %s.%s attempt %d/%d: %r", service, method, attempt, attempts, exc)
                last_problem = f"broker error: {exc!r}"
                self.close()
                continue
            if reply is None:
                _log.warning("rpc %s.%s attempt %d/%d: no reply in %.1fs",
                             service, method, attempt, attempts, self.timeout)
                last_problem = f"no reply within {self.timeout:g}s"
                continue
            error = reply.get("error")
            if error:
                raise JiefenError.from_reply(error)
            return reply.get("result")
        raise JiefenError(
            "SERVICE_UNAVAILABLE",
            f"service {service!r} did not answer {method}: {last_problem} after {attempts} attempt(s)",
            {"service": service, "method": method, "attempts": attempts, "timeout": self.timeout},
        )

    def _publish(self, service: str, method: str, body: bytes, headers: dict, correlation_id: str):
        self._channel.basic_publish(
            exchange=RPC_EXCHANGE,
            routing_key=f"{service}.{method}",
            body=body,
            properties=pika.BasicProperties(
                content_type=CONTENT_TYPE,
                content_encoding="utf-8",
                reply_to=self._reply_queue,
                correlation_id=correlation_id,
                headers=headers,
                delivery_mode=2,  # as nameko's publisher (PERSISTENT)
                # nameko's service queues are durable: a stopped service's queue keeps
                # requests and runs them when it restarts. A request nobody awaits any
                # more (we resend or give up after `timeout`) expires instead.
                expiration=str(max(1, int(self.timeout * 1000))),
            ),
            mandatory=True,  # with confirms: raises UnroutableError if no queue is bound
        )

    def _wait_for(self, correlation_id: str, timeout: float) -> dict | None:
        self._awaited, self._reply = correlation_id, None
        deadline = time.monotonic() + timeout
        try:
            while self._reply is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._connection.process_data_events(time_limit=remaining)
            return self._reply
        finally:
            self._awaited, self._reply = None, None

    def _on_reply(self, channel, method, properties, body) -> None:
        if properties.correlation_id != self._awaited or self._reply is not None:
            self.ignored_replies += 1
            _log.debug("ignoring reply with correlation id %s", properties.correlation_id)
            return
        try:
            self._reply = decode_reply(body)
        except ValueError as exc:
            self._reply = {"result": None, "error": {
                "exc_type": "MalformedReply", "exc_args": [], "value": repr(exc)}}


class ServiceProxy:
    """``client.service("intake").get_case(case_id=...)`` == ``client.call("intake", "get_case", ...)``."""

    def __init__(self, client: JiefenClient, service: str):
        self._client = client
        self._service = service

    def __getattr__(self, method: str):
        if method.startswith("_"):
            raise AttributeError(method)
        return functools.partial(self._client.call, self._service, method)

    def __repr__(self) -> str:
        return f"<ServiceProxy {self._service}>"


def pika_uri(uri: str) -> str:
    """kombu and nameko spell the same broker ``pyamqp://``; pika knows only amqp(s)."""
    return "amqp://" + uri[len("pyamqp://"):] if uri.startswith("pyamqp://") else uri


def _redact(uri: str) -> str:
    params = pika.URLParameters(uri)
    return f"{params.host}:{params.port}{'/' if params.virtual_host == '/' else '/' + params.virtual_host}"
