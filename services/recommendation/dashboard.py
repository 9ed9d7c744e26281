"""The centre's view of recipients (PSR Art 60-65): per recipient organisation, its open
recommendations, how many days each reply is overdue, and how far urging and escalation have gone.
These are the figures the 平安建设 assessment uses (PSR Art 62-65: 约谈、通报、挂牌督办, 考核).
Pure: it reads case rows handed to it and returns plain data."""
from __future__ import annotations

from datetime import datetime

from infra import clocks
from services.recommendation.casetype import RECOMMENDATION
from services.recommendation.letters import days_overdue, reply_clock

# how far a recommendation has gone past its reply period, in increasing gravity
ESCALATION_ORDER = ("none", "overdue", "urged", "escalated")
STATE_ESCALATION = {"RC_OVERDUE": "overdue", "RC_URGED": "urged", "RC_ESCALATED": "escalated"}
OPEN_AFTER_SERVICE = ("RC_AWAITING_REPLY", "RC_OBJECTION_REVIEW", "RC_OVERDUE", "RC_URGED", "RC_ESCALATED",
                      "RC_REPLIED", "RC_VERIFYING")
CLOSED_AS = {"RC_CLOSED": "implemented", "RC_WITHDRAWN": "withdrawn", "RC_LITIGATION": "litigation"}


def item(case, now: datetime) -> dict:
    data = case.data or {}
    clock = reply_clock(case)
    return {
        "case_id": case.id, "case_no": case.case_no, "doc_no": (data.get("letter") or {}).get("doc_no"),
        "kind": data.get("kind"), "kind_label": data.get("kind_label"),
        "issuer_org_id": case.org_id, "status": case.status, "status_label": RECOMMENDATION.state(case.status).label,
        "reply_due_date": clocks.local_date(clock.due_at).isoformat() if clock else None,
        "days_overdue": days_overdue(case, now),
        "escalation_state": STATE_ESCALATION.get(case.status, "none"),
        "urgings": len(data.get("urgings") or []),
        "escalation_measures": sorted({m for e in data.get("escalations") or [] for m in e["measures"]}),
        "supervision_measures": sorted({m for e in data.get("supervision") or [] for m in e["measures"]}),
        "supervised": case.supervised,
        "replied_late_days": next((r["late_days"] for r in reversed(data.get("replies") or [])), None),
    }


def summarise(cases, directory, now: datetime) -> dict:
    rows: dict[str, dict] = {}
    for case in cases:
        recipient = (case.data or {}).get("recipient") or {}
        org = recipient.get("org_id")
        row = rows.setdefault(org, _empty(org, directory.get(org), recipient))
        if case.status in CLOSED_AS:
            row["closed"][CLOSED_AS[case.status]] += 1
        if case.status not in OPEN_AFTER_SERVICE:
            continue
        it = item(case, now)
        row["recommendations"].append(it)
        row["open"] += 1
        row["by_status"][case.status] = row["by_status"].get(case.status, 0) + 1
        if it["days_overdue"] is not None:
            row["overdue"] += 1
            row["days_overdue_total"] += it["days_overdue"]
            row["days_overdue_max"] = max(row["days_overdue_max"], it["days_overdue"])
        row["urged"] += it["escalation_state"] == "urged"
        row["escalated"] += it["escalation_state"] == "escalated"
        row["supervised"] += bool(it["supervised"])
        if ESCALATION_ORDER.index(it["escalation_state"]) > ESCALATION_ORDER.index(row["escalation_state"]):
            row["escalation_state"] = it["escalation_state"]
    for row in rows.values():
        row["recommendations"].sort(key=lambda i: (-(i["days_overdue"] or 0), i["case_no"]))
    ordered = sorted(rows.values(), key=lambda r: (-ESCALATION_ORDER.index(r["escalation_state"]),
                                                   -r["days_overdue_max"], -r["open"], r["org_id"]))
    return {"as_of": clocks.local_date(now).isoformat(), "recipients": ordered,
            "totals": {k: sum(r[k] for r in ordered) for k in ("open", "overdue", "urged", "escalated")}}


def _empty(org_id: str, org, recipient: dict) -> dict:
    return {"org_id": org_id, "name": org.name if org else recipient.get("name"),
            "kind": org.kind if org else recipient.get("kind"), "open": 0, "overdue": 0, "urged": 0,
            "escalated": 0, "supervised": 0, "days_overdue_total": 0, "days_overdue_max": 0,
            "escalation_state": "none", "by_status": {},
            "closed": {"implemented": 0, "withdrawn": 0, "litigation": 0}, "recommendations": []}
