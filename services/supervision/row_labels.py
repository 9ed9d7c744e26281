"""Chinese words for the rows of the centre's case lists (drill-down, every case): the way a case went
(办理途径), its organisation's name, its state and its 化解 kind as people read them; the codes stay."""
from __future__ import annotations

from functools import lru_cache

from infra.registry import all_case_types
from services.supervision.outcomes import RESOLVING_EVENTS

SERVICES = {"intake": "一站式受理", "mediation": "人民调解", "diversion": "诉非分流", "petition": "信访",
            "recommendation": "司法建议、检察建议", "supervision": "督办"}


@lru_cache(maxsize=1)
def _tables() -> tuple[dict, dict, dict]:
    types = {ct.code: ct for ct in all_case_types()}
    states = {s.code: s.label for ct in types.values() for s in ct.states}
    resolutions = {kind: types[code].event(event).label for (code, event), kind in RESOLVING_EVENTS.items()
                   if code in types and types[code].event(event)}
    return {code: ct.label for code, ct in types.items()}, states, resolutions


def labelled(row: dict, directory) -> dict:
    case_types, states, resolutions = _tables()
    org = directory.get(row.get("org_id") or "")
    return {**row, "service_label": SERVICES.get(row.get("service"), case_types.get(row.get("case_type"), "")),
            "case_type_label": case_types.get(row.get("case_type"), ""), "org_name": org.name if org else "",
            "status_label": states.get(row.get("status"), ""), "resolution_label": resolutions.get(row.get("resolution"), "")}
