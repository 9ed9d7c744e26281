"""Who acts: every call carries user_id, role and org_id in nameko context data."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from contracts.enums import ROLES
from contracts.errors import JiefenError

SYSTEM_USER = "system"


@dataclass(frozen=True)
class Actor:
    user_id: str
    role: str
    org_id: str

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def is_system(self) -> bool:
        return self.role == "sys"


def system_actor(org_id: str) -> Actor:
    return Actor(SYSTEM_USER, "sys", org_id)


def actor_from_context(data: dict, directory) -> Actor:
    user_id, role, org_id = (data or {}).get("user_id"), (data or {}).get("role"), (data or {}).get("org_id")
    if not (user_id and role and org_id):
        raise JiefenError("FORBIDDEN", "每次调用须携带操作人（user_id、role、org_id）", {"missing": [
            k for k, v in (("user_id", user_id), ("role", role), ("org_id", org_id)) if not v]})
    if role not in ROLES:
        raise JiefenError("FORBIDDEN", f"未知角色 {role!r}", {"role": role, "roles": sorted(ROLES)})
    if role == "sys":
        # sys is the timer's role inside a service; a caller from outside may not claim it
        raise JiefenError("FORBIDDEN", "系统角色不可由外部调用方使用", {"role": role})
    if directory.get(org_id) is None:
        raise JiefenError("FORBIDDEN", f"未知机构 {org_id!r}", {"org_id": org_id})
    return Actor(str(user_id), role, org_id)
