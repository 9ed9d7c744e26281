"""Court-delegated mediation by a people's mediation committee (SPEC §7: DV 委派 to a PMC as 特邀调解组织
→ a PM case in court-delegated mode; DV clocks govern; SIM Art 1, 11; PML Art 18).

When the court designates a people's mediation committee (``designate_mediator``), the DV transition
records a ``child`` link to the mediation service in the same commit; diversion's relay
(infra.handoff.deliver_pending, targets ``mediation``) opens the PM case in that committee's own
records (mediation ``open_from_handoff``, mode ``court_delegated``) with a per-link idempotency key.

The committee then works the matter in its own case. Its outcome comes back on the mediation
service's signed ``case_transitioned`` events: each is authenticated (signed by ``mediation``, the
PM case read over RPC as it really stands and checked to name this DV case as its parent), and the
DV case is brought to the state the PM case stands for, by ``sys``, one idempotency key per PM event
and DV step (a replayed or late event changes nothing):

| PM case stands at                            | DV events fired (in order, those its state allows)     |
|----------------------------------------------|--------------------------------------------------------|
| PM_CONSENT_PENDING (the committee took it)   | mediator_accepts (OMR Art 12)                          |
| PM_ACCEPTED, PM_IN_MEDIATION                 | mediator_accepts, respondent_consents (OMR Art 15)     |
| an agreement (PM_AGREEMENT_EFFECTIVE …)      | … then sign_agreement → DV_SETTLED (OMR Art 19; SIM 24)|
| PM_TERMINATED                                | … then terminate → DV_FAILED (OMR Art 25; SIM Art 26)  |
| PM_REJECTED by the committee (``reject``)    | mediator_declines → DV_DESIGNATING (OMR Art 12 ¶2)     |
| PM_REJECTED by a party / no answer           | mediator_accepts, respondent_refuses → DV_FAILED       |

Once the committee's case exists, the mediator's outcome events on the DV case itself are refused
(``committee_records``): the committee's own record is the one record of the mediation (PML Art 27).
"""
from __future__ import annotations

import logging

from nameko.exceptions import RpcTimeout, UnknownService
from nameko.standalone.rpc import ClusterRpcProxy

from contracts.errors import JiefenError
from infra import handoff
from infra.actors import system_actor
from infra.db import read_session
from infra.system_fire import fire_as_system
from infra.models import Case, CaseLink

log = logging.getLogger(__name__)
MODE = "court_delegated"
BASIS = "SIM Art 1, 11; PML Art 18; SPEC §7"
COMMITTEE_KINDS = ("mediation_committee",)
# the DV events a committee's case drives (fired by sys); the mediator may not fire them once it exists
DRIVEN = ("mediator_accepts", "mediator_declines", "respondent_consents", "respondent_refuses", "sign_agreement",
          "terminate")
ACCEPTED = ("PM_CONSENT_PENDING", "PM_ACCEPTED", "PM_IN_MEDIATION", "PM_AGREEMENT_EFFECTIVE",
            "PM_CONFIRMATION_PENDING", "PM_CONFIRMATION_REJECTED", "PM_PERFORMING", "PM_PERFORMED",
            "PM_PERFORMANCE_DISPUTE", "PM_TERMINATED")
CONSENTED = ACCEPTED[1:]
AGREED = ("PM_AGREEMENT_EFFECTIVE", "PM_CONFIRMATION_PENDING", "PM_CONFIRMATION_REJECTED", "PM_PERFORMING",
          "PM_PERFORMED", "PM_PERFORMANCE_DISPUTE")
# a termination recorded by the committee (PML Art 26) → the ground of OMR Art 25 it amounts to
GROUNDS = {"party_withdrew": "party_unwilling", "party_refuses_or_abandons": "party_unwilling",
           "no_agreement_possible": "wide_disagreement", "period_expired": "period_expired_no_extension",
           "deemed_failed": "period_expired_no_extension"}


def is_committee(ctx, org_code: str | None) -> bool:
    org = ctx.env.directory.get(org_code) if org_code else None
    return org is not None and org.kind in COMMITTEE_KINDS


def enabled(config) -> bool:
    return bool(((config.get("diversion") or {}).get("committee_case", True)))


def hand_to_committee(case: Case, record: dict, ctx) -> None:
    """In designate_mediator's transition: a people's mediation committee designated → a child link the
    relay delivers to the mediation service (SPEC §7; SIM Art 1, 11; PML Art 18)."""
    org = record["mediator_org_id"]
    if not enabled(ctx.env.config) or not is_committee(ctx, org):
        return
    # the court hands the file over: its officer (the recorder of the parties' joint choice, without the
    # party's act, which concerned the designation, not the committee's registration)
    actor = {k: v for k, v in ctx.actor.to_dict().items() if k != "party_act"}
    route = {"reason": "人民法院委派人民调解委员会诉前调解", "target_org_id": org, "actor": actor,
             "mode": MODE, "court_id": case.org_id, "mediator_id": record.get("mediator_id"),
             "designated_by": record["by"], "designated_at": record["at"]}
    case.links.append(CaseLink(link_type="child", target_service="mediation", target_case_id=None,
                               target_status=handoff.AWAITING, target_terminal=False, basis=BASIS,
                               handoff=route, created_at=ctx.now, updated_at=ctx.now))


def committee_link(case: Case) -> CaseLink | None:
    """The committee's case opened for the current designation, if any (a re-designation leaves the
    earlier committee's case behind: it no longer governs)."""
    designation = (case.data or {}).get("designation") or {}
    return next((l for l in reversed(case.links) if l.link_type == "child" and l.target_service == "mediation"
                 and l.target_case_id and (l.handoff or {}).get("designated_at") == designation.get("at")), None)


def committee_records(case, data, ctx) -> bool:
    """Guard: once the committee's own case exists, its outcome comes from there (sys), not from the
    mediator on the DV case; the court's officers keep their powers."""
    return ctx.actor.role != "mediator" or committee_link(case) is None


# -- the committee's case answers ---------------------------------------------------------------------
def on_committee_event(env, payload: dict) -> None:
    """A mediation ``case_registered``/``case_transitioned`` event (signed by mediation: owned_event): if it concerns a committee case of one
    of this service's DV cases, keep the link current and bring the DV case along."""
    if not isinstance(payload, dict) or payload.get("parent_service") != env.service:
        return
    try:
        pm = _read_pm(env, payload)
    except (JiefenError, UnknownService, RpcTimeout) as err:
        log.warning("mediation event %s: the committee's case could not be read (%s); ignored",
                    str(payload.get("event_id"))[:40], getattr(err, "code", type(err).__name__))
        return
    parent = pm.get("parent") or {}
    if parent.get("service") != env.service or parent.get("case_id") != payload["parent_case_id"]:
        return
    if ((pm.get("data") or {}).get("court_delegation") or {}).get("mode") != MODE:
        return                                  # a suit or a confirmation: not this module's
    checked = {**payload, "case_id": pm["case_id"], "case_no": pm["case_no"], "case_type": pm["case_type"],
               "to": pm["status"], "terminal": bool(pm["terminal"]), "version": pm["version"]}
    dv_id = handoff.apply_child_event(env, checked, "mediation", checked=True)
    if dv_id is not None:
        follow(env, dv_id, pm, str(payload.get("event_id")))


def _read_pm(env, payload: dict) -> dict:
    context = env.trust.context_for(system_actor(str(payload.get("org_id") or "")))
    with ClusterRpcProxy(env.amqp, context_data=context, timeout=10) as rpc:
        return rpc.mediation.get_case(payload.get("case_id"))


def steps_for(pm: dict, respondent: int | None, everyone: list[int]) -> list[tuple[str, dict]]:
    """The DV events (with their data) that the PM case's state stands for, in order."""
    status, data = pm["status"], pm.get("data") or {}
    note = f"人民调解委员会案件 {pm['case_no']}"
    rejection = data.get("rejection") or {}
    if status == "PM_REJECTED" and rejection.get("ground") not in ("party_refused", "no_answer"):
        return [("mediator_declines", {"ground": "outside_remit" if rejection.get("ground") != "other" else
                                       "other_unsuitable", "reason": f"{note}不予受理（PMR Art 22）"})]
    steps: list[tuple[str, dict]] = []
    if status in ACCEPTED or status == "PM_REJECTED":
        steps.append(("mediator_accepts", {"disclosure": f"{note}已受理"}))
    if status == "PM_REJECTED" and respondent:
        party = rejection.get("party") or respondent
        steps.append(("respondent_refuses", {"party": party, "how": "in_person",
                                             "statement": f"{note}：当事人拒绝调解或逾期未答复（PML Art 17）"}))
    if status in CONSENTED and respondent:
        steps.append(("respondent_consents", {"party": respondent, "how": "in_person",
                                              "statement": f"{note}：对方当事人同意调解"}))
    if status in AGREED:
        agreement = data.get("agreement") or {}
        content = agreement.get("obligations") or agreement.get("content") or "见人民调解协议书"
        signer = agreement.get("mediator_signature") or agreement.get("by") or "人民调解员"
        steps.append(("sign_agreement", {"content": str(content)[:2000], "signatures": everyone,
                                         "mediator_signature": str(signer)[:64], "org_seal": True,
                                         "note": f"{note}达成调解协议（PML Art 28-29）"}))
    if status == "PM_TERMINATED":
        termination = data.get("termination") or {}
        reason = termination.get("reason") or "人民调解委员会终止调解"
        steps.append(("terminate", {"ground": GROUNDS.get(termination.get("ground"), "other"),
                                    "reason": f"{note}：{reason}（PML Art 26）"[:4000]}))
    return steps


def follow(env, dv_id: str, pm: dict, event_id: str) -> None:
    """Fire, as sys, the DV events the PM case stands for that the DV case's state allows, while the PM case
    is still the one the DV case's designation governs (checked in each firing transaction)."""
    def governs(case) -> bool:
        link = committee_link(case)
        return case.case_type == "diversion" and link is not None and link.target_case_id == pm["case_id"]
    respondent, everyone = _sides(env, dv_id)
    for event, data in steps_for(pm, respondent, everyone):
        # a step the DV case has taken already, or cannot take, is refused by its state and left out
        fire_as_system(env, event, case_id=dv_id, data=data, key=f"pm:{event_id}:{event}", when=governs)


def _sides(env, dv_id: str) -> tuple[int | None, list[int]]:
    """The DV case's (first) respondent and every party's number: the PM case was opened with the DV
    case's parties in the same order, and the committee's agreement binds them all (PML Art 29)."""
    with read_session(env.engine) as s:
        case = s.get(Case, dv_id)
        if case is None:
            return None, []
        return (next((p.seq for p in case.parties if p.role == "respondent"), None),
                sorted(p.seq for p in case.parties))
