"""OpenAPI operations of the gateway's route modules besides service.py (workspace.py, documents.py,
receipts.py), merged into the document by services/gateway/openapi.py. A route without an operation
here or there fails tests/unit/test_openapi_routes.py."""
from __future__ import annotations

from services.gateway import receipts


def _error(*codes: tuple[int, str]) -> dict:
    return {str(code): {"description": text, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}} for code, text in codes}


ERRORS = _error((400, "VALIDATION_ERROR"), (401, "UNAUTHENTICATED"), (403, "FORBIDDEN"), (404, "NOT_FOUND"),
                (503, "SERVICE_UNAVAILABLE"))
SERVICE = {"in": "path", "name": "service", "required": True, "schema": {"type": "string", "maxLength": 32},
           "description": "a case service"}
CASE_ID = {"in": "path", "name": "case_id", "required": True, "schema": {"type": "string", "minLength": 1, "maxLength": 32}}
KIND = {"in": "path", "name": "kind", "required": True, "schema": {"type": "string", "maxLength": 40},
        "description": "文书种类（GET …/documents 列出本案可出具的文书）"}


def _ok(description: str, schema: dict | None = None, media: str = "application/json") -> dict:
    body = {"description": description}
    if schema is not None:
        body["content"] = {media: {"schema": schema}}
    return {"200": body, **ERRORS}


OPERATIONS = {
    "/api/tasks": {"get": {
        "tags": ["workspace"], "summary": "我的待办：本机构承办或参与、等待本角色办理的各业务案件（超期、临期在前）",
        "parameters": [{"in": "query", "name": n, "schema": {"type": "string", "maxLength": 64}} for n in
                       ("text", "category", "channel", "status", "service", "created_from", "created_to", "scope",
                        "org_id", "party_id_number")],
        "responses": _ok("the merged task list", {"type": "object"})}},
    "/api/{service}/cases/{case_id}/timeline": {"get": {
        "tags": ["cases"], "summary": "办理经过（中文）：谁、何时、做了什么、依据哪条法律",
        "parameters": [SERVICE, CASE_ID], "responses": _ok("the audit trail as people read it", {"type": "array"})}},
    "/api/mediation/mediators": {"get": {
        "tags": ["mediation"], "summary": "人民调解委员会的调解员名册（PML Art 13）",
        "parameters": [{"in": "query", "name": "committee_id", "schema": {"type": "string", "maxLength": 64}}],
        "responses": _ok("the roster", {"type": "array"})}},
    "/api/{service}/cases/{case_id}/documents": {"get": {
        "tags": ["documents"], "summary": "本案可出具的法定文书", "parameters": [SERVICE, CASE_ID],
        "responses": _ok("kinds and titles", {"type": "array"})}},
    "/api/{service}/cases/{case_id}/documents/{kind}": {"get": {
        "tags": ["documents"],
        "summary": "法定文书（可打印的HTML，format=pdf 为PDF）；issue=1 为正式出具：其SHA-256摘要记入本案审计记录，"
                   "同一内容再次出具不重复记录",
        "parameters": [SERVICE, CASE_ID, KIND,
                       {"in": "query", "name": "format", "schema": {"type": "string", "enum": ["html", "pdf"]}},
                       {"in": "query", "name": "issue", "schema": {"type": "string", "enum": ["1"]},
                        "description": "正式出具（打印或下载正本）：记录文书种类和SHA-256摘要（响应头 X-Document-SHA256）"}],
        "responses": _ok("the document", {"type": "string"}, "text/html")}},
    **receipts.OPERATIONS,
}

# routes that answer only when their service is deployed at this gateway (else 503: not documented)
SERVICE_OF = {"/api/mediation/mediators": "mediation", **{path: "intake" for path in receipts.OPERATIONS}}


def operations_for(services: tuple[str, ...]) -> dict:
    return {path: op for path, op in OPERATIONS.items() if path not in SERVICE_OF or SERVICE_OF[path] in services}
