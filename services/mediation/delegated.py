"""Court-delegated mediation (委派调解) in a people's mediation committee's own records (SPEC §7: DV 委派
to a PMC as 特邀调解组织 → a PM case, court-delegated mode; DV clocks govern; SIM Art 1, 11; PML Art 18).

- Opened by diversion's hand-off (``open_from_handoff`` with ``data.mode == "court_delegated"``), as the
  court officer who designated the committee; the court stays a participant and reads the case.
- The court's periods govern (OMR Art 12, 24; SIM Art 27), not the committee's own (PMR Art 33; NB
  Art 27): none of the PM clocks starts (deadlines.py ``applies``); the case carries the DV case's
  open deadlines in ``data.court_delegation.deadlines``, refreshed by the ``sys`` self-loop
  ``court_period_updated`` on every authenticated event of the DV case, and shown in listings.
- PMR Art 22(2) (a dispute already accepted by a court is not accepted by the committee) is not
  triggered by a pre-filing delegation [A]: ``mediation.court_delegation_is_court_acceptance`` (default
  false) makes the committee's acceptance refuse it instead.
- The outcome goes back to the DV case by the mediation service's own signed events
  (services/diversion/delegation.py).
"""
from __future__ import annotations

import logging

from nameko.exceptions import RpcTimeout, UnknownService
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import select

from contracts.errors import JiefenError
from infra.actors import system_actor
from infra.db import read_session
from infra.system_fire import fire_as_system
from infra.models import Case

log = logging.getLogger(__name__)
MODE = "court_delegated"
MODE_LABEL = "委派调解"
BASIS = "SIM Art 1, 11; PML Art 18; SPEC §7"
PMR_22_2 = "court_delegation_is_court_acceptance"
COURT_PERIOD = "court_period"          # the clock named when the court's period ends the committee's mediation
ENDED_BY_COURT_PERIOD = "period_expired_no_extension"     # the DV failure ground of OMR Art 25(6)


def is_delegated(case) -> bool:
    return case is not None and ((case.data or {}).get("court_delegation") or {}).get("mode") == MODE


def wanted(h: dict) -> bool:
    """A hand-off from diversion naming the court-delegated mode."""
    return h.get("parent_service") == "diversion" and (h.get("data") or {}).get("mode") == MODE


def deadlines_of(dv: dict) -> list[dict]:
    """The DV case's open deadlines, as the court's view gives them (kind, label, due date, basis)."""
    keep = ("kind", "label", "status", "due_at", "due_date", "basis")
    return [{k: d.get(k) for k in keep} for d in dv.get("deadlines") or []]


def record(handoff: dict, ctx) -> dict:
    """data.court_delegation of a new court-delegated case (effects.apply)."""
    hdata = handoff.get("data") or {}
    return {"mode": MODE, "mode_label": MODE_LABEL, "court_id": hdata.get("court_id"),
            "court_case_id": handoff["parent_case_id"], "court_case_no": handoff["parent_case_no"],
            "mediator_id": hdata.get("mediator_id"), "designated_by": hdata.get("designated_by"),
            "designated_at": hdata.get("designated_at"), "deadlines": hdata.get("court_deadlines") or [],
            "court_status": hdata.get("court_status"),
            "counts_as_court_acceptance": bool((ctx.env.config.get("mediation") or {}).get(PMR_22_2, False)),
            "basis": BASIS + "; the court's periods govern (OMR Art 12, 24; SIM Art 27)"}


def listing(case) -> dict:
    """What a work list shows of a court-delegated case: the mode and the court's next deadline."""
    if not is_delegated(case):
        return {}
    cd = case.data["court_delegation"]
    due = sorted((d for d in cd.get("deadlines") or [] if d.get("due_at")), key=lambda d: d["due_at"])
    return {"mode": MODE, "mode_label": MODE_LABEL, "court_case_no": cd.get("court_case_no"),
            "court_deadline": due[0] if due else None}


def not_court_accepted(case, data, ctx) -> bool:
    """Guard of ``accept``: PMR Art 22(2) applied to a pre-filing delegation only when configured [A]."""
    return not (is_delegated(case) and case.data["court_delegation"].get("counts_as_court_acceptance"))


# -- the DV case's events refresh the court's deadlines here ------------------------------------------
def on_court_event(env, payload: dict) -> None:
    """A diversion event (signed by diversion: owned_event): if a court-delegated case of this service names that DV case as its parent,
    read the DV case as it stands (authenticated) and record its deadlines and state here."""
    if not isinstance(payload, dict) or payload.get("case_type") != "diversion" or not payload.get("case_id"):
        return
    with read_session(env.engine) as s:
        mine = [(c.id, c.org_id) for c in s.scalars(select(Case).where(
            Case.parent_service == "diversion", Case.parent_case_id == payload["case_id"],
            Case.closed_at.is_(None))).all() if is_delegated(c)]
    if not mine:
        return
    try:
        context = env.trust.context_for(system_actor(str(payload.get("org_id") or "")))
        with ClusterRpcProxy(env.amqp, context_data=context, timeout=10) as rpc:
            dv = rpc.diversion.get_case(payload["case_id"])
    except (JiefenError, UnknownService, RpcTimeout) as err:
        log.warning("court event %s: the DV case could not be read (%s)", str(payload.get("event_id"))[:40],
                    getattr(err, "code", type(err).__name__))
        return
    data = {"deadlines": deadlines_of(dv), "court_status": dv["status"], "court_status_label": dv.get("status_label"),
            "court_version": dv["version"]}
    expired = dv["status"] == "DV_FAILED" and \
        ((dv.get("data") or {}).get("failure") or {}).get("ground") == ENDED_BY_COURT_PERIOD
    for case_id, org in mine:
        refresh(env, case_id, org, data, f"court:{payload.get('event_id')}")
        if expired:
            end_with_court_period(env, case_id, org, f"court-period:{payload.get('event_id')}")


def refresh(env, case_id: str, org: str, data: dict, key: str) -> None:
    """``court_period_updated`` as sys, unless the case (as the firing transaction reads it) already shows
    this or a newer state of the DV case (reordered events), or nothing the committee sees has changed."""
    def changed(case) -> bool:
        cd = (case.data or {}).get("court_delegation") or {}
        return cd.get("court_version", -1) < data["court_version"] and \
            (cd.get("deadlines"), cd.get("court_status")) != (data["deadlines"], data["court_status"])
    fire_as_system(env, "court_period_updated", case_id=case_id, data=data, key=key, org_id=org, when=changed)


def end_with_court_period(env, case_id: str, org: str, key: str) -> None:
    """The delegating court's mediation period ended without agreement (OMR Art 25(6); SIM Art 27): the
    committee's mediation ends with it (``deadline_expired``, clock ``court_period``), if still running."""
    fire_as_system(env, "deadline_expired", case_id=case_id, data={"clock": COURT_PERIOD}, key=key, org_id=org)


def court_period_updated(case, data: dict, ctx) -> None:
    """Effect: the court's deadlines and the DV case's state, as read from the court's case."""
    cd = dict((case.data or {}).get("court_delegation") or {})   # fired only for court-delegated cases
    cd.update(deadlines=data["deadlines"], court_status=data["court_status"],
              court_status_label=data["court_status_label"], court_version=data["court_version"],
              refreshed_at=ctx.now.isoformat())
    case.data = {**case.data, "court_delegation": cd}
