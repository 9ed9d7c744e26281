"""The nameko service ``intake``: the one-stop window (浙江省平安建设条例 Art 39; SPEC §2)."""
from __future__ import annotations

import hmac
import logging

from marshmallow import Schema, fields, validate
from nameko.timer import timer
from sqlalchemy import select

from contracts.errors import JiefenError
from contracts.schemas import KEY, CommandSchema
from infra import clocks, handoff
from infra.db import read_session
from infra.models import Case
from infra.querycode import legacy_query_code_hash, query_code_hash
from contracts.intake import LookupArgs
from infra.service import HANDOFF_INTERVAL, CaseService, Platform, api, load, owned_event
from infra.views import iso
from services.intake import duplicates
from services.intake.casetype import INTAKE
from services.intake.tracking import on_child_event, reconcile

ROUTE_EVENTS = {"mediation": "route_to_mediation", "diversion": "route_to_diversion",
                "petition": "route_to_petition", "external": "refer_external"}
QUIET_EVENTS = {"deadline_warning"}
log = logging.getLogger(__name__)   # internal; the resident sees milestones



class RegisterArgs(Schema):
    case = fields.Nested(INTAKE.event("register_claim").schema, required=True)   # the engine trusts this load
    idempotency_key = fields.String(required=True, validate=KEY)


class RouteArgs(CommandSchema):
    target = fields.String(required=True, validate=validate.OneOf(ROUTE_EVENTS))


class IntakeService(CaseService):
    name = "intake"
    case_type = INTAKE
    platform = Platform("intake", INTAKE)

    @api
    def register_case(self, case: dict, idempotency_key: str | None = None) -> dict:
        """Register a claim as the window receives it; returns the case with its number and query code."""
        # validated once, here at the boundary (errors name ``case``); the engine trusts the loaded claim
        # rather than loading RegisterCaseSchema again (ID checksums ran twice; issue 17)
        args = load(RegisterArgs, {"case": case, "idempotency_key": idempotency_key})
        return self.platform.fire(self.platform.actor(), "register_claim", data=args["case"],
                                  idempotency_key=idempotency_key, data_loaded=True)

    @api
    def classify(self, case_id, category=None, expected_version=None, idempotency_key=None, claim_type=None,
                 note=""):
        return self._command("classify", case_id, expected_version, idempotency_key,
                             {"category": category, "claim_type": claim_type, "note": note})

    @api
    def route(self, case_id, target=None, reason=None, expected_version=None, idempotency_key=None,
              details=None):
        """Route to mediation, diversion, petition, or an external channel (details.external_channel)."""
        args = load(RouteArgs, {"case_id": case_id, "target": target, "expected_version": expected_version,
                                "idempotency_key": idempotency_key})
        return self._command(ROUTE_EVENTS[args["target"]], case_id, expected_version, idempotency_key,
                             {**(details or {}), "reason": reason})

    @api
    def answer_on_spot(self, case_id, answer=None, kind=None, expected_version=None, idempotency_key=None):
        return self._command("answer_on_spot", case_id, expected_version, idempotency_key,
                             {"answer": answer, "kind": kind})

    @api
    def close(self, case_id, outcome=None, expected_version=None, idempotency_key=None):
        return self._command("close", case_id, expected_version, idempotency_key, {"outcome": outcome})

    @api
    def reissue_query_code(self, case_id, reissue_reason=None, expected_version=None, idempotency_key=None, note=""):
        """The window gives the resident a new query code (issue 14): the old one stops working at once; the
        new one is in this answer only (``query_code``; a retry with the same key answers the same code)
        and in no audit entry or log."""
        return self._command("reissue_query_code", case_id, expected_version, idempotency_key,
                             {"reissue_reason": reissue_reason, "note": note})

    @api
    def find_duplicates(self, case_id: str) -> list[dict]:
        """SPEC §2.2 candidates: exact (D1) or partial (for review); never dropped, only linked."""
        actor = self.platform.actor()
        with read_session(self.platform.env.engine) as s:
            return duplicates.candidates(s, self._readable(s, actor, case_id), actor.org_id,
                                         self.platform.env.directory)

    @api
    def lookup_by_query_code(self, case_no: str, query_code: str) -> dict:
        """For residents: where the case stands, with milestones only; no personal data. No actor needed."""
        args = load(LookupArgs, {"case_no": case_no, "query_code": query_code})
        env = self.platform.env
        refused = JiefenError("NOT_FOUND", "案件编号或查询码不正确", {})
        number = args["case_no"].strip().upper()
        # guessing one case's code is limited whatever the path (gateway, RPC, pika client)
        settings = env.config.get("intake", {})
        failures = self.platform.limiter("lookup_failures", int(settings.get("lookup_failures_per_case", 10)),
                                         float(settings.get("lookup_window_seconds", 600)))
        wait = failures.retry_after(number)
        if wait:
            raise JiefenError("RATE_LIMITED", f"该案件查询失败次数过多，请 {wait // 60 + 1} 分钟后再试",
                              {"retry_after": wait})
        with read_session(env.engine) as s:
            case = s.scalars(select(Case).where(Case.case_no == number)).first()
            code = args["query_code"].strip()
            if case is None or not case.query_code_hash or not (
                    hmac.compare_digest(case.query_code_hash, query_code_hash(case.id, code))
                    or hmac.compare_digest(case.query_code_hash, legacy_query_code_hash(case.id, code))):
                failures.hit(number)
                raise refused
            now = env.now()
            state = INTAKE.state(case.status)
            running = [clocks.view(k, INTAKE, env.calendar, now) for k in case.clocks if k.status == "running"]
            route = case.data.get("route") or case.data.get("referral") or {}
            return {
                "case_no": case.case_no, "status": case.status, "status_label": state.label,
                "closed": state.terminal, "category": case.category,
                "org_id": case.org_id, "handling_org_id": route.get("target_org_id"),   # public bodies, not personal
                "channel": route.get("target") or route.get("channel"),
                "milestones": [{"at": iso(e.at), "event": e.event, "label": INTAKE.event(e.event).label,
                                "status": e.to_state, "status_label": INTAKE.state(e.to_state).label}
                               for e in self._entries(s, case.id) if e.event not in QUIET_EVENTS],
                "next_deadline": min((c["due_date"] for c in running), default=None),
                "children": [{"service": l.target_service, "status": l.target_status, "entered_by": (l.handoff or {}).get(handoff.CHILD_ENTERED_BY)}
                             for l in case.links if l.link_type == "child"],
            }

    # -- tracking the child cases routed elsewhere (SPEC §2, §7) -----------------------------------
    @timer(interval=HANDOFF_INTERVAL)
    def _deliver_handoffs(self):
        try:
            handoff.deliver_pending(self.platform.env, self.platform.amqp_config)
            reconcile(self.platform.env)
        except Exception:
            log.exception("hand-off delivery failed")

    @owned_event("mediation", "case_registered")
    def _mediation_registered(self, payload):
        on_child_event(self.platform.env, payload, "mediation")

    @owned_event("mediation", "case_transitioned")
    def _mediation_transitioned(self, payload):
        on_child_event(self.platform.env, payload, "mediation")

    @owned_event("diversion", "case_registered")
    def _diversion_registered(self, payload):
        on_child_event(self.platform.env, payload, "diversion")

    @owned_event("diversion", "case_transitioned")
    def _diversion_transitioned(self, payload):
        on_child_event(self.platform.env, payload, "diversion")

    @owned_event("petition", "case_registered")
    def _petition_registered(self, payload):
        on_child_event(self.platform.env, payload, "petition")

    @owned_event("petition", "case_transitioned")
    def _petition_transitioned(self, payload):
        on_child_event(self.platform.env, payload, "petition")

    def _command(self, event, case_id, expected_version, idempotency_key, data):
        cmd = load(CommandSchema, {"case_id": case_id, "expected_version": expected_version,
                                   "idempotency_key": idempotency_key})
        return self.platform.fire(self.platform.actor(), event, data=data, **cmd)
