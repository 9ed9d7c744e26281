"""Helpers shared by the two case types of the diversion service: party
numbers, dates, participant organisations, and guards that answer with a precise error code."""
from __future__ import annotations

from datetime import date, datetime

from infra.calendar import SHANGHAI, to_shanghai_date
from infra.casedata import put
from infra.casetype import Guard
from infra.models import Case, CaseLink, Party

MEDIATION_ORG_KINDS = ("mediation_committee",)


def seqs(case: Case, role: str | None = None) -> set[int]:
    return {p.seq for p in case.parties if role is None or p.role == role}


def day(value: str | datetime | date) -> date:
    """The Shanghai calendar date of an ISO date or datetime (a naive datetime is Shanghai time)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if ("T" in value or " " in value) else date.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return to_shanghai_date(value)


def ends(ctx, start, amount: int, unit: str) -> date:
    """The last day of a period counted per CPL Art 85 (from the next day; a holiday last day rolls over)."""
    return ctx.env.calendar.period_end(day(start), amount, unit)


def today(ctx) -> date:
    return to_shanghai_date(ctx.now)


def set_participants(case: Case, *orgs: str | None) -> None:
    """The organisations besides the owner that act on the case (CaseType.participants reads them)."""
    put(case, participants=sorted({o for o in orgs if o and o != case.org_id}))


def participants(case: Case) -> list[str]:
    return list((case.data or {}).get("participants", []))


def is_mediation_org(ctx, code: str | None) -> bool:
    org = ctx.env.directory.get(code) if code else None
    extra = (ctx.env.config.get("diversion") or {}).get("mediation_orgs") or []
    return org is not None and (org.kind in MEDIATION_ORG_KINDS or org.code in extra)


def is_court(ctx, code: str | None) -> bool:
    org = ctx.env.directory.get(code) if code else None
    return org is not None and org.kind == "court"


def default_court(ctx) -> str:
    return (ctx.env.config.get("diversion") or {}).get("default_court", "zj-court")


def brought_by(ctx, owner: str) -> str | None:
    """The body that brought the case keeps acting for the parties, unless it governs the owner anyway."""
    return None if ctx.env.directory.governs(ctx.actor.org_id, owner) else ctx.actor.org_id


def register(case: Case, data: dict, owner: str) -> None:
    case.org_id = owner
    case.channel, case.category = data.get("channel"), data.get("category")
    case.summary, case.request, case.facts = data["summary"], data["request"], data.get("facts", "")
    case.parties = [Party(seq=i, **p) for i, p in enumerate(data["parties"], start=1)]


def link_parent(case: Case, handoff: dict | None, ctx, default_basis: str) -> None:
    """SPEC §7: a hand-off links the new case to its parent; a ``child`` hand-off also makes the parent
    track it (the engine's outbox events carry parent_service/parent_case_id)."""
    if not handoff:
        return
    link_type = handoff.get("link_type") or "child"
    if link_type == "child":
        case.parent_service, case.parent_case_id = handoff["parent_service"], handoff["parent_case_id"]
    case.links.append(CaseLink(link_type="parent" if link_type == "child" else "source",
                               target_service=handoff["parent_service"], target_case_id=handoff["parent_case_id"],
                               target_case_no=handoff.get("parent_case_no"), target_status=None,
                               target_terminal=False, basis=handoff.get("basis") or default_basis,
                               handoff={}, created_at=ctx.now, updated_at=ctx.now))
    put(case, handoff={k: handoff.get(k) for k in ("parent_service", "parent_case_id", "parent_case_no",
                                                      "reason", "basis", "link_type", "data")})


def router_only_by_handoff(label: str) -> Guard:
    return Guard(lambda case, d, ctx: ctx.actor.role != "router" or bool(d.get("handoff")),
                 f"分流员只能通过转办（open_from_handoff）{label}（SPEC §7；PSR Art 45）", "SPEC §7; PSR Art 45")
