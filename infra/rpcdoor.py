"""The RPC door: every JSON message a service receives passes contracts.hygiene before nameko sees
it. kombu decodes a message before any nameko hook runs, so the check is a kombu JSON decoder: a
message too large or too deep is not parsed at all, and one with NUL or lone surrogates is not
handed on; either becomes a marker that ``GuardedRpc`` answers with VALIDATION_ERROR (over AMQP a
1,000-deep payload gets a reply, not silence; a 100k-party message no longer keeps a worker busy)."""
from __future__ import annotations

from kombu import serialization
from kombu.utils import json as kombu_json
from nameko.rpc import Rpc

from contracts import hygiene
from contracts.errors import JiefenError

REFUSED = "jiefen_refused"


def guarded_loads(data):
    problem = hygiene.size_problem(data)
    if problem is None:
        try:
            value = kombu_json.loads(data)
        except RecursionError:
            value, problem = None, hygiene.size_problem(data, max_depth=0)
        if problem is None:
            problem = hygiene.text_problem(value, "message")
            if problem is None:
                return value
    return {"args": [], "kwargs": {}, REFUSED: problem.to_dict()}


def install() -> None:
    serialization.register("json", kombu_json.dumps, guarded_loads, content_type="application/json",
                           content_encoding="utf-8")


class GuardedRpc(Rpc):
    def handle_message(self, body, message):
        refused = body.get(REFUSED) if isinstance(body, dict) else None
        if refused:
            # raised here, nameko's RpcConsumer replies with it (and acks): the caller gets an answer
            raise JiefenError(refused["error"], refused["message"], refused["details"])
        return super().handle_message(body, message)


rpc = GuardedRpc.decorator
install()
