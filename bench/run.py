"""`make bench`: measured, never asserted. Prints one report; figures go into the closing note.

1. register_case latency through nameko RPC (ClusterRpcProxy) and through the pika client, beside the
   bare AMQP echo round trip on the same broker (the floor), in one run; and the cost of the signed actor
   assertion: signing and verifying in-process, and get_case with a fresh assertion per call (signed by
   the client, verified by the service: the real cost) beside the same call re-sending one assertion the
   service has verified before (its verification cache: the cost of an unsigned call).
   Then register_case with personal data encrypted at rest and without (JIEFEN_PII_ENCRYPT), same run.
2. The deadline sweep with 10k and 1M clock rows in PostgreSQL: its cost should follow the number of
   clocks due, not the number of clocks (indexed claim query).

    python -m bench.run [--n 500] [--skip-sweep] [--sweep-rows 10000,1000000]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from nameko.standalone.rpc import ClusterRpcProxy

from bench.amqp_echo import echo_round_trips

from contracts.client import JiefenClient
from contracts.signing import Signer, generate_key
from infra.config import ROOT
from tests.factories import claim

AMQP = os.environ.get("AMQP_URI", "amqp://guest:guest@localhost:5672/")
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
WINDOW = {"user_id": "bench", "role": "window", "org_id": "zj-centre"}


def pct(samples: list[float], p: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] * 1000


def line(name: str, samples: list[float]) -> str:
    return (f"  {name:<28} n={len(samples):<5} p50={pct(samples, 50):7.2f} ms  p99={pct(samples, 99):7.2f} ms"
            f"  mean={statistics.mean(samples) * 1000:7.2f} ms")


BENCH_CLIENTS = """clients:
  svc-intake: {kind: service, service: intake, orgs: "*", roles: "*", keys: [svc-intake.pub]}
  bench: {kind: test, orgs: "*", roles: "*", keys: [bench.pub], max_ttl: 7200}
"""


def bench_keys(data_dir: str) -> Signer:
    """A registry of the bench's own (never var/keys): intake's key and the bench client's."""
    keys = Path(data_dir) / "keys"
    for client in ("svc-intake", "bench"):
        generate_key(keys, client)
    (keys / "clients.yaml").write_text(BENCH_CLIENTS, encoding="utf-8")
    return Signer.from_file("bench", keys / "bench.key", ttl=3600)


def start_intake(data_dir: str, encrypt: bool = True) -> subprocess.Popen:
    keys = Path(data_dir) / "keys"
    env = {**os.environ, "AMQP_URI": AMQP, "JIEFEN_DATA_DIR": data_dir, "PYTHONPATH": str(ROOT),
           "JIEFEN_CLIENTS_FILE": str(keys / "clients.yaml"), "JIEFEN_KEYS_DIR": str(keys), "JIEFEN_DEV_KEYS": "0",
           "JIEFEN_PII_ENCRYPT": "1" if encrypt else "0"}
    env.pop("DB_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "nameko", "run", "--config", "config/nameko.yaml",
                             "services.intake.service:IntakeService"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with ClusterRpcProxy({"AMQP_URI": AMQP}, timeout=5) as rpc:
                rpc.intake.case_definition()
            return proc
        except Exception:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("intake did not start")


def bench_latency(n: int) -> None:
    print(f"register_case latency (SQLite, one intake process, sequential calls), n={n} each:")
    with tempfile.TemporaryDirectory() as tmp:
        signer = bench_keys(tmp)
        proc = start_intake(tmp)
        try:
            with ClusterRpcProxy({"AMQP_URI": AMQP, "serializer": "json"}, context_data=signer.context(WINDOW),
                                 timeout=30) as rpc:
                for _ in range(20):                                  # warm-up
                    rpc.intake.register_case(claim(), uuid.uuid4().hex)
                nameko_s = []
                for _ in range(n):
                    data, k = claim(), uuid.uuid4().hex
                    t = time.perf_counter()
                    rpc.intake.register_case(data, k)
                    nameko_s.append(time.perf_counter() - t)
            with JiefenClient(AMQP, actor=WINDOW, timeout=30, signer=signer) as client:
                for _ in range(20):
                    client.call("intake", "register_case", claim(), uuid.uuid4().hex)
                pika_s = []
                for _ in range(n):
                    data, k = claim(), uuid.uuid4().hex
                    t = time.perf_counter()
                    client.call("intake", "register_case", data, k)
                    pika_s.append(time.perf_counter() - t)
                get_s = []
                case = client.call("intake", "register_case", claim(), uuid.uuid4().hex)
                for _ in range(n):
                    t = time.perf_counter()
                    client.call("intake", "get_case", case["case_id"])
                    get_s.append(time.perf_counter() - t)
            reused_s = []
            with JiefenClient(AMQP, actor=signer.context(WINDOW), timeout=30, signer=None) as same:
                same.call("intake", "get_case", case["case_id"])         # verified once, then cached
                for _ in range(n):
                    t = time.perf_counter()
                    same.call("intake", "get_case", case["case_id"])
                    reused_s.append(time.perf_counter() - t)
            sign_s, verify_s = assertion_costs(signer, Path(tmp) / "keys", n)
            echo_s = echo_round_trips(AMQP, n)
        finally:
            proc.terminate()
            proc.wait(15)
    print(line("bare AMQP echo (floor)", echo_s))
    print(line("register_case via nameko", nameko_s))
    print(line("register_case via pika", pika_s))
    print(line("get_case via pika", get_s))
    print(f"  ratio register(pika)/echo p50: {pct(pika_s, 50) / pct(echo_s, 50):.1f}x")
    print("signed actor assertions (Ed25519 JWT, contracts/signing.py + infra/trust.py):")
    print(line("sign one assertion", sign_s))
    print(line("verify one assertion", verify_s))
    print(line("get_case, fresh assertion", get_s))
    print(line("get_case, verified before", reused_s))
    print(f"  ratio signed/unsigned get_case p50: {pct(get_s, 50) / pct(reused_s, 50):.2f}x "
          f"(sign+verify p50 {pct(sign_s, 50) + pct(verify_s, 50):.3f} ms per call)")


def assertion_costs(signer: Signer, keys: Path, n: int) -> tuple[list[float], list[float]]:
    """Sign and verify in this process, without the verification cache (every token new)."""
    from infra.config import load_config
    from infra.orgs import load_directory
    from infra.trust import Registry, Trust
    config = load_config()
    directory = load_directory(str(config.path("organisations")), str(config.path("roles")))
    trust = Trust(Registry(keys / "clients.yaml", keys, directory), directory, signer.aud)
    sign_s, verify_s = [], []
    for _ in range(n):
        t = time.perf_counter()
        token = signer.assertion(WINDOW)
        sign_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        trust._verify(token)
        verify_s.append(time.perf_counter() - t)
    return sign_s, verify_s



def bench_encryption(n: int) -> None:
    """register_case with personal data encrypted at rest (AES-GCM + blind index) and without, one run."""
    print(f"register_case with encryption at rest on vs off (SQLite, pika client, sequential), n={n} each:")
    results = {}
    for encrypt in (False, True, False, True):          # interleaved, so drift hits both alike
        with tempfile.TemporaryDirectory() as tmp:
            signer = bench_keys(tmp)
            proc = start_intake(tmp, encrypt=encrypt)
            try:
                with JiefenClient(AMQP, actor=WINDOW, timeout=30, signer=signer) as client:
                    for _ in range(20):
                        client.call("intake", "register_case", claim(), uuid.uuid4().hex)
                    samples = results.setdefault(encrypt, [])
                    for _ in range(n // 2):
                        data, k = claim(), uuid.uuid4().hex
                        t = time.perf_counter()
                        client.call("intake", "register_case", data, k)
                        samples.append(time.perf_counter() - t)
            finally:
                proc.terminate()
                proc.wait(15)
    print(line("encryption off", results[False]))
    print(line("encryption on", results[True]))
    print(f"  cost of encryption at p50: {pct(results[True], 50) - pct(results[False], 50):+.2f} ms")


def bench_sweep(rows_list: list[int], due: int = 200) -> None:
    from sqlalchemy import text

    from infra.actors import system_actor
    from infra.calendar import Calendar
    from infra.config import load_config
    from infra.db import make_engine, upgrade
    from infra.engine import Env, transition
    from infra.orgs import load_directory
    from infra import clocks
    from services.intake.casetype import INTAKE

    print(f"deadline sweep on PostgreSQL, {due} clocks due each time:")
    config = load_config()
    directory = load_directory(str(config.path("organisations")))
    calendar = Calendar(str(config.path("holidays")))
    for rows in rows_list:
        schema = f"bench_sweep_{rows}"
        setup = make_engine(PG_URL)
        with setup.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        setup.dispose()
        upgrade(PG_URL, schema)
        engine = make_engine(PG_URL, schema)
        t = time.perf_counter()
        with engine.begin() as conn:
            # `rows` open cases with a running clock; the first `due` are past due, the rest far ahead
            conn.execute(text("""
                INSERT INTO cases (id, case_type, case_no, status, version, org_id, channel, category, summary,
                                   request, facts, data, supervised, created_at, updated_at)
                SELECT md5(g::text), 'intake', 'JF-330681-2026-' || lpad(g::text, 7, '0'), 'IN_RECEIVED', 1,
                       'zj-centre', 'window', 'neighbourhood', 's', 'r', '', '{}', false, now(), now()
                FROM generate_series(1, :rows) g"""), {"rows": rows})
            conn.execute(text("""
                INSERT INTO clocks (case_id, kind, status, unit, amount, started_at, due_at, warn_at, pauses,
                                    extended_by, excluded, warned, basis)
                SELECT md5(g::text), 'classify_route', 'running', 'working_days', 5, now() - interval '30 days',
                       CASE WHEN g <= :due THEN now() - interval '1 day' ELSE now() + interval '300 days' END,
                       CASE WHEN g <= :due THEN now() - interval '4 days' ELSE now() + interval '290 days' END,
                       '[]', 0, 0, true, 'bench'
                FROM generate_series(1, :rows) g"""), {"rows": rows, "due": due})
            conn.execute(text("ANALYZE cases; ANALYZE clocks"))
        load_s = time.perf_counter() - t
        env = Env("intake", INTAKE, engine, config, directory, calendar)

        def fire(case_id, event, data, version, key, org_id):
            return transition(env, system_actor(org_id), event, case_id=case_id, data=data,
                              expected_version=version, idempotency_key=key, view=lambda c, ctx: {})
        with engine.connect() as conn:
            plan = conn.execute(text(
                "EXPLAIN ANALYZE SELECT id FROM clocks WHERE status = 'running' AND "
                "(due_at < now() OR (warned = false AND warn_at <= now())) ORDER BY due_at LIMIT 500")).scalars().all()
        plan_ms = next((p for p in plan if p.startswith("Execution Time")), "")
        t = time.perf_counter()
        fired = clocks.sweep(env, fire)
        sweep_s = time.perf_counter() - t
        t = time.perf_counter()
        clocks.sweep(env, fire)
        idle_s = time.perf_counter() - t
        print(f"  {rows:>9,} clock rows (loaded in {load_s:5.1f} s): sweep fired {fired['expiries']} expiries in "
              f"{sweep_s * 1000:8.1f} ms ({sweep_s / max(1, fired['expiries']) * 1000:.2f} ms each); "
              f"next sweep with nothing due {idle_s * 1000:6.1f} ms; claim query {plan_ms}")
        engine.dispose()
        setup = make_engine(PG_URL)
        with setup.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        setup.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--skip-sweep", action="store_true")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--sweep-rows", default="10000,1000000")
    args = parser.parse_args()
    if not args.skip_latency:
        bench_latency(args.n)
        bench_encryption(args.n)
    if not args.skip_sweep:
        bench_sweep([int(r) for r in args.sweep_rows.split(",")])


if __name__ == "__main__":
    main()
