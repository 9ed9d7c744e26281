"""The nameko service ``supervision``: the county centre's view of every case of every service
(PSR Art 39 ¶2, 46 ¶2, 49–54), a read model fed by the case services' events and rebuildable from
them, its figures; and two case types of its own, 督办 and 挂牌督办 (PSR Art 60, 65)."""
from __future__ import annotations

import base64
import logging
from infra.config import default_config

from marshmallow import Schema, fields
from nameko.exceptions import RpcTimeout, UnknownService
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.timer import timer
from sqlalchemy import select

from contracts.errors import JiefenError, validation_error
from contracts.evaluation import EvaluateArgs
from contracts.feed import FEED_VERSION
from contracts.schemas import KEY
from infra.calendar import to_shanghai_date
from infra.db import read_session
from infra.registry import all_case_types
from infra.service import CaseService, Platform, api, load, load_all, owned_event
from infra.models import Case
from infra.views import case_view, iso
from services.supervision import caselist, feed, figures, figures_sql, query, replay, report
from services.supervision import row_labels, satisfaction, warning_tasks, warnings_sql
from services.supervision.casetype import SUPERVISION
from services.supervision.feed_topic import FeedTopic, figures_record
from services.supervision.ingest import CASE_EVENTS, apply_facts, ingest, stale
from services.supervision.listed_casetype import LISTED_SUPERVISION
from services.supervision.return_visit_casetype import RETURN_VISIT
from services.supervision.warning_task_casetype import WARNING_TASK
from services.supervision.models import SvCase
from services.supervision.store import Store

log = logging.getLogger(__name__)
# the timers' periods, from the one config loader (contracts/config.py INTERVALS): the refresh from the services,
# the early-warning run that opens 预警处置 tasks (raise_warning_tasks runs it at once), the month's figures on
# the feed topic (contracts/feed.py)
REFRESH_INTERVAL, WARNING_INTERVAL, FEED_FIGURES_INTERVAL = (
    default_config().interval(name) for name in ("supervision_refresh", "supervision_warnings",
                                                 "supervision_feed_figures"))


def _consumer(source: str, event_type: str):
    def handle(self, payload):          # signed by ``source`` (owned_event drops anything else)
        if ingest(self.store.engine, self.store.directory, source, event_type, payload, self.store.now(),
                  self.store.calendar):
            self._publish_fact(payload["case_id"])
    handle.__name__ = f"_on_{source}_{event_type}"
    return owned_event(source, event_type)(handle)


class OpenArgs(Schema):
    idempotency_key = fields.String(required=True, validate=KEY)


class SupervisionService(CaseService):
    name = "supervision"
    case_type = SUPERVISION
    platform = Platform("supervision", SUPERVISION, LISTED_SUPERVISION, RETURN_VISIT, WARNING_TASK)
    store = Store()
    feed_topic = FeedTopic()

    # one consumer per (case service, event type): every case service's case events
    for _source in replay.SOURCES:
        for _event_type in CASE_EVENTS:
            locals()[f"_on_{_source}_{_event_type}"] = _consumer(_source, _event_type)
    del _source, _event_type

    @timer(interval=REFRESH_INTERVAL)
    def _refresh(self):
        """Re-read the cases an event changed from their service: the event says that a case moved;
        its service's facts (clocks, links, category, channel) complete the row."""
        try:
            self._refresh_stale()
        except Exception:
            log.exception("read model refresh failed")

    def _refresh_stale(self) -> int:
        done = 0
        for service, case_ids in stale(self.store.engine).items():
            try:
                with ClusterRpcProxy(self.store.amqp_config, context_data=self.store.reader, timeout=10) as rpc:
                    items = rpc[service].replay_facts(case_ids=case_ids, limit=len(case_ids))["items"]
            except (UnknownService, RpcTimeout):
                continue                                  # that service is not running: next round
            for f in items:
                if apply_facts(self.store.engine, self.store.directory, f, self.store.now(), self.store.calendar):
                    done += 1
                    self._publish_fact(f["case_id"])
        return done

    # -- 督办 and 挂牌督办 (own case types; every other event through ``fire``) ----------------------
    @api
    def open_supervision(self, target_case_id: str | None = None, reason: str | None = None,
                         deadline: str | None = None, idempotency_key: str | None = None) -> dict:
        """督办 a case of any service, with a reason and a deadline (role supv at the county centre)."""
        load(OpenArgs, {"idempotency_key": idempotency_key})
        return self.platform.fire(self.platform.actor(), "open_supervision", case_type="supervision",
                                  data={"target_case_id": target_case_id, "reason": reason, "deadline": deadline},
                                  idempotency_key=idempotency_key)

    @api
    def list_for_supervision(self, listing: dict | None = None, idempotency_key: str | None = None) -> dict:
        """挂牌督办 of a key area or a prominent problem (PSR Art 60, 65; role supv at the county centre)."""
        load(OpenArgs, {"idempotency_key": idempotency_key})
        return self.platform.fire(self.platform.actor(), "list_for_supervision", case_type="listed_supervision",
                                  data=listing, idempotency_key=idempotency_key)

    # -- reading -----------------------------------------------------------------------------------
    @api
    def all_cases(self, filters: dict | None = None, page: dict | None = None) -> dict:
        """Every case of every service, as the centre sees it (no personal data in the read model)."""
        self.store.centre_actor()
        f, p = load_all(filters=(caselist.CaseFilters, filters), page=(caselist.Page, page))
        with read_session(self.store.engine) as s:
            return caselist.find(s, f, p, self.store.now())

    @api
    def figures(self, period: dict | None = None, group_by: str | None = None, filters: dict | None = None) -> dict:
        """The centre's figures for a period (``{"from": "2026-09-01", "to": "2026-10-31"}``, dates in
        Beijing time, both included), in total and per county / town / org / channel / category / service."""
        self.store.centre_actor()
        args = load(query.FiguresArgs, {"period": period, "group_by": group_by, "filters": filters or {}})
        scope = self._scope(args["period"]["first"], args["period"]["last"])
        with read_session(self.store.engine) as s:
            result = figures_sql.compute(s, scope, args["group_by"], args["filters"])
        now = scope.now
        for g in result["groups"]:
            g["label"] = query.group_label(args["group_by"], g["key"], self.store.directory)
        with read_session(self.store.engine) as s:       # 满意率 from the residents' evaluations (PSR Art 62)
            result["satisfaction"] = satisfaction.rate(s, scope.period, args["group_by"], args["filters"])
        return {"period": period, "group_by": args["group_by"], "filters": args["filters"], "now": iso(now),
                "definitions": query.definitions(), **result}

    @api
    def drill_down(self, figure: str | None = None, period: dict | None = None, group_by: str | None = None,
                   group=None, filters: dict | None = None, part: str = "numerator", page: dict | None = None) -> dict:
        """The cases behind one number of ``figures``: a figure's numerator (or ``part="denominator"``)
        in one group (``group``: the group's key), or a stage's cases (``stage_days:<case_type>:<state>``)."""
        self.store.centre_actor()
        args, p = load_all(args=(query.DrillArgs, {"figure": figure, "period": period, "group_by": group_by,
                                                    "group": group, "filters": filters or {}, "part": part}),
                           page=(caselist.Page, page))
        scope = self._scope(args["period"]["first"], args["period"]["last"])
        with read_session(self.store.engine) as s:
            total, ids = figures_sql.drill_down(s, scope, args["figure"], args["group_by"], args["group"], args["part"],
                                                args["filters"], p["number"], p["size"])
            items = self._rows(s, ids, scope)
        return {"figure": args["figure"], "part": args["part"], "total": total, "page": p["number"],
                "size": p["size"], "items": items}

    def _rows(self, session, ids: list, scope) -> list[dict]:
        """The case list's rows of ``ids``, in that order, with words beside the codes."""
        found = caselist.find(session, {"case_ids": ids}, {"number": 1, "size": max(len(ids), 1)}, scope.now)
        order = {c: i for i, c in enumerate(ids)}
        return [row_labels.labelled(r, self.store.directory) for r in sorted(found["items"], key=lambda r: order[r["case_id"]])]

    @api
    def warnings(self, period: dict | None = None) -> dict:
        """研判预警 (PSR Art 50, 54) for a period: each warning with its level, cases and explanation."""
        self.store.centre_actor()
        args = load(query.WarningsArgs, {"period": period})
        scope = self._scope(args["period"]["first"], args["period"]["last"])
        with read_session(self.store.engine) as s:
            found = warnings_sql.run(s, scope, self.store.config["supervision"]["warnings"],
                                     lambda code: query.name_of(code, self.store.directory))
        return {"period": period, "now": iso(scope.now), "items": found}

    @api
    def warning_cases(self, rule: str | None = None, period: dict | None = None, about: dict | None = None,
                      page: dict | None = None) -> dict:
        """Every case behind one warning, a page at a time: a warning carries how many (``case_count``) and the
        first few; this computes them again from the warning's rule, period and what it is about (its
        ``town_id``, ``category``, ``org_id``, ``root_case_id``, ``subject`` or ``case_id``: warnings_sql.ABOUT)."""
        self.store.centre_actor()
        args, p = load_all(args=(query.WarningCasesArgs, {"rule": rule, "period": period, "about": about or {}}),
                           page=(caselist.Page, page))
        scope = self._scope(args["period"]["first"], args["period"]["last"])
        with read_session(self.store.engine) as s:
            total, ids = warnings_sql.cases(s, scope, self.store.config["supervision"]["warnings"], args["rule"],
                                            args["about"], p["number"], p["size"])
            items = self._rows(s, ids, scope)
        return {"rule": args["rule"], "total": total, "page": p["number"], "size": p["size"], "items": items}

    @api
    def feed_export(self, after_id: str | None = None, limit: int = 1000) -> dict:
        """The de-identified case feed (contracts/feed.py) as JSON lines, paged by case id
        (PSR Art 49, 51: data for the provincial 数字平安系统)."""
        self.store.centre_actor(("supv",))
        args = load(query.FeedArgs, {"after_id": after_id, "limit": limit})
        with read_session(self.store.engine) as s:
            stmt = select(SvCase).order_by(SvCase.case_id).limit(args["limit"])
            if args["after_id"]:
                stmt = stmt.where(SvCase.case_id > args["after_id"])
            rows = list(s.scalars(stmt))
        return {"feed_version": FEED_VERSION, "lines": feed.lines(rows),
                "next": rows[-1].case_id if len(rows) == args["limit"] else None}

    @api
    def monthly_report(self, month: str | None = None, format: str = "xlsx") -> dict:
        """The month's figures (``month`` "2026-10") as an Excel workbook (base64 in ``content``) or, with
        ``format="html"``, as a page to print (the same tables; ``content`` is the HTML)."""
        self.store.centre_actor()
        args = load(query.MonthArgs, {"month": month, "format": format})
        first, last = report.month_period(args["month"])
        scope = self._scope(first, last)
        with read_session(self.store.engine) as s:
            by_town = figures_sql.compute(s, scope, "town")
            by_town["total"]["satisfaction"] = satisfaction.rate(s, scope.period)
        total, towns = by_town["total"], by_town["groups"]
        for g in towns:
            g["label"] = query.group_label("town", g["key"], self.store.directory)
        county = self.store.directory.get(self.store._reader_actor["org_id"])
        parts = (query.county_name(self.store.directory, county), args["month"], total, towns,
                 query.stage_labels(all_case_types()))
        if args["format"] == "html":
            return {"filename": f"jiefen-{args['month']}.html", "content": report.printable(*parts),
                    "media_type": "text/html; charset=utf-8"}
        content = report.workbook(*parts)
        return {"filename": f"jiefen-{args['month']}.xlsx", "content": base64.b64encode(content).decode("ascii"),
                "media_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

    # -- the feed topic (PSR Art 49, 51) ---------------------------------------------------------------
    def _publish_fact(self, case_id: str) -> None:
        """The case's de-identified record (the JSON-lines export's) on the feed topic; a broker problem is
        logged and does not undo the read model (the export and ``rebuild`` remain)."""
        try:
            with read_session(self.store.engine) as s:
                row = s.get(SvCase, case_id)
                record = feed.fact(row) if row is not None else None
            if record is not None:
                self.feed_topic.publish(self.store.trust.signer, "case_fact", record, self.store.now())
        except Exception:
            log.exception("feed: case fact not published")

    def _publish_month(self, month: str) -> dict:
        first, last = report.month_period(month)
        with read_session(self.store.engine) as s:
            total = figures_sql.compute(s, self._scope(first, last))["total"]
        record = figures_record(self.store.config.county_code, first, last, self.store.now(), total)
        self.feed_topic.publish(self.store.trust.signer, "figures", record, self.store.now())
        return record

    @timer(interval=FEED_FIGURES_INTERVAL)
    def _feed_figures(self):
        try:
            self._publish_month(to_shanghai_date(self.store.now()).strftime("%Y-%m"))
        except Exception:
            log.exception("feed: figures not published")

    @api
    def publish_figures(self, month: str | None = None) -> dict:
        """Publish a month's figures on the feed topic now (``month`` "2026-10"; role supv at the centre)."""
        self.store.centre_actor(("supv",))
        args = load(query.MonthArgs, {"month": month})
        return self._publish_month(args["month"])

    def _scope(self, first, last) -> figures_sql.Scope:
        return figures_sql.Scope(figures.Period.of(first, last), self.store.now(),
                                 figures_sql.skip_level_orgs(self.store.directory))

    # -- operators ---------------------------------------------------------------------------------
    @api
    def rebuild(self, services: list | None = None) -> dict:
        """Empty the read model and fill it again from the case services (role supv at the centre)."""
        self.store.centre_actor(("supv",))
        with self._services() as rpc:
            return {"rebuilt": replay.rebuild(self.store.engine, self.store.directory, rpc, self.store.now(),
                                              self._sources(services))}

    @api
    def check(self, services: list | None = None) -> dict:
        """Recount the case services' cases and report each difference from the read model."""
        self.store.centre_actor(("supv",))
        with self._services() as rpc:
            return replay.check(self.store.engine, rpc, self._sources(services))

    def _services(self) -> ClusterRpcProxy:
        return ClusterRpcProxy(self.store.amqp_config, context_data=self.store.reader, timeout=30)

    @staticmethod
    def _sources(services: list | None) -> tuple:
        if services is None:
            return replay.SOURCES
        if not isinstance(services, list) or not services or set(services) - set(replay.SOURCES):
            raise validation_error({"services": [f"服务须为 {'、'.join(replay.SOURCES)} 之一"]})
        return tuple(services)

    # -- residents' evaluations (PSR Art 62) and warnings as tasks (PSR Art 50, 54) ------------------
    @api
    def evaluate(self, case_no: str | None = None, query_code: str | None = None, rating: str | None = None,
                 reason: str | None = None, idempotency_key: str | None = None) -> dict:
        """A resident evaluates a closed case: 满意 / 基本满意 / 不满意 (with a reason), once per case. No actor:
        the case number and query code are checked by intake's lookup (which limits wrong guesses per case).
        An 不满意 evaluation opens a 回访 task for the organisation that handled the case."""
        args = load(EvaluateArgs, {"case_no": case_no, "query_code": query_code, "rating": rating,
                                   "reason": reason or "", "idempotency_key": idempotency_key})
        try:
            with ClusterRpcProxy(self.store.amqp_config, timeout=10) as rpc:
                found = rpc.intake.lookup_by_query_code(args["case_no"], args["query_code"])
        except (UnknownService, RpcTimeout):
            raise JiefenError("SERVICE_UNAVAILABLE", "暂时无法核对案件编号和查询码，请稍后再试", {}) from None

        def open_visit(ev) -> dict:
            if ev.return_visit_case_id:          # a retry after the idempotency record was pruned: read it
                env = self.platform.env_for("return_visit")
                with read_session(env.engine) as s:
                    return case_view(s.get(Case, ev.return_visit_case_id), env, None, env.now())
            return self.platform.fire_as_system("open_return_visit", "return_visit", ev.org_id,
                                                data={"evaluation_id": ev.id, "evaluated_case_no": ev.case_no,
                                                      "owner_org_id": ev.org_id, "rating": ev.rating, "reason": ev.reason},
                                                key=f"return-visit:{ev.id}")
        return satisfaction.evaluate(self.store.engine, self.store.directory, found, args, self.store.now(), open_visit)

    @api
    def satisfaction(self, period: dict | None = None, group_by: str | None = None) -> dict:
        """满意率 for a period (PSR Art 62), in total and per org / town / category."""
        self.store.centre_actor()
        args = load(query.FiguresArgs, {"period": period, "group_by": group_by, "filters": {}})
        with read_session(self.store.engine) as s:
            return satisfaction.rate(s, figures.Period.of(args["period"]["first"], args["period"]["last"]),
                                     args["group_by"])

    @api
    def raise_warning_tasks(self, period: dict | None = None) -> dict:
        """Run the warning rules now (over ``period``, by default the last ``supervision.warning_tasks
        .window_days``) and open a 预警处置 task for each warning without an open task (roles supv and
        router at the county centre)."""
        self.store.centre_actor()
        if period is None:
            return {"opened": self._raise_warning_tasks()}
        args = load(query.WarningsArgs, {"period": period})
        return {"opened": self._raise_warning_tasks((args["period"]["first"], args["period"]["last"]))}

    @timer(interval=WARNING_INTERVAL)
    def _warning_sweep(self):
        try:
            self._raise_warning_tasks()
        except Exception:
            log.exception("warning sweep failed")

    def _raise_warning_tasks(self, period: tuple | None = None) -> list[dict]:
        settings = self.store.config["supervision"]
        now = self.store.now()
        first, last = period or warning_tasks.window(to_shanghai_date(now), int(settings["warning_tasks"]["window_days"]))
        with read_session(self.store.engine) as s:
            found = warnings_sql.run(s, figures_sql.Scope(figures.Period.of(first, last), now), settings["warnings"],
                                     lambda code: query.name_of(code, self.store.directory))
        centre = self.store._reader_actor["org_id"]
        wanted = sorted({c for w in found for c in w["case_ids"]})
        with read_session(self.store.engine) as s:
            numbers = dict(s.execute(select(SvCase.case_id, SvCase.case_no).where(SvCase.case_id.in_(wanted))).all())
        return warning_tasks.raise_tasks(
            self.platform.env_for("warning_task").engine, found,
            lambda data, key: self.platform.fire_as_system("raise_warning", "warning_task", centre,
                                                           data=data, key=key), numbers, (first, last))
