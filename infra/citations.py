"""Every citation the case types carry, and the cited articles extracted from the public law texts into
contracts/law_articles.json (``python -m infra.citations extract <laws dir>``). Here rather than in
contracts/legal.py because it reads every service's case types (infra/registry.py)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from contracts.legal import ARTICLES_FILE, STATUTES, cited_articles, parse_law
from infra.registry import all_case_types


def all_bases() -> list[str]:
    """Every citation the case types and contracts carry."""
    out = []
    for ct in all_case_types():
        out.append(ct.basis)
        out += [s.basis for s in ct.states]
        out += [c.basis for c in ct.clocks]
        for e in ct.events:
            out.append(e.basis)
            out += [g.basis for g in e.guards]
            out += [g.message for g in e.guards]
    return out


def extract(laws_dir: str) -> dict:
    wanted = cited_articles(all_bases())
    out = {}
    for key, numbers in sorted(wanted.items()):
        filename = STATUTES[key][1]
        if not filename or not (Path(laws_dir) / filename).exists():
            continue
        law = parse_law((Path(laws_dir) / filename).read_text(encoding="utf-8"))
        out[key] = {str(n): law[n] for n in sorted(numbers) if n in law}
    return out


if __name__ == "__main__":          # python -m infra.citations extract /work/shared/domain/laws
    if len(sys.argv) != 3 or sys.argv[1] != "extract":
        sys.exit("usage: python -m infra.citations extract <laws dir>")
    data = extract(sys.argv[2])
    ARTICLES_FILE.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{sum(len(v) for v in data.values())} articles of {len(data)} statutes -> {ARTICLES_FILE}")
