"""What each 挂牌督办 event changes on the case row (no I/O beyond the transition's session)."""
from __future__ import annotations

from datetime import date

from contracts import supervision as c
from infra.casedata import put, record

# PSR Art 65 ¶2: what a listing means for the responsible body while it rectifies
RESTRICTION = "整改期限内，主要负责人、分管负责人和直接责任人员不得评优评先（《浙江省平安建设条例》第六十五条第二款）"


def list_for_supervision(case, data, ctx) -> None:
    case.org_id = ctx.actor.org_id
    case.category, case.summary = data["category"], data["subject"]
    case.data = {"owner_org_id": data["responsible_org_id"], "subject_kind": data["subject_kind"],
                 "subject": data["subject"], "ground": data["ground"], "ground_label": c.LISTING_GROUNDS[data["ground"]],
                 "reason": data["reason"], "restriction": RESTRICTION}


def submit_plan(case, data, ctx) -> None:
    record(case, "plans", {"plan": data["plan"]}, ctx)


def return_plan(case, data, ctx) -> None:
    record(case, "plan_returns", {"reason": data["reason"]}, ctx)


def set_deadline(key: str):
    def effect(case, data, ctx) -> None:
        record(case, key, {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}, ctx)
        put(case, deadline=data["deadline"].isoformat())
    return effect


def inspect(case, data, ctx) -> None:
    record(case, "inspections", {"method": data["method"], "method_label": c.INSPECTION_METHODS[data["method"]],
                                  "findings": data["findings"]}, ctx)


def report_rectified(case, data, ctx) -> None:
    record(case, "rectification_reports", {"report": data["report"]}, ctx)


def lift(case, data, ctx) -> None:
    """The acceptance check is an inspection on the record (PSR Art 60), then the listing is lifted."""
    inspect(case, data, ctx)
    put(case, lifted={"conclusion": data["conclusion"], "at": ctx.now.isoformat()})


def summon(case, data, ctx) -> None:
    record(case, "measures", {"kind": "summon", "label": "约谈", "official_post": data["official_post"],
                               "note": data["note"], "basis": "PSR Art 65"}, ctx)


def circulate(case, data, ctx) -> None:
    record(case, "measures", {"kind": "circulate", "label": "通报", "scope": data["scope"], "note": data["note"],
                               "basis": "PSR Art 65"}, ctx)


def flag(case, data, ctx) -> None:
    case.supervised = True
