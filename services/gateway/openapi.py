"""The OpenAPI 3 document of the gateway, built with apispec's MarshmallowPlugin from the same
marshmallow contracts the services validate with (contracts/), plus the gateway's own
(services/gateway/schemas.py); and a self-contained HTML rendering of it (no CDN, no script)."""
from __future__ import annotations

import html
import json
import logging
from functools import lru_cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from contracts.errors import ERRORS
from contracts.intake import LookupArgs
from contracts.schemas import ClockEventSchema, FindCasesSchema, RegisterCaseSchema
from contracts.services import CASE_SERVICES
from infra.registry import case_types
from services.gateway import openapi_routes, schemas as s
from services.gateway.http import KEY_RE
from services.gateway.settings import SERVICE_LABELS

log = logging.getLogger(__name__)
VERSION = "1.0.0"
STATUS_TEXT = {400: "请求无效（VALIDATION_ERROR）", 401: "未登录或会话已过期（UNAUTHENTICATED）",
               403: "角色或机构无权（FORBIDDEN）", 404: "案件、服务或地址不存在（NOT_FOUND）",
               405: "方法不允许（METHOD_NOT_ALLOWED）",
               409: "状态不允许、版本冲突或幂等键冲突（TRANSITION_NOT_ALLOWED / VERSION_CONFLICT / IDEMPOTENCY_MISMATCH）",
               422: "法定条件不满足，消息引用条文（GUARD_FAILED / DEADLINE_PASSED / EXTENSION_REFUSED）",
               429: "尝试过于频繁（RATE_LIMITED），见 Retry-After", 500: "内部错误（INTERNAL），未做任何更改",
               503: "服务未部署或未在时限内响应（SERVICE_UNAVAILABLE）"}

DESCRIPTION = """\
解纷 (jiefen) 窗口网关：一站式受理窗口终端和县级系统通过 HTTP 访问各案件服务。

* Sign in with `POST /api/session`, then send `Authorization: Bearer <token>` with every call.
  Only `GET /api/public/lookup` (the resident's lookup) and `POST /api/public/evaluation` (the resident's
  evaluation of a closed case) work without signing in; they are rate-limited per client address.
* Every error is `{"error": CODE, "message": "...", "details": {...}}`; the codes and statuses are
  the platform's (`contracts/errors.py`): %(codes)s.
* Every case service (%(services)s) answers the same `/api/{service}/...` routes. A service that is
  not deployed, or does not answer within the gateway's RPC timeout, gives 503.
* Commands carry an `Idempotency-Key` header: resend the same key after a timeout and the command
  runs once.
* The data each event needs is listed by `GET /api/{service}/definition` (`events[].data`); the
  schemas named `<service>.<event>` below describe the same data.
"""


def _error_codes() -> str:
    pairs = [(k.code, k.http_status) for k in ERRORS.values()]
    return ", ".join(f"{code} {status}" for code, status in pairs)


def _json(schema) -> dict:
    return {"application/json": {"schema": schema}}


def _errors(*statuses: int) -> dict:
    return {str(status): {"description": STATUS_TEXT[status], "content": _json("Error")} for status in statuses}


def _responses(ok: int, schema, *errors: int, description: str = "OK") -> dict:
    return {str(ok): {"description": description, "content": _json(schema)}, **_errors(*errors)}


def _path(name: str, description: str, schema: dict | None = None) -> dict:
    return {"in": "path", "name": name, "required": True, "description": description,
            "schema": schema or {"type": "string", "minLength": 1, "maxLength": 64}}


KEY_HEADER = {"in": "header", "name": "Idempotency-Key", "required": True,
              "description": "one key per command; a resend with the same key and payload runs once",
              "schema": {"type": "string", "pattern": KEY_RE.pattern}}
PAGING = [{"in": "query", "name": "page", "schema": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1}},
          {"in": "query", "name": "size", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}}]
CASE_ID = _path("case_id", "the case's id (`case_id`)", {"type": "string", "minLength": 1, "maxLength": 32})
AUTHED = (401, 503)


def operations(services: tuple[str, ...]) -> dict:
    service = _path("service", "a case service: " + ", ".join(f"`{x}` {SERVICE_LABELS.get(x, x)}" for x in services),
                    {"type": "string", "enum": list(services)})
    case = [service, CASE_ID]
    return {
        "/api/session": {
            "post": {"tags": ["session"], "summary": "登录：换取会话令牌", "security": [],
                     "requestBody": {"required": True, "content": _json("SignIn")},
                     "responses": _responses(201, "Session", 400, 401, 429, description="signed in")},
            "get": {"tags": ["session"], "summary": "当前登录用户",
                    "responses": _responses(200, "CurrentSession", 401)},
            "delete": {"tags": ["session"], "summary": "退出登录",
                       "responses": {"204": {"description": "signed out"}, **_errors(401)}},
        },
        "/api/services": {"get": {"tags": ["reference"], "summary": "可访问的案件服务",
                                  "responses": _responses(200, {"type": "array", "items": {"$ref": "#/components/schemas/ServiceInfo"}}, 401)}},
        "/api/enums": {"get": {"tags": ["reference"], "summary": "代码与中文名称（角色、渠道、纠纷类别……）",
                               "responses": _responses(200, {"type": "object"}, 401)}},
        "/api/organisations": {"get": {
            "tags": ["reference"], "summary": "机构名录",
            "parameters": [{"in": "query", "name": "kind", "schema": {"type": "string", "maxLength": 40}}],
            "responses": _responses(200, {"type": "array", "items": {"$ref": "#/components/schemas/Organisation"}}, 400, 401)}},
        "/api/public/lookup": {"get": {
            "tags": ["resident"], "summary": "群众凭案件编号和查询码查询办理进度（无需登录，限频）", "security": [],
            "parameters": [{"in": "query", "schema": LookupArgs}],
            "responses": _responses(200, "LookupResult", 400, 404, 429, 503)}},
        "/api/intake/cases": {"post": {
            "tags": ["intake"], "summary": "接待登记（窗口受理员）：返回案件编号和查询码",
            "parameters": [KEY_HEADER], "requestBody": {"required": True, "content": _json("RegisterCase")},
            "responses": _responses(201, "Case", 400, *AUTHED, 403, 409, 422, description="registered")}},
        "/api/intake/cases/{case_id}/duplicates": {"get": {
            "tags": ["intake"], "summary": "疑似重复件（SPEC §2.2）", "parameters": [CASE_ID],
            "responses": _responses(200, {"type": "array", "items": {"$ref": "#/components/schemas/Duplicate"}},
                                    400, *AUTHED, 403, 404)}},
        "/api/{service}/definition": {"get": {
            "tags": ["cases"], "summary": "案件类型定义：状态、事件（含所需数据）、期限", "parameters": [service],
            "responses": _responses(200, "Definition", 400, *AUTHED, 404)}},
        "/api/{service}/cases": {"get": {
            "tags": ["cases"], "summary": "查询案件（本机构及下级机构，分页）",
            "parameters": [service, {"in": "query", "schema": FindCasesSchema}, *PAGING],
            "responses": _responses(200, "CaseList", 400, *AUTHED, 403, 404)}},
        "/api/{service}/cases/{case_id}": {"get": {
            "tags": ["cases"], "summary": "案件详情", "parameters": case,
            "responses": _responses(200, "Case", 400, *AUTHED, 403, 404)}},
        "/api/{service}/cases/{case_id}/history": {"get": {
            "tags": ["cases"], "summary": "办理时间线（审计记录）", "parameters": case,
            "responses": _responses(200, {"type": "array", "items": {"$ref": "#/components/schemas/AuditEntry"}},
                                    400, *AUTHED, 403, 404)}},
        "/api/{service}/cases/{case_id}/verify": {"get": {
            "tags": ["cases"], "summary": "校验审计链", "parameters": case,
            "responses": _responses(200, "Verify", 400, *AUTHED, 403, 404)}},
        "/api/{service}/cases/{case_id}/allowed-events": {"get": {
            "tags": ["cases"], "summary": "当前用户此刻可执行的事件及所需数据", "parameters": case,
            "responses": _responses(200, {"type": "array", "items": {"$ref": "#/components/schemas/EventDef"}},
                                    400, *AUTHED, 403, 404)}},
        "/api/{service}/cases/{case_id}/events/{event}": {"post": {
            "tags": ["cases"], "summary": "执行事件（状态变更）",
            "parameters": [*case, _path("event", "an event id from the definition",
                                        {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,47}$"}), KEY_HEADER],
            "requestBody": {"required": True, "content": _json("FireBody")},
            "responses": _responses(200, "Case", 400, *AUTHED, 403, 404, 409, 422)}},
        "/api/{service}/overdue": {"get": {
            "tags": ["cases"], "summary": "超期案件（督办），最早到期在前", "parameters": [service, *PAGING],
            "responses": _responses(200, "OverdueList", 400, *AUTHED, 403, 404)}},
        "/api/{service}/sweep": {"post": {
            "tags": ["cases"], "summary": "立即执行期限巡检（仅督办 supv）", "parameters": [service],
            "responses": _responses(200, "Sweep", 400, *AUTHED, 403, 404)}},
        **(supervision_operations() if "supervision" in services else {}),
        **openings_operations(services),
        **openapi_routes.operations_for(services),      # workspace, documents, receipts
        "/openapi.json": {"get": {"tags": ["reference"], "summary": "本文档", "security": [],
                                  "responses": {"200": {"description": "OpenAPI 3", "content": _json({"type": "object"})}}}},
    }


def supervision_operations() -> dict:
    """The centre's routes (roles supv and router at the county centre): services/supervision/."""
    from contracts.supervision import FiltersSchema, ListSchema, OpenSupervisionSchema
    period = [{"in": "query", "name": n, "required": True, "description": d, "schema": {"type": "string", "format": "date"}}
              for n, d in (("from", "first day, Beijing time"), ("to", "last day, included"))]
    group_by = {"in": "query", "name": "group_by", "schema": {"type": "string",
                                                              "enum": ["county", "town", "org", "channel", "category", "service"]}}
    filters = {"in": "query", "schema": FiltersSchema}
    obj = {"type": "object"}
    return {
        "/api/public/evaluation": {"post": {     # issue 15: the resident evaluates a closed case (PSR Art 62)
            "tags": ["resident"], "summary": "群众凭案件编号和查询码评价已办结案件：满意、基本满意或不满意（无需登录，限频，每案一次）",
            "security": [], "parameters": [KEY_HEADER],
            "requestBody": {"required": True, "content": _json({"type": "object", "required": ["case_no", "query_code", "rating"],
                "properties": {"case_no": {"type": "string"}, "query_code": {"type": "string"},
                               "rating": {"type": "string", "enum": ["satisfied", "basically_satisfied", "dissatisfied"]},
                               "reason": {"type": "string", "maxLength": 500, "description": "不满意时必填"}}})},
            "responses": _responses(201, {"type": "object"}, 400, 404, 409, 422, 429, 503, description="evaluated")}},
        "/api/supervision/figures": {"get": {
            "tags": ["supervision"], "summary": "中心指标：受理、分流、化解、按期办结率、超期、调解成功率、司法确认率、重复信访率……",
            "parameters": [*period, group_by, filters], "responses": _responses(200, obj, 400, *AUTHED, 403)}},
        "/api/supervision/drill-down": {"get": {
            "tags": ["supervision"], "summary": "指标下钻：一个数字背后的案件",
            "parameters": [{"in": "query", "name": "figure", "required": True, "schema": {"type": "string"}}, *period,
                           group_by, {"in": "query", "name": "group", "schema": {"type": "string"}},
                           {"in": "query", "name": "part", "schema": {"type": "string", "enum": ["numerator", "denominator"]}},
                           filters, *PAGING],
            "responses": _responses(200, obj, 400, *AUTHED, 403)}},
        "/api/supervision/all-cases": {"get": {
            "tags": ["supervision"], "summary": "全县各服务案件（读模型，无个人信息）", "parameters": [filters, *PAGING],
            "responses": _responses(200, obj, 400, *AUTHED, 403)}},
        "/api/supervision/warnings": {"get": {
            "tags": ["supervision"], "summary": "研判预警（红/黄/蓝），每条附案件数、前 50 件和说明", "parameters": period,
            "responses": _responses(200, obj, 400, *AUTHED, 403)}},
        "/api/supervision/warning-cases": {"get": {
            "tags": ["supervision"], "summary": "预警下钻：一条预警背后的全部案件（按规则、期间和所指对象重算，分页）",
            "parameters": [{"in": "query", "name": "rule", "required": True, "schema": {"type": "string"}}, *period,
                           *({"in": "query", "name": n, "schema": {"type": "string", "maxLength": 64}}
                             for n in ("town_id", "category", "org_id", "root_case_id", "subject", "case_id")), *PAGING],
            "responses": _responses(200, obj, 400, *AUTHED, 403)}},
        "/api/supervision/feed": {"get": {
            "tags": ["supervision"], "summary": "去标识化案件数据（JSON Lines，contracts/feed.py；PSR Art 49, 51）",
            "parameters": [{"in": "query", "name": "after_id", "schema": {"type": "string", "maxLength": 32}},
                           {"in": "query", "name": "limit", "schema": {"type": "integer", "minimum": 1, "maximum": 5000}}],
            "responses": {"200": {"description": "one CaseFact per line; header X-Next-After pages on",
                                  "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
                          **_errors(400, *AUTHED, 403)}}},
        "/api/supervision/monthly-report": {"get": {
            "tags": ["supervision"], "summary": "月报（Excel；format=html 为打印页）",
            "parameters": [{"in": "query", "name": "month", "required": True, "schema": {"type": "string", "pattern": "^20\\d{2}-(0[1-9]|1[0-2])$"}},
                           {"in": "query", "name": "format", "schema": {"type": "string", "enum": ["xlsx", "html"]}}],
            "responses": {"200": {"description": "xlsx, or the page to print", "content": {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}},
                "text/html": {"schema": {"type": "string"}}}},
                **_errors(400, *AUTHED, 403)}}},
        "/api/supervision/supervise": {"post": {
            "tags": ["supervision"], "summary": "督办一件案件（理由、期限）", "parameters": [KEY_HEADER],
            "requestBody": {"required": True, "content": _json(OpenSupervisionSchema)},
            "responses": _responses(201, "Case", 400, *AUTHED, 403, 409, 422, description="opened")}},
        "/api/supervision/listings": {"post": {
            "tags": ["supervision"], "summary": "挂牌督办重点区域或突出问题（PSR Art 60, 65）", "parameters": [KEY_HEADER],
            "requestBody": {"required": True, "content": _json(ListSchema)},
            "responses": _responses(201, "Case", 400, *AUTHED, 403, 409, 422, description="listed")}},
    }


def openings_operations(services: tuple[str, ...]) -> dict:
    """新建案件 (services/gateway/openings.py): the list, and one path per opening with its contract."""
    from services.gateway.openings import OPENINGS
    paths = {"/api/openings": {"get": {
        "tags": ["openings"], "summary": "新建案件：当前用户可办理的登记（含表单字段）",
        "responses": _responses(200, {"type": "array", "items": {"type": "object"}}, *AUTHED)}}}
    for o in OPENINGS:
        if o.service not in services:
            continue
        who = "；".join(f"{kind}: {', '.join(roles)}" for kind, roles in o.who.items())
        paths[f"/api/openings/{o.service}/{o.command}"] = {"post": {
            "tags": ["openings"], "summary": f"{o.title}（{o.service}.{o.command}；{o.basis}）",
            "description": f"{o.help}\n\nroles by organisation kind: {who}. Answers the new case.",
            "parameters": [KEY_HEADER], "requestBody": {"required": True, "content": _json(o.schema)},
            "responses": _responses(201, "Case", 400, *AUTHED, 403, 404, 409, 422, description="opened")}}
    return paths


COMPONENTS = {
    "Error": s.ErrorSchema, "SignIn": s.SignInSchema, "Session": s.SessionSchema,
    "CurrentSession": s.CurrentSessionSchema, "User": s.UserSchema, "ServiceInfo": s.ServiceInfoSchema,
    "Organisation": s.OrganisationSchema, "LookupResult": s.LookupResultSchema, "Milestone": s.MilestoneSchema,
    "RegisterCase": RegisterCaseSchema, "Case": s.CaseSchema, "CaseList": s.CaseListSchema,
    "OverdueCase": s.OverdueCaseSchema, "OverdueList": s.OverdueListSchema, "Clock": s.ClockSchema,
    "PartyView": s.PartyViewSchema, "Link": s.LinkSchema, "AuditEntry": s.AuditEntrySchema,
    "Verify": s.VerifySchema, "EventDef": s.EventDefSchema, "EventField": s.EventFieldSchema,
    "Definition": s.DefinitionSchema, "FireBody": s.FireBodySchema, "Duplicate": s.DuplicateSchema,
    "Sweep": s.SweepSchema,
    "ClockEvent": ClockEventSchema,     # the data of every clock-fired event of every service (sys)
}


def service_case_types(service: str) -> list:
    """The case types of a service if its package is installed here, else none."""
    if service not in CASE_SERVICES:
        return []
    try:
        return case_types(service)
    except Exception:          # broken or not installed: the document still serves, without its events
        log.warning("no event schemas for %s", service, exc_info=True)
        return []


def _name(schema) -> str:
    """Component names: ours as listed, any other nested contract by its class name."""
    cls = schema if isinstance(schema, type) else type(schema)
    names = {v: k for k, v in COMPONENTS.items()}
    if cls in names:
        return names[cls]
    short = cls.__name__.removesuffix("Schema")
    module = cls.__module__.rsplit(".", 1)[-1]
    return short if module == "schemas" else f"{module}.{short}"     # e.g. mediation.Signature


@lru_cache(maxsize=8)
def _spec(services: tuple[str, ...]) -> str:
    spec = APISpec(title="jiefen gateway 解纷窗口网关", version=VERSION, openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin(schema_name_resolver=_name)],
                   info={"description": DESCRIPTION % {"codes": _error_codes(), "services": ", ".join(services)}},
                   security=[{"bearer": []}])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for name, schema in COMPONENTS.items():
        if name not in spec.components.schemas:        # nested ones are already in
            spec.components.schema(name, schema=schema)
    for service in services:
        by_schema: dict[type, list] = {}
        for event in (e for ct in service_case_types(service) for e in ct.events):
            if event.schema is not None and event.schema is not RegisterCaseSchema:
                by_schema.setdefault(event.schema, []).append(event)
        for schema, events in by_schema.items():      # one component per schema, named after its first event
            if _name(schema) in spec.components.schemas:
                continue
            spec.components.schema(f"{service}.{events[0].id}", schema=schema, description="data of event(s) " + "; ".join(
                f"`{e.id}` {e.label} ({e.basis})" for e in events))
    for path, ops in operations(services).items():
        spec.path(path=path, operations=ops)
    return json.dumps(spec.to_dict(), ensure_ascii=False)


def spec_dict(services: tuple[str, ...]) -> dict:
    return json.loads(_spec(tuple(services)))


# -- the reference page ---------------------------------------------------------------------------
def render_html(spec: dict) -> str:
    """One HTML page: every operation with its parameters, body and responses; every schema."""
    e = html.escape
    schemas = spec.get("components", {}).get("schemas", {})

    def ref(node) -> str:
        if isinstance(node, dict) and "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return f'<a href="#schema-{e(name)}">{e(name)}</a>'
        if isinstance(node, dict) and node.get("type") == "array":
            return f"array of {ref(node.get('items', {}))}"
        if isinstance(node, dict):
            kind = node.get("type", "object")
            extra = f" ∈ {{{', '.join(map(str, node['enum']))}}}" if "enum" in node else ""
            return e(f"{kind}{extra}")
        return e(str(node))

    out = ["<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>",
           f"<title>{e(spec['info']['title'])} — API</title><style>",
           "body{font:14px/1.5 'Noto Sans CJK SC',sans-serif;margin:0 auto;max-width:1100px;padding:16px;color:#1d2733}",
           "h1{font-size:22px}h2{border-bottom:2px solid #1f5fa8;padding-bottom:4px;margin-top:32px}",
           ".op{border:1px solid #d5dbe3;border-radius:6px;margin:12px 0;padding:8px 12px}",
           ".m{display:inline-block;min-width:64px;font-weight:bold;color:#fff;border-radius:4px;padding:0 6px;text-align:center}",
           ".get{background:#2d7d46}.post{background:#1f5fa8}.delete{background:#b3261e}",
           "code{background:#f2f4f7;padding:0 3px}table{border-collapse:collapse;width:100%}",
           "td,th{border:1px solid #e1e5eb;padding:3px 6px;text-align:left;vertical-align:top}pre{white-space:pre-wrap}",
           "</style></head><body>",
           f"<h1>{e(spec['info']['title'])} <small>v{e(spec['info']['version'])}</small></h1>",
           f"<pre>{e(spec['info'].get('description', ''))}</pre>",
           "<p>机器可读文档：<a href='/openapi.json'>/openapi.json</a></p><h2>接口 Operations</h2>"]
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            public = op.get("security") == []
            out.append(f"<div class='op'><span class='m {method}'>{method.upper()}</span> <code>{e(path)}</code> "
                       f"— {e(op.get('summary', ''))}{' <em>（无需登录）</em>' if public else ''}")
            params = op.get("parameters", [])
            if params:
                out.append("<table><tr><th>参数</th><th>位置</th><th>必填</th><th>类型</th><th>说明</th></tr>")
                for p in params:
                    out.append(f"<tr><td><code>{e(p['name'])}</code></td><td>{e(p['in'])}</td>"
                               f"<td>{'是' if p.get('required') else ''}</td><td>{ref(p.get('schema', {}))}</td>"
                               f"<td>{e(p.get('description', ''))}</td></tr>")
                out.append("</table>")
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                out.append(f"<p>请求体 body: {ref(body)}</p>")
            out.append("<table><tr><th>状态</th><th>说明</th><th>内容</th></tr>")
            for status, r in op.get("responses", {}).items():
                content = r.get("content", {}).get("application/json", {}).get("schema")
                out.append(f"<tr><td>{e(status)}</td><td>{e(r.get('description', ''))}</td>"
                           f"<td>{ref(content) if content else ''}</td></tr>")
            out.append("</table></div>")
    out.append("<h2>数据结构 Schemas</h2>")
    for name, schema in schemas.items():
        out.append(f"<div class='op' id='schema-{e(name)}'><b>{e(name)}</b> {e(schema.get('description', ''))}")
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        if props:
            out.append("<table><tr><th>字段</th><th>必填</th><th>类型</th><th>说明</th></tr>")
            for prop, node in props.items():
                out.append(f"<tr><td><code>{e(prop)}</code></td><td>{'是' if prop in required else ''}</td>"
                           f"<td>{ref(node)}</td><td>{e(node.get('description', '') if isinstance(node, dict) else '')}</td></tr>")
            out.append("</table>")
        out.append("</div>")
    out.append("</body></html>")
    return "\n".join(out)


