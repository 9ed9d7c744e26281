"""The organisation directory: who acts on cases, their level and their superior (config/organisations.yaml)."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import yaml

KINDS = ("centre", "mediation_committee", "court", "procuratorate", "petition_office", "government",
         "department", "police", "discipline", "arbitration")
LEVELS = ("province", "city", "county", "township", "village")


@dataclass(frozen=True)
class Organisation:
    code: str
    name: str
    kind: str
    level: str
    parent: str | None = None
    county: str | None = None
    phone: str | None = None          # shown to residents at the lookup (where the body publishes one)

    def to_dict(self) -> dict:
        return asdict(self)


class Directory:
    def __init__(self, orgs: list[Organisation]):
        self._by_code = {o.code: o for o in orgs}
        for o in orgs:
            if o.kind not in KINDS or o.level not in LEVELS:
                raise ValueError(f"organisation {o.code}: unknown kind {o.kind!r} or level {o.level!r}")
            if o.parent and o.parent not in self._by_code:
                raise ValueError(f"organisation {o.code}: unknown parent {o.parent!r}")

    @classmethod
    def from_file(cls, path: str | Path) -> "Directory":
        with open(path, encoding="utf-8") as f:
            return cls([Organisation(**row) for row in yaml.safe_load(f) or []])

    def get(self, code: str) -> Organisation | None:
        return self._by_code.get(code)

    def all(self, kind: str | None = None) -> list[Organisation]:
        return [o for o in self._by_code.values() if kind is None or o.kind == kind]

    def superior(self, code: str) -> Organisation | None:
        org = self.get(code)
        return self.get(org.parent) if org and org.parent else None

    def ancestors(self, code: str) -> list[Organisation]:
        chain, org = [], self.superior(code)
        while org is not None and org not in chain:
            chain.append(org)
            org = self.superior(org.code)
        return chain

    def governs_any(self, actor_org: str, orgs) -> bool:
        return any(self.governs(actor_org, o) for o in orgs)

    def governs(self, actor_org: str, case_org: str) -> bool:
        """An organisation acts on its own cases and on those of the bodies below it."""
        return actor_org == case_org or any(o.code == actor_org for o in self.ancestors(case_org))


@lru_cache(maxsize=8)
def load_directory(path: str) -> Directory:
    return Directory.from_file(path)
