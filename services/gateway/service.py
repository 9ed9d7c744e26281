"""The nameko service ``gateway``: HTTP for window terminals and county systems (issue 8).

Thin handlers: check the session, validate what only HTTP has, call the case service over RPC as the
signed-in user (services/gateway/rpc.py), return its answer as JSON. Every case service shares one
RPC surface (infra/service.py), so ``/api/{service}/...`` serves mediation, diversion, petition and
recommendation as soon as they run, with no change here.
"""
from __future__ import annotations

import base64
import time
from pathlib import Path

import eventlet

from marshmallow import ValidationError
from werkzeug.utils import safe_join
from werkzeug.wrappers import Response

from contracts import enums
from contracts.errors import JiefenError, validation_error
from contracts.evaluation import ABOUT_KEYS as WARNING_ABOUT
from contracts.idnumbers import ID_ABSENT_REASONS
from contracts.schemas import FindCasesSchema
from infra.ops import Ops
from services.gateway import openapi, plain
from services.gateway.auth import Auth
from services.gateway.http import PAGE_HEADERS, check_text, idempotency_key, json_body, route
from services.gateway.rpc import Caller, ServiceRpc
from services.gateway.schemas import FireBodySchema, PageQuerySchema, SignInSchema
from services.gateway.settings import SERVICE_CASE_TYPES, SERVICE_LABELS
from services.gateway.documents import DocumentRoutes
from services.gateway.openings import OpeningRoutes
from services.gateway.receipts import ReceiptRoutes
from services.gateway.workspace import WorkspaceRoutes
from contracts.intake import LookupArgs

STATIC = Path(__file__).resolve().parent / "static"
FILTERS = set(FindCasesSchema().fields)
EVALUATION_FIELDS = ("case_no", "query_code", "rating", "reason")        # the resident's form, in the RPC's order
SUPERVISION_FILTERS = {"service", "case_type", "org_id", "town_id", "category", "channel"}
DEFINITION_TTL = 300.0
_definitions: dict[tuple, tuple[float, dict]] = {}   # (service, case type) -> (fetched at, case definition)


def load(schema, payload, where: str | None = None) -> dict:
    try:
        return schema().load(payload)
    except ValidationError as err:
        raise validation_error({where: err.messages} if where else err.messages) from None


class GatewayService(WorkspaceRoutes, DocumentRoutes, OpeningRoutes, ReceiptRoutes):   # workspace.py: task list, timeline, roster; documents.py; openings.py; receipts.py
    name = "gateway"
    gate = Auth()
    rpc = ServiceRpc()
    ops = Ops()             # the process's ops port: /metrics, /healthz (infra/ops.py)

    # -- operations: liveness and readiness (no sign-in: for the orchestrator and the operator) ----------
    @route("GET", "/healthz")
    def healthz(self, request):
        """Liveness: this process answers HTTP."""
        return {"status": "ok", "service": "gateway"}

    @route("GET", "/readyz")
    def readyz(self, request):
        """Ready when every case service answers health() within the bound and is ready itself;
        503 naming those that are not. Nothing about cases, only each service's state."""
        bound = self.gate.settings.ready_timeout
        caller = Caller(self.rpc.worker_ctx, self.rpc.reply_listener, bound)

        def ask(service):
            try:
                h = caller(service, "health", None)
            except JiefenError as err:
                return service, {"ready": False, "error": err.code, "reason": err.message}
            state = {"ready": bool(h.get("ready")), "database": h.get("database", {}).get("ok")}
            if not state["ready"]:
                state["reason"] = h.get("database", {}).get("error")
            return service, state
        services = dict(eventlet.GreenPool(8).imap(ask, self.gate.settings.services))
        not_ready = sorted(s for s, h in services.items() if not h["ready"])
        return (503 if not_ready else 200), {"ready": not not_ready, "services": services, "not_ready": not_ready}

    # -- pages and documentation ------------------------------------------------------------------
    @route("GET", "/")
    def home(self, request):
        return Response(status=302, headers={"Location": "/window/"})

    @route("GET", "/window/")
    def window_page(self, request):
        return _static("index.html")

    @route("GET", "/supervision/")
    def dashboard_page(self, request):
        """The director's dashboard (roles supv and router at the county centre)."""
        return _static("dashboard.html")

    @route("GET", "/lookup")
    def lookup_page(self, request):
        return _static("lookup.html")

    @route("GET", "/static/<path:name>")
    def static(self, request, name):
        return _static(name)

    @route("GET", "/openapi.json")
    def openapi_json(self, request):
        return openapi.spec_dict(self.gate.settings.services)

    @route("GET", "/docs")
    def reference(self, request):
        html = openapi.render_html(openapi.spec_dict(self.gate.settings.services))
        return Response(html, content_type="text/html; charset=utf-8", headers=PAGE_HEADERS)

    # -- sign-in -------------------------------------------------------------------------------------
    @route("POST", "/api/session")
    def sign_in(self, request):
        body = load(SignInSchema, json_body(request, self.gate.settings.max_body))
        return 201, self.gate.sign_in(request, body["user_id"], body["password"])

    @route("GET", "/api/session")
    def current_session(self, request):
        user = self.gate.user(request)
        return {"user": self.gate.profile(user), "expires_at": self.gate.expires_at(request)}

    @route("DELETE", "/api/session")
    def sign_out(self, request):
        self.gate.sign_out(request)
        return Response(status=204)

    # -- reference data ------------------------------------------------------------------------------
    @route("GET", "/api/services")
    def services(self, request):
        self.gate.user(request)
        return [{"name": s, "label": SERVICE_LABELS.get(s, s)} for s in self.gate.settings.services]

    @route("GET", "/api/enums")
    def enum_labels(self, request):
        self.gate.user(request)
        return {"roles": enums.ROLES, "channels": enums.CHANNELS, "categories": enums.CATEGORIES,
                "party_roles": enums.PARTY_ROLES, "party_kinds": enums.PARTY_KINDS,
                "id_absent_reasons": ID_ABSENT_REASONS, "route_targets": enums.ROUTE_TARGETS, "external_channels": enums.EXTERNAL_CHANNELS,
                "services": {s: SERVICE_LABELS.get(s, s) for s in self.gate.settings.services}}

    @route("GET", "/api/organisations")
    def organisations(self, request):
        self.gate.user(request)
        kind = request.args.get("kind") or None
        return [o.to_dict() for o in self.gate.directory.all(kind)]

    # -- the resident (no sign-in; rate-limited per address) -------------------------------------------
    @route("GET", "/api/public/lookup")
    def lookup(self, request):
        case_no = request.args.get("case_no")
        self.gate.check_lookup(request, case_no)
        try:
            args = load(LookupArgs, _query(request, {"case_no", "query_code"}))
            found = self.rpc(plain.lookup_service(args["case_no"], self.gate.settings.services),
                             "lookup_by_query_code", None, args["case_no"], args["query_code"])
        except JiefenError as err:
            if err.code in ("NOT_FOUND", "VALIDATION_ERROR"):    # only failed tries count
                self.gate.lookup_failed(request, case_no)
            raise
        return self._public_view(found)

    @route("POST", "/api/public/evaluation")
    def evaluate(self, request):
        """The resident evaluates a closed case (PSR Art 62: 满意率); supervision checks the number and code
        through intake's lookup. Wrong tries count against the address and the case number, as for the lookup."""
        key = idempotency_key(request)
        body = json_body(request, self.gate.settings.max_body)
        case_no = body.get("case_no") if isinstance(body.get("case_no"), str) else None
        self.gate.check_lookup(request, case_no)
        unknown = sorted(set(body) - set(EVALUATION_FIELDS))
        if unknown:
            raise validation_error({k: ["unknown field"] for k in unknown})
        # validated once, at the RPC boundary (supervision.evaluate, EvaluateArgs; issue 17), as the intake
        # routes do; its VALIDATION_ERROR (in the resident's words) passes through and costs no try
        try:
            return 201, self.rpc("supervision", "evaluate", None, *(body.get(k) for k in EVALUATION_FIELDS), key)
        except JiefenError as err:
            if err.code == "NOT_FOUND":          # only a wrong number or code counts as a failed try
                self.gate.lookup_failed(request, case_no)
            raise

    # -- intake's own commands ---------------------------------------------------------------------------
    @route("POST", "/api/intake/cases")
    def register(self, request):
        user = self.gate.user(request)
        key = idempotency_key(request)
        body = json_body(request, self.gate.settings.max_body)
        try:
            return 201, self.rpc("intake", "register_case", user.actor(), body, key)
        except JiefenError as err:
            fields = err.details.get("fields") or {}
            wrapper = next(iter(fields), None)
            if err.code == "VALIDATION_ERROR" and len(fields) == 1 and wrapper in ("case", "data") \
                    and isinstance(fields[wrapper], dict):
                # the claim is the whole body here: name its fields as the client sent them
                raise validation_error(fields[wrapper]) from None
            raise

    @route("GET", "/api/intake/cases/<case_id>/duplicates")
    def duplicates(self, request, case_id):
        user = self.gate.user(request)
        return self.rpc("intake", "find_duplicates", user.actor(), case_id)

    # -- the centre's supervision: figures, drill-down, every case, 督办 (roles supv and router) -------
    @route("GET", "/api/supervision/figures")
    def figures(self, request):
        user = self.gate.user(request)
        q = _query(request, {"from", "to", "group_by"} | SUPERVISION_FILTERS)
        period, group_by = {"from": q.pop("from", None), "to": q.pop("to", None)}, q.pop("group_by", None)
        return self.rpc("supervision", "figures", user.actor(), period, group_by, q)

    @route("GET", "/api/supervision/drill-down")
    def drill_down(self, request):
        user = self.gate.user(request)
        q = _query(request, {"figure", "from", "to", "group_by", "group", "part", "page", "size"} | SUPERVISION_FILTERS)
        page = load(PageQuerySchema, {k: q.pop(k) for k in ("page", "size") if k in q})
        period = {"from": q.pop("from", None), "to": q.pop("to", None)}
        return self.rpc("supervision", "drill_down", user.actor(), q.pop("figure", None), period,
                        q.pop("group_by", None), q.pop("group", None) or None, q, q.pop("part", "numerator"),
                        {"number": page["page"], "size": page["size"]})

    @route("GET", "/api/supervision/all-cases")
    def all_cases(self, request):
        user = self.gate.user(request)
        q = _query(request, {"page", "size", "status", "supervised", "overdue"} | SUPERVISION_FILTERS, lists={"status"})
        page = load(PageQuerySchema, {k: q.pop(k) for k in ("page", "size") if k in q})
        return self.rpc("supervision", "all_cases", user.actor(), q, {"number": page["page"], "size": page["size"]})

    @route("GET", "/api/supervision/warnings")
    def warnings(self, request):
        user = self.gate.user(request)
        q = _query(request, {"from", "to"})
        return self.rpc("supervision", "warnings", user.actor(), {"from": q.get("from"), "to": q.get("to")})

    @route("GET", "/api/supervision/warning-cases")
    def warning_cases(self, request):
        """Every case behind one warning, paged: its rule, period and what it is about, as the warning says."""
        user = self.gate.user(request)
        q = _query(request, {"rule", "from", "to", "page", "size", *WARNING_ABOUT})
        page = load(PageQuerySchema, {k: q.pop(k) for k in ("page", "size") if k in q})
        period = {"from": q.pop("from", None), "to": q.pop("to", None)}
        return self.rpc("supervision", "warning_cases", user.actor(), q.pop("rule", None), period,
                        {k: q[k] or None for k in WARNING_ABOUT if k in q}, {"number": page["page"], "size": page["size"]})

    @route("GET", "/api/supervision/feed")
    def feed(self, request):
        """The de-identified case feed as JSON lines (contracts/feed.py); ``X-Next-After`` pages on."""
        user = self.gate.user(request)
        q = _query(request, {"after_id", "limit"})
        got = self.rpc("supervision", "feed_export", user.actor(), q.get("after_id"), q.get("limit", 1000))
        headers = {"Cache-Control": "no-store", "X-Feed-Version": got["feed_version"], "X-Content-Type-Options": "nosniff"}
        if got["next"]:
            headers["X-Next-After"] = got["next"]
        return Response(got["lines"], content_type="application/x-ndjson; charset=utf-8", headers=headers)

    @route("GET", "/api/supervision/monthly-report")
    def monthly_report(self, request):
        """The month's figures as an Excel workbook (``?month=2026-10``), or a page to print (``&format=html``)."""
        user = self.gate.user(request)
        q = _query(request, {"month", "format"})
        got = self.rpc("supervision", "monthly_report", user.actor(), q.get("month"), q.get("format") or "xlsx")
        if got["media_type"].startswith("text/html"):
            return Response(got["content"], content_type=got["media_type"], headers=PAGE_HEADERS)
        return Response(base64.b64decode(got["content"]), content_type=got["media_type"],
                        headers={"Content-Disposition": f'attachment; filename="{got["filename"]}"',
                                 "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    @route("POST", "/api/supervision/supervise")
    def supervise(self, request):
        """督办 a case of any service: ``{"target_case_id", "reason", "deadline"}``."""
        user = self.gate.user(request)
        key = idempotency_key(request)
        body = json_body(request, self.gate.settings.max_body)
        return 201, self.rpc("supervision", "open_supervision", user.actor(), body.get("target_case_id"),
                             body.get("reason"), body.get("deadline"), key)

    @route("POST", "/api/supervision/listings")
    def list_for_supervision(self, request):
        """挂牌督办 of a key area or a prominent problem (PSR Art 60, 65)."""
        user = self.gate.user(request)
        key = idempotency_key(request)
        return 201, self.rpc("supervision", "list_for_supervision", user.actor(),
                             json_body(request, self.gate.settings.max_body), key)

    # -- the uniform case surface of every case service ------------------------------------------------
    @route("GET", "/api/<service>/definition")
    def definition(self, request, service):
        self.gate.user(request)
        return self._definition(self._known(service), request.args.get("case_type"))

    @route("GET", "/api/<service>/cases")
    def find_cases(self, request, service):
        user = self.gate.user(request)
        service = self._known(service)
        query = _query(request, FILTERS | {"page", "size"}, lists={"status"})
        page = load(PageQuerySchema, {k: query.pop(k) for k in ("page", "size") if k in query})
        return self.rpc(service, "find_cases", user.actor(), query, {"number": page["page"], "size": page["size"]})

    @route("GET", "/api/<service>/cases/<case_id>")
    def get_case(self, request, service, case_id):
        user = self.gate.user(request)
        return self.rpc(self._known(service), "get_case", user.actor(), case_id)

    @route("GET", "/api/<service>/cases/<case_id>/history")
    def history(self, request, service, case_id):
        user = self.gate.user(request)
        service = self._known(service)
        entries = self.rpc(service, "case_history", user.actor(), case_id)
        labels = self._event_labels(service)
        return [{**e, "event_label": labels.get(e.get("event"), e.get("event"))} for e in entries]

    @route("GET", "/api/<service>/cases/<case_id>/verify")
    def verify(self, request, service, case_id):
        user = self.gate.user(request)
        return self.rpc(self._known(service), "verify_history", user.actor(), case_id)

    @route("GET", "/api/<service>/cases/<case_id>/allowed-events")
    def allowed_events(self, request, service, case_id):
        user = self.gate.user(request)
        return self.rpc(self._known(service), "allowed_events", user.actor(), case_id)

    @route("POST", "/api/<service>/cases/<case_id>/events/<event>")
    def fire(self, request, service, case_id, event):
        user = self.gate.user(request)
        service = self._known(service)
        key = idempotency_key(request)
        body = load(FireBodySchema, json_body(request, self.gate.settings.max_body))
        return self.rpc(service, "fire", user.actor(), case_id, event, body["data"], body["expected_version"], key)

    @route("GET", "/api/<service>/overdue")
    def overdue(self, request, service):
        user = self.gate.user(request)
        service = self._known(service)
        page = load(PageQuerySchema, _query(request, {"page", "size"}))
        return self.rpc(service, "overdue_cases", user.actor(), {"number": page["page"], "size": page["size"]})

    @route("POST", "/api/<service>/sweep")
    def sweep(self, request, service):
        user = self.gate.user(request)
        return self.rpc(self._known(service), "sweep_clocks", user.actor())

    # -- helpers -----------------------------------------------------------------------------------------
    def _known(self, service: str) -> str:
        if service not in self.gate.settings.services:
            raise JiefenError("NOT_FOUND", f"没有名为 {service} 的案件服务",
                              {"service": service, "services": list(self.gate.settings.services)})
        return service

    def _definition(self, service: str, case_type: str | None = None) -> dict:
        """The case type as data; ``case_type`` one the service hosts besides its own (e.g. diversion's jc)."""
        if case_type not in SERVICE_CASE_TYPES.get(service, ())[1:]:
            case_type = None
        cached = _definitions.get((service, case_type))
        if cached and time.monotonic() - cached[0] < DEFINITION_TTL:
            return cached[1]
        definition = self.rpc(service, "case_definition", None, *((case_type,) if case_type else ()))
        _definitions[(service, case_type)] = (time.monotonic(), definition)
        return definition

    def _event_labels(self, service: str) -> dict:
        try:
            return {e["id"]: e["label"] for e in self._definition(service)["events"]}
        except JiefenError:
            return {}

    def _state_label(self, service: str, status: str | None) -> str | None:
        try:
            states = {s["code"]: s["label"] for s in self._definition(service)["states"]}
        except JiefenError:
            return None
        return states.get(status)

    def _public_view(self, found: dict) -> dict:
        """What a resident sees: milestones, the current channel, the next deadline; nothing else."""
        channel = found.get("channel")
        return {
            "case_no": found["case_no"], "status": found["status"],
            "status_label": plain.resident_label(found["status_label"]),
            "closed": found["closed"],
            "category_label": enums.CATEGORIES.get(found.get("category")),
            "channel": channel,
            "channel_label": (SERVICE_LABELS.get(channel) or enums.EXTERNAL_CHANNELS.get(channel)) if channel else None,
            "milestones": [{"at": m["at"], "label": plain.resident_label(m["label"]),
                            "status_label": plain.resident_label(m["status_label"])}
                           for m in found.get("milestones", [])],
            "next_deadline": found.get("next_deadline"),
            "children": [{"service": c["service"], "service_label": SERVICE_LABELS.get(c["service"], c["service"]),
                          "status_label": self._child_status(c)} for c in found.get("children", [])],
            "plain": plain.explain(found, self.gate.directory),       # where, who, next date, what you may do
        }

    def _child_status(self, child: dict) -> str:
        if child.get("status") == "awaiting_service":
            return "待接收"
        known = child.get("service") in self.gate.settings.services
        return (known and self._state_label(child["service"], child.get("status"))) or "办理中"


def _query(request, allowed: set[str], lists: frozenset | set = frozenset()) -> dict:
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise validation_error({k: ["unknown query parameter"] for k in unknown})
    out: dict = {}
    for name in request.args:
        values = request.args.getlist(name)
        if name in lists:
            out[name] = [v for value in values for v in value.split(",") if v]
        elif len(values) > 1:
            raise validation_error({name: ["given more than once"]})
        else:
            out[name] = values[0]
    return check_text(out, "query")


def _static(name: str) -> Response:
    path = safe_join(str(STATIC), name)
    if path is None or not Path(path).is_file():
        raise JiefenError("NOT_FOUND", "没有这个文件", {"path": name})
    kinds = {".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml",
             ".png": "image/png", ".ico": "image/x-icon"}
    kind = kinds.get(Path(path).suffix, "application/octet-stream")
    data = Path(path).read_bytes()
    charset = "; charset=utf-8" if kind.startswith("text") else ""
    return Response(data, content_type=kind + charset, headers={**PAGE_HEADERS, "Cache-Control": "no-cache"})
