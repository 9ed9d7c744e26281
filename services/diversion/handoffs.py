"""Hand-offs that involve diversion (SPEC §7).

Into diversion, through ``open_from_handoff`` (infra.handoff.deliver_pending of the parent service):
- intake ``route_to_diversion`` → DV_RECEIVED (PSR Art 45; CPL Art 125);
- mediation ``refer_to_court``, a suit after PM_TERMINATED (or over an unconfirmed agreement's
  performance) → DV_RECEIVED, opened as the party who sues (or the committee for it: role party or
  pmc, allowed only for this hand-off), that party as plaintiff; after a termination D7 bars a second
  pre-filing mediation (PML Art 26, 32; SZ Art 69 ¶2);
- mediation ``apply_judicial_confirmation`` → JC_APPLIED (PML Art 33; CPL Art 205);
- petition ``redirect`` (涉法涉诉) or ``route_to_legal_procedure`` (litigation) of a new civil suit
  (``purpose: litigation``) → DV_RECEIVED, opened as the petition officer or handling organ who decided
  it (role xfb or handler, allowed only for this hand-off; LVR Art 20 ¶2, 22 ¶2, 31(1): 诉访分离). The
  petition's LVR Art 17 channel is told as the court's channel it corresponds to (``court_channel``).
Each new case records a ``parent`` link, and its outbox events carry parent_service/parent_case_id,
so the parent tracks it (intake reaches IN_CLOSED when DV reaches a terminal state).

Inside diversion: DV_SETTLED ``apply_judicial_confirmation`` → JC_APPLIED. Both case types live in
this service and database, so no RPC is needed: the DV transition records a ``child`` link whose
``handoff`` holds the application and the applying actor; right after it commits, ``open_confirmations``
fires the JC creation event with a per-link idempotency key (a retried call, or the timer that
sweeps links still waiting, opens no second case) and writes the JC case onto the link. Later JC
events reach the link through this service's own ``case_transitioned`` events (apply_child_event).
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from contracts.diversion import HandoffDataSchema
from contracts.errors import JiefenError
from infra.actors import Actor
from infra.db import read_session, write_session
from infra.models import CaseLink
from infra.service import load

log = logging.getLogger(__name__)
AWAITING = "awaiting_service"


# LVR Art 17 channels of a petition → the channels a complaint reaches the court by (contracts.enums.CHANNELS)
PETITION_CHANNELS = {"letter": "letter", "fax": "letter", "network": "online", "visit": "window", "phone": "window"}


def court_channel(handoff: dict) -> dict:
    """A petition case's hand-off names its own channel (infra.handoff.handoff_payload sends case.channel)."""
    if not isinstance(handoff, dict) or handoff.get("parent_service") != "petition":
        return handoff
    return {**handoff, "channel": PETITION_CHANNELS.get(handoff.get("channel"), handoff.get("channel"))}


def wants_confirmation(h: dict, data: dict) -> bool:
    if data.get("purpose"):
        return data["purpose"] == "judicial_confirmation"
    return h["parent_service"] == "mediation" and bool(data.get("agreement"))


def _parent(h: dict) -> dict:
    return {k: h[k] for k in ("parent_service", "parent_case_id", "parent_case_no", "link_type", "reason", "basis")} \
        | {"data": h["data"]}


def complaint_from(h: dict) -> dict:
    """receive_complaint data from a hand-off (intake's claim as registered, or a mediation case's suit:
    the party who sues is the plaintiff, its claim the request)."""
    data = load(HandoffDataSchema, h["data"], "handoff.data")
    return {"court_id": h["target_org_id"], "channel": h["channel"] or "window", "category": h["category"],
            "summary": h["summary"], "request": data.get("claim") or h["request"], "facts": h["facts"],
            "parties": plaintiff_first(h["parties"], data.get("plaintiff")),
            "subject_ref": data.get("subject_ref"), "note": h["reason"], "handoff": _parent(h)}


def plaintiff_first(parties: list[dict], plaintiff: int | None) -> list[dict]:
    """The sides of a suit (CPL Art 122): the party who sues is the plaintiff (``applicant``); when the
    mediation's respondent sues, the mediation's applicants become the defendants. Numbers keep their order."""
    if not plaintiff or not 1 <= plaintiff <= len(parties) or parties[plaintiff - 1]["role"] != "respondent":
        return parties
    swapped = []
    for seq, p in enumerate(parties, start=1):
        role = "applicant" if seq == plaintiff else "respondent" if p["role"] == "applicant" else p["role"]
        swapped.append({**p, "role": role})
    return swapped


def application_from(h: dict) -> dict:
    """JC apply data from a mediation case's hand-off: the agreement, the joint application, the court."""
    data = load(HandoffDataSchema, h["data"], "handoff.data")
    agreement = dict(data.get("agreement") or {})
    agreement.setdefault("content", agreement.get("obligations") or agreement.get("dispute") or h["summary"])
    agreement.setdefault("mediation_org_id", data.get("committee_id"))
    agreement.setdefault("mediation_case_no", h["parent_case_no"])
    keep = {"effective_at", "content", "kind", "mediation_org_id", "mediation_case_no", "delegated_by_court"}
    count = len(h["parties"])
    return {"court_id": h["target_org_id"], "category": h["category"], "channel": h["channel"],
            "summary": h["summary"], "request": "请求确认调解协议有效", "facts": h["facts"], "parties": h["parties"],
            "applicants": data.get("applicants") or (list(range(1, count + 1)) if data.get("joint_application") else []),
            "form": data.get("form") or "written",
            "agreement": {k: v for k, v in agreement.items() if k in keep and v is not None},
            "jurisdiction_basis": data.get("jurisdiction_basis") or "mediator_location",
            "jurisdiction_county": data.get("jurisdiction_county"),
            "intermediate_court": bool(data.get("intermediate_court")),
            "materials": [str(m) for m in data.get("materials") or []],
            "applied_at": data.get("applied_at"), "note": h["reason"], "handoff": _parent(h)}


# -- DV_SETTLED → JC_APPLIED inside this service -----------------------------------------------------
def open_confirmations(platform, case_id: str | None = None) -> int:
    """Open the JC case of every DV child link still waiting (of one case, or all). Returns how many."""
    env = platform.env
    with read_session(env.engine) as s:
        stmt = select(CaseLink.id, CaseLink.case_id, CaseLink.handoff).where(
            CaseLink.link_type == "child", CaseLink.target_service == "diversion",
            CaseLink.target_case_id.is_(None), CaseLink.target_status == AWAITING)
        if case_id:
            stmt = stmt.where(CaseLink.case_id == case_id)
        pending = s.execute(stmt.order_by(CaseLink.id).limit(50)).all()
    opened = 0
    for link_id, parent_id, handoff in pending:
        actor = Actor(**handoff["actor"])
        try:
            jc = platform.fire(actor, "apply", case_type="jc", data=handoff["application"],
                               idempotency_key=f"jc-from:{parent_id}:{link_id}")
        except JiefenError as err:
            log.warning("judicial confirmation of %s refused: %s %s", parent_id, err.code, err.message)
            _write_link(env, link_id, status=f"refused:{err.code}")
            continue
        _write_link(env, link_id, jc)
        opened += 1
    return opened


def _write_link(env, link_id: int, jc: dict | None = None, status: str | None = None) -> None:
    with write_session(env.engine) as s:
        link = s.get(CaseLink, link_id)
        if jc is None:
            link.target_status = status
        elif link.target_version <= jc["version"]:
            link.target_case_id, link.target_case_no = jc["case_id"], jc["case_no"]
            link.target_status, link.target_terminal, link.target_version = jc["status"], jc["terminal"], jc["version"]
        link.updated_at = env.now()
        s.commit()
