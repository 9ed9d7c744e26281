"""The nameko service ``mediation``: people's mediation committees (人民调解; SPEC §3, §7).

Besides the uniform case surface (``fire`` drives every event of the case type), it offers the ways a
case begins (a party's or the window's application, a committee's own initiative, the centre's
hand-off) and the two commands other services and terminals call by name.
"""
from __future__ import annotations

from contracts.mediation import CreateArgs
from contracts.schemas import CommandSchema, HandoffSchema
from infra.service import CaseService, Platform, api, load
from services.mediation.casetype import MEDIATION
from services.mediation.guards import roster_entries


class MediationService(CaseService):
    name = "mediation"
    case_type = MEDIATION
    platform = Platform("mediation", MEDIATION)

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
        a people's mediation committee), or at the configured default committee."""
        load(CreateArgs, {"idempotency_key": idempotency_key})
        h = load(HandoffSchema, handoff, "handoff")
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
                                    idempotency_key=None, form="written", note=""):
        """PML Art 33: both parties apply within 30 days; see services/mediation/confirmation.py."""
        return self._command("apply_judicial_confirmation", case_id, expected_version, idempotency_key,
                             {"applicants": applicants or [], "court_id": court_id, "form": form, "note": note})

    @api
    def list_mediators(self, committee_id: str) -> list[dict]:
        """The mediators a committee has elected or engaged (PML Art 13), as configured."""
        self.platform.actor()
        return roster_entries(self.platform.env.config, committee_id)

    def _command(self, event, case_id, expected_version, idempotency_key, data):
        cmd = load(CommandSchema, {"case_id": case_id, "expected_version": expected_version,
                                   "idempotency_key": idempotency_key})
        return self.platform.fire(self.platform.actor(), event, data=data, **cmd)
