"""RPC from the gateway to the case services, as the signed-in user, never without a timeout.

One reply queue per gateway container (nameko's shared ``ReplyListener``) and nameko's pooled
publisher connections. Each call:
- carries the actor (user_id, role, org_id) as nameko context data, with an assertion signed by the
  gateway's own key (client ``gateway`` in config/clients.yaml), like every other caller;
- is published with ``mandatory`` under publisher confirms: a service that was never deployed on
  this broker has no queue bound, the message is unroutable -> SERVICE_UNAVAILABLE at once;
- carries a per-message TTL equal to the timeout, so a request waiting in the durable queue of a
  stopped service expires there instead of running when the service comes back;
- waits at most ``timeout`` seconds for the reply -> SERVICE_UNAVAILABLE (503), never a hang.
"""
from __future__ import annotations

import logging

import eventlet
from nameko.containers import WorkerContext
from nameko.exceptions import RemoteError, UnknownService
from nameko.extensions import DependencyProvider
from nameko.rpc import MethodProxy, ReplyListener

from contracts.errors import JiefenError
from infra.config import load_config
from infra.orgs import load_directory
from infra.trust import load_trust
from services.gateway.settings import load_settings

GATEWAY_CLIENT = "gateway"

log = logging.getLogger(__name__)
# publishing to a broker that is down: a few quick retries, not nameko's default minutes
RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.3, "interval_max": 0.5}
NAMEKO_ERRORS = {"MethodNotFound": "NOT_FOUND", "IncorrectSignature": "VALIDATION_ERROR",
                 "MalformedRequest": "VALIDATION_ERROR"}


class ServiceRpc(DependencyProvider):
    reply_listener = ReplyListener()

    def __init__(self, timeout: float | None = None):
        self.timeout = timeout

    def setup(self):
        if self.timeout is None:
            self.timeout = load_settings(self.container.config).rpc_timeout
        config = load_config(**(self.container.config.get("JIEFEN") or {}))
        directory = load_directory(str(config.path("organisations")), str(config.path("roles")))
        self.trust = load_trust(config, directory, GATEWAY_CLIENT)    # the gateway's own key signs for its users

    def get_dependency(self, worker_ctx):
        return Caller(worker_ctx, self.reply_listener, self.timeout, self.trust)


class Caller:
    def __init__(self, worker_ctx, reply_listener: ReplyListener, timeout: float, trust=None):
        self.worker_ctx = worker_ctx
        self.reply_listener = reply_listener
        self.timeout = timeout
        self.trust = trust

    def __call__(self, service: str, method: str, actor: dict | None, *args, **kwargs):
        signed = self.trust.context_for(actor) if actor else {}
        data = {**signed, "call_id_stack": list(self.worker_ctx.call_id_stack)}
        ctx = WorkerContext(self.worker_ctx.container, None, self.worker_ctx.entrypoint, data=data)
        proxy = MethodProxy(ctx, service, method, self.reply_listener, expiration=self.timeout,
                            retry_policy=RETRY_POLICY)
        unavailable = JiefenError("SERVICE_UNAVAILABLE", f"服务 {service} 未在 {self.timeout:g} 秒内响应，请稍后重试",
                                  {"service": service, "method": method, "timeout": self.timeout})
        try:
            reply = proxy.call_async(*args, **kwargs)
        except UnknownService:
            raise JiefenError("SERVICE_UNAVAILABLE", f"服务 {service} 未部署或未运行",
                              {"service": service, "method": method, "reason": "not deployed"}) from None
        except Exception as exc:   # broker unreachable
            log.warning("rpc %s.%s: publish failed: %r", service, method, exc)
            raise unavailable from None
        try:
            with eventlet.Timeout(self.timeout):
                return reply.result()
        except eventlet.Timeout:
            self._forget(reply)
            log.warning("rpc %s.%s: no reply in %gs", service, method, self.timeout)
            raise unavailable from None
        except JiefenError:
            raise
        except RemoteError as exc:
            code = NAMEKO_ERRORS.get(exc.exc_type, "INTERNAL")
            raise JiefenError(code, f"{service}.{method}: {exc.exc_type}", {"service": service}) from None
        except Exception as exc:   # nameko's own deserialised exceptions
            code = NAMEKO_ERRORS.get(type(exc).__name__, "INTERNAL")
            raise JiefenError(code, f"{service}.{method}: {type(exc).__name__}", {"service": service}) from None

    def _forget(self, reply) -> None:
        """Drop the reply event we stopped waiting for (a late reply is then logged and ignored)."""
        events = self.reply_listener._reply_events
        for cid, event in list(events.items()):
            if event is reply.reply_event:
                events.pop(cid, None)
                break
