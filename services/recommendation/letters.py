"""The letter itself: its document number (统一编号) and the periods it states (SPEC §6).

- Number: 地名简称 + 法建/检建 + 〔year〕 + sequence + 号 (JSR Art 6 ¶2; 附件1 二), counted per issuing
  organisation and year; the short place name of each issuer is configured (recommendation.doc_prefix).
- Reply period: court, as the letter states, generally at most two months (JSR Art 8); procuratorate,
  two months, fifteen days when urgent (PRR, per SPP release [V?]); public-interest pre-suit
  recommendation, two months, fifteen days when the damage keeps spreading (PIL Art 21).
- Objection period (procuratorate): as the letter states [A]; a default is configured.
Pure functions, except ``next_doc_seq`` which runs one statement in the transition's session.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta


from contracts.recommendation import COURT, KINDS
from infra import clocks
from infra.calendar import SHANGHAI, add_months
from infra.numbering import next_sequence
from infra.timekeeping import utc

SECTION = "recommendation"


def issuer_kind(kind: str) -> str:
    return KINDS[kind][0]


def setting(config, key: str):
    return config[SECTION][key]


def period_of(config, key: str) -> dict:
    amount, unit = config.period(SECTION, key)
    return {"amount": amount, "unit": unit}


def period_end(start: date, period: dict) -> date:
    """The last day of a period counted from ``start`` (next-day rule), before any holiday roll-over:
    enough to compare two periods stated in a letter."""
    if period["unit"] == "months":
        return add_months(start, int(period["amount"]))
    return start + timedelta(days=int(period["amount"]))


def not_longer(period: dict | None, limit: dict, start: date) -> bool:
    return period is None or period_end(start, period) <= period_end(start, limit)


def reply_limit(config, kind: str, data: dict) -> dict:
    """The longest reply period the letter may state."""
    if issuer_kind(kind) == COURT:
        return period_of(config, "court_reply_max")
    if kind == "public_interest":
        return period_of(config, "public_interest_reply_spreading" if data.get("damage_spreading")
                         else "public_interest_reply")
    return period_of(config, "procuratorate_reply_urgent" if data.get("urgent") else "procuratorate_reply")


def reply_period(config, kind: str, data: dict) -> dict:
    """The period the letter states, or (procuratorate) the period the rules give when it states none."""
    return dict(data.get("reply_period") or reply_limit(config, kind, data))


def objection_period(config, data: dict) -> dict:
    return dict(data.get("objection_period") or period_of(config, "objection_period"))


def doc_prefix(config, org_id: str) -> str | None:
    return (setting(config, "doc_prefix") or {}).get(org_id)


def doc_number(prefix: str, kind: str, year: int, seq: int) -> str:
    mark = "法建" if issuer_kind(kind) == COURT else "检建"
    return f"{prefix}{mark}〔{year}〕{seq}号"


def local_year(now: datetime) -> int:
    return now.astimezone(SHANGHAI).year


def next_doc_seq(session, org_id: str, year: int) -> int:
    """The issuer's next document number this year (a per-issuer, per-year counter)."""
    return next_sequence(session, f"RCDOC:{org_id}:{year}")


# -- the reply period of a served letter (its clocks: services/recommendation/casetype.py) -------------
REPLY_CLOCKS = ("court_reply", "procuratorate_reply", "public_interest_reply")


def reply_clock(case):
    """The reply period of the letter as last served."""
    mine = [k for k in case.clocks if k.kind in REPLY_CLOCKS]
    return max(mine, key=lambda k: (utc(k.started_at), k.id or 0)) if mine else None


def overdue_reply_clock(case):
    """The reply period that ran out with no reply since it started (the reply is overdue), or None."""
    clock = reply_clock(case)
    if clock is None or clock.expired_at is None:
        return None
    started = utc(clock.started_at)
    if any(datetime.fromisoformat(r["at"]) >= started for r in case.data.get("replies") or []):
        return None
    return clock


def days_overdue(case, now) -> int | None:
    """Natural days from the reply period's last day to today, while the reply is overdue."""
    clock = overdue_reply_clock(case)
    if clock is None:
        return None
    return (clocks.local_date(now) - clocks.local_date(clock.due_at)).days
