"""In-process profile of the register path (issue 17): the RPC method's own work without the broker —
RegisterArgs at the boundary, the transition (guards, effect, clocks, audit, outbox, idempotency, commit)
and the case view — N calls on a real SQLite file (or PostgreSQL with --pg URL), under cProfile.

    python -m bench.profile_register [--n 300] [--pg postgresql://postgres@127.0.0.1:5432/test] [--out FILE]

Prints the wall and CPU time per call and the top 25 functions by cumulative and by own CPU time (the profile
counts process time, so the wait for the disk (fsync at commit) is left out of it)."""
from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
import uuid

from infra import pii
from infra.actors import Actor
from infra.calendar import Calendar
from infra.config import default_config
from infra.db import make_engine, upgrade
from infra.engine import Env, transition
from infra.orgs import load_directory
from infra.service import load
from infra.views import case_view
from services.intake.casetype import INTAKE
from services.intake.service import RegisterArgs
from tests.factories import claim

WINDOW = Actor("bench", "window", "zj-centre")


def register(env: Env, data: dict, key: str) -> dict:
    """What IntakeService.register_case does once the actor is verified."""
    args = load(RegisterArgs, {"case": data, "idempotency_key": key})
    return transition(env, WINDOW, "register_claim", data=args["case"], idempotency_key=key, data_loaded=True,
                      view=lambda case, ctx: case_view(case, env, WINDOW, ctx.now, ctx.extra))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--pg", help="a PostgreSQL URL (a scratch schema is made and dropped)")
    parser.add_argument("--out", help="keep the profile in this file")
    parser.add_argument("--no-profile", action="store_true", help="time only (no cProfile overhead)")
    args = parser.parse_args()
    pii.set_keyring(pii.Keyring([b"k" * 32], b"i" * 32, b"a" * 32))
    config = default_config()
    directory = load_directory(str(config.path("organisations")), str(config.path("roles")))
    with tempfile.TemporaryDirectory() as tmp:
        schema = None
        if args.pg:
            url, schema = args.pg, f"bench_profile_{uuid.uuid4().hex[:8]}"
        else:
            url = f"sqlite:///{tmp}/intake.sqlite"
        upgrade(url, schema)
        engine = make_engine(url, schema)
        env = Env("intake", INTAKE, engine, config, directory, Calendar(str(config.path("holidays"))))
        try:
            claims = [claim() for _ in range(args.n + 20)]
            for c in claims[:20]:                                   # warm-up
                register(env, c, uuid.uuid4().hex)
            keys = [uuid.uuid4().hex for _ in range(args.n)]
            prof = cProfile.Profile(time.process_time)      # CPU, not the wait for the disk
            t, cpu = time.perf_counter(), time.process_time()
            if not args.no_profile:
                prof.enable()
            for c, k in zip(claims[20:], keys):
                register(env, c, k)
            if not args.no_profile:
                prof.disable()
            wall, cpu = time.perf_counter() - t, time.process_time() - cpu
            print(f"register in-process ({'PostgreSQL' if args.pg else 'SQLite file'}), n={args.n}: "
                  f"{wall / args.n * 1000:.2f} ms wall, {cpu / args.n * 1000:.2f} ms CPU per call"
                  f"{'' if args.no_profile else ' (under cProfile)'}")
            if not args.no_profile:
                if args.out:
                    prof.dump_stats(args.out)
                stats = pstats.Stats(prof)
                stats.sort_stats("cumulative").print_stats(25)
                stats.sort_stats("tottime").print_stats(25)
        finally:
            engine.dispose()
            if schema:
                from sqlalchemy import text
                setup = make_engine(url)
                with setup.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                setup.dispose()


if __name__ == "__main__":
    main()
