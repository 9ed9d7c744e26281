"""The domain change each intake event makes to the case row (no I/O beyond the transition's session)."""
from __future__ import annotations

from contracts.enums import EXTERNAL_CHANNELS
from contracts.idnumbers import ric_warning
from infra.casedata import put
from infra.models import Case, CaseLink, Party
from infra.querycode import new_query_code, query_code_hash
from services.intake import duplicates, routing


def register(case: Case, data: dict, ctx) -> None:
    case.org_id = ctx.actor.org_id
    case.channel, case.category = data["channel"], data["category"]
    case.summary, case.request, case.facts = data["summary"], data["request"], data["facts"]
    case.data = {"oral": data["oral"], "subject_ref": data["subject_ref"], "claim_type": data["claim_type"],
                 "routes": routing.routes_for(data["category"])}
    case.parties = [Party(seq=i, **p) for i, p in enumerate(data["parties"], start=1)]
    code = new_query_code()
    case.query_code_hash = query_code_hash(case.id, code)
    case.data["duplicate_candidates"] = duplicates.candidates(ctx.session, case, ctx.actor.org_id, ctx.env.directory)
    warnings = [{"party": i, "field": "id_number", "message": w} for i, p in enumerate(data["parties"], start=1)
                if p.get("kind") == "person" and p.get("id_number") and (w := ric_warning(p["id_number"]))]
    if warnings:
        case.data["warnings"] = warnings
    ctx.extra["query_code"] = code


def reissue_query_code(case: Case, data: dict, ctx) -> None:
    """A new code replaces the old at once (the lookup compares the stored hash); the code is returned once,
    in this event's view (ctx.extra), and the audit entry records the reason only."""
    code = new_query_code()
    case.query_code_hash = query_code_hash(case.id, code)
    case.data = {**(case.data or {}), "query_code_reissues": int((case.data or {}).get("query_code_reissues", 0)) + 1}
    ctx.extra["query_code"] = code


def classify(case: Case, data: dict, ctx) -> None:
    case.category = data["category"]
    case.data = {**case.data, "claim_type": data["claim_type"] or case.data.get("claim_type"),
                 "classification_note": data["note"], "routes": routing.routes_for(data["category"])}
    case.data = {**case.data, "duplicate_candidates": duplicates.candidates(ctx.session, case, ctx.actor.org_id,
                                                                            ctx.env.directory)}


def link_duplicate(case: Case, data: dict, ctx) -> None:
    other = ctx.session.get(Case, data["duplicate_of"])
    case.links.append(CaseLink(link_type="duplicate_of", target_service="intake", target_case_id=other.id,
                               target_case_no=other.case_no, target_status=other.status,
                               target_terminal=False, basis=f"SPEC §2.2 {data['rule']}",
                               created_at=ctx.now, updated_at=ctx.now))


def route(target: str):
    def effect(case: Case, data: dict, ctx) -> None:
        decision = {"target": target, "reason": data["reason"], "target_org_id": data.get("target_org_id"),
                    "basis": ctx.event.basis, "decided_by": ctx.actor.user_id, "actor": ctx.actor.to_dict(),
                    "at": ctx.now.isoformat()}
        case.data = {**case.data, "route": decision}
        # the child case is created by the target service when it runs (later hand-off); until then
        # the link records the decision and waits
        case.links.append(CaseLink(link_type="child", target_service=target, target_case_id=None,
                                   target_status="awaiting_service", target_terminal=False,
                                   basis=ctx.event.basis, created_at=ctx.now, updated_at=ctx.now))
        ctx.outbox.append(("case_routed", {"route": decision}))
    return effect


def refer_external(case: Case, data: dict, ctx) -> None:
    basis = routing.EXTERNAL.get(case.category, {}).get(data["external_channel"], "")
    case.data = {**case.data, "referral": {
        "channel": data["external_channel"], "channel_label": EXTERNAL_CHANNELS[data["external_channel"]],
        "reason": data["reason"], "target_org_id": data.get("target_org_id"), "basis": basis,
        "decided_by": ctx.actor.user_id, "at": ctx.now.isoformat()}}
    ctx.outbox.append(("case_routed", {"route": {"target": "external", **case.data["referral"]}}))


def answer(case: Case, data: dict, ctx) -> None:
    put(case, answer={"kind": data["kind"], "text": data["answer"], "by": ctx.actor.user_id, "at": ctx.now.isoformat()})


def notify(case: Case, data: dict, ctx) -> None:
    put(case, notified={"how": data["notified_how"], "note": data["note"], "at": ctx.now.isoformat()})


def close(case: Case, data: dict, ctx) -> None:
    put(case, outcome=data.get("outcome") or "all child cases closed")


def supervise(case: Case, data: dict, ctx) -> None:
    case.supervised = True   # 督办 flag (LVR Art 40 by analogy; SPEC §2.4)
