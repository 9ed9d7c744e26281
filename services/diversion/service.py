"""The nameko service ``diversion``: 诉非分流 at the court (浙江省平安建设条例 Art 45; SPEC §4, §7).

Two case types in one service and database: ``diversion`` (DV: pre-filing delegated mediation and
post-filing entrusted mediation, the default) and ``jc`` (judicial confirmation). Besides the uniform
case surface (``fire`` drives every event of both), it offers the ways a case begins: a complaint at
the court's filing desk, a parent service's hand-off, the parties' application for confirmation at
the court, and the application from a settled DV case.
"""
from __future__ import annotations

import logging

from nameko.timer import timer

from contracts.diversion import HandoffDataSchema
from contracts.errors import JiefenError
from contracts.schemas import CommandSchema, CreateArgs, HandoffSchema
from infra import handoff as platform_handoff
from infra.service import HANDOFF_INTERVAL, CaseService, Platform, api, load, owned_event
from services.diversion import delegation, handoffs
from services.diversion.casetype import DIVERSION
from services.diversion.jc_casetype import JUDICIAL_CONFIRMATION

log = logging.getLogger(__name__)


class DiversionService(CaseService):
    name = "diversion"
    case_type = DIVERSION
    platform = Platform("diversion", DIVERSION, JUDICIAL_CONFIRMATION)

    @api
    def receive_complaint(self, complaint: dict, idempotency_key: str | None = None) -> dict:
        """A court filing officer registers a complaint for pre-filing mediation (OMR Art 8; CPL Art 123)."""
        load(CreateArgs, {"idempotency_key": idempotency_key})
        return self.platform.fire(self.platform.actor(), "receive_complaint", data=complaint,
                                  idempotency_key=idempotency_key)

    @api
    def apply_for_confirmation(self, application: dict, idempotency_key: str | None = None) -> dict:
        """The parties apply at the court for confirmation of a mediation agreement (CPL Art 205)."""
        load(CreateArgs, {"idempotency_key": idempotency_key})
        return self.platform.fire(self.platform.actor(), "apply", case_type="jc", data=application,
                                  idempotency_key=idempotency_key)

    @api
    def open_from_handoff(self, handoff: dict, idempotency_key: str | None = None) -> dict:
        """SPEC §7: a parent service hands a matter over. A people's-mediation case applying for judicial
        confirmation (``data.agreement``, or ``data.purpose == "judicial_confirmation"``) opens JC_APPLIED
        as the applying party; everything else opens DV_RECEIVED at the court named (if it is a court) or
        the county court: intake's route as its router, a mediation case's suit (``purpose: litigation``)
        as the party who sues or the committee acting for it, a petition case's 涉法涉诉 civil suit as the
        petition officer or handling organ (LVR Art 20 ¶2, 22 ¶2, 31(1))."""
        load(CreateArgs, {"idempotency_key": idempotency_key})
        h = load(HandoffSchema, handoffs.court_channel(handoff), "handoff")
        data = load(HandoffDataSchema, h["data"], "handoff.data")
        actor = self.platform.actor()
        if handoffs.wants_confirmation(h, data):
            return self.platform.fire(actor, "apply", case_type="jc", data=handoffs.application_from(h),
                                      idempotency_key=idempotency_key)
        return self.platform.fire(actor, "receive_complaint", case_type="diversion", data=handoffs.complaint_from(h),
                                  idempotency_key=idempotency_key)

    @api
    def apply_judicial_confirmation(self, case_id, applicants=None, expected_version=None, idempotency_key=None,
                                    form="written", note=""):
        """DV_SETTLED: both parties apply to the delegating court (CPL Art 205(1)); opens the JC case."""
        cmd = load(CommandSchema, {"case_id": case_id, "expected_version": expected_version,
                                   "idempotency_key": idempotency_key})
        view = self.platform.fire(self.platform.actor(), "apply_judicial_confirmation",
                                  data={"applicants": applicants or [], "form": form, "note": note}, **cmd)
        handoffs.open_confirmations(self.platform, case_id)
        return self._fresh(case_id, view)

    @api
    def fire(self, case_id: str, event: str, data: dict | None = None, expected_version: int | None = None,
             idempotency_key: str | None = None) -> dict:
        view = super().fire(case_id, event, data, expected_version, idempotency_key)
        if event == "apply_judicial_confirmation":
            handoffs.open_confirmations(self.platform, case_id)
            return self._fresh(case_id, view)
        return view

    # -- the JC cases of settled DV cases (same service) --------------------------------------------
    @timer(interval=HANDOFF_INTERVAL)
    def _open_pending_confirmations(self):
        try:
            handoffs.open_confirmations(self.platform)
        except Exception:
            log.exception("opening judicial confirmations failed")

    # -- court-delegated mediation by a people's mediation committee (SPEC §7; delegation.py) ---------
    @timer(interval=HANDOFF_INTERVAL)
    def _deliver_to_committees(self):
        try:
            platform_handoff.deliver_pending(self.platform.env, self.platform.amqp_config, targets=("mediation",))
        except Exception:
            log.exception("hand-off to the mediation committees failed")

    @owned_event("mediation", "case_registered")
    def _committee_case_registered(self, payload):
        delegation.on_committee_event(self.platform.env, payload)

    @owned_event("mediation", "case_transitioned")
    def _committee_case_transitioned(self, payload):
        delegation.on_committee_event(self.platform.env, payload)

    @owned_event("diversion", "case_registered")
    def _own_case_registered(self, payload):
        platform_handoff.apply_child_event(self.platform.env, payload, "diversion")

    @owned_event("diversion", "case_transitioned")
    def _own_case_transitioned(self, payload):
        platform_handoff.apply_child_event(self.platform.env, payload, "diversion")

    def _fresh(self, case_id: str, view: dict) -> dict:
        """The DV case as it stands after its JC case was opened (the link now names it)."""
        try:
            return self.get_case(case_id)
        except JiefenError:
            return view
