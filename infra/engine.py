"""The one transition function every service uses to change a case.

actor permission → version check → state machine (guards) → domain effect → clocks → audit entry →
outbox rows → idempotency record → one commit. Anything that fails rolls the whole change back.
The pipeline only: what a service hands it is in infra/context.py, the audit entry in infra/audit.py, the
outbox rows in infra/outbox.py, case numbers in infra/numbering.py, query codes in infra/querycode.py.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Callable

from marshmallow import ValidationError
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from statemachine.exceptions import TransitionNotAllowed

from contracts.errors import JiefenError, validation_error
from infra import audit, clocks
from infra.actors import Actor, system_actor
from infra.audit import PARTY_ACT, append_audit
from infra.casetype import NEW, CaseType, EventDef
from infra.context import Env, GuardContext
from infra.db import insert_rows, is_postgres, write_session
from infra.models import Case, CaseParticipant, IdempotencyRecord
from infra.numbering import next_case_no
from infra.outbox import write_outbox

PARTY = "party"


def split_party_act(event: EventDef, actor: Actor, data: dict | None) -> tuple[dict, dict | None]:
    """(the event's own data, the validated party_act block or None).

    No caller may claim role ``party`` (infra/trust.py refuses it). An event the law gives to a party is
    fired by staff of a body acting on the case, who record the party's act on the party's behalf with
    the evidence the law wants (PML Art 17, 28-29; CPL Art 205; LVR Art 35-36): ``data.party_act`` =
    {party (序号), evidence_kind, evidence_ref, note}. Generic: any event whose roles include party."""
    from contracts.schemas import PartyActSchema, schema_instance   # contracts.schemas reads the config at import
    data = dict(data or {})
    raw = data.pop(PARTY_ACT, None)
    if raw is None:
        return data, None
    if PARTY not in event.roles:
        raise JiefenError("FORBIDDEN", f"事件 {event.id}（{event.label}）不由当事人作出，不能代为记录当事人行为",
                          {"reason": "role", "role": PARTY, "event": event.id, "allowed_roles": list(event.roles)})
    if actor.is_system or actor.role == PARTY:
        raise JiefenError("FORBIDDEN", "当事人的行为只能由机构工作人员代为记录", {"reason": "role", "role": actor.role})
    try:
        return data, schema_instance(PartyActSchema).load(raw if isinstance(raw, dict) else {"party": raw})
    except ValidationError as err:
        raise validation_error({"data": {PARTY_ACT: err.messages}},
                               "代为记录的当事人行为（party_act）填写有误：" + "、".join(sorted(err.messages))) from None


def validate_data(event: EventDef, data: dict | None) -> dict:
    from contracts.schemas import schema_instance
    if event.schema is None:
        return dict(data or {})
    try:
        return schema_instance(event.schema).load(data or {})
    except ValidationError as err:
        raise validation_error({"data": err.messages}) from None


def transition(env: Env, actor: Actor, event_id: str, *, case_id: str | None = None, data: dict | None = None,
               expected_version: int | None = None, idempotency_key: str | None = None,
               view: Callable[[Case, GuardContext], dict], data_loaded: bool = False,
               when: Callable[[Case], bool] | None = None) -> dict:
    """Apply one event. Returns ``view(case, ctx)`` (also stored for replays of the same key).
    ``data_loaded``: the caller has loaded ``data`` with the event's own schema at its boundary (the
    RPC entrypoint), so it is trusted as the payload rather than loaded a second time.
    ``when``: a system fire (in-process only, infra/system_fire.py): no expected version; the case as this
    transaction reads it (locked) is the one acted on, if ``when(case)`` holds, by the case's own organisation."""
    ct = env.case_type
    event = ct.event(event_id)
    if event is None:
        raise validation_error({"event": [f"unknown event for case type {ct.code}"]},
                               f"未知事件 {event_id!r}（案件类型 {ct.code}）")
    if event.creates == (case_id is not None):
        raise validation_error({"case_id": ["a creation event takes no case_id" if event.creates
                                            else "required"]})
    if when is not None and not actor.is_system:
        raise ValueError("only a system fire reads its version in the transaction")
    if not event.creates and expected_version is None and when is None:
        raise validation_error({"expected_version": ["required"]})
    data, party_act = split_party_act(event, actor, data)
    if party_act is None and actor.party_act and PARTY in event.roles:
        # carried in the signed assertion: a command without a data argument, or forwarded by a hand-off
        party_act = split_party_act(event, actor, {PARTY_ACT: actor.party_act})[1]
    recorder = actor
    if party_act is not None:
        actor = actor.as_party(party_act)        # guards and effects see the party's act; the audit, the recorder
    if actor.role not in event.roles:
        hint = "；当事人的行为须由承办机构工作人员代为记录（data.party_act）" if PARTY in event.roles else ""
        raise JiefenError("FORBIDDEN", f"角色 {actor.role} 不可执行事件 {event.id}（{event.label}）{hint}",
                          {"reason": "role", "role": actor.role, "event": event.id,
                           "allowed_roles": list(event.roles)})
    payload = data if data_loaded else validate_data(event, data)
    request_hash = audit.digest({"event": event_id, "case_id": case_id, "data": payload,
                                 "expected_version": expected_version, "actor": recorder.to_dict(),
                                 **({PARTY_ACT: party_act} if party_act is not None else {})})
    key = f"{env.service}:{idempotency_key}" if idempotency_key else None

    session = write_session(env.engine)
    try:
        # no idempotency lookup first: a replay is rare, so the key's record is found when its INSERT at
        # commit collides (IntegrityError) or the replayed command is refused by the state it made
        # (_answer_replay); a first-time command pays no statement for it (issue 17)
        now = env.now()
        case = _load_or_new(session, env, event, case_id, now)
        from_state = case.status
        if when is not None and not event.creates:
            if not when(case):
                raise JiefenError("TRANSITION_NOT_ALLOWED", f"案件已不需要“{event.label}”",
                                  {"state": from_state, "event": event.id, "reason": "precondition"})
            expected_version = case.version          # read under this transaction's lock: no lost race
            actor = recorder = system_actor(actor.org_id or case.org_id)
        if not event.creates:
            if not actor.is_system and not env.directory.governs_any(actor.org_id, ct.acting_orgs(case)):
                raise JiefenError("FORBIDDEN", f"机构 {actor.org_id} 无权处理本案（承办机构 {case.org_id}）",
                                  {"reason": "organisation", "org_id": actor.org_id, "case_org_id": case.org_id})
            if case.version != expected_version:
                raise JiefenError("VERSION_CONFLICT", f"案件已被更新（当前版本 {case.version}），请刷新后重试",
                                  {"expected_version": expected_version, "current_version": case.version})
        ctx = GuardContext(env, actor, session, now, event, from_state)
        try:
            ct.step(case, event, payload, ctx)
        except TransitionNotAllowed:
            state = ct.state(from_state)
            raise JiefenError("TRANSITION_NOT_ALLOWED",
                              f"案件处于“{state.label}”（{state.code}），不能执行“{event.label}”（{event.id}）",
                              {"state": state.code, "event": event.id,
                               "allowed_events": [e.id for e in ct.events_from(state.code)]}) from None
        if party_act is not None and not event.creates and actor.org_id not in ct.acting_orgs(case):
            # a party's act is recorded where the party acts: the owning or a participating body itself
            raise JiefenError("FORBIDDEN", f"当事人的行为须由承办或参与本案的机构记录，{actor.org_id} 不是",
                              {"reason": "organisation", "org_id": actor.org_id, "case_org_id": case.org_id})
        # one flush for the whole change, so one version step per event and the audit anchor in the case's
        # own INSERT/UPDATE; the row takes version 1 (created) or the loaded version + 1 (always dirty:
        # updated_at and the anchor change), which the audit entry and the outbox rows record. Only the case
        # and its collections (parties with their encrypted fields and blind indexes, clocks, links) go through
        # the ORM's flush; the append-only rows (audit entry, outbox rows, participants, idempotency record)
        # are Core INSERTs in the same transaction (infra.db.insert_rows), so a refusal or a stale version
        # at the flush rolls them back with the rest
        version = 1 if event.creates else case.version + 1
        with session.no_autoflush:
            if event.effect is not None:
                event.effect(case, payload, ctx)
            case.updated_at = now
            if ct.state(case.status).terminal and case.closed_at is None:
                case.closed_at = now
            clocks.on_transition(case, ct, event, from_state, payload, ctx)
            if party_act is not None and party_act["party"] > len(case.parties):
                raise validation_error({"data": {"party_act": {"party": [f"本案只有 {len(case.parties)} 位当事人"]}}},
                                       f"代为记录的当事人行为：本案只有 {len(case.parties)} 位当事人")
            if event.creates:
                # the number last: on PostgreSQL its counter row stays locked until commit, so every
                # registration waits for it; taken after the effect (the duplicate search, the clocks), the
                # lock is held only over the INSERTs and the commit
                case.case_no = next_case_no(session, env, now)
                session.add(case)
            entry = append_audit(session, case, recorder, event, from_state, payload, now, party_act, version)
            write_outbox(session, env, case, event, entry, ctx)
        session.flush()
        if case.version != version:      # the audit entry and the outbox rows recorded another version
            raise RuntimeError(f"case {case.id} took version {case.version}, its audit entry says {version}")
        _sync_participants(session, ct, case, created=event.creates)
        result = view(case, ctx)
        if key:
            insert_rows(session, IdempotencyRecord.__table__,
                        {"key": key, "request_hash": request_hash, "response": result, "created_at": now})
        session.commit()
        return result
    except StaleDataError:
        session.rollback()
        replay = _answer_replay(env, key, request_hash)
        if replay is not None:
            return replay
        raise JiefenError("VERSION_CONFLICT", "案件已被同时更新，请刷新后重试", {"case_id": case_id}) from None
    except (IntegrityError, JiefenError):
        # the same key committed before (a retry) or concurrently: its first answer; the refusal otherwise
        session.rollback()
        replay = _answer_replay(env, key, request_hash)
        if replay is not None:
            return replay
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _answer_replay(env: Env, key: str | None, request_hash: str) -> dict | None:
    """After a command failed or collided: the stored answer if ``key`` was used before for this request
    (IDEMPOTENCY_MISMATCH for another request), None if the key is new (the failure stands)."""
    if not key:
        return None
    with write_session(env.engine) as s:
        return _replay(s, key, request_hash)


def _sync_participants(session: Session, ct: CaseType, case: Case, created: bool = False) -> None:
    if ct.participants is None:
        return
    wanted = ct.acting_orgs(case) - {case.org_id}
    have = set() if created else set(      # a case being created has none yet
        session.scalars(select(CaseParticipant.org_id).where(CaseParticipant.case_id == case.id)))
    insert_rows(session, CaseParticipant.__table__, [{"case_id": case.id, "org_id": org} for org in sorted(wanted - have)])
    if have - wanted:
        session.execute(delete(CaseParticipant).where(CaseParticipant.case_id == case.id,
                                                      CaseParticipant.org_id.in_(have - wanted)))


def _replay(session: Session, key: str, request_hash: str) -> dict | None:
    record = session.get(IdempotencyRecord, key)
    if record is None:
        return None
    if record.request_hash != request_hash:
        raise JiefenError("IDEMPOTENCY_MISMATCH", "该幂等键已用于另一请求，请使用新的幂等键",
                          {"idempotency_key": key.split(":", 1)[1]})
    return record.response


def _load_or_new(session: Session, env: Env, event: EventDef, case_id: str | None, now: datetime) -> Case:
    if not event.creates:
        stmt = select(Case).where(Case.id == case_id, Case.case_type == env.case_type.code)
        if is_postgres(env.engine):
            stmt = stmt.with_for_update()
        case = session.scalars(stmt).first()
        if case is None:
            raise JiefenError("NOT_FOUND", f"案件 {case_id} 不存在", {"case_id": case_id})
        return case
    # a new case's collections start empty, known so: its view reads none of them back (issue 17)
    # its number is taken last, in transition (the counter's lock held as briefly as can be)
    return Case(id=uuid.uuid4().hex, case_type=env.case_type.code, case_no=None, status=NEW, org_id="", data={},
                supervised=False, created_at=now, updated_at=now, parties=[], clocks=[], links=[])


def prune_idempotency(env: Env, now: datetime | None = None) -> int:
    """Forget idempotency records older than ``idempotency.retention_hours``: a retry later than that is
    a new command (its payload then meets the case's version check). Returns how many were deleted."""
    from datetime import timedelta
    hours = float((env.config.get("idempotency") or {}).get("retention_hours", 72))
    cutoff = (now or env.now()) - timedelta(hours=hours)
    with write_session(env.engine) as s:
        deleted = s.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff)).rowcount
        s.commit()
    return deleted or 0
