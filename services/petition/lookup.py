"""The petitioner's own lookup (LVR Art 21 ¶2: 方便信访人查询、评价信访事项办理情况): a petition registered
at a petition office carries a query code like the centre's receipt; with the case number and that code
the petitioner sees where the matter stands, which body has it now, the next date and the milestones.
No personal data; the same limit of wrong codes per case number as intake's lookup (RATE_LIMITED)."""
from __future__ import annotations

from sqlalchemy import select

from contracts.errors import JiefenError
from infra import clocks, querycode
from infra.db import read_session
from infra.models import AuditEntry, Case
from infra.views import iso
from services.petition import rules
from services.petition.casetype import PETITION

QUIET_EVENTS = {"deadline_warning"}
REVIEW_STATES = {"PT_REVIEW", "PT_REVIEW_ISSUED", "PT_REVIEW_SERVED"}
RECHECK_STATES = {"PT_RECHECK", "PT_FINAL"}


def holder(case: Case) -> str | None:
    """The body that has the matter now: the re-review organ, the review organ, the handling organ, or
    the petition office that registered it."""
    if case.status in RECHECK_STATES and rules.recheck_org(case):
        return rules.recheck_org(case)
    if case.status in REVIEW_STATES and rules.review_org(case):
        return rules.review_org(case)
    if case.status != "PT_RECEIVED" and rules.handler_org(case):
        return rules.handler_org(case)
    return case.org_id


def lookup(platform, case_no: str, query_code: str, failures) -> dict:
    env = platform.env
    number = (case_no or "").strip().upper()
    wait = failures.retry_after(number)
    if wait:
        raise JiefenError("RATE_LIMITED", f"该案件查询失败次数过多，请 {wait // 60 + 1} 分钟后再试", {"retry_after": wait})
    with read_session(env.engine) as s:
        case = s.scalars(select(Case).where(Case.case_no == number)).first()
        if not querycode.matches(case, query_code):
            failures.hit(number)
            raise JiefenError("NOT_FOUND", "案件编号或查询码不正确", {})
        now = env.now()
        state = PETITION.state(case.status)
        running = [clocks.view(k, PETITION, env.calendar, now) for k in case.clocks if k.status == "running"]
        entries = s.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id).order_by(AuditEntry.seq))
        return {
            "service": "petition", "case_no": case.case_no, "status": case.status, "status_label": state.label,
            "closed": state.terminal, "category": case.category,
            "org_id": case.org_id, "handling_org_id": holder(case),      # public bodies, not personal
            "channel": "petition",
            "milestones": [{"at": iso(e.at), "event": e.event, "label": PETITION.event(e.event).label,
                            "status": e.to_state, "status_label": PETITION.state(e.to_state).label}
                           for e in entries if e.event not in QUIET_EVENTS and e.from_state != e.to_state],
            "next_deadline": min((c["due_date"] for c in running), default=None),
            "children": [],
        }
