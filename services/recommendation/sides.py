"""Who acts for which side of a recommendation.

A recommendation belongs to its issuer (``case.org_id``: the court or procuratorate, JSR Art 4). Once
served, two more organisations act on it: the recipient (被建议单位: replies and objects, POL Art 21;
PRR Art 23; PSR Art 61 ¶2) and the supervising centre (平安建设组织协调机构: urges, escalates, 督办,
PSR Art 60, 65). They are the case type's ``participants``, so the platform lets them read and act.

The platform's org check admits an actor of any of those organisations to every event its role
allows; ``check`` narrows that to the actor's own side: the issuer's role acts only for the issuer,
``rcpt`` only for the recipient, ``supv`` only for the centre.
"""
from __future__ import annotations

from contracts.errors import JiefenError
from contracts.recommendation import KINDS

SIDE_LABELS = {"issuer": "建议制发机关", "rcpt": "被建议单位", "supv": "平安建设组织协调机构"}


def kind_of(case) -> str | None:
    return (case.data or {}).get("kind") if case is not None else None


def side_of(case) -> str | None:
    """COURT or PROCURATORATE: which side issued the recommendation (its kind says, JSR Art 1; PRR)."""
    kind = kind_of(case)
    return KINDS[kind][0] if kind else None


def org_of(ctx, code: str | None):
    """The directory's organisation of ``code`` (None for none or an unknown one)."""
    return ctx.env.directory.get(code) if code else None


def recipient_org(case) -> str | None:
    return ((case.data or {}).get("recipient") or {}).get("org_id")


def centre_org(case) -> str | None:
    return (case.data or {}).get("centre_org")


def participants(case) -> list[str]:
    """Recipient and centre act on a recommendation once it is served on the recipient."""
    if not (case.data or {}).get("served"):
        return []
    return [o for o in (recipient_org(case), centre_org(case)) if o]


def side_org(case, role: str) -> str | None:
    return {"issuer": case.org_id, "rcpt": recipient_org(case), "supv": centre_org(case)}.get(role)


def may_act(directory, case, actor) -> bool:
    if actor.is_system or actor.role not in SIDE_LABELS:
        return True          # sys is the timer; other roles are refused by the event's role list
    org = side_org(case, actor.role)
    return bool(org) and directory.governs(actor.org_id, org)


def check(directory, case, actor) -> None:
    if not may_act(directory, case, actor):
        org = side_org(case, actor.role)
        raise JiefenError("FORBIDDEN",
                          f"机构 {actor.org_id} 不能以“{SIDE_LABELS[actor.role]}”身份办理本建议"
                          f"（{SIDE_LABELS[actor.role]}为 {org or '尚未确定'}）",
                          {"reason": "organisation", "org_id": actor.org_id, "role": actor.role,
                           "side_org_id": org})
