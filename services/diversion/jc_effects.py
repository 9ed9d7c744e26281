"""What each judicial confirmation event changes on the case row (SPEC §4C). The ruling is also
announced as ``judicial_confirmation_ruled`` (with the ruling number and ground), so the mediation
case it came from can record it (SPEC §7: JC_CONFIRMED / JC_REJECTED → PM confirmation_granted /
_rejected); non-confirmations name the justice bureau and the committee to report to (JC11 Art 12)."""
from __future__ import annotations

from contracts.diversion import JURISDICTION_BASES, NOT_ACCEPTED_GROUNDS, REJECTION_GROUNDS
from infra.casedata import amend_last, append, put, stamp
from infra.models import Case
from services.diversion.common import brought_by, link_parent, register, set_participants
from services.diversion.jc_guards import applied_on

RULED = "judicial_confirmation_ruled"


def _announce(case: Case, outcome: str, ctx, **details) -> None:
    ctx.outbox.append((RULED, {"outcome": outcome, "docket_no": (case.data or {}).get("docket_no"), **details}))


def apply(case: Case, data: dict, ctx) -> None:
    """CPL Art 205; CPLI Art 351-354: the joint application, written or oral (oral: recorded and
    signed, CPLI Art 353), with the agreement and the materials (CPLI Art 354)."""
    register(case, data, data["court_id"])
    agreement = data["agreement"]
    bringer = brought_by(ctx, data["court_id"])
    case.data = {
        "application": {"applicants": sorted(data["applicants"]), "form": data["form"], "note": data["note"],
                        "applied_on": applied_on(data, ctx).isoformat(),
                        "materials": data["materials"], "jurisdiction_basis": data["jurisdiction_basis"],
                        "jurisdiction": JURISDICTION_BASES[data["jurisdiction_basis"]],
                        "intermediate_court": data["intermediate_court"],
                        "jurisdiction_county": data.get("jurisdiction_county"), **stamp(ctx)},
        "agreement": dict(agreement),
        "brought_by": bringer,
    }
    set_participants(case, bringer, agreement.get("mediation_org_id"))
    link_parent(case, data.get("handoff"), ctx, "SPEC §7; PML Art 33; CPL Art 205")


def accept(case: Case, data: dict, ctx) -> None:
    put(case, docket_no=data["docket_no"], acceptance={"basis": "JC11 Art 4", **stamp(ctx)})


def refuse(case: Case, data: dict, ctx) -> None:
    record = {"ground": data["ground"], "basis": NOT_ACCEPTED_GROUNDS[data["ground"]], "ruling_no": data["ruling_no"],
              "reason": data["reason"], **stamp(ctx)}
    put(case, not_accepted=record)
    _announce(case, "not_accepted", ctx, ruling=record)


def request_supplement(case: Case, data: dict, ctx) -> None:
    days = data["days"] or ctx.env.config.period("diversion", "jc_supplement_default")[0]
    put(case, supplement={"items": data["items"], "days": days, "basis": "CPLI Art 356 ¶2; CPLI Art 354 ¶2",
                          **stamp(ctx)})
    append(case, "supplements", {"items": data["items"], "days": days, "requested": stamp(ctx)})


def supplement_received(case: Case, data: dict, ctx) -> None:
    amend_last(case, "supplements", {"received": stamp(ctx), "note": data["note"]})


def deemed_withdrawn(case: Case, data: dict, ctx) -> None:
    record = {"deemed": True, "basis": "CPLI Art 357 ¶2: 未在限期内补充，按撤回申请处理", **stamp(ctx)}
    put(case, withdrawal=record)
    _announce(case, "withdrawn", ctx, ruling=record)


def withdraw(case: Case, data: dict, ctx) -> None:
    record = {"deemed": False, "party": data["party"], "note": data["note"], "basis": "CPLI Art 357 ¶1", **stamp(ctx)}
    put(case, withdrawal=record)
    _announce(case, "withdrawn", ctx, ruling=record)


def _ruling(case: Case, outcome: str, data: dict, ctx, **extra) -> dict:
    record = {"outcome": outcome, "ruling_no": data["ruling_no"], "served_on": data.get("served_on"),
              **extra, **stamp(ctx)}
    put(case, ruling=record)
    return record


def confirm(case: Case, data: dict, ctx) -> None:
    """CPL Art 206: 裁定调解协议有效; enforceable on non-performance."""
    record = _ruling(case, "confirmed", data, ctx, basis="CPL Art 206", parties_heard=True)
    put(case, agreement={**case.data["agreement"], "confirmed": True})
    _announce(case, "confirmed", ctx, ruling=record)


def reject(case: Case, data: dict, ctx) -> None:
    """CPLI Art 358 (JC11 Art 7); the parties may amend the agreement, make a new one, or sue (CPL Art 206).
    Non-confirmations are reported to the justice bureau and the committee (JC11 Art 12 [V?])."""
    record = _ruling(case, "rejected", data, ctx, ground=data["ground"], basis=REJECTION_GROUNDS[data["ground"]],
                     reason=data["reason"], remedies="CPL Art 206: 变更原调解协议、达成新的调解协议或者提起诉讼")
    report_to = [o for o in ((ctx.env.config.get("diversion") or {}).get("justice_bureau"),
                             case.data["agreement"].get("mediation_org_id")) if o]
    _announce(case, "rejected", ctx, ruling=record, report_to=report_to)


def extend_review(case: Case, data: dict, ctx) -> None:
    append(case, "extensions", {"clock": data["clock"], "amount": data["amount"], "approved_by": data["approved_by"],
                                "reason": data["reason"], "basis": "JC11 Art 5 [V?]", **stamp(ctx)})


def apply_enforcement(case: Case, data: dict, ctx) -> None:
    put(case, enforcement={"applicant": data["applicant"], "non_performance": data["non_performance"],
                           "note": data["note"], "basis": "CPL Art 206; PML Art 33 ¶2; JC11 Art 9", **stamp(ctx)})


def file_objection(case: Case, data: dict, ctx) -> None:
    record = {k: data.get(k) for k in ("objector", "party", "name", "received_on", "known_on", "grounds")} \
        | {"against": ctx.from_state, "basis": "CPLI Art 372", **stamp(ctx)}
    put(case, objection=record)
    _announce(case, "objection_filed", ctx, objection={k: v for k, v in record.items() if k != "name"})


def _decide_objection(case: Case, decision: str, data: dict, ctx, **extra) -> dict:
    """CPLI Art 372 ¶1: the objection's outcome, recorded on the objection; announced so the mediation
    case the agreement came from follows it (SPEC §7)."""
    record = {"decision": decision, "ruling_no": data["ruling_no"], "reason": data["reason"],
              "served_on": data.get("served_on"), "basis": "CPLI Art 372 ¶1", **extra, **stamp(ctx)}
    put(case, objection={**case.data.get("objection", {}), "decided": record})
    _announce(case, decision, ctx, ruling=record)
    return record


def revoke_ruling(case: Case, data: dict, ctx) -> None:
    """撤销原裁定: the agreement is no longer confirmed (nor enforceable through this ruling)."""
    _decide_objection(case, "revoked", data, ctx)
    put(case, agreement={**case.data["agreement"], "confirmed": False, "revoked": True})


def amend_ruling(case: Case, data: dict, ctx) -> None:
    """改变原裁定: the agreement stands confirmed as the new ruling changes it."""
    _decide_objection(case, "amended", data, ctx, content=data["content"])
    put(case, agreement={**case.data["agreement"], "confirmed": True, "confirmed_content": data["content"]})


def dismiss_objection(case: Case, data: dict, ctx) -> None:
    """裁定驳回: the original ruling stands."""
    _decide_objection(case, "objection_dismissed", data, ctx)


def overdue(case: Case, data: dict, ctx) -> None:
    case.supervised = True   # 督办 (SPEC §1 timers)
    append(case, "overdue", {"clock": data["clock"], **stamp(ctx)})
