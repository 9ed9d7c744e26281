"""The diversion case types' own checks (the checks every case type gets are in
tests/unit/test_casetypes.py): configured periods against the statutory ones, no unused guard."""
from __future__ import annotations

from infra.config import load_config
from services.diversion.casetype import DIVERSION
from services.diversion.jc_casetype import JUDICIAL_CONFIRMATION


def test_the_configured_periods_and_the_statutory_ones():
    d = {c["kind"]: c for c in DIVERSION.to_dict(load_config(profile="national"))["clocks"]}
    assert {k: (v["period"] or {}).get("amount") for k, v in d.items()} == {
        "court_designation": 3, "mediator_acceptance": 3, "respondent_inquiry": 3, "prefiling_mediation": 30,
        "entrusted_mediation": None, "filing_decision": 7, "confirmation_window": 30, "file_return": 3}
    assert d["file_return"]["period"]["unit"] == "working_days" and d["file_return"]["on_expiry"] == "deadline_overdue"
    assert d["prefiling_mediation"]["pausable"] and d["prefiling_mediation"]["extension"]["max_total"] is None
    j = {c["kind"]: c for c in JUDICIAL_CONFIRMATION.to_dict(load_config(profile="national"))["clocks"]}
    assert j["jc_acceptance"]["period"] == {"amount": 3, "unit": "days"}
    assert j["jc_decision"]["period"] == {"amount": 15, "unit": "days"}
    assert j["jc_decision"]["extension"] == {"event": "extend_review", "max_total": 10, "needs": ["approved_by"],
                                             "basis": "JC11 Art 5 [V?]: 经本院院长批准，可以延长十日"}


def test_every_guard_defined_is_used_by_an_event():
    from services.diversion.guards import GUARDS as DV_GUARDS
    from services.diversion.jc_guards import GUARDS as JC_GUARDS
    for ct, guards in ((DIVERSION, DV_GUARDS), (JUDICIAL_CONFIRMATION, JC_GUARDS)):
        used = {id(g) for e in ct.events for g in e.guards}
        assert [name for name, g in guards.items() if id(g) not in used] == [], ct.code
