"""The nameko service ``mediation``: people's mediation committees (人民调解; SPEC §3, §7).

Besides the uniform case surface (``fire`` drives every event of the case type), it offers the ways a
case begins (a party's or the window's application, a committee's own initiative, the centre's
hand-off), the commands terminals call by name, and the hand-offs to the court (SPEC §7): the relay
that opens the child cases in diversion (judicial confirmation, a suit), the subscription to their
events (services/mediation/children.py), and enforcement applied for on the linked JC case.
"""
from __future__ import annotations

import logging

from nameko.exceptions import UnknownService
from nameko.rpc import RpcProxy
from nameko.timer import timer

from contracts.errors import JiefenError
from contracts.mediation import EnforcementArgs
from contracts.schemas import CommandSchema, CreateArgs, HandoffSchema
from infra import handoff
from infra.db import read_session
from infra.service import HANDOFF_INTERVAL, CaseService, Platform, api, load, owned_event
from services.mediation import children, delegated
from services.mediation.casetype import MEDIATION
from services.mediation.guards import roster_entries

log = logging.getLogger(__name__)


class MediationService(CaseService):
    name = "mediation"
    case_type = MEDIATION
    platform = Platform("mediation", MEDIATION)
    diversion_rpc = RpcProxy("diversion")       # enforcement on the linked JC case

    @api
    def apply(self, case: dict, idempotency_key: str | None = None) -> dict:
        """A party applies, in writing or orally, directly or through the centre's window (PML Art 17)."""
        load(CreateArgs, {"idempotency_key": idempotency_key})
        return self.platform.fire(self.platform.actor(), "apply", data=case, idempotency_key=idempotency_key)

    @api
    def initiate_proactive(self, case: dict, idempotency_key: str | None = None) -> dict:
        """The committee mediates of its own motion (PML Art 17); the other side is asked first."""
        load(CreateArgs, {"idempotency_key": idempotency_key})
        return self.platform.fire(self.platform.actor(), "initiate_proactive", data=case,
                                  idempotency_key=idempotency_key)

    @api
    def open_from_handoff(self, handoff: dict, idempotency_key: str | None = None) -> dict:
        """SPEC §7: intake's route_to_mediation opens PM_APPLIED at the committee it named (which must be
        a people's mediation committee), or at the configured default committee; diversion's delegation
        of a pre-filing mediation to a committee (``data.mode == "court_delegated"``) opens it in that
        committee's records in court-delegated mode, on the court's periods (services/mediation/delegated.py)."""
        load(CreateArgs, {"idempotency_key": idempotency_key})
        h = load(HandoffSchema, handoff, "handoff")
        if delegated.wanted(h):
            h["data"] = {**h["data"], **self._court_deadlines(h["parent_case_id"])}
        data = {
            "committee_id": h["target_org_id"], "channel": h["channel"], "category": h["category"],
            "summary": h["summary"], "request": h["request"], "facts": h["facts"], "parties": h["parties"],
            "handoff": {"parent_service": h["parent_service"], "parent_case_id": h["parent_case_id"],
                        "parent_case_no": h["parent_case_no"], "reason": h["reason"], "basis": h["basis"],
                        "data": h["data"]},
        }
        return self.platform.fire(self.platform.actor(), "apply", data=data, idempotency_key=idempotency_key)

    @api
    def assign_mediator(self, case_id, mediator_ids=None, how=None, expected_version=None, idempotency_key=None,
                        note=""):
        """PML Art 19: the committee designates, or the parties choose, one or more mediators."""
        return self._command("assign_mediator", case_id, expected_version, idempotency_key,
                             {"mediator_ids": mediator_ids, "how": how, "note": note})

    @api
    def apply_judicial_confirmation(self, case_id, applicants=None, court_id=None, expected_version=None,
                                    idempotency_key=None, form="written", note="",
                                    jurisdiction_basis="mediator_location", jurisdiction_county=None,
                                    intermediate_court=False):
        """PML Art 33: both parties apply within 30 days; the application is handed to the court's JC case
        (services/mediation/confirmation.py), whose ruling comes back by itself. The court must be the one
        of the place (CPL Art 205(2)): ``jurisdiction_county`` names a domicile's or subject's county."""
        return self._command("apply_judicial_confirmation", case_id, expected_version, idempotency_key,
                             {"applicants": applicants or [], "court_id": court_id, "form": form, "note": note,
                              "jurisdiction_basis": jurisdiction_basis, "jurisdiction_county": jurisdiction_county,
                              "intermediate_court": intermediate_court})

    @api
    def refer_to_court(self, case_id, plaintiff=None, court_id=None, reason="", expected_version=None,
                       idempotency_key=None, claim="", decision=None):
        """SPEC §7: a party sues after termination (PML Art 26) or over an unconfirmed agreement (Art 32);
        the suit is handed to the court's pre-filing registration (see services/mediation/litigation.py).
        ``decision`` records the plaintiff's own decision to sue ({how, statement, decided_on}; CPL Art
        122-123): required."""
        data = {"plaintiff": plaintiff, "court_id": court_id, "reason": reason, "claim": claim}
        if decision is not None:
            data["decision"] = decision
        return self._command("refer_to_court", case_id, expected_version, idempotency_key, data)

    @api
    def apply_enforcement(self, case_id, applicant=None, non_performance=None, note="", idempotency_key=None):
        """PML Art 33 ¶2; CPL Art 206: a party applies to the court that confirmed the agreement. The
        application is made on the linked JC case, as the calling party; the court's case answers, and
        this case records it when the JC case reports JC_ENFORCEMENT_REQUESTED (enforcement_requested).
        A retry with the same key is answered as the first call was."""
        args = load(EnforcementArgs, {"case_id": case_id, "applicant": applicant, "non_performance": non_performance,
                                      "note": note, "idempotency_key": idempotency_key})
        actor = self.platform.actor()
        with read_session(self.platform.env.engine) as s:
            target = children.enforceable(self._readable(s, actor, args["case_id"]))
        data = {"applicant": args["applicant"], "non_performance": args["non_performance"], "note": args["note"]}
        try:
            return self.diversion_rpc.fire(target["jc_case_id"], "apply_enforcement", data, target["jc_version"],
                                           args["idempotency_key"])
        except UnknownService:
            raise JiefenError("SERVICE_UNAVAILABLE", "法院（诉非分流）服务暂不可用，请稍后重试",
                              {"service": "diversion"}) from None

    @api
    def list_mediators(self, committee_id: str) -> list[dict]:
        """The mediators a committee has elected or engaged (PML Art 13), as configured."""
        self.platform.actor()
        return roster_entries(self.platform.env.config, committee_id)

    def _court_deadlines(self, dv_case_id: str) -> dict:
        """The delegating court's open deadlines when the committee's case opens (SPEC §7: DV clocks
        govern), read as the court officer who designated the committee; refreshed later by the DV
        case's events (delegated.on_court_event). Unreadable now: shown after the next refresh."""
        try:
            dv = self.diversion_rpc.get_case(dv_case_id)
        except (JiefenError, UnknownService) as err:
            log.warning("court deadlines of %s not read: %s", dv_case_id, getattr(err, "code", type(err).__name__))
            return {}
        return {"court_deadlines": delegated.deadlines_of(dv), "court_status": dv["status"]}

    # -- hand-offs to the court and their answers (SPEC §7) -----------------------------------------
    @timer(interval=HANDOFF_INTERVAL)
    def _deliver_handoffs(self):
        try:
            handoff.deliver_pending(self.platform.env, self.platform.amqp_config)
            children.settle_refused(self.platform.env)
        except Exception:
            log.exception("hand-off delivery failed")

    @owned_event("diversion", "case_registered")
    def _court_case_registered(self, payload):
        children.on_child_event(self.platform.env, payload, "diversion")

    @owned_event("diversion", "case_transitioned")
    def _court_case_transitioned(self, payload):
        children.on_child_event(self.platform.env, payload, "diversion")
        delegated.on_court_event(self.platform.env, payload)   # a court-delegated case's DV case (SPEC §7)

    def _command(self, event, case_id, expected_version, idempotency_key, data):
        cmd = load(CommandSchema, {"case_id": case_id, "expected_version": expected_version,
                                   "idempotency_key": idempotency_key})
        return self.platform.fire(self.platform.actor(), event, data=data, **cmd)
