"""`make test`: the whole suite in a few `nameko test` processes at once, then one summary.

Most of the suite waits on RabbitMQ, the databases and the services' timers, not on the CPU, so a few
shards side by side finish in a fraction of the serial time on two cores. Every test already gets its
own vhost, database schema and temporary directory, so shards do not see each other.

Test files are dealt to shards by their cost, largest first to the least loaded shard: the seconds a
file took in a recorded run (tests/durations.json; every run writes a fresh one to
var/test-results/durations.json, copy it over when files were added or grew), else an estimate from the
number of tests it defines weighted by their kind (a browser or end-to-end journey with its own processes
costs many interface tests), scaled to seconds by the recorded files. Each shard writes a JUnit file; the
summary counts them and ends with the runner's usual closing line.

    python -m tests.run [--workers N] [pytest args for every shard ...]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
OUT = ROOT / "var" / "test-results"
# relative cost of one test function by directory (a parametrised test counts once per backend)
WEIGHT = {"unit": 0.05, "interface": 1.0, "operations": 4.0, "e2e": 12.0, "browser": 15.0}


DURATIONS = TESTS / "durations.json"


def estimate(path: Path) -> float:
    text = path.read_text(encoding="utf-8")
    tests = len(re.findall(r"^(?:async )?def test_", text, re.M)) or 1
    backends = 2 if "backend" in text or "jiefen" in text else 1
    return tests * backends * WEIGHT.get(path.parent.name, 1.0)


def recorded() -> dict[str, float]:
    try:
        return json.loads(DURATIONS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def costs(files: list[Path]) -> dict[Path, float]:
    seconds = recorded()
    rel = {f: f.relative_to(ROOT).as_posix() for f in files}
    known = [f for f in files if rel[f] in seconds]
    scale = (sum(seconds[rel[f]] for f in known) / sum(estimate(f) for f in known)) if known else 1.0
    return {f: seconds[rel[f]] if rel[f] in seconds else estimate(f) * scale for f in files}


def shards(files: list[Path], n: int) -> list[list[Path]]:
    cost = costs(files).__getitem__
    loads, groups = [0.0] * n, [[] for _ in range(n)]
    for f in sorted(files, key=cost, reverse=True):
        i = loads.index(min(loads))
        loads[i] += cost(f)
        groups[i].append(f)
    return [g for g in groups if g]


def totals(xml: Path) -> dict:
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if not xml.exists():
        return counts
    root = ET.parse(xml).getroot()
    for suite in (root.iter("testsuite")):
        for k in counts:
            counts[k] += int(suite.get(k, 0))
    return counts


def failed_names(xml: Path) -> list[str]:
    if not xml.exists():
        return []
    names = []
    for case in ET.parse(xml).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            names.append(f"{case.get('classname')}::{case.get('name')}")
    return names


def durations(xmls: list[Path]) -> dict[str, float]:
    """Seconds per test file (setup, call and teardown) from the shards' JUnit files."""
    per_file: dict[str, float] = {}
    for xml in xmls:
        if not xml.exists():
            continue
        for case in ET.parse(xml).getroot().iter("testcase"):
            parts = case.get("classname", "").split(".")
            while len(parts) > 1 and not (ROOT / ("/".join(parts) + ".py")).exists():
                parts.pop()                                  # a test class's name after the module
            path = "/".join(parts) + ".py"
            per_file[path] = per_file.get(path, 0.0) + float(case.get("time") or 0)
    return {k: round(v, 1) for k, v in sorted(per_file.items())}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.run")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("JIEFEN_TEST_WORKERS", "4")))
    args, extra = parser.parse_known_args(argv)
    files = sorted(p for p in TESTS.rglob("test_*.py"))
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    procs = []
    for i, group in enumerate(shards(files, args.workers)):
        xml, log = OUT / f"shard-{i}.xml", OUT / f"shard-{i}.log"
        xml.unlink(missing_ok=True)
        cmd = [str(Path(sys.executable).parent / "nameko"), "test", *map(str, group), "-q", "-p", "no:cacheprovider",
               "-rfE", f"--junitxml={xml}", *extra]
        procs.append((i, group, xml, log, subprocess.Popen(cmd, cwd=ROOT, stdout=open(log, "w"),
                                                           stderr=subprocess.STDOUT)))
        print(f"[shard {i}] {len(group)} files: {', '.join(p.stem for p in group)}", flush=True)
    sums = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    broken = []
    for i, group, xml, log, proc in procs:
        code = proc.wait()
        t = totals(xml)
        for k in sums:
            sums[k] += t[k]
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:]
        print(f"[shard {i}] exit {code}: {tail[0] if tail else ''}", flush=True)
        if code not in (0, 5) or t["failures"] or t["errors"]:
            broken.append((i, log))
        for name in failed_names(xml):
            print(f"FAILED {name}")
    for i, log in broken:
        print(f"\n===== shard {i} ({log.relative_to(ROOT)}) =====")
        text = log.read_text(encoding="utf-8", errors="replace")
        cut = text.find("= FAILURES =")
        print(text[cut - 30 if cut > 0 else -20000:][-20000:])
    (OUT / "durations.json").write_text(json.dumps(durations([p[2] for p in procs]), indent=1) + "\n",
                                        encoding="utf-8")
    passed = sums["tests"] - sums["failures"] - sums["errors"] - sums["skipped"]
    print(f"\n{len(procs)} shards in {time.monotonic() - started:.0f} s")
    print(f"{passed} passed, {sums['failures'] + sums['errors']} failed, {sums['skipped']} skipped")
    return 1 if broken or sums["tests"] == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
