"""The uniform case surface every case service exposes over RPC, and the platform dependency that
gives each worker its environment (config, database, directory, calendar) and its actor."""
from __future__ import annotations

import functools
import inspect
import logging
import os
import time
from datetime import datetime
from typing import Any, Callable

from marshmallow import Schema, ValidationError
from nameko.events import EventDispatcher, event_handler
from nameko.extensions import DependencyProvider
from nameko.timer import timer
from sqlalchemy import func, or_, select
from sqlalchemy.exc import OperationalError

from contracts.errors import JiefenError, validation_error
from contracts.schemas import FindCasesSchema, FireSchema, PageSchema
from infra import anchor, audit, clocks, facts, issued, logs, metrics, ops as operations, outbox, preview
from infra.actors import Actor, actor_from_context
from infra.calendar import Calendar
from infra.casetype import CaseType
from infra.config import Config, default_config, load_config
from infra.db import make_engine, read_session, service_db_url, upgrade
from infra.engine import Env, prune_idempotency, transition
from infra.system_fire import fire_as_system
from infra.models import AuditEntry, Case, CaseParticipant, Clock, Party
from infra.orgs import load_directory
from infra.trust import Trust, load_trust, service_client_id, verify_event
from contracts.idnumbers import normalise as normalise_id, normalise_phone
from contracts.schemas import schema_instance
from infra.pii import keyring
from infra.ratelimit import Limiter
from infra.rpcdoor import rpc   # nameko's rpc behind the size/depth/text checks of contracts.hygiene
from infra.views import audit_view, case_view

log = logging.getLogger(__name__)
# the timers' periods (config/jiefen.yaml, environment overrides: contracts/config.py INTERVALS)
SWEEP_INTERVAL, RELAY_INTERVAL, ANCHOR_INTERVAL, PRUNE_INTERVAL, HANDOFF_INTERVAL = (
    default_config().interval(name) for name in ("sweep", "relay", "anchor", "prune", "handoff"))


def load(schema: type[Schema], payload: Any, field: str | None = None) -> dict:
    """Validate a payload against its contract; errors name the field (under ``field`` if given)."""
    try:
        return schema_instance(schema).load(payload if payload is not None else {})
    except ValidationError as err:
        raise validation_error({field: err.messages} if field else err.messages) from None


def load_all(**parts: tuple[type[Schema], Any]) -> list[dict]:
    """Validate several named payloads at once, so one error names every bad field."""
    loaded, errors = [], {}
    for name, (schema, payload) in parts.items():
        try:
            loaded.append(schema_instance(schema).load(payload if payload is not None else {}))
        except ValidationError as err:
            errors[name] = err.messages
    if errors:
        raise validation_error(errors)
    return loaded


def api(fn: Callable) -> Callable:
    """An RPC entrypoint whose every failure reaches the caller as a JiefenError, never a traceback.
    Each expected refusal is one log line (code, service, method, case id, actor); INTERNAL is logged
    with its traceback. Never the arguments: they carry personal data."""
    case_arg = _case_id_position(fn)

    @functools.wraps(fn)
    def wrapper(self, *args, **kwargs):
        case_id = kwargs.get("case_id", args[case_arg] if case_arg is not None and len(args) > case_arg else None)
        logs.bind(service=self.name, method=fn.__name__, call_id=self.ops.call_id,
                  origin_call_id=getattr(self.ops, "origin_call_id", None),
                  case_id=case_id if isinstance(case_id, str) else None)   # the actor once verified
        started, code = time.perf_counter(), "OK"
        try:
            return fn(self, *args, **kwargs)
        except JiefenError as err:
            code = err.code
            _log_refusal(err)
            raise
        except ValidationError as err:
            err = validation_error(err.messages)
            code = err.code
            _log_refusal(err)
            raise err from None
        except OperationalError:
            # the database is unreachable: the caller may retry; health() reports the service not ready
            code = "SERVICE_UNAVAILABLE"
            log.error("database unavailable", exc_info=True, extra={"code": code})
            raise JiefenError("SERVICE_UNAVAILABLE", "数据库暂时无法访问，未做任何更改，请稍后重试") from None
        except Exception:
            code = "INTERNAL"
            log.exception("internal error", extra={"code": code})
            raise JiefenError("INTERNAL", "服务内部错误，已记录，未做任何更改") from None
        finally:
            metrics.call(self.name, fn.__name__, code, time.perf_counter() - started)
            logs.clear()
    return rpc(expected_exceptions=JiefenError)(wrapper)


def owned_event(source: str, event_type: str) -> Callable:
    """The one way a service consumes another's (or its own) events: a nameko event handler for ``source``'s
    ``event_type`` that hands on only events signed, unchanged, by ``source``, the service that owns them
    (infra/trust.py ``verify_event``); anything else on the exchange is dropped with one log line before the
    handler sees it. The handler's service has a ``platform`` (its key and the client registry)."""
    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def handle(self, payload):
            if not verify_event(self.platform.trust, payload, source):
                return None
            return fn(self, payload)
        return event_handler(source, event_type)(handle)
    return decorate


def _case_id_position(fn: Callable) -> int | None:
    names = [p for p in inspect.signature(fn).parameters][1:]      # without self
    return names.index("case_id") if "case_id" in names else None


def _log_refusal(err: JiefenError) -> None:
    if err.code == "INTERNAL":
        log.error("internal error", exc_info=True, extra={"code": err.code})
        return
    fields = sorted((err.details or {}).get("fields") or {}) if err.code == "VALIDATION_ERROR" else None
    log.info("refused", extra={"code": err.code, "fields": fields or None})


class Platform(DependencyProvider):
    """One per service container: builds one Env per case type the service keeps (sharing the
    service's database), hands each worker its actor. The first case type is the default."""

    def __init__(self, service: str, *case_types: CaseType):
        self.service = service
        self.case_types = case_types

    def setup(self):
        self.config: Config = load_config(**(self.container.config.get("JIEFEN") or {}))
        url, schema = service_db_url(self.service, self.config)
        if url.startswith("postgresql"):
            from psycogreen.eventlet import patch_psycopg
            patch_psycopg()                      # psycopg2 would block the eventlet hub
        upgrade(url, schema)
        self.directory = load_directory(str(self.config.path("organisations")), str(self.config.path("roles")))
        # this service's own key (its sys actions, sweeps, relays, hand-offs) and the client registry
        self.trust = load_trust(self.config, self.directory, service_client_id(self.service))
        engine, calendar = make_engine(url, schema), Calendar(str(self.config.path("holidays")))
        self.amqp_config = {"AMQP_URI": self.container.config["AMQP_URI"], "serializer": "json"}
        self.envs = {ct.code: Env(self.service, ct, engine, self.config, self.directory, calendar,
                                  trust=self.trust, amqp=self.amqp_config)
                     for ct in self.case_types}
        for env in self.envs.values():
            env.siblings = self.envs
        self.owners = event_owners(self.envs)
        self.limiters: dict[str, Limiter] = {}

    def stop(self):
        next(iter(self.envs.values())).engine.dispose()

    def get_dependency(self, worker_ctx):
        return Bound(self.envs, worker_ctx.data, self.amqp_config, self.trust, self.limiters, self.owners)


def event_owners(envs: dict[str, Env]) -> dict[str, Env]:
    """Each event only one of the service's case types has, with that type's Env: firing it on a case needs
    no read to learn the case's type (the engine's own read checks it). Events several types share (the
    clocks' sys events) are left out."""
    found: dict[str, list[Env]] = {}
    for env in envs.values():
        for event in env.case_type.events:
            found.setdefault(event.id, []).append(env)
    return {event: owners[0] for event, owners in found.items() if len(owners) == 1}


class Bound:
    def __init__(self, envs: dict[str, Env], context: dict, amqp_config: dict, trust: Trust,
                 limiters: dict | None = None, owners: dict[str, Env] | None = None):
        self.limiters = {} if limiters is None else limiters
        self.owners = event_owners(envs) if owners is None else owners
        self.envs = envs
        self.env = next(iter(envs.values()))      # the default case type's
        self.context = context
        self.amqp_config = amqp_config
        self.trust = trust

    def actor(self) -> Actor:
        actor = actor_from_context(self.context, self.trust)
        logs.bind_more(user_id=actor.user_id, org_id=actor.org_id)   # only a verified actor is logged
        return actor

    def limiter(self, name: str, limit: int, window: float) -> Limiter:
        """A limiter kept by this service container (one per name), e.g. lookups per case number."""
        if name not in self.limiters:
            self.limiters[name] = Limiter(limit, window)
        return self.limiters[name]

    def env_for(self, case_type: str) -> Env:
        return self.envs[case_type]

    def env_of_case(self, case_id: str) -> Env:
        with read_session(self.env.engine) as s:
            code = s.scalar(select(Case.case_type).where(Case.id == case_id)) if isinstance(case_id, str) else None
        if code not in self.envs:
            raise JiefenError("NOT_FOUND", f"案件 {case_id} 不存在", {"case_id": case_id})
        return self.envs[code]

    def fire(self, actor: Actor, event: str, case_type: str | None = None, **kwargs) -> dict:
        """Apply an event: to an existing case (its own case type), or create one of ``case_type``."""
        case_id = kwargs.get("case_id")
        if not case_id:
            return self._transition(self.envs[case_type] if case_type else self.env, actor, event, kwargs)
        # one case type, or an event only one of the types has: the transition's own read checks the type
        guess = self.env if len(self.envs) == 1 else self.owners.get(event)
        if guess is not None:
            try:
                return self._transition(guess, actor, event, kwargs)
            except JiefenError as err:
                if err.code != "NOT_FOUND" or len(self.envs) == 1:
                    raise
        # a case of another of the service's types (refused as that type refuses), or a shared event
        return self._transition(self.env_of_case(case_id), actor, event, kwargs)

    @staticmethod
    def _transition(env: Env, actor: Actor, event: str, kwargs: dict) -> dict:
        return transition(env, actor, event, view=lambda case, ctx: case_view(
            case, env, actor, ctx.now, ctx.extra), **kwargs)


    def fire_as_system(self, event: str, case_type: str, org_id: str, **kwargs) -> dict:
        """This service acting as itself (``sys`` of ``org_id``) through the one system path
        (infra/system_fire.py), answering with the case as a user sees it; a refusal is raised."""
        env = self.envs[case_type]
        return fire_as_system(env, event, org_id=org_id, strict=True, view=lambda case, ctx: case_view(
            case, env, ctx.actor, ctx.now, ctx.extra), **kwargs)


class CaseService:
    """Mixed into every case service: ``name``, ``case_type`` (the default) and ``platform`` are set by
    the service; a service keeping several case types passes them all to ``Platform``."""
    name: str
    case_type: CaseType
    platform: Bound
    dispatch = EventDispatcher()
    ops = operations.Ops()      # call ids for the logs, the ops port (/healthz, /metrics): infra/ops.py

    # -- reading ---------------------------------------------------------------------------------
    @api
    def case_definition(self, case_type: str | None = None) -> dict:
        env = self._env_named(case_type)
        return env.case_type.to_dict(env.config)

    @api
    def get_case(self, case_id: str) -> dict:
        actor = self.platform.actor()
        with read_session(self.platform.env.engine) as s:       # one engine for all the service's types
            case = self._readable(s, actor, case_id)            # the row says its type: no second read
            env = self.platform.env_for(case.case_type)
            return case_view(case, env, actor, env.now())

    @api
    def find_cases(self, filters: dict | None = None, page: dict | None = None) -> dict:
        actor = self.platform.actor()
        f, p = load_all(filters=(FindCasesSchema, filters), page=(PageSchema, page))
        env = self.platform.env
        now = env.now()
        stmt = select(Case).where(Case.case_type.in_(self._types(f.get("case_type"))), self._visible(actor))
        if f["status"]:
            stmt = stmt.where(Case.status.in_(f["status"]))
        for name in ("category", "channel", "org_id", "case_no", "parent_case_id", "supervised"):
            if f[name] is not None:
                stmt = stmt.where(getattr(Case, name) == f[name])
        if f["acting_org_id"] is not None:
            stmt = stmt.where(or_(Case.org_id == f["acting_org_id"], Case.id.in_(
                select(CaseParticipant.case_id).where(CaseParticipant.org_id == f["acting_org_id"]))))
        if f["party_id_number"]:
            stmt = stmt.where(Case.id.in_(select(Party.case_id).where(Party.id_index == keyring().blind(f["party_id_number"]))))
        if f["created_from"]:
            stmt = stmt.where(Case.created_at >= f["created_from"])
        if f["created_to"]:
            stmt = stmt.where(Case.created_at < f["created_to"])
        if f["text"]:
            # a case number, words of the summary (% and _ literal), or a party's name, phone or ID number
            # (the window searches by them; phone and ID number through their blind indexes)
            t, ring = f["text"], keyring()
            by_party = select(Party.case_id).where(or_(
                Party.name.contains(t, autoescape=True),
                Party.phone_index == ring.blind(normalise_phone(t), "phone"),
                Party.id_index == ring.blind(normalise_id(t))))
            stmt = stmt.where(or_(Case.summary.contains(t, autoescape=True), Case.case_no.contains(t, autoescape=True),
                                  Case.id.in_(by_party)))
        if f["overdue"] is not None:
            overdue = select(Clock.case_id).where(clocks.overdue_filter(now))
            stmt = stmt.where(Case.id.in_(overdue) if f["overdue"] else Case.id.not_in(overdue))
        if f["due_within_days"] is not None:
            stmt = stmt.where(Case.id.in_(select(Clock.case_id).where(clocks.due_within_filter(now, f["due_within_days"]))))
        with read_session(env.engine) as s:
            total = s.scalar(select(func.count()).select_from(stmt.subquery()))
            rows = s.scalars(stmt.order_by(Case.created_at.desc(), Case.id)
                             .offset((p["number"] - 1) * p["size"]).limit(p["size"])).all()
            items = [case_view(c, self.platform.env_for(c.case_type), actor, now, listing=True) for c in rows]
        return {"items": items, "total": total, "page": p["number"], "size": p["size"]}

    @api
    def overdue_cases(self, page: dict | None = None) -> dict:
        """督办: open cases with a clock past due, oldest due first."""
        actor = self.platform.actor()
        p = load(PageSchema, page, "page")
        env = self.platform.env
        now = env.now()
        stmt = (select(Case, Clock).join(Clock, Clock.case_id == Case.id)
                .where(clocks.overdue_filter(now), Case.case_type.in_(self._types()), self._visible(actor)))
        with read_session(env.engine) as s:
            total = s.scalar(select(func.count()).select_from(stmt.subquery()))
            rows = s.execute(stmt.order_by(Clock.due_at).offset((p["number"] - 1) * p["size"])
                             .limit(p["size"])).all()
            items = []
            for c, k in rows:
                case_env = self.platform.env_for(c.case_type)
                items.append({**case_view(c, case_env, actor, now, listing=True),
                              "overdue_clock": clocks.view(k, case_env.case_type, env.calendar, now)})
        return {"items": items, "total": total, "page": p["number"], "size": p["size"]}

    @api
    def case_history(self, case_id: str) -> list[dict]:
        actor = self.platform.actor()
        with read_session(self.platform.env.engine) as s:
            self._readable(s, actor, case_id)
            return [audit_view(e) for e in self._entries(s, case_id)]

    @api
    def verify_history(self, case_id: str) -> dict:
        actor = self.platform.actor()
        with read_session(self.platform.env.engine) as s:
            case = self._readable(s, actor, case_id)
            return {"case_id": case_id, **audit.verify(self._entries(s, case_id), case)}

    @api
    def record_document_issued(self, case_id: str, kind: str, sha256: str, title: str, basis: str = "") -> dict:
        """A statutory document issued from the case (issue 14): its kind and SHA-256 in the audit trail, by
        the signed-in user; no state change; the same content again records nothing (infra/issued.py)."""
        actor = self.platform.actor()
        with read_session(self.platform.env.engine) as s:
            env = self.platform.env_for(self._readable(s, actor, case_id).case_type)   # the row says its type
        return issued.record(env, actor, case_id, kind, sha256, title, basis)

    @api
    def allowed_events(self, case_id: str) -> list[dict]:
        """The events the calling actor's role may fire now, with the data each needs; not one that a
        legal condition decided by the case alone already refuses (infra/preview.py)."""
        actor = self.platform.actor()
        with read_session(self.platform.env.engine) as s:
            case = self._readable(s, actor, case_id)
            env = self.platform.env_for(case.case_type)
            ct = env.case_type
            definition = {e["id"]: e for e in ct.to_dict()["events"]}
            # an act the law gives to a party (consent, asking for 复查/复核, accepting an opinion …) is
            # recorded by staff of a body acting on the case, with the evidence (data.party_act;
            # infra/engine.py split_party_act): offered to them, so no case waits on a role no one holds
            records_for_party = not actor.is_system and actor.org_id in ct.acting_orgs(case)
            offered = []
            for e in ct.events_from(case.status):
                as_whom = ([actor] if actor.role in e.roles else []) + (
                    [preview.party_actor(actor)] if "party" in e.roles and records_for_party else [])
                if any(preview.may_pass(env, who, s, case, e) for who in as_whom):
                    offered.append(definition[e.id])
            return offered

    @api
    def list_organisations(self, kind: str | None = None) -> list[dict]:
        return [o.to_dict() for o in self.platform.env.directory.all(kind)]

    @api
    def get_organisation(self, code: str) -> dict:
        d = self.platform.env.directory
        org = d.get(code)
        if org is None:
            raise JiefenError("NOT_FOUND", f"机构 {code} 不存在", {"code": code})
        return {**org.to_dict(), "superiors": [o.code for o in d.ancestors(code)]}

    @api
    def replay_facts(self, since: str | None = None, after_id: str | None = None,
                     case_ids: list | None = None, limit: int = 200) -> dict:
        """For the centre's read model (PSR Art 39 ¶2, 49): this service's cases as facts with their
        history, changed at or after ``since`` (ISO time), in (updated_at, case_id) order, paged by the
        ``next`` cursor; or the cases ``case_ids``. Role supv at a county centre only."""
        actor = self.platform.actor()
        org = self.platform.env.directory.get(actor.org_id)
        if actor.role != "supv" or org.kind != "centre" or org.level != "county":
            raise JiefenError("FORBIDDEN", "仅县级社会治理中心督办（supv）可读取全部案件事实（《浙江省平安建设条例》第三十九条第二款）",
                              {"role": actor.role, "org_id": actor.org_id})
        try:
            start = datetime.fromisoformat(since) if since else None
            limit = int(limit)
            if not 1 <= limit <= 1000 or (start and start.tzinfo is None):
                raise ValueError
        except (TypeError, ValueError):
            raise validation_error({"since": ["ISO time with offset"], "limit": ["1..1000"]}) from None
        stmt = select(Case).where(Case.case_type.in_(self._types()))
        if case_ids is not None:
            stmt = stmt.where(Case.id.in_([str(c) for c in case_ids][:limit]))
        elif start is not None:
            stmt = stmt.where(or_(Case.updated_at > start, (Case.updated_at == start) & (Case.id > (after_id or ""))))
        with read_session(self.platform.env.engine) as s:
            rows = s.scalars(stmt.order_by(Case.updated_at, Case.id).limit(limit)).all()
            entries: dict[str, list] = {c.id: [] for c in rows}
            for e in s.scalars(select(AuditEntry).where(AuditEntry.case_id.in_(list(entries)))
                               .order_by(AuditEntry.case_id, AuditEntry.seq)):
                entries[e.case_id].append(e)
            words = (self.platform.env.config.get("supervision") or {}).get("risk_words") or ()
            items = [facts.case_facts(self.name, c, self.platform.env_for(c.case_type).case_type.state(c.status).terminal,
                                      entries[c.id], words) for c in rows]
        more = case_ids is None and len(rows) == limit
        return {"items": items, "next": {"since": items[-1]["updated_at"], "after_id": items[-1]["case_id"]}
                if more else None}

    # -- changing --------------------------------------------------------------------------------
    @api
    def fire(self, case_id: str, event: str, data: dict | None = None, expected_version: int | None = None,
             idempotency_key: str | None = None) -> dict:
        cmd = load(FireSchema, {"case_id": case_id, "event": event, "data": data or {},
                                "expected_version": expected_version, "idempotency_key": idempotency_key})
        return self.platform.fire(self.platform.actor(), cmd.pop("event"), **cmd)

    @api
    def health(self) -> dict:
        """Readiness for operators and the gateway's /readyz (no actor, no case data): the database
        answering, outbox and hand-off lag, the last deadline sweep; the broker, since the call came through it."""
        return {**operations.health(self.name, self.platform.envs), "broker": {"ok": True}}

    @api
    def sweep_clocks(self) -> dict:
        """Run the deadline sweep now (operators; the timer runs it every clocks.sweep_interval_seconds)."""
        actor = self.platform.actor()
        if actor.role != "supv":
            raise JiefenError("FORBIDDEN", "仅督办（supv）可手动触发期限巡检", {"reason": "role", "role": actor.role})
        return self._sweep()

    @timer(interval=SWEEP_INTERVAL)
    def _sweep_timer(self):
        try:
            self._sweep()
        except Exception:
            log.exception("deadline sweep failed")

    @timer(interval=ANCHOR_INTERVAL)
    def _export_audit_root(self):
        """The day's root over every case's audit head (infra.anchor), once a day."""
        try:
            anchor.export(self.platform.env, dispatch=self.dispatch)
        except Exception:
            log.exception("audit root export failed")

    @timer(interval=PRUNE_INTERVAL)
    def _prune_idempotency(self):
        try:
            prune_idempotency(self.platform.env)
        except Exception:
            log.exception("idempotency pruning failed")

    @timer(interval=RELAY_INTERVAL)
    def _relay_outbox(self):
        try:
            outbox.relay(self.platform.env, self.dispatch, batch=int(self.platform.env.config["outbox"]["batch"]))
        except Exception:
            log.exception("outbox relay failed")

    # -- helpers ---------------------------------------------------------------------------------
    def _sweep(self) -> dict:
        started = time.perf_counter()
        totals = {"warnings": 0, "expiries": 0, "skipped": 0}
        for env in self.platform.envs.values():
            def fire(case_id, event, data, key, org_id, when, env=env):
                return fire_as_system(env, event, case_id=case_id, data=data, key=key, org_id=org_id, when=when)
            for k, v in clocks.sweep(env, fire).items():
                totals[k] += v
        operations.record_sweep(self.name, time.perf_counter() - started, totals)
        return totals

    def _env_named(self, case_type: str | None) -> Env:
        if case_type is None:
            return self.platform.env
        if case_type not in self.platform.envs:
            raise validation_error({"case_type": [f"one of {sorted(self.platform.envs)}"]})
        return self.platform.envs[case_type]

    def _types(self, case_type: str | None = None) -> list[str]:
        return [self._env_named(case_type).case_type.code] if case_type else list(self.platform.envs)

    def _visible(self, actor: Actor):
        """Cases owned by, or involving, an organisation the actor's organisation governs."""
        d = self.platform.env.directory
        orgs = [o.code for o in d.all() if d.governs(actor.org_id, o.code)]
        return or_(Case.org_id.in_(orgs),
                   Case.id.in_(select(CaseParticipant.case_id).where(CaseParticipant.org_id.in_(orgs))))

    def _readable(self, session, actor: Actor, case_id: str) -> Case:
        case = session.get(Case, case_id) if isinstance(case_id, str) else None
        if case is None or case.case_type not in self.platform.envs:
            raise JiefenError("NOT_FOUND", f"案件 {case_id} 不存在", {"case_id": case_id})
        ct = self.platform.env_for(case.case_type).case_type
        # sys: another service's own key (a parent reading its child case before it reacts, infra/handoff.py)
        if not actor.is_system and not self.platform.env.directory.governs_any(actor.org_id, ct.acting_orgs(case)):
            raise JiefenError("FORBIDDEN", f"机构 {actor.org_id} 无权查看本案",
                              {"reason": "organisation", "org_id": actor.org_id})
        return case

    @staticmethod
    def _entries(session, case_id: str) -> list[AuditEntry]:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id)
                                    .order_by(AuditEntry.seq)))
