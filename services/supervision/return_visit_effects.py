"""What each 回访 event changes on the case row (no I/O beyond the transition's session); a missed period
escalates as 督办 does (effects.escalate)."""
from __future__ import annotations

from contracts import evaluation as c
from infra.casedata import put


def open_return_visit(case, data, ctx) -> None:
    case.org_id = data["owner_org_id"]
    case.category, case.channel = None, None
    case.summary = f"{data['evaluated_case_no']} 当事人评价不满意：{data['reason']}"
    case.data = {"owner_org_id": data["owner_org_id"], "evaluation_id": data["evaluation_id"],
                 "evaluated_case_no": data["evaluated_case_no"], "rating": data["rating"],
                 "rating_label": c.RATINGS[data["rating"]], "reason": data["reason"],
                 "given_by": "resident", "given_by_label": c.GIVEN_BY["resident"]}


def record_return_visit(case, data, ctx) -> None:
    put(case, visit={"result": data["visit_result"], "result_label": c.VISIT_RESULTS[data["visit_result"]],
                     "note": data["note"], "by": ctx.actor.user_id, "org_id": ctx.actor.org_id, "at": ctx.now.isoformat()})
