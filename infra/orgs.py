"""The organisation directory: who acts on cases, their level and their superior (config/organisations.yaml)."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from contracts.places import county_name

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
        """With the county's Chinese name, for pickers and documents (contracts/places.py)."""
        return {**asdict(self), "county_name": county_name(self.county) if self.county else None}


ROLES_FILE = Path(__file__).resolve().parent.parent / "config" / "roles.yaml"


def load_role_table(path: str | Path = ROLES_FILE) -> dict[str, frozenset[str]]:
    """kind -> the roles its staff may hold (config/roles.yaml)."""
    from contracts.enums import ROLES
    with open(path, encoding="utf-8") as f:
        raw = yaml.safe_load(f) or {}
    table = {}
    for kind, roles in raw.items():
        bad = [r for r in roles or () if r not in ROLES or r in ("sys", "party")]
        if kind not in KINDS or bad:
            raise ValueError(f"{path}: kind {kind!r}: unknown kind or roles {bad} (sys and party are no staff roles)")
        table[kind] = frozenset(roles or ())
    return table


class Directory:
    def __init__(self, orgs: list[Organisation], roles: dict[str, frozenset[str]] | None = None):
        self._by_code = {o.code: o for o in orgs}
        self.roles = roles if roles is not None else load_role_table()
        for o in orgs:
            if o.kind not in KINDS or o.level not in LEVELS:
                raise ValueError(f"organisation {o.code}: unknown kind {o.kind!r} or level {o.level!r}")
            if o.parent and o.parent not in self._by_code:
                raise ValueError(f"organisation {o.code}: unknown parent {o.parent!r}")

    @classmethod
    def from_file(cls, path: str | Path, roles_path: str | Path | None = None) -> "Directory":
        with open(path, encoding="utf-8") as f:
            return cls([Organisation(**row) for row in yaml.safe_load(f) or []],
                       load_role_table(roles_path or ROLES_FILE))

    def roles_of(self, code: str) -> frozenset[str]:
        """The roles the staff of this organisation may hold (by its kind)."""
        org = self.get(code)
        return self.roles.get(org.kind, frozenset()) if org else frozenset()

    def may_hold(self, code: str, role: str) -> bool:
        return role in self.roles_of(code)

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
def load_directory(path: str, roles_path: str | None = None) -> Directory:
    return Directory.from_file(path, roles_path)
