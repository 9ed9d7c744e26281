"""The uniform case surface every case service exposes over RPC, and the platform dependency that
gives each worker its environment (config, database, directory, calendar) and its actor."""
from __future__ import annotations

import functools
import logging
import os
from typing import Any, Callable

from marshmallow import Schema, ValidationError
from nameko.events import EventDispatcher
from nameko.extensions import DependencyProvider
from nameko.rpc import rpc
from nameko.timer import timer
from sqlalchemy import func, or_, select

from contracts.errors import JiefenError, validation_error
from contracts.schemas import FindCasesSchema, FireSchema, PageSchema
from infra import audit, clocks, outbox
from infra.actors import Actor, actor_from_context, system_actor
from infra.calendar import Calendar
from infra.casetype import CaseType
from infra.config import Config, load_config
from infra.db import make_engine, read_session, service_db_url, upgrade
from infra.engine import Env, transition
from infra.models import AuditEntry, Case, CaseParticipant, Clock, Party
from infra.orgs import load_directory
from infra.views import audit_view, case_view

log = logging.getLogger(__name__)
SWEEP_INTERVAL = float(os.environ.get("JIEFEN_SWEEP_INTERVAL", "30"))
RELAY_INTERVAL = float(os.environ.get("JIEFEN_RELAY_INTERVAL", "0.5"))


def load(schema: type[Schema], payload: Any, field: str | None = None) -> dict:
    """Validate a payload against its contract; errors name the field (under ``field`` if given)."""
    try:
        return schema().load(payload if payload is not None else {})
    except ValidationError as err:
        raise validation_error({field: err.messages} if field else err.messages) from None


def load_all(**parts: tuple[type[Schema], Any]) -> list[dict]:
    """Validate several named payloads at once, so one error names every bad field."""
    loaded, errors = [], {}
    for name, (schema, payload) in parts.items():
        try:
            loaded.append(schema().load(payload if payload is not None else {}))
        except ValidationError as err:
            errors[name] = err.messages
    if errors:
        raise validation_error(errors)
    return loaded


def api(fn: Callable) -> Callable:
    """An RPC entrypoint whose every failure reaches the caller as a JiefenError, never a traceback."""
    @functools.wraps(fn)
    def wrapper(self, *args, **kwargs):
        try:
            return fn(self, *args, **kwargs)
        except JiefenError:
            raise
        except ValidationError as err:
            raise validation_error(err.messages) from None
        except Exception:
            log.exception("%s failed", fn.__name__)
            raise JiefenError("INTERNAL", "服务内部错误，已记录，未做任何更改") from None
    return rpc(expected_exceptions=JiefenError)(wrapper)


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
        self.directory = load_directory(str(self.config.path("organisations")))
        engine, calendar = make_engine(url, schema), Calendar(str(self.config.path("holidays")))
        self.envs = {ct.code: Env(self.service, ct, engine, self.config, self.directory, calendar)
                     for ct in self.case_types}
        self.amqp_config = {"AMQP_URI": self.container.config["AMQP_URI"], "serializer": "json"}

    def stop(self):
        next(iter(self.envs.values())).engine.dispose()

    def get_dependency(self, worker_ctx):
        return Bound(self.envs, worker_ctx.data, self.amqp_config)


class Bound:
    def __init__(self, envs: dict[str, Env], context: dict, amqp_config: dict):
        self.envs = envs
        self.env = next(iter(envs.values()))      # the default case type's
        self.context = context
        self.amqp_config = amqp_config

    def actor(self) -> Actor:
        return actor_from_context(self.context, self.env.directory)

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
        env = self.env_of_case(case_id) if case_id else self.envs[case_type] if case_type else self.env
        return transition(env, actor, event, view=lambda case, ctx: case_view(
            case, env, actor, ctx.now, ctx.extra), **kwargs)


class CaseService:
    """Mixed into every case service: ``name``, ``case_type`` (the default) and ``platform`` are set by
    the service; a service keeping several case types passes them all to ``Platform``."""
    name: str
    case_type: CaseType
    platform: Bound
    dispatch = EventDispatcher()

    # -- reading ---------------------------------------------------------------------------------
    @api
    def case_definition(self, case_type: str | None = None) -> dict:
        env = self._env_named(case_type)
        return env.case_type.to_dict(env.config)

    @api
    def get_case(self, case_id: str) -> dict:
        actor = self.platform.actor()
        env = self.platform.env_of_case(case_id)
        with read_session(env.engine) as s:
            case = self._readable(s, actor, case_id)
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
        if f["party_id_number"]:
            stmt = stmt.where(Case.id.in_(select(Party.case_id).where(Party.id_number == f["party_id_number"])))
        if f["created_from"]:
            stmt = stmt.where(Case.created_at >= f["created_from"])
        if f["created_to"]:
            stmt = stmt.where(Case.created_at < f["created_to"])
        if f["text"]:
            # a case number, words of the summary, or a party's name or phone (the window searches by them)
            by_party = select(Party.case_id).where(or_(Party.name.contains(f["text"]), Party.phone == f["text"]))
            stmt = stmt.where(or_(Case.summary.contains(f["text"]), Case.case_no.contains(f["text"]),
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
            self._readable(s, actor, case_id)
            return {"case_id": case_id, **audit.verify(self._entries(s, case_id))}

    @api
    def allowed_events(self, case_id: str) -> list[dict]:
        """The events the calling actor's role may fire now, with the data each needs."""
        actor = self.platform.actor()
        with read_session(self.platform.env.engine) as s:
            case = self._readable(s, actor, case_id)
            ct = self.platform.env_for(case.case_type).case_type
            definition = {e["id"]: e for e in ct.to_dict()["events"]}
            return [definition[e.id] for e in ct.events_from(case.status) if actor.role in e.roles]

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

    # -- changing --------------------------------------------------------------------------------
    @api
    def fire(self, case_id: str, event: str, data: dict | None = None, expected_version: int | None = None,
             idempotency_key: str | None = None) -> dict:
        cmd = load(FireSchema, {"case_id": case_id, "event": event, "data": data or {},
                                "expected_version": expected_version, "idempotency_key": idempotency_key})
        return self.platform.fire(self.platform.actor(), cmd.pop("event"), **cmd)

    @api
    def sweep_clocks(self) -> dict:
        """Run the deadline sweep now (operators; the timer runs it every JIEFEN_SWEEP_INTERVAL s)."""
        actor = self.platform.actor()
        if actor.role != "supv":
            raise JiefenError("FORBIDDEN", "仅督办（supv）可手动触发期限巡检", {"role": actor.role})
        return self._sweep()

    @timer(interval=SWEEP_INTERVAL)
    def _sweep_timer(self):
        try:
            self._sweep()
        except Exception:
            log.exception("deadline sweep failed")

    @timer(interval=RELAY_INTERVAL)
    def _relay_outbox(self):
        try:
            outbox.relay(self.platform.env, self.dispatch)
        except Exception:
            log.exception("outbox relay failed")

    # -- helpers ---------------------------------------------------------------------------------
    def _sweep(self) -> dict:
        totals = {"warnings": 0, "expiries": 0, "skipped": 0}
        for env in self.platform.envs.values():
            def fire(case_id, event, data, version, key, org_id, env=env):
                return transition(env, system_actor(org_id), event, case_id=case_id, data=data,
                                  expected_version=version, idempotency_key=key,
                                  view=lambda case, ctx: {"case_id": case.id, "status": case.status})
            for k, v in clocks.sweep(env, fire).items():
                totals[k] += v
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
        if not self.platform.env.directory.governs_any(actor.org_id, ct.acting_orgs(case)):
            raise JiefenError("FORBIDDEN", f"机构 {actor.org_id} 无权查看本案", {"org_id": actor.org_id})
        return case

    @staticmethod
    def _entries(session, case_id: str) -> list[AuditEntry]:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id)
                                    .order_by(AuditEntry.seq)))
