"""Staff who sign in at the gateway, seeded from config/users.yaml (user_id, name, role, org_id,
password_hash). A user's role and organisation become the actor of every RPC call they make."""
from __future__ import annotations

from dataclasses import dataclass

import yaml

from contracts.enums import ROLES
from infra.orgs import Directory


@dataclass(frozen=True)
class User:
    user_id: str
    name: str
    role: str
    org_id: str
    password_hash: str
    disabled: bool = False

    def actor(self) -> dict:
        return {"user_id": self.user_id, "role": self.role, "org_id": self.org_id}


def load_users(path: str, directory: Directory) -> dict[str, User]:
    """Fails loudly at start-up on a bad entry rather than refusing people later."""
    with open(path, encoding="utf-8") as f:
        rows = yaml.safe_load(f) or []
    users: dict[str, User] = {}
    for row in rows:
        user = User(**row)
        if user.role not in ROLES or user.role in ("sys", "party"):
            raise ValueError(f"{path}: user {user.user_id}: unknown or reserved role {user.role!r} "
                             "(sys is the services' own; a party's act is recorded by staff)")
        org = directory.get(user.org_id)
        if org is None:
            raise ValueError(f"{path}: user {user.user_id}: unknown organisation {user.org_id!r}")
        if not directory.may_hold(user.org_id, user.role):
            raise ValueError(f"{path}: user {user.user_id}: role {user.role!r} may not be held at {org.name} "
                             f"({user.org_id}, kind {org.kind}); config/roles.yaml allows "
                             f"{sorted(directory.roles_of(user.org_id))}")
        if not user.password_hash.startswith("scrypt$"):
            raise ValueError(f"{path}: user {user.user_id}: password_hash must be a scrypt hash "
                             "(make one with `jiefen hash-password`)")
        if user.user_id in users:
            raise ValueError(f"{path}: user {user.user_id} listed twice")
        users[user.user_id] = user
    return users
