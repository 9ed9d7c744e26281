"""Hand-offs between case services (SPEC §7).

The parent records a ``child`` link in the same transaction as its routing event; ``deliver_pending``
then calls the target's ``open_from_handoff`` over RPC with an idempotency key per link, so a retry
after a lost reply opens no second case. A target that is not deployed leaves the link waiting.
The child's outbox events carry ``parent_service``/``parent_case_id``; ``apply_child_event`` keeps
the parent's link current, once per event id."""
from __future__ import annotations

import logging

from nameko.exceptions import RpcTimeout, UnknownService
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from contracts.errors import JiefenError
from infra.actors import system_actor
from infra.db import read_session, write_session
from infra.models import Case, CaseLink, InboxRow
from infra.pii import party_view

log = logging.getLogger(__name__)
AWAITING = "awaiting_service"


def handoff_payload(case: Case, link: CaseLink, route: dict, parent_service: str) -> dict:
    return {
        "parent_service": parent_service, "parent_case_id": case.id, "parent_case_no": case.case_no,
        "link_type": "child", "reason": route.get("reason") or "", "basis": link.basis,
        "target_org_id": route.get("target_org_id"), "channel": case.channel, "category": case.category,
        "summary": case.summary, "request": case.request, "facts": case.facts,
        "parties": [party_view(p, whole=True) for p in case.parties],
        "data": {k: v for k, v in route.items() if k not in ("reason", "target_org_id", "decided_by", "actor", "at")},
    }


def deliver_pending(env, amqp_config: dict, limit: int = 20, targets: tuple[str, ...] | None = None) -> dict:
    """Open the child case of every link still waiting for its service (of ``targets`` only, when given:
    a service whose own children open in-process, like diversion's JC cases, leaves those out)."""
    counts = {"delivered": 0, "waiting": 0}
    unavailable: set[str] = set()           # a target not answering is not asked again this round
    with read_session(env.engine) as s:
        stmt = select(CaseLink.id, CaseLink.case_id, CaseLink.target_service).where(
            CaseLink.link_type == "child", CaseLink.target_case_id.is_(None),
            or_(CaseLink.target_status.is_(None), CaseLink.target_status.not_like("refused:%")))
        if targets is not None:
            stmt = stmt.where(CaseLink.target_service.in_(targets))
        links = s.execute(stmt.order_by(CaseLink.id).limit(limit)).all()
    for link_id, case_id, target in links:
        if target in unavailable:
            counts["waiting"] += 1
            continue
        with read_session(env.engine) as s:
            case = s.get(Case, case_id)
            link = s.get(CaseLink, link_id)
            route = link.handoff or (case.data or {}).get("route") or {}
            payload = handoff_payload(case, link, route, env.service)
            actor = route.get("actor")
        if not actor:
            continue
        try:
            # the routing user's identity, vouched for by this service's own key
            with ClusterRpcProxy(amqp_config, context_data=env.trust.context_for(actor), timeout=10) as rpc:
                child = getattr(rpc, target).open_from_handoff(
                    payload, idempotency_key=f"handoff:{env.service}:{case_id}:{link_id}")
        except (UnknownService, RpcTimeout):
            unavailable.add(target)     # not deployed, or not answering: the next round tries again
            counts["waiting"] += 1
            continue
        except JiefenError as err:
            log.warning("hand-off of %s to %s refused: %s %s", case_id, target, err.code, err.message)
            _update_link(env, link_id, status=f"refused:{err.code}", terminal=False)
            continue
        _update_link(env, link_id, child_id=child["case_id"], child_no=child["case_no"], status=child["status"],
                     terminal=child.get("terminal", False), version=child["version"])
        counts["delivered"] += 1
    return counts


def _update_link(env, link_id, child_id=None, child_no=None, status=None, terminal=False, version=0) -> None:
    with write_session(env.engine) as s:
        link = s.get(CaseLink, link_id, with_for_update=True)   # one writer per link at a time (instances)
        if link.target_version > version:
            return                          # a newer child event got here first
        link.target_version = version
        if child_id:
            link.target_case_id, link.target_case_no = child_id, child_no
        link.target_status, link.target_terminal, link.updated_at = status, terminal, env.now()
        s.commit()


def authentic_child_event(env, payload: dict, source: str) -> dict | None:
    """The event as the child case really stands, or None (dropped, logged in one line).

    The event, signed by ``source`` (checked by the handler: infra/service.py ``owned_event``), must concern
    one of this service's cases; then the child case is read over authenticated RPC as this service's
    ``sys`` (its own database when the child is its own) and what it reads replaces what the message claims
    (status, terminal, version): a replayed or reordered event reacts to the truth."""
    if not isinstance(payload, dict) or payload.get("parent_service") != env.service \
            or not payload.get("parent_case_id"):
        return None
    try:
        child = _read_child(env, source, payload)
    except (JiefenError, UnknownService, RpcTimeout) as err:
        log.warning("event %s from %s: the child case could not be read (%s); ignored",
                    str(payload.get("event_id"))[:40], source, getattr(err, "code", type(err).__name__))
        return None
    parent = child.get("parent") or {}
    if parent.get("service") != env.service or parent.get("case_id") != payload["parent_case_id"]:
        log.warning("event %s from %s: the child case does not name this parent; ignored",
                    str(payload.get("event_id"))[:40], source)
        return None
    # the event brought the child where it stands only if nothing happened to it since (its own version)
    entered_by = payload.get("event") if payload.get("version") == child["version"] else None
    return {**payload, "case_id": child["case_id"], "case_no": child["case_no"], "case_type": child["case_type"],
            "to": child["status"], "terminal": bool(child["terminal"]), "version": child["version"],
            "entered_by": entered_by}


def _read_child(env, source: str, payload: dict) -> dict:
    case_id = payload.get("case_id")
    if source == env.service:                      # a child of the same service: its own database
        with read_session(env.engine) as s:
            case = s.get(Case, case_id) if isinstance(case_id, str) else None
            if case is None:
                raise JiefenError("NOT_FOUND", f"案件 {case_id} 不存在")
            return {"case_id": case.id, "case_no": case.case_no, "case_type": case.case_type, "status": case.status,
                    "terminal": _terminal(env, case), "version": case.version,
                    "parent": {"service": case.parent_service, "case_id": case.parent_case_id}}
    context = env.trust.context_for(system_actor(str(payload.get("org_id") or "")))
    with ClusterRpcProxy(env.amqp, context_data=context, timeout=10) as rpc:
        return getattr(rpc, source).get_case(case_id)


def _terminal(env, case: Case) -> bool:
    ct = env.siblings[case.case_type].case_type if case.case_type in env.siblings else env.case_type
    return ct.state(case.status).terminal


CHILD_ENTERED_BY = "child_entered_by"      # key in CaseLink.handoff: the event that brought the child to its state


def apply_child_event(env, payload: dict, source: str | None = None, checked: bool = False) -> str | None:
    """Record a child's state on the parent's link, once per event id. Returns the parent case id
    when the event was new and concerns one of this service's cases. ``source``: the exchange's service;
    unless ``checked``, the event is first authenticated and replaced by the child's real state."""
    if not checked:
        payload = authentic_child_event(env, payload, source)
        if payload is None:
            return None
    if payload.get("parent_service") != env.service or not payload.get("parent_case_id"):
        return None
    with write_session(env.engine) as s:
        try:
            s.add(InboxRow(event_id=payload["event_id"], handled_at=env.now()))
            s.flush()
        except IntegrityError:
            s.rollback()
            return None                     # seen before (at-least-once delivery)
        # FOR UPDATE: two instances applying two events of one child take turns, and the later reads
        # the version the earlier wrote (no lost update of an older status over a newer one)
        links = s.scalars(select(CaseLink).where(
            CaseLink.case_id == payload["parent_case_id"], CaseLink.link_type == "child",
            CaseLink.target_service == payload["service"]).order_by(CaseLink.id).with_for_update()).all()
        link = next((l for l in links if l.target_case_id == payload["case_id"]), None) \
            or next((l for l in links if l.target_case_id is None), None)
        if link is None:
            s.commit()
            return None
        if link.target_case_id == payload["case_id"] and link.target_version >= payload["version"]:
            s.commit()                      # the link already shows this (the RPC reply got here first):
            return payload["parent_case_id"]   # the parent still re-checks its own state
        if link.target_status != payload["to"]:
            # how the child reached its state, e.g. PM_PERFORMING by the court's confirmation (the resident's
            # lookup says so); kept beside the hand-off's decision, which is delivered by then (no new column)
            link.handoff = {**(link.handoff or {}), CHILD_ENTERED_BY: payload.get("entered_by")}
        link.target_version = payload["version"]
        link.target_case_id, link.target_case_no = payload["case_id"], payload["case_no"]
        link.target_status, link.target_terminal = payload["to"], bool(payload["terminal"])
        link.updated_at = env.now()
        s.commit()
    return payload["parent_case_id"]
