"""A nameko service that does nothing: the bare nameko RPC round trip beside register_case (issue 17)."""
from nameko.rpc import rpc


class NoopService:
    name = "bench_noop"

    @rpc
    def ping(self, payload=None):
        return None
