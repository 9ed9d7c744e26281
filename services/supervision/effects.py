"""What each 督办 event changes on the case row (no I/O beyond the transition's session); ``escalate`` is
shared by the service's case types whose missed period escalates to the owner's superior (PSR Art 60, 65)."""
from __future__ import annotations

from infra.casedata import put, record
from infra.models import CaseLink
from services.supervision.models import SvCase


def open_supervision(case, data, ctx) -> None:
    target = ctx.session.get(SvCase, data["target_case_id"])
    case.org_id = ctx.actor.org_id
    case.category, case.channel, case.summary = target.category, None, data["reason"]
    case.data = {"owner_org_id": target.org_id, "deadline": data["deadline"].isoformat(), "reason": data["reason"],
                 "target": {"service": target.service, "case_id": target.case_id, "case_no": target.case_no,
                            "case_type": target.case_type, "status": target.status}}
    case.links.append(CaseLink(link_type="supervises", target_service=target.service, target_case_id=target.case_id,
                               target_case_no=target.case_no, target_status=target.status,
                               target_terminal=target.terminal, basis="PSR Art 60", created_at=ctx.now,
                               updated_at=ctx.now))


def acknowledge(case, data, ctx) -> None:
    record(case, "progress", {"kind": "acknowledged", "note": data["note"]}, ctx)


def report(case, data, ctx) -> None:
    record(case, "reports", {"result": data["result"], "measures": data["measures"]}, ctx)


def return_report(case, data, ctx) -> None:
    record(case, "returns", {"reason": data["reason"], "deadline": data["deadline"].isoformat()}, ctx)
    put(case, deadline=data["deadline"].isoformat())


def close(case, data, ctx) -> None:
    put(case, assessment=data["assessment"])


def withdraw(case, data, ctx) -> None:
    put(case, withdrawn={"reason": data["reason"], "at": ctx.now.isoformat()})


def escalate(case, data, ctx) -> None:
    """The deadline passed: the owner's superior answers too (PSR Art 60, 65)."""
    superior = ctx.env.directory.superior(case.data["owner_org_id"])
    case.supervised = True
    put(case, escalated_to=superior.code if superior else None, escalated_at=ctx.now.isoformat())
