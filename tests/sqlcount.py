"""Counting the SQL statements each RPC method runs, without any cost in production.

A ``before_cursor_execute`` listener on a running service's engine (the test reaches it through the
container's ``Platform``) charges every statement to the RPC method serving it: infra/service.py ``api``
binds the method in the call's log fields (green-local), so a timer's statements (outbox relay, sweep,
hand-offs) are charged to no method and left out."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import event

from infra import logs


class StatementCounter:
    def __init__(self, engine):
        self.engine = engine
        self.counts: Counter = Counter()
        self.statements: dict[str, list[str]] = {}

    def _count(self, conn, cursor, statement, parameters, context, executemany):
        method = logs.bound().get("method")
        if method:
            self.counts[method] += 1
            self.statements.setdefault(method, []).append(statement.split("\n")[0][:120])

    def __enter__(self) -> "StatementCounter":
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)

    def take(self, method: str) -> tuple[int, list[str]]:
        """(statements charged to ``method`` since the last take, their first lines); resets it."""
        n, lines = self.counts.pop(method, 0), self.statements.pop(method, [])
        return n, lines


def service_engine(container):
    """The engine of a running service container (its Platform's, shared by its case types)."""
    from infra.service import Platform
    platform = next(d for d in container.dependencies if isinstance(d, Platform))
    return next(iter(platform.envs.values())).engine
