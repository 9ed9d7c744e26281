"""`make bench`: measured, never asserted. Prints one report; figures go into the closing note.

1. register_case latency through nameko RPC (ClusterRpcProxy) and through the pika client, beside the
   bare AMQP echo round trip on the same broker (the floor) and a bare nameko RPC to a do-nothing service
   (bench/noop_service.py), interleaved call by call in one run, with the ratios issue 17 names and the
   intake process's CPU time per registration; the SQL statements per register/fire/get (bench/counted_run.py); and the cost of the signed actor
   assertion: signing and verifying in-process, and get_case with a fresh assertion per call (signed by
   the client, verified by the service: the real cost) beside the same call re-sending one assertion the
   service has verified before (its verification cache: the cost of an unsigned call).
   Then register_case with personal data encrypted at rest and without (JIEFEN_PII_ENCRYPT), same run;
   and throughput under load: 8 concurrent clients for 60 s against one intake (SQLite), then one and two
   intakes on PostgreSQL as competing consumers (registrations/s, each process's CPU use beside it).
2. The deadline sweep with 10k and 1M clock rows in PostgreSQL: its cost should follow the number of
   clocks due, not the number of clocks (indexed claim query).

    python -m bench.run [--n 300] [--skip-sweep] [--sweep-rows 10000,1000000]
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from nameko.standalone.rpc import ClusterRpcProxy

from bench.amqp_echo import Echo

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


def start_service(data_dir: str, target: str = "services.intake.service:IntakeService", encrypt: bool = True,
                  counts_file: str | None = None, profile: str | None = None,
                  db: dict | None = None) -> subprocess.Popen:
    """One nameko process running ``target``; with ``counts_file``, under bench/counted_run.py (SQL
    statements per RPC method, dumped on SIGUSR1). Returns once the service answers."""
    keys = Path(data_dir) / "keys"
    env = {**os.environ, "AMQP_URI": AMQP, "JIEFEN_DATA_DIR": data_dir, "PYTHONPATH": str(ROOT),
           "JIEFEN_CLIENTS_FILE": str(keys / "clients.yaml"), "JIEFEN_KEYS_DIR": str(keys), "JIEFEN_DEV_KEYS": "0",
           "JIEFEN_PII_ENCRYPT": "1" if encrypt else "0"}
    env.pop("DB_URL", None)
    env.update(db or {})                 # DB_URL + JIEFEN_DB_SCHEMA_PREFIX: a scratch PostgreSQL schema
    if profile:
        env["BENCH_PROFILE"] = profile
    runner = ["-m", "bench.counted_run", counts_file] if counts_file else ["-m", "nameko"]
    proc = subprocess.Popen([sys.executable, *runner, "run", "--config", "config/nameko.yaml", target],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with ClusterRpcProxy({"AMQP_URI": AMQP}, timeout=5) as rpc:
                if target.endswith("NoopService"):
                    rpc.bench_noop.ping()
                else:
                    rpc.intake.case_definition()
            return proc
        except Exception:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"{target} did not start")


def start_intake(data_dir: str, encrypt: bool = True) -> subprocess.Popen:
    return start_service(data_dir, encrypt=encrypt)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/<pid>/stat, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def read_counts(proc: subprocess.Popen, counts_file: str) -> dict:
    """Ask bench/counted_run.py for its counts (SIGUSR1) and wait for the dump that answers."""
    path = Path(counts_file)
    before = json.loads(path.read_text())["_seq"] if path.exists() else 0
    proc.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if path.exists() and json.loads(path.read_text())["_seq"] > before:
            return json.loads(path.read_text())
        time.sleep(0.05)
    raise RuntimeError("no statement counts from the counted intake")


def bench_latency(n: int) -> None:
    """The four round trips interleaved call by call (so drift hits all alike), n each: the bare AMQP echo,
    a bare nameko RPC to a do-nothing service, register_case via nameko and via the pika client; and the
    intake process's CPU time per registration over the same loop (relaying its outbox rows included)."""
    print(f"register_case latency (SQLite, one intake process, sequential calls, interleaved), n={n} each:")
    with tempfile.TemporaryDirectory() as tmp:
        signer = bench_keys(tmp)
        proc = start_intake(tmp)
        noop = start_service(tmp, "bench.noop_service:NoopService")
        echo = Echo(AMQP)
        try:
            with ClusterRpcProxy({"AMQP_URI": AMQP, "serializer": "json"}, context_data=signer.context(WINDOW),
                                 timeout=30) as rpc, \
                    JiefenClient(AMQP, actor=WINDOW, timeout=30, signer=signer) as client:
                def bare():
                    t = time.perf_counter()
                    rpc.bench_noop.ping()
                    return time.perf_counter() - t

                def via_nameko():
                    data, k = claim(), uuid.uuid4().hex
                    t = time.perf_counter()
                    rpc.intake.register_case(data, k)
                    return time.perf_counter() - t

                def via_pika():
                    data, k = claim(), uuid.uuid4().hex
                    t = time.perf_counter()
                    client.call("intake", "register_case", data, k)
                    return time.perf_counter() - t
                calls = {"echo": echo.round_trip, "bare": bare, "nameko": via_nameko, "pika": via_pika}
                for _ in range(20):                                  # warm-up
                    for call in calls.values():
                        call()
                samples: dict[str, list[float]] = {name: [] for name in calls}
                names = list(calls)
                cpu_before = cpu_seconds(proc.pid)
                for i in range(n):
                    for name in names[i % 4:] + names[:i % 4]:        # the order rotates too
                        samples[name].append(calls[name]())
                cpu_per_registration = (cpu_seconds(proc.pid) - cpu_before) / (2 * n)
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
        finally:
            echo.close()
            for p in (proc, noop):
                p.terminate()
                p.wait(15)
    echo_s, bare_s, nameko_s, pika_s = (samples[k] for k in ("echo", "bare", "nameko", "pika"))
    print(line("bare AMQP echo (floor)", echo_s))
    print(line("bare nameko RPC (no-op)", bare_s))
    print(line("register_case via nameko", nameko_s))
    print(line("register_case via pika", pika_s))
    print(line("get_case via pika", get_s))
    print(f"  ratio register(nameko)/bare nameko p50: {pct(nameko_s, 50) / pct(bare_s, 50):.1f}x (goal <= 1.5x)")
    print(f"  ratio register(pika)/echo p50: {pct(pika_s, 50) / pct(echo_s, 50):.1f}x (goal <= 4x)")
    print(f"  intake CPU per registration: {cpu_per_registration * 1000:.2f} ms (goal <= 2 ms)")
    print("signed actor assertions (Ed25519 JWT, contracts/signing.py + infra/trust.py):")
    print(line("sign one assertion", sign_s))
    print(line("verify one assertion", verify_s))
    print(line("get_case, fresh assertion", get_s))
    print(line("get_case, verified before", reused_s))
    print(f"  ratio signed/unsigned get_case p50: {pct(get_s, 50) / pct(reused_s, 50):.2f}x "
          f"(sign+verify p50 {pct(sign_s, 50) + pct(verify_s, 50):.3f} ms per call)")


def bench_statements(n: int = 50, profile: str | None = None) -> None:
    """SQL statements per call on a separate intake process (bench/counted_run.py; its listener costs a
    little, so not during the latency figures): register_case, classify (a fire) and get_case, n each.
    With ``profile``, the intake process runs under cProfile; the top functions by own time are printed."""
    with tempfile.TemporaryDirectory() as tmp:
        signer = bench_keys(tmp)
        counts_file = str(Path(tmp) / "sql-counts.json")
        proc = start_service(tmp, counts_file=counts_file, profile=profile)
        try:
            with JiefenClient(AMQP, actor=WINDOW, timeout=30, signer=signer) as client, \
                    JiefenClient(AMQP, actor={**WINDOW, "role": "router"}, timeout=30, signer=signer) as router:
                client.call("intake", "register_case", claim(), uuid.uuid4().hex)      # warm-up
                before = read_counts(proc, counts_file)
                for _ in range(n):
                    case = client.call("intake", "register_case", claim(), uuid.uuid4().hex)
                    router.call("intake", "classify", case["case_id"], "neighbourhood", case["version"],
                                uuid.uuid4().hex)
                    client.call("intake", "get_case", case["case_id"])
                after = read_counts(proc, counts_file)
        finally:
            proc.terminate()
            proc.wait(15)
    per = {m: (after.get(m, 0) - before.get(m, 0)) / n for m in ("register_case", "classify", "get_case")}
    print(f"SQL statements per call (SQLite, BEGIN counted), n={n}: " +
          ", ".join(f"{m} {v:.1f}" for m, v in per.items()))
    if profile:
        import pstats
        print(f"profile of the intake process ({profile}), top 25 by own time:")
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)


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



def load_run(procs: list[subprocess.Popen], signer: Signer, clients: int, seconds: float) -> tuple[float, list[float]]:
    """``clients`` threads, each its own pika client, registering back to back for ``seconds``: (registrations
    per second, each intake process's CPU use in % of one core over the same time)."""
    import threading
    stop, counts, errors = threading.Event(), [0] * clients, []

    def worker(i: int) -> None:
        try:
            with JiefenClient(AMQP, actor=WINDOW, timeout=60, signer=signer) as client:
                for _ in range(3):                                            # warm-up, not counted
                    client.call("intake", "register_case", claim(), uuid.uuid4().hex)
                ready.wait()
                while not stop.is_set():
                    client.call("intake", "register_case", claim(), uuid.uuid4().hex)
                    counts[i] += 1
        except Exception as err:                                              # reported, not hidden
            errors.append(repr(err))
    ready = threading.Event()
    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    time.sleep(2)
    cpu0, t0 = [cpu_seconds(p.pid) for p in procs], time.perf_counter()
    ready.set()
    time.sleep(seconds)
    done, cpu1, t1 = sum(counts), [cpu_seconds(p.pid) for p in procs], time.perf_counter()
    stop.set()
    for t in threads:
        t.join(60)
    if errors:
        raise RuntimeError(f"{len(errors)} load clients failed: {errors[:3]}")
    wall = t1 - t0
    return done / wall, [(b - a) / wall * 100 for a, b in zip(cpu0, cpu1)]


def bench_load(clients: int = 8, seconds: float = 60) -> None:
    """Throughput under load: ``clients`` concurrent pika clients against one intake process (SQLite), then
    against one and two intake processes on PostgreSQL (competing consumers of the one RPC queue)."""
    from sqlalchemy import text

    from infra.db import make_engine
    print(f"register_case under load: {clients} concurrent clients (pika), {seconds:.0f} s each "
          f"({os.cpu_count()} cores; CPU % is of one core):")
    results = {}
    for label, instances, pg in (("SQLite, 1 intake", 1, False), ("PostgreSQL, 1 intake", 1, True),
                                 ("PostgreSQL, 2 intakes", 2, True)):
        prefix = f"bench_load_{uuid.uuid4().hex[:8]}_"
        db = {"DB_URL": PG_URL, "JIEFEN_DB_SCHEMA_PREFIX": prefix} if pg else None
        with tempfile.TemporaryDirectory() as tmp:
            signer = bench_keys(tmp)
            procs = []
            try:
                for _ in range(instances):
                    procs.append(start_service(tmp, db=db))
                rate, cpu = load_run(procs, signer, clients, seconds)
            finally:
                for p in procs:
                    p.terminate()
                    p.wait(15)
                if pg:
                    setup = make_engine(PG_URL)
                    with setup.begin() as conn:
                        conn.execute(text(f'DROP SCHEMA IF EXISTS "{prefix}intake" CASCADE'))
                    setup.dispose()
        results[label] = rate
        print(f"  {label:<24} {rate:7.1f} registrations/s   intake CPU " +
              " + ".join(f"{c:.0f}%" for c in cpu) +
              f"   ({sum(cpu) / 100 / max(rate, 1e-9) * 1000:.2f} ms CPU per registration)")
    print(f"  ratio two intakes / one on PostgreSQL: "
          f"{results['PostgreSQL, 2 intakes'] / results['PostgreSQL, 1 intake']:.2f}x (goal >= 1.7x)")
    print(f"  one intake on SQLite vs 69/s (issue 17's figure): {results['SQLite, 1 intake'] / 69:.1f}x (goal >= 5x)")


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
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--skip-sweep", action="store_true")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-encryption", action="store_true")
    parser.add_argument("--profile", help="a file: profile the intake process under the statements phase")
    parser.add_argument("--sweep-rows", default="10000,1000000")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--load-seconds", type=float, default=60)
    parser.add_argument("--load-clients", type=int, default=8)
    args = parser.parse_args()
    if not args.skip_latency:
        bench_latency(args.n)
        bench_statements(profile=args.profile, n=300 if args.profile else 50)
        if not args.skip_encryption:
            bench_encryption(args.n)
    if not args.skip_load:
        bench_load(args.load_clients, args.load_seconds)
    if not args.skip_sweep:
        bench_sweep([int(r) for r in args.sweep_rows.split(",")])


if __name__ == "__main__":
    main()
