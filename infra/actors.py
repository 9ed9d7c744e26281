"""Who acts: every call carries a signed actor assertion in nameko context data (contracts/signing.py);
``actor_from_context`` trusts user_id, role and org_id only from a verified one (infra/trust.py)."""
from __future__ import annotations

from dataclasses import dataclass, field

SYSTEM_USER = "system"


@dataclass(frozen=True)
class Actor:
    user_id: str
    role: str
    org_id: str
    client: str = field(default="", compare=False)   # the registered client whose key vouched for it
    # a party's act this staff member records on the party's behalf (infra/engine.py split_party_act); kept
    # with the actor so a hand-off the act causes (e.g. a joint application for judicial confirmation)
    # carries it to the service that opens the child case
    party_act: dict | None = field(default=None, compare=False)
    recorder_role: str | None = field(default=None, compare=False)   # set while a party's act is applied

    def to_dict(self) -> dict:
        """Who signs for this actor: the recording staff member's own role, with the party's act."""
        out = {"user_id": self.user_id, "role": self.recorder_role or self.role, "org_id": self.org_id}
        if self.party_act:
            out["party_act"] = dict(self.party_act)
        return out

    def as_party(self, party_act: dict) -> "Actor":
        """The same person applying a party's act: guards and effects see role ``party`` (the case types'
        roles stay as the law gives them); the audit entry and any hand-off keep the recorder's role."""
        return Actor(self.user_id, "party", self.org_id, self.client, party_act, self.recorder_role or self.role)

    @property
    def is_system(self) -> bool:
        return self.role == "sys"


def system_actor(org_id: str) -> Actor:
    return Actor(SYSTEM_USER, "sys", org_id)


def actor_from_context(data: dict, trust) -> Actor:
    """The verified actor of a call, or FORBIDDEN: no assertion, a bad or expired one, a key revoked, an
    organisation or role outside the client's grant or the organisation's kind, sys from outside, party."""
    return trust.actor_from_context(data)
