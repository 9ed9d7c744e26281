"""What an operator runs a service with: the call id its log lines carry (nameko's call id stack)."""
from __future__ import annotations

from nameko.extensions import DependencyProvider


class CallInfo:
    def __init__(self, worker_ctx):
        self.worker_ctx = worker_ctx

    @property
    def call_id(self) -> str | None:
        stack = self.worker_ctx.call_id_stack
        return stack[-1] if stack else None

    @property
    def origin_call_id(self) -> str | None:
        return self.worker_ctx.origin_call_id


class Ops(DependencyProvider):
    """One per service container: hands each worker its call id."""

    def get_dependency(self, worker_ctx):
        return CallInfo(worker_ctx)
