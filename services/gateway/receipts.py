"""The window's query-code reissue (issue 14): ``POST /api/intake/cases/{case_id}/query-code``.

The old code stops working at once (intake ``reissue_query_code``); the answer carries the new code and
the QR code of the lookup address for the reprinted receipt, once: a resend with the same
Idempotency-Key answers the same code (the command ran once). Neither code is logged or audited.
"""
from __future__ import annotations

from urllib.parse import quote

import segno

from services.gateway.http import idempotency_key, json_body, route

OPERATIONS = {
    "/api/intake/cases/{case_id}/query-code": {"post": {
        "tags": ["intake"],
        "summary": "补发查询码（窗口受理员）：原查询码立即失效，新查询码仅在本次应答中出现一次，附回执二维码",
        "parameters": [{"in": "header", "name": "Idempotency-Key", "required": True,
                        "schema": {"type": "string", "minLength": 8, "maxLength": 64}},
                       {"in": "path", "name": "case_id", "required": True,
                        "schema": {"type": "string", "minLength": 1, "maxLength": 32}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["expected_version", "reissue_reason"],
            "properties": {"expected_version": {"type": "integer", "minimum": 1},
                           "reissue_reason": {"type": "string", "enum": ["lost", "disclosed", "other"],
                                              "description": "补发原因：查询码遗失、可能已泄露、其他"},
                           "note": {"type": "string", "maxLength": 4000}}}}}},
        "responses": {"200": {"description": "the case, with ``query_code`` and ``receipt_qr_svg``",
                              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}}},
                      **{str(code): {"description": text, "content": {"application/json": {
                          "schema": {"$ref": "#/components/schemas/Error"}}}}
                         for code, text in ((400, "VALIDATION_ERROR"), (401, "UNAUTHENTICATED"), (403, "FORBIDDEN"),
                                            (404, "NOT_FOUND"), (409, "TRANSITION_NOT_ALLOWED / VERSION_CONFLICT"),
                                            (503, "SERVICE_UNAVAILABLE"))}}}},
}


def lookup_qr(host_url: str, case_no: str) -> str:
    """The receipt's QR code: the lookup page with the case number filled in (never the query code)."""
    return segno.make(f"{host_url.rstrip('/')}/lookup?case_no={quote(case_no)}", error="m").svg_inline(scale=3)


class ReceiptRoutes:
    """Routes of the gateway for the window's receipts."""

    @route("POST", "/api/intake/cases/<case_id>/query-code")
    def reissue_query_code(self, request, case_id):
        user = self.gate.user(request)
        key = idempotency_key(request)
        body = json_body(request, self.gate.settings.max_body)
        body = body if isinstance(body, dict) else {}
        case = self.rpc("intake", "reissue_query_code", user.actor(), case_id, body.get("reissue_reason"),
                        body.get("expected_version"), key, body.get("note") or "")
        return {**case, "receipt_qr_svg": lookup_qr(request.host_url, case["case_no"])}
