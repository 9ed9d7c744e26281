"""``nameko run`` with every SQL statement charged to the RPC method serving it (bench only).

    python -m bench.counted_run <counts file> --config config/nameko.yaml services.intake.service:IntakeService

On SIGUSR1 the counts so far ({method: statements}, plus "_seq" counting the dumps) are written to the
counts file (atomically), so the bench reads them between phases. With BENCH_PROFILE=<file>, the process
runs under cProfile and each dump also writes the profile there (``python -m bench.run --profile FILE``). Used in a separate phase from the
latency figures: the listener costs a little on every statement. Production never loads this module."""
import eventlet

eventlet.monkey_patch()   # as nameko run does, before anything imports threading or sockets

import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
from collections import Counter  # noqa: E402

from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from infra import logs  # noqa: E402

COUNTS: Counter = Counter()
PROFILE = os.environ.get("BENCH_PROFILE")
if PROFILE:
    import cProfile
    PROFILER = cProfile.Profile()
    PROFILED = {"register_case", "classify", "get_case"}


@event.listens_for(Engine, "before_cursor_execute")
def _count(conn, cursor, statement, parameters, context, executemany):
    method = logs.bound().get("method")   # bound by infra/service.py api for the call; timers bind none
    if method:
        COUNTS[method] += 1


def _dump(path: str) -> None:
    COUNTS["_seq"] += 1
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(COUNTS, f)
    if PROFILE:
        PROFILER.dump_stats(PROFILE)
    os.replace(tmp, path)


if __name__ == "__main__":
    counts_file = sys.argv.pop(1)
    signal.signal(signal.SIGUSR1, lambda *_: _dump(counts_file))
    from nameko.cli.main import main
    sys.argv[0] = "nameko"
    if PROFILE:
        # greenlets keep their own profile hook: profile inside each RPC worker (the bench calls one
        # at a time), not the main greenlet; timers (outbox relay, sweep) are left out
        from nameko.containers import ServiceContainer
        run_worker = ServiceContainer._run_worker

        def profiled(self, worker_ctx, handle_result):
            if worker_ctx.entrypoint.method_name not in PROFILED:
                return run_worker(self, worker_ctx, handle_result)
            PROFILER.enable()
            try:
                return run_worker(self, worker_ctx, handle_result)
            finally:
                PROFILER.disable()
        ServiceContainer._run_worker = profiled
    main()
