"""The resident's evaluation of a closed case from the lookup page (no sign-in; PSR Art 62: 满意率).
The supervision service checks the case number and query code through intake's lookup; here, as for the
lookup, wrong tries count against the address and the case number (services/gateway/auth.py)."""
from __future__ import annotations

from contracts.errors import JiefenError
from services.gateway.http import idempotency_key, json_body, route


class EvaluationRoutes:
    @route("POST", "/api/public/evaluation")
    def evaluate(self, request):
        key = idempotency_key(request)
        body = json_body(request, self.gate.settings.max_body)
        case_no = body.get("case_no") if isinstance(body.get("case_no"), str) else None
        self.gate.check_lookup(request, case_no)
        try:
            return 201, self.rpc("supervision", "evaluate", None, body.get("case_no"), body.get("query_code"),
                                 body.get("rating"), body.get("reason"), key)
        except JiefenError as err:
            if err.code == "NOT_FOUND":          # only a wrong number or code counts as a failed try
                self.gate.lookup_failed(request, case_no)
            raise
