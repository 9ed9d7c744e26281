"""The periods of people's mediation (SPEC §3, clock table; the clocks themselves are in casetype.py).

Statutory periods are constants here; SPEC's [A] and [V?] values come from ``mediation:`` in
config/jiefen.yaml."""
from __future__ import annotations

from datetime import datetime

from infra.casetype import Period

MEDICAL = "medical_dispute"
LABOUR = "labour"
MEDICAL_PERIOD = Period(30, "working_days")          # MDR Art 38: 自受理之日起30个工作日内
LABOUR_PERIOD = Period(15, "days")                   # LDL Art 14 ¶3: 自收到调解申请之日起十五日
CONFIRMATION_PERIOD = Period(30, "days")             # PML Art 33; CPL Art 205: 自调解协议生效之日起三十日内

MEDIATING = ("PM_ACCEPTED", "PM_IN_MEDIATION")
BEFORE_AGREEMENT = ("PM_APPLIED", "PM_CONSENT_PENDING", *MEDIATING)
AGREED = ("PM_AGREEMENT_EFFECTIVE", "PM_PERFORMING")


def own_periods(case) -> bool:
    """A court-delegated mediation runs on the delegating court's periods, not the committee's
    (SPEC §7: DV clocks govern; OMR Art 12, 24; SIM Art 27): none of these clocks starts."""
    return case is not None and ((case.data or {}).get("court_delegation") or {}).get("mode") != "court_delegated"


def confirmation_window_due(case, env) -> datetime:
    """The end of the last day on which the parties may apply for judicial confirmation."""
    effective_at = datetime.fromisoformat(case.data["agreement"]["effective_at"])
    return env.calendar.due_at(effective_at, CONFIRMATION_PERIOD.amount, CONFIRMATION_PERIOD.unit)
