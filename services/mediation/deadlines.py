"""The clocks of people's mediation (SPEC §3, clock table).

Statutory periods are constants here; SPEC's [A] and [V?] values come from ``mediation:`` in
config/jiefen.yaml. Each clock's expiry fires its own event (the platform gives an event one target):

| clock               | runs in                              | on expiry                                   |
|---------------------|--------------------------------------|---------------------------------------------|
| acceptance          | PM_APPLIED                           | acceptance_overdue (督办 flag)              |
| respondent_consent  | PM_CONSENT_PENDING                   | consent_expired → PM_REJECTED (refusal [A]) |
| mediation_general   | PM_ACCEPTED, PM_IN_MEDIATION         | deadline_expired → PM_TERMINATED            |
| mediation_medical   | PM_ACCEPTED, PM_IN_MEDIATION         | deadline_expired → PM_TERMINATED            |
| mediation_labour    | PM_APPLIED … PM_IN_MEDIATION         | labour_period_expired (may arbitrate)       |
| confirmation_window | PM_AGREEMENT_EFFECTIVE, PM_PERFORMING| confirmation_window_closed                  |
"""
from __future__ import annotations

from datetime import datetime

from infra.casetype import ClockDef, Extension, Period

MEDICAL = "medical_dispute"
LABOUR = "labour"
MEDICAL_PERIOD = Period(30, "working_days")          # MDR Art 38: 自受理之日起30个工作日内
LABOUR_PERIOD = Period(15, "days")                   # LDL Art 14 ¶3: 自收到调解申请之日起十五日
CONFIRMATION_PERIOD = Period(30, "days")             # PML Art 33; CPL Art 205: 自调解协议生效之日起三十日内

MEDIATING = ("PM_ACCEPTED", "PM_IN_MEDIATION")
BEFORE_AGREEMENT = ("PM_APPLIED", "PM_CONSENT_PENDING", *MEDIATING)
AGREED = ("PM_AGREEMENT_EFFECTIVE", "PM_PERFORMING")


def configured(key: str):
    return lambda config, case: Period(*config.period("mediation", key))


def fixed(period: Period):
    return lambda config, case: period


def own_periods(case) -> bool:
    """A court-delegated mediation runs on the delegating court's periods, not the committee's
    (SPEC §7: DV clocks govern; OMR Art 12, 24; SIM Art 27): none of these clocks starts."""
    return case is not None and ((case.data or {}).get("court_delegation") or {}).get("mode") != "court_delegated"


def general(case) -> bool:
    return own_periods(case) and case.category not in (MEDICAL, LABOUR)


def medical(case) -> bool:
    return own_periods(case) and case.category == MEDICAL


def labour_first_time(case) -> bool:
    # counted once from receipt of the application, whatever states the case passes through
    return own_periods(case) and case.category == LABOUR and not any(c.kind == "mediation_labour" for c in case.clocks)


CLOCKS = (
    ClockDef("acceptance", "受理期限", configured("acceptance"), ("PM_APPLIED",), ("PM_APPLIED",),
             "acceptance_overdue", "PML Art 17, 21 (及时); SPEC §3: 3 WD [A; cf. OMR Art 12]", applies=own_periods),
    ClockDef("respondent_consent", "征询对方意愿期限", configured("respondent_consent"),
             ("PM_CONSENT_PENDING",), ("PM_CONSENT_PENDING",), "consent_expired",
             "PML Art 17; SPEC §3: 3 WD [A; cf. OMR Art 15]; no answer is treated as refusal [A]", applies=own_periods),
    ClockDef("mediation_general", "调解期限", configured("mediation_general"), MEDIATING, MEDIATING,
             "deadline_expired", "PMR Art 33 [V?]; NB Art 27: 一般在一个月内调结 (SZ Art 25: 30 d); from acceptance [A]",
             applies=general, extension=Extension("extend_period", None, "NB Art 27; SZ Art 25: 双方当事人要求延长")),
    ClockDef("mediation_medical", "医疗纠纷调解期限", fixed(MEDICAL_PERIOD), MEDIATING, MEDIATING,
             "deadline_expired", "MDR Art 38: 30 WD from acceptance, 鉴定时间不计入; 超过期限视为调解不成",
             applies=medical, pausable=True,
             extension=Extension("extend_period", None, "MDR Art 38: 医调委和医患双方可以约定延长")),
    ClockDef("mediation_labour", "劳动争议调解期限", fixed(LABOUR_PERIOD), ("PM_APPLIED", "PM_CONSENT_PENDING"),
             BEFORE_AGREEMENT, "labour_period_expired",
             "LDL Art 14 ¶3: 十五日内未达成调解协议的，当事人可以依法申请仲裁", applies=labour_first_time,
             anchor="created"),
    ClockDef("confirmation_window", "司法确认申请期限", fixed(CONFIRMATION_PERIOD), ("PM_AGREEMENT_EFFECTIVE",),
             AGREED, "confirmation_window_closed",
             "PML Art 33; CPL Art 205: 自调解协议生效之日起三十日内共同申请; 期满协议仍有约束力 (PML Art 31, 32)",
             applies=own_periods),
)


def confirmation_window_due(case, env) -> datetime:
    """The end of the last day on which the parties may apply for judicial confirmation."""
    effective_at = datetime.fromisoformat(case.data["agreement"]["effective_at"])
    return env.calendar.due_at(effective_at, CONFIRMATION_PERIOD.amount, CONFIRMATION_PERIOD.unit)
