"""`make test`: the whole suite in a few `nameko test` processes at once, then one summary.

Most of the suite waits on RabbitMQ, the databases and the services' timers, not on the CPU, so a few
shards side by side finish in a fraction of the serial time on two cores. Every test already gets its
own vhost, database schema and temporary directory, so shards do not see each other.

Test files are dealt to shards by an estimate of their cost (the number of tests they define, weighted
by the kind of test: a browser journey or an end-to-end journey with its own processes costs many
interface tests), largest first to the least loaded shard. Each shard writes a JUnit file; the summary
counts them and ends with the runner's usual closing line.

    python -m tests.run [--workers N] [pytest args for every shard ...]
"""
from __future__ import annotations

import argparse
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


def cost(path: Path) -> float:
    text = path.read_text(encoding="utf-8")
    tests = len(re.findall(r"^(?:async )?def test_", text, re.M)) or 1
    backends = 2 if "backend" in text or "jiefen" in text else 1
    return tests * backends * WEIGHT.get(path.parent.name, 1.0)


def shards(files: list[Path], n: int) -> list[list[Path]]:
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
    passed = sums["tests"] - sums["failures"] - sums["errors"] - sums["skipped"]
    print(f"\n{len(procs)} shards in {time.monotonic() - started:.0f} s")
    print(f"{passed} passed, {sums['failures'] + sums['errors']} failed, {sums['skipped']} skipped")
    return 1 if broken or sums["tests"] == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
