"""Clock arithmetic beside the calendar (infra/clocks.py) as pure functions: when the deadline warning
falls (SPEC §1: T-3 working days [A]) and how an extension moves the due date within its statutory cap.
The calendar's own periods and roll-over are in test_calendar.py."""
from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

import pytest

from infra.calendar import DAYS, SHANGHAI, WORKING_DAYS, Calendar
from infra.casetype import ClockDef, Extension
from infra.clocks import _extend, local_date, warning_time
from tests.harness import expect_error

CAL = Calendar()


def lead(amount=3, unit=WORKING_DAYS) -> dict:
    return {"clocks": {"warning_lead": {"amount": amount, "unit": unit}}}


def at(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 9, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize("due,warned_on", [
    (date(2026, 3, 13), date(2026, 3, 10)),     # Fri: Thu, Wed, Tue
    (date(2026, 3, 17), date(2026, 3, 12)),     # Tue: Mon, (weekend), Fri, Thu
    (date(2026, 2, 26), date(2026, 2, 14)),     # Thu: Wed, Tue, (春节 15-23 Feb), Sat 14 Feb, a make-up working day
])
def test_the_warning_falls_three_working_days_before_the_last_day(due, warned_on):
    warn = warning_time(CAL, lead(), at(date(2026, 1, 5)), at(due))
    assert warn == datetime(warned_on.year, warned_on.month, warned_on.day, tzinfo=SHANGHAI)


def test_a_lead_in_natural_days_counts_weekends():
    assert local_date(warning_time(CAL, lead(3, DAYS), at(date(2026, 3, 2)), at(date(2026, 3, 17)))) == date(2026, 3, 14)


def test_no_warning_when_the_period_is_shorter_than_the_lead():
    assert warning_time(CAL, lead(), at(date(2026, 3, 12)), at(date(2026, 3, 13))) is None
    assert warning_time(CAL, lead(), at(date(2026, 3, 9)), at(date(2026, 3, 13))) is not None


# -- extensions ---------------------------------------------------------------------------------------
DEF = ClockDef("handling", "办理期限", lambda config, case: None, (), (), "supervise", "LVR Art 37",
               extension=Extension("extend_handling", 5, "LVR Art 37", needs=("approval",)))
ENV = SimpleNamespace(calendar=CAL, config=lead())


def clock(extended_by=0) -> SimpleNamespace:
    """A 10-day clock started Mon 2 March 2026: due Thu 12 March."""
    c = SimpleNamespace(kind="handling", unit=DAYS, amount=10, started_at=at(date(2026, 3, 2)), extended_by=extended_by,
                        excluded=0, warned=True, due_at=None, warn_at=None)
    c.due_at = CAL.due_at(c.started_at, c.amount + extended_by, c.unit)
    return c


def test_an_extension_moves_the_due_date_by_its_amount_and_warns_again():
    c = clock()
    assert local_date(c.due_at) == date(2026, 3, 12)
    _extend(c, DEF, {"amount": 3, "approval": "负责人批准"}, ENV, at(date(2026, 3, 5)))
    assert (c.extended_by, local_date(c.due_at), c.warned) == (3, date(2026, 3, 16), False)   # Sun 15 rolls to Mon
    assert local_date(c.warn_at) == date(2026, 3, 11)


def test_extensions_add_up_to_the_cap_and_no_further():
    c = clock(extended_by=3)
    _extend(c, DEF, {"amount": 2, "approval": "批准"}, ENV, at(date(2026, 3, 5)))
    assert c.extended_by == 5
    due = c.due_at
    err = expect_error("EXTENSION_REFUSED", _extend, c, DEF, {"amount": 1, "approval": "批准"}, ENV, at(date(2026, 3, 5)))
    assert err.details == {"basis": "LVR Art 37", "max_total": 5, "extended_by": 5, "requested": 1}
    assert (c.extended_by, c.due_at) == (5, due)


def test_an_extension_without_what_it_needs_or_of_nothing_is_refused():
    c = clock()
    err = expect_error("EXTENSION_REFUSED", _extend, c, DEF, {"amount": 2}, ENV, at(date(2026, 3, 5)))
    assert err.details["missing"] == ["approval"] and "LVR Art 37" in err.message
    expect_error("VALIDATION_ERROR", _extend, c, DEF, {"amount": 0, "approval": "批准"}, ENV, at(date(2026, 3, 5)))
    assert c.extended_by == 0
