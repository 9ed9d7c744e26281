"""The cases a mediation case hands to the court, followed back (SPEC §7; the same pattern as intake's
tracking: ``apply_child_event`` keeps the link current, then the parent fires a ``sys`` event).

- The judicial-confirmation case (diversion, type ``jc``): its ``case_transitioned`` events answer the
  pending application: JC_CONFIRMED → ``confirmation_granted``, JC_REJECTED → ``confirmation_rejected``,
  JC_NOT_ACCEPTED / JC_WITHDRAWN → ``confirmation_lapsed``; later, JC_ENFORCEMENT_REQUESTED →
  ``enforcement_requested``; an objection and the court's decision on it (JC_OBJECTION, JC_REVOKED,
  JC_AMENDED, JC_OBJECTION_DISMISSED) → ``confirmation_ruling_reviewed``. One idempotency key per child event (``jc:<event_id>``).
- A suit (diversion, type ``diversion``): the link shows where it stands (DV_FILING_REVIEW, DV_FILED …);
  the mediation case itself does not change.
- A hand-off the court service refused (the relay marks the link ``refused:<code>``): settled by
  ``confirmation_lapsed`` (a confirmation) or ``handoff_refused`` (a suit), once per link, unless the
  refusal was transient (the relay then simply tries again).

Intake is not concerned: it tracks only its own links (the mediation case), and these children's
events name ``mediation`` as their parent, which intake ignores.
"""
from __future__ import annotations

import logging
from typing import Callable

from sqlalchemy import select

from contracts.errors import JiefenError, transient
from infra import handoff
from infra.db import read_session
from infra.system_fire import fire_as_system
from infra.models import Case, CaseLink
from services.mediation.confirmation import PURPOSE as CONFIRMATION, jc_links, pending_jc_case

log = logging.getLogger(__name__)

ANSWERS = {"JC_CONFIRMED": "confirmation_granted", "JC_REJECTED": "confirmation_rejected",
           "JC_NOT_ACCEPTED": "confirmation_lapsed", "JC_WITHDRAWN": "confirmation_lapsed"}
LAPSES = {"JC_NOT_ACCEPTED": "not_accepted", "JC_WITHDRAWN": "withdrawn"}
ENFORCEMENT = "JC_ENFORCEMENT_REQUESTED"
OBJECTION_STATES = ("JC_OBJECTION", "JC_REVOKED", "JC_AMENDED", "JC_OBJECTION_DISMISSED")   # CPLI Art 372


def on_child_event(env, payload: dict, source: str) -> None:
    # authenticated (signed by the court's service) and replaced by the JC case as it really stands
    payload = handoff.authentic_child_event(env, payload, source)
    if payload is None:
        return
    case_id = handoff.apply_child_event(env, payload, source, checked=True)
    if case_id is None or payload.get("case_type") != "jc" or payload.get("event_type") != "case_transitioned":
        return
    to, jc_id = payload["to"], payload["case_id"]
    data = {"jc_case_id": jc_id, "jc_case_no": payload["case_no"], "jc_status": to, "jc_event": payload["event"],
            "jc_version": payload["version"], "at": payload["at"]}
    if to in ANSWERS:
        if to in LAPSES:
            data["outcome"] = LAPSES[to]
        react(env, case_id, ANSWERS[to], data, f"jc:{payload['event_id']}",
              concerns=lambda case: pending_jc_case(case) == jc_id)
    elif to in OBJECTION_STATES:
        react(env, case_id, "confirmation_ruling_reviewed", data, f"jc:{payload['event_id']}",
              concerns=lambda case: any(l.target_case_id == jc_id for l in jc_links(case)))
    elif to == ENFORCEMENT:
        react(env, case_id, "enforcement_requested", data, f"jc:{payload['event_id']}",
              concerns=lambda case: any(l.target_case_id == jc_id for l in jc_links(case)))


def settle_refused(env) -> int:
    """Record every hand-off the court service refused for good (once per link)."""
    with read_session(env.engine) as s:
        refused = s.execute(select(CaseLink.id, CaseLink.case_id, CaseLink.target_service, CaseLink.target_status,
                                   CaseLink.handoff)
                            .where(CaseLink.link_type == "child", CaseLink.target_case_id.is_(None),
                                   CaseLink.target_status.like("refused:%")).order_by(CaseLink.id)).all()
    settled = 0
    for link_id, case_id, service, status, decision in refused:
        code = status.split(":", 1)[1]
        if transient(code):          # the relay simply tries again
            continue
        if (decision or {}).get("purpose") == CONFIRMATION:
            event, data = "confirmation_lapsed", {"outcome": "handoff_refused", "code": code, "link_id": link_id}
        else:
            event, data = "handoff_refused", {"link_id": link_id, "service": service, "code": code}
        settled += react(env, case_id, event, data, f"handoff-refused:{link_id}") is not None
    return settled


def react(env, case_id: str, event: str, data: dict, key: str,
          concerns: Callable[[Case], bool] = lambda case: True) -> dict | None:
    """Fire ``event`` as sys on the parent case if, as the firing transaction reads it, the child concerns
    it (a late or repeated event changes nothing; infra/system_fire.py)."""
    return fire_as_system(env, event, case_id=case_id, data=data, key=key, when=concerns)


def enforceable(case: Case) -> dict:
    """The confirmed agreement's JC case, for an application for enforcement (PML Art 33 ¶2; CPL Art 206)."""
    if case.status not in ("PM_PERFORMING", "PM_PERFORMANCE_DISPUTE"):
        raise JiefenError("TRANSITION_NOT_ALLOWED",
                          f"案件处于 {case.status}，不能申请强制执行（履行监督或履行争议中方可申请）",
                          {"state": case.status, "event": "apply_enforcement"})
    record = (case.data or {}).get("confirmation") or {}
    if record.get("status") != "granted" or not record.get("jc_case_id"):
        raise JiefenError("GUARD_FAILED", "调解协议未经人民法院确认有效，不能申请强制执行；就履行或内容发生争议的，"
                                          "可以向人民法院提起诉讼（PML Art 33 ¶2, 32；CPL Art 206）",
                          {"basis": "PML Art 32, 33 ¶2; CPL Art 206"})
    return {"jc_case_id": record["jc_case_id"], "jc_version": record["jc_version"]}
