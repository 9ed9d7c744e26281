"""The nameko service ``recommendation``: judicial and procuratorial recommendations (司法建议、检察建议;
SPEC §6; 浙江省平安建设条例 Art 60, 61, 65).

Besides the uniform case surface: drafting (also from a risk pattern the centre's data shows, SPEC §7),
the objection review as one command, and the centre's per-recipient dashboard. Every change goes
through ``_fire``, which first checks that the actor acts for its own side of the recommendation
(issuer, recipient or centre: see ``sides``)."""
from __future__ import annotations

from sqlalchemy import select

from contracts.errors import JiefenError
from contracts.recommendation import ReviewObjectionArgs, RiskDraftArgs
from contracts.schemas import CommandSchema, CreateArgs, FireSchema
from infra.actors import Actor
from infra.db import read_session
from infra.models import Case, CaseParticipant
from infra.service import CaseService, Platform, api, load
from services.recommendation import dashboard, sides
from services.recommendation.casetype import RECOMMENDATION

OBJECTION_EVENTS = {"upheld_amend": "objection_upheld_amend", "upheld_withdraw": "objection_upheld_withdraw",
                    "dismissed": "objection_dismissed"}


class RecommendationService(CaseService):
    name = "recommendation"
    case_type = RECOMMENDATION
    platform = Platform("recommendation", RECOMMENDATION)

    # -- commands ------------------------------------------------------------------------------------
    @api
    def draft(self, recommendation: dict, idempotency_key: str | None = None) -> dict:
        """An issuer drafts a recommendation on a problem found in its casework (JSR Art 1, 3)."""
        load(CreateArgs, {"idempotency_key": idempotency_key})
        return self._fire(self.platform.actor(), "draft", data=recommendation, idempotency_key=idempotency_key)

    @api
    def open_draft_from_risk_pattern(self, recommendation: dict, source_cases: list | None = None,
                                     risk_pattern: dict | None = None, idempotency_key: str | None = None) -> dict:
        """A draft linked to the cases that show a recurring risk (SPEC §7: the centre supplies the data,
        the court or procuratorate drafts). The cases become ``source`` links."""
        args = load(RiskDraftArgs, {"source_cases": source_cases, "risk_pattern": risk_pattern,
                                    "idempotency_key": idempotency_key})
        data = {**(recommendation or {}), "source_cases": source_cases, "risk_pattern": risk_pattern}
        return self._fire(self.platform.actor(), "draft", data=data, idempotency_key=args["idempotency_key"])

    @api
    def review_objection(self, case_id: str, decision: str | None = None, data: dict | None = None,
                         expected_version: int | None = None, idempotency_key: str | None = None) -> dict:
        """PRR Art 23: upheld (amend → RC_ISSUED, or withdraw → RC_WITHDRAWN) or dismissed."""
        event = OBJECTION_EVENTS[load(ReviewObjectionArgs, {"decision": decision})["decision"]]
        cmd = load(CommandSchema, {"case_id": case_id, "expected_version": expected_version,
                                   "idempotency_key": idempotency_key})
        return self._fire(self.platform.actor(), event, data=data or {}, **cmd)

    @api
    def fire(self, case_id: str, event: str, data: dict | None = None, expected_version: int | None = None,
             idempotency_key: str | None = None) -> dict:
        cmd = load(FireSchema, {"case_id": case_id, "event": event, "data": data or {},
                                "expected_version": expected_version, "idempotency_key": idempotency_key})
        return self._fire(self.platform.actor(), cmd.pop("event"), **cmd)

    # -- reading -------------------------------------------------------------------------------------
    @api
    def allowed_events(self, case_id: str) -> list[dict]:
        """The events the actor's role may fire now, on its own side of the recommendation."""
        actor = self.platform.actor()
        with read_session(self.platform.env.engine) as s:
            case = self._readable(s, actor, case_id)
            if not sides.may_act(self.platform.env.directory, case, actor):
                return []
        return CaseService.allowed_events(self, case_id)

    @api
    def recipient_dashboard(self) -> dict:
        """For the centre (supv): per recipient organisation, open recommendations, days overdue and
        escalation state (PSR Art 60-65)."""
        actor = self.platform.actor()
        if actor.role != "supv":
            raise JiefenError("FORBIDDEN", "仅平安建设组织协调机构（supv）可查看被建议单位督办总览（PSR Art 60, 65）",
                              {"role": actor.role})
        env = self.platform.env
        now = env.now()
        with read_session(env.engine) as s:
            served = select(CaseParticipant.case_id).where(CaseParticipant.org_id.in_(self._governed(actor)))
            cases = [c for c in s.scalars(select(Case).where(Case.case_type == self.case_type.code,
                                                             Case.id.in_(served)))
                     if sides.centre_org(c) and env.directory.governs(actor.org_id, sides.centre_org(c))]
            return dashboard.summarise(cases, env.directory, now)

    # -- helpers -------------------------------------------------------------------------------------
    def _fire(self, actor: Actor, event: str, case_id: str | None = None, **kwargs) -> dict:
        known = self.case_type.event(event)
        # a role the event does not list is refused by the engine for its role (details.reason "role"),
        # before the sides rule could blame its organisation
        if case_id is not None and (known is None or actor.role in known.roles):
            with read_session(self.platform.env.engine) as s:
                case = s.get(Case, case_id)
                if case is not None and case.case_type == self.case_type.code:
                    sides.check(self.platform.env.directory, case, actor)
        return self.platform.fire(actor, event, case_id=case_id, **kwargs)

    def _governed(self, actor: Actor) -> list[str]:
        d = self.platform.env.directory
        return [o.code for o in d.all() if d.governs(actor.org_id, o.code)]
