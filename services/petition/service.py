"""The nameko service ``petition``: 信访事项办理 (信访工作条例 2022; SPEC §5, §7; 浙江省平安建设条例 Art 46).

Every change goes through the platform's one transition function; the uniform case surface
(``case_definition``, ``get_case``, ``find_cases``, ``case_history``, ``verify_history``,
``allowed_events``, ``fire``, ...) comes from ``CaseService``. The commands below only add the
creation entrypoints and read helpers, and the hand-off of a 涉法涉诉 civil suit to the court
(services/petition/litigation.py; LVR Art 20 ¶2, 22 ¶2, 31(1); SPEC §7)."""
from __future__ import annotations

import logging

from nameko.timer import timer

from contracts.intake import LookupArgs
from contracts.schemas import CreateArgs
from infra import handoff
from infra.db import read_session
from infra.service import HANDOFF_INTERVAL, CaseService, Platform, api, load, owned_event
from services.petition import lookup, rules
from services.petition.casetype import PETITION

log = logging.getLogger(__name__)


class PetitionService(CaseService):
    name = "petition"
    case_type = PETITION
    platform = Platform("petition", PETITION)

    @api
    def register(self, petition: dict, idempotency_key: str | None = None) -> dict:
        """Register a petition received by any LVR Art 17 channel at a petition office or organ."""
        load(CreateArgs, {"idempotency_key": idempotency_key})
        return self.platform.fire(self.platform.actor(), "register", data=petition, idempotency_key=idempotency_key)

    @api
    def lookup_by_query_code(self, case_no: str, query_code: str) -> dict:
        """For the petitioner (no actor): where the matter stands, which body has it, the next date and the
        milestones, with the case number and the query code given at registration (LVR Art 21 ¶2)."""
        args = load(LookupArgs, {"case_no": case_no, "query_code": query_code})
        settings = self.platform.env.config.get("intake", {})
        failures = self.platform.limiter("lookup_failures", int(settings.get("lookup_failures_per_case", 10)),
                                         float(settings.get("lookup_window_seconds", 600)))
        return lookup.lookup(self.platform, args["case_no"], args["query_code"], failures)

    @api
    def open_from_handoff(self, handoff: dict, idempotency_key: str | None = None) -> dict:
        """A matter intake routed to petition (SPEC §7): opens PT_RECEIVED with the parent link; the
        same idempotency key (one per intake link) opens no second case."""
        load(CreateArgs, {"idempotency_key": idempotency_key})
        return self.platform.fire(self.platform.actor(), "register_from_handoff", data=handoff,
                                  idempotency_key=idempotency_key)

    @api
    def find_duplicates(self, case_id: str) -> list[dict]:
        """Earlier petitions of the same petitioner on the same subject, with the rule that may apply
        (D4 after re-review, LVR Art 36 ¶3, or Zhejiang 处理终结, ZJLV Art 25; D3 while accepted and within
        its period, LVR Art 19 ¶3, ZJLV Art 20(5))."""
        actor = self.platform.actor()
        with read_session(self.platform.env.engine) as s:
            return rules.candidates(s, self._readable(s, actor, case_id), self.platform.env.config.profile)

    @api
    def review_chain(self, case_id: str) -> dict:
        """Who handles, who reviews (the handler's superior, Art 35) and who re-reviews (the
        reviewer's superior, Art 36): recorded ones, else what the directory gives now."""
        actor = self.platform.actor()
        d = self.platform.env.directory
        with read_session(self.platform.env.engine) as s:
            case = self._readable(s, actor, case_id)
            handler = rules.handler_org(case)
            reviewer = rules.review_org(case) or (o.code if handler and (o := d.superior(handler)) else None)
            rechecker = rules.recheck_org(case) or (o.code if reviewer and (o := d.superior(reviewer)) else None)
            return {"petition_office": case.data.get("petition_office"), "handler_org_id": handler,
                    "review_org_id": reviewer, "recheck_org_id": rechecker,
                    "recorded": {"review": bool(rules.review_org(case)), "recheck": bool(rules.recheck_org(case))}}

    # -- a civil suit handed to the court (诉访分离, LVR Art 20 ¶2, 22 ¶2, 31(1); SPEC §7) ------------
    @timer(interval=HANDOFF_INTERVAL)
    def _deliver_handoffs(self):
        try:
            handoff.deliver_pending(self.platform.env, self.platform.amqp_config)
        except Exception:
            log.exception("hand-off delivery failed")

    @owned_event("diversion", "case_registered")
    def _court_case_registered(self, payload):
        handoff.apply_child_event(self.platform.env, payload, "diversion")

    @owned_event("diversion", "case_transitioned")
    def _court_case_transitioned(self, payload):
        handoff.apply_child_event(self.platform.env, payload, "diversion")
