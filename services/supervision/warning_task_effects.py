"""What each 预警处置 event changes on the case row (no I/O beyond the transition's session); a missed
clock escalates as 督办 does (effects.escalate)."""
from __future__ import annotations

from contracts import evaluation as c
from infra.casedata import put


def raise_warning(case, data, ctx) -> None:
    case.org_id = ctx.actor.org_id
    case.summary = data["title"]
    case.data = {"owner_org_id": ctx.actor.org_id, "rule": data["warning_rule"],
                 "rule_label": c.WARNING_RULES[data["warning_rule"]], "level": data["level"],
                 "level_label": c.LEVELS[data["level"]], "title": data["title"], "explanation": data["explanation"],
                 "case_count": data["case_count"] if data["case_count"] is not None else len(data["case_ids"]),
                 "case_ids": list(data["case_ids"]), "case_nos": list(data["case_nos"]), "basis": data["basis"],
                 "fingerprint": data["fingerprint"],
                 # the drill-down to every case behind it (supervision.warning_cases; the page links there)
                 "period_from": data["period_from"] and data["period_from"].isoformat(),
                 "period_to": data["period_to"] and data["period_to"].isoformat(), "about": dict(data["about"])}


def note(key: str, field: str):
    """Keep the note of ``field`` as ``case.data[key]``, with who wrote it and when."""
    def effect(case, data, ctx) -> None:
        put(case, **{key: {"note": data[field], "by": ctx.actor.user_id, "org_id": ctx.actor.org_id,
                           "at": ctx.now.isoformat()}})
    return effect
