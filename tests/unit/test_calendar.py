"""infra.calendar: working days, period ends and days left (SPEC.md §1 "Time computation").

Every expected value here was worked out by hand from the rules (民事诉讼法 Art 85, 民诉法解释 Art 125,
民法典 Art 201-203) and from the two State Council notices copied out below. None comes from the code
under test. Weekdays used in the derivations: 2025-01-01 is a Wednesday, 2026-01-01 a Thursday.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from infra import calendar as calmod
from infra.calendar import DAYS, MONTHS, SHANGHAI, WORKING_DAYS, Calendar

UTC = timezone.utc
REPO = Path(__file__).resolve().parents[2]


def span(y: int, m1: int, d1: int, m2: int, d2: int) -> list[date]:
    a, b = date(y, m1, d1), date(y, m2, d2)
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


# 国办发明电〔2024〕12号 (2025), typed in from the notice and kept apart from config/holidays-cn.yaml.
OFF_2025 = (
    span(2025, 1, 1, 1, 1)        # 元旦
    + span(2025, 1, 28, 2, 4)     # 春节
    + span(2025, 4, 4, 4, 6)      # 清明节
    + span(2025, 5, 1, 5, 5)      # 劳动节
    + span(2025, 5, 31, 6, 2)     # 端午节
    + span(2025, 10, 1, 10, 8)    # 国庆节、中秋节
)
MAKEUP_2025 = [date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28), date(2025, 10, 11)]

# 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04).
OFF_2026 = (
    span(2026, 1, 1, 1, 3)        # 元旦
    + span(2026, 2, 15, 2, 23)    # 春节
    + span(2026, 4, 4, 4, 6)      # 清明节
    + span(2026, 5, 1, 5, 5)      # 劳动节
    + span(2026, 6, 19, 6, 21)    # 端午节
    + span(2026, 9, 25, 9, 27)    # 中秋节
    + span(2026, 10, 1, 10, 7)    # 国庆节
)
MAKEUP_2026 = [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20),
               date(2026, 10, 10)]

ORDINARY_WEEKENDS = [
    date(2025, 1, 4), date(2025, 1, 5),    # Sat, Sun
    date(2025, 2, 9),                      # Sunday right after the make-up Saturday 2025-02-08
    date(2025, 3, 15),                     # Sat
    date(2025, 10, 12),                    # Sunday right after the make-up Saturday 2025-10-11
    date(2026, 2, 1), date(2026, 2, 7),    # Sun, Sat
    date(2026, 3, 1),                      # Sunday right after the make-up Saturday 2026-02-28
    date(2026, 3, 8),                      # Sun
    date(2026, 10, 11),                    # Sunday right after the make-up Saturday 2026-10-10
]
ORDINARY_WEEKDAYS = [
    date(2025, 1, 2),     # Thu
    date(2025, 2, 5),     # Wed, first day after the 2025 Spring Festival
    date(2025, 10, 9),    # Thu, first day after National Day 2025
    date(2026, 1, 5),     # Mon
    date(2026, 2, 24),    # Tue, first day after the 2026 Spring Festival
    date(2026, 4, 7),     # Tue
]


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return Calendar()


@pytest.fixture
def no_overrides(tmp_path) -> Calendar:
    """A calendar on the `holidays` package alone (empty override file)."""
    p = tmp_path / "empty.yaml"
    p.write_text("{}\n", encoding="utf-8")
    return Calendar(str(p))


def expected_working(d: date) -> bool:
    """The notices' rule, written out by hand: listed days off, make-up days on, else Mon-Fri."""
    if d in OFF_2025 or d in OFF_2026:
        return False
    if d in MAKEUP_2025 or d in MAKEUP_2026:
        return True
    return d.weekday() < 5


# ------------------------------------------------------------------ is_working_day

@pytest.mark.parametrize("d", MAKEUP_2025 + MAKEUP_2026, ids=str)
def test_makeup_weekend_days_are_working_days(cal, d):
    assert d.weekday() >= 5
    assert cal.is_working_day(d) is True


@pytest.mark.parametrize("d", OFF_2025 + OFF_2026, ids=str)
def test_notice_holidays_are_not_working_days(cal, d):
    assert cal.is_working_day(d) is False


@pytest.mark.parametrize("d", ORDINARY_WEEKENDS, ids=str)
def test_ordinary_weekends_are_not_working_days(cal, d):
    assert cal.is_working_day(d) is False


@pytest.mark.parametrize("d", ORDINARY_WEEKDAYS, ids=str)
def test_ordinary_weekdays_are_working_days(cal, d):
    assert cal.is_working_day(d) is True


def test_every_day_of_2025_and_2026_matches_the_notices(cal):
    d = date(2025, 1, 1)
    wrong = []
    while d <= date(2026, 12, 31):
        if cal.is_working_day(d) != expected_working(d):
            wrong.append(d)
        d += timedelta(days=1)
    assert wrong == []


def test_working_day_totals_per_year(cal):
    # 2025: 261 weekdays (52 weeks + Wed) - 18 weekdays off + 5 make-up days = 248.
    # 2026: 261 weekdays (52 weeks + Thu) - 19 weekdays off + 6 make-up days = 248.
    assert cal.working_days_between(date(2024, 12, 31), date(2025, 12, 31)) == 248
    assert cal.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 248


def test_installed_holidays_package_agrees_with_notices(no_overrides):
    """An alarm, not a requirement: the override file makes the calendar right whatever the package says."""
    d = date(2025, 1, 1)
    wrong = []
    while d <= date(2026, 12, 31):
        if no_overrides.is_working_day(d) != expected_working(d):
            wrong.append(d)
        d += timedelta(days=1)
    assert wrong == []


# ------------------------------------------------------------------ period_end: DAYS

def test_period_starts_the_next_day(cal):
    assert cal.period_end(date(2025, 3, 3), 1, DAYS) == date(2025, 3, 4)        # Mon -> Tue
    assert cal.period_end(date(2025, 3, 3), 2, DAYS) == date(2025, 3, 5)


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (date(2025, 3, 7), 1, date(2025, 3, 10)),      # Fri + 1 = Sat -> Mon
        (date(2025, 3, 7), 2, date(2025, 3, 10)),      # Fri + 2 = Sun -> Mon
        (date(2025, 9, 17), 15, date(2025, 10, 9)),    # 10-02 is in National Day (10-01..08) -> 10-09
        (date(2025, 9, 16), 15, date(2025, 10, 9)),    # 10-01 -> 10-09
        (date(2025, 9, 26), 15, date(2025, 10, 11)),   # 10-11 is a make-up Saturday: no roll
        (date(2025, 9, 27), 15, date(2025, 10, 13)),   # 10-12 ordinary Sunday -> Mon 10-13
        (date(2026, 1, 17), 30, date(2026, 2, 24)),    # 02-16 in Spring Festival (02-15..23) -> 02-24
        (date(2025, 12, 29), 3, date(2026, 1, 4)),     # 2026-01-01..03 off -> 01-04 make-up Sunday
        (date(2025, 12, 28), 3, date(2025, 12, 31)),   # 12-31 is a Wednesday: no roll
        (date(2025, 12, 30), 4, date(2026, 1, 4)),     # 2026-01-03 (元旦) -> 01-04 make-up Sunday
    ],
)
def test_days_with_roll_over(cal, start, n, expected):
    assert cal.period_end(start, n, DAYS) == expected


def test_zero_days_is_the_start_day_rolled(cal):
    assert cal.period_end(date(2025, 3, 5), 0, DAYS) == date(2025, 3, 5)
    assert cal.period_end(date(2025, 3, 8), 0, DAYS) == date(2025, 3, 10)       # Sat -> Mon


# ------------------------------------------------------------------ period_end: WORKING_DAYS

@pytest.mark.parametrize(
    "n, expected",
    [
        # Start Thu 2026-02-12. Working days after it: 02-13 Fri (1), 02-14 make-up Sat (2),
        # 02-15..23 off, 02-24 Tue (3), 02-25 (4), 02-26 (5), 02-27 Fri (6), 02-28 make-up Sat (7),
        # 03-01 Sun off, 03-02 Mon (8).
        (1, date(2026, 2, 13)),
        (2, date(2026, 2, 14)),
        (3, date(2026, 2, 24)),
        (5, date(2026, 2, 26)),
        (6, date(2026, 2, 27)),
        (7, date(2026, 2, 28)),
        (8, date(2026, 3, 2)),
    ],
)
def test_working_days_across_2026_spring_festival(cal, n, expected):
    assert cal.period_end(date(2026, 2, 12), n, WORKING_DAYS) == expected


@pytest.mark.parametrize(
    "n, expected",
    [
        # Start Fri 2025-09-26: 09-27 Sat off, 09-28 make-up Sun (1), 09-29 (2), 09-30 (3),
        # 10-01..08 off, 10-09 Thu (4), 10-10 Fri (5), 10-11 make-up Sat (6), 10-12 Sun off, 10-13 (7).
        (1, date(2025, 9, 28)),
        (4, date(2025, 10, 9)),
        (5, date(2025, 10, 10)),
        (6, date(2025, 10, 11)),
        (7, date(2025, 10, 13)),
    ],
)
def test_working_days_across_2025_national_day(cal, n, expected):
    assert cal.period_end(date(2025, 9, 26), n, WORKING_DAYS) == expected


def test_working_days_across_the_year_end(cal):
    # After Wed 2025-12-31: 2026-01-01..03 off, 01-04 make-up Sunday (1), 01-05 Mon (2).
    assert cal.period_end(date(2025, 12, 31), 1, WORKING_DAYS) == date(2026, 1, 4)
    assert cal.period_end(date(2025, 12, 31), 2, WORKING_DAYS) == date(2026, 1, 5)
    # A whole year of working days: 248 working days after 2024-12-31 end on 2025-12-31.
    assert cal.period_end(date(2024, 12, 31), 248, WORKING_DAYS) == date(2025, 12, 31)
    assert cal.period_end(date(2024, 12, 31), 249, WORKING_DAYS) == date(2026, 1, 4)


def test_zero_working_days(cal):
    assert cal.period_end(date(2025, 3, 5), 0, WORKING_DAYS) == date(2025, 3, 5)
    assert cal.period_end(date(2025, 10, 1), 0, WORKING_DAYS) == date(2025, 10, 9)


# ------------------------------------------------------------------ period_end: MONTHS

@pytest.mark.parametrize(
    "start, n, expected",
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),     # no Feb 31 -> month end (Fri)
        (date(2024, 1, 31), 1, date(2024, 2, 29)),     # leap year month end (Thu)
        (date(2025, 3, 31), 1, date(2025, 4, 30)),     # no Apr 31 -> Apr 30 (Wed)
        (date(2024, 2, 29), 12, date(2025, 2, 28)),    # no 2025-02-29 -> Feb 28 (Fri)
        (date(2025, 1, 15), 1, date(2025, 2, 17)),     # 02-15 Sat -> Mon 02-17
        (date(2025, 2, 15), 1, date(2025, 3, 17)),     # 03-15 Sat -> Mon 03-17
        (date(2025, 12, 31), 1, date(2026, 2, 2)),     # 2026-01-31 Sat, 02-01 Sun -> Mon 02-02
        (date(2025, 9, 1), 1, date(2025, 10, 9)),      # 10-01 National Day -> 10-09
        (date(2026, 1, 14), 1, date(2026, 2, 14)),     # make-up Saturday: no roll
        (date(2025, 11, 30), 3, date(2026, 2, 28)),    # 2026-02-28: month end and a make-up Saturday
        (date(2025, 8, 31), 2, date(2025, 10, 31)),    # Fri, no roll
    ],
)
def test_months(cal, start, n, expected):
    assert cal.period_end(start, n, MONTHS) == expected


# ------------------------------------------------------------------ datetimes and time zones

def test_late_evening_utc_is_already_the_next_day_in_shanghai(cal):
    # 2025-03-03 16:30 UTC is 2025-03-04 00:30 in Shanghai: the start date is 03-04, so 1 day -> 03-05.
    assert cal.period_end(datetime(2025, 3, 3, 16, 30, tzinfo=UTC), 1, DAYS) == date(2025, 3, 5)
    # Naive datetimes are UTC.
    assert cal.period_end(datetime(2025, 3, 3, 16, 30), 1, DAYS) == date(2025, 3, 5)
    # 15:59 UTC is 23:59 the same day in Shanghai.
    assert cal.period_end(datetime(2025, 3, 3, 15, 59), 1, DAYS) == date(2025, 3, 4)
    assert cal.period_end(sh(2025, 3, 4, 0, 30), 1, DAYS) == date(2025, 3, 5)


def test_late_evening_utc_working_days(cal):
    # 2026-02-13 16:30 UTC is 2026-02-14 00:30 Shanghai (the make-up Saturday). The period counts from
    # 02-15, so the first working day is 02-24. With the UTC date (02-13) it would be 02-14.
    assert cal.period_end(datetime(2026, 2, 13, 16, 30, tzinfo=UTC), 1, WORKING_DAYS) == date(2026, 2, 24)


def test_late_evening_utc_months(cal):
    # 2025-01-30 17:00 UTC is 2025-01-31 01:00 Shanghai -> one month later is 2025-02-28.
    assert cal.period_end(datetime(2025, 1, 30, 17, 0, tzinfo=UTC), 1, MONTHS) == date(2025, 2, 28)


def test_due_at_is_end_of_last_day_in_shanghai(cal):
    due = cal.due_at(sh(2025, 9, 17, 10, 0), 15, DAYS)
    assert due == sh(2025, 10, 9, 23, 59, 59, 999999)
    assert due.utcoffset() == timedelta(hours=8)
    assert str(due.tzinfo) == "Asia/Shanghai"
    assert due == datetime(2025, 10, 9, 15, 59, 59, 999999, tzinfo=UTC)


def test_due_at_from_late_evening_utc(cal):
    due = cal.due_at(datetime(2025, 3, 3, 16, 30, tzinfo=UTC), 1, DAYS)
    assert due == sh(2025, 3, 5, 23, 59, 59, 999999)


def test_due_at_working_days(cal):
    assert cal.due_at(sh(2026, 2, 12, 9, 0), 3, WORKING_DAYS) == sh(2026, 2, 24, 23, 59, 59, 999999)


# ------------------------------------------------------- excluded (paused) time

@pytest.mark.parametrize(
    "start, n, unit, excluded, expected",
    [
        (date(2025, 3, 1), 5, DAYS, 2, date(2025, 3, 10)),          # 03-08 is a Saturday -> Mon
        (date(2025, 9, 20), 10, DAYS, 1, date(2025, 10, 9)),        # 10-01 in 国庆 -> 10-09
        (date(2025, 9, 20), 10, DAYS, 0, date(2025, 9, 30)),        # nothing excluded: Tue 09-30
        (date(2026, 2, 12), 1, WORKING_DAYS, 1, date(2026, 2, 14)), # 02-13, make-up Saturday 02-14
        (date(2025, 1, 31), 1, MONTHS, 3, date(2025, 3, 3)),        # 02-28 + 3 days
        (date(2025, 1, 31), 1, MONTHS, 0, date(2025, 2, 28)),
    ],
)
def test_period_end_with_excluded_time(cal, start, n, unit, excluded, expected):
    assert cal.period_end(start, n, unit, excluded) == expected


# ------------------------------------------------------------------ working_days_between

@pytest.mark.parametrize(
    "a, b, expected",
    [
        (date(2026, 2, 12), date(2026, 3, 2), 8),      # see the Spring Festival walk above
        (date(2026, 2, 13), date(2026, 2, 23), 1),     # only the make-up Saturday 02-14
        (date(2025, 9, 26), date(2025, 10, 10), 5),
        (date(2025, 2, 7), date(2025, 2, 10), 2),      # Sat 02-08 (make-up), Mon 02-10
        (date(2025, 12, 30), date(2026, 1, 5), 3),     # 12-31, 01-04 (make-up Sun), 01-05
        (date(2025, 3, 3), date(2025, 3, 4), 1),
        (date(2025, 3, 3), date(2025, 3, 3), 0),
        (date(2025, 3, 10), date(2025, 3, 3), 0),      # b before a
        (date(2025, 10, 1), date(2025, 10, 8), 0),     # all holiday
    ],
)
def test_working_days_between(cal, a, b, expected):
    assert cal.working_days_between(a, b) == expected


# ------------------------------------------------------------------ days_left

DUE_NATIONAL_DAY = sh(2025, 10, 9, 23, 59, 59, 999999)     # Thu, right after National Day 2025


@pytest.mark.parametrize(
    "now, days, working",
    [
        (sh(2025, 9, 30, 9, 0), 9, 1),                          # 10-01..08 off; only 10-09 left
        (datetime(2025, 10, 8, 15, 30, tzinfo=UTC), 1, 1),      # 10-08 23:30 Shanghai
        (datetime(2025, 10, 8, 16, 30, tzinfo=UTC), 0, 0),      # 10-09 00:30 Shanghai: last day
        (datetime(2025, 10, 8, 16, 30), 0, 0),                  # naive = UTC
        (sh(2025, 10, 9, 10, 0), 0, 0),
        (DUE_NATIONAL_DAY, 0, 0),                               # exactly at the deadline
        (sh(2025, 10, 10, 0, 0), -1, -1),                       # first instant past due
        (sh(2025, 10, 11, 12, 0), -2, -2),                      # 10-10 Fri, 10-11 make-up Sat
        (sh(2025, 10, 12, 12, 0), -3, -2),                      # 10-12 Sunday is not a working day
        (sh(2025, 10, 13, 12, 0), -4, -3),
    ],
)
def test_days_left(cal, now, days, working):
    assert cal.days_left(now, DUE_NATIONAL_DAY, DAYS) == days
    assert cal.days_left(now, DUE_NATIONAL_DAY, MONTHS) == days     # month clocks show natural days
    assert cal.days_left(now, DUE_NATIONAL_DAY, WORKING_DAYS) == working


@pytest.mark.parametrize(
    "now, days, working",
    [
        (sh(2025, 3, 7, 18, 0), 0, 0),
        (sh(2025, 3, 8, 12, 0), -1, -1),     # Sat: no working day has passed, but it is overdue
        (sh(2025, 3, 10, 12, 0), -3, -1),    # Mon
        (sh(2025, 3, 11, 12, 0), -4, -2),    # Tue
    ],
)
def test_days_left_overdue_over_a_weekend(cal, now, days, working):
    due = sh(2025, 3, 7, 23, 59, 59, 999999)     # Fri
    assert cal.days_left(now, due, DAYS) == days
    assert cal.days_left(now, due, WORKING_DAYS) == working


def test_days_left_working_days_over_spring_festival(cal):
    due = cal.due_at(sh(2026, 2, 12, 9, 0), 3, WORKING_DAYS)     # 2026-02-24
    now = sh(2026, 2, 12, 9, 0)
    assert cal.days_left(now, due, WORKING_DAYS) == 3     # 02-13, 02-14 (make-up), 02-24
    assert cal.days_left(now, due, DAYS) == 12


# ------------------------------------------------------------------ bad input

@pytest.mark.parametrize("unit", ["weeks", "day", "", "DAYS"])
def test_unknown_unit_raises(cal, unit):
    with pytest.raises(ValueError):
        cal.period_end(date(2025, 3, 3), 1, unit)
    with pytest.raises(ValueError):
        cal.due_at(sh(2025, 3, 3, 9, 0), 1, unit)
    with pytest.raises(ValueError):
        cal.days_left(sh(2025, 3, 3, 9, 0), sh(2025, 3, 5, 9, 0), unit)


@pytest.mark.parametrize("unit", [DAYS, WORKING_DAYS, MONTHS])
def test_negative_amount_raises(cal, unit):
    with pytest.raises(ValueError):
        cal.period_end(date(2025, 3, 3), -1, unit)
    with pytest.raises(ValueError):
        cal.due_at(sh(2025, 3, 3, 9, 0), -1, unit)
    with pytest.raises(ValueError):
        cal.period_end(date(2025, 3, 3), 1, unit, excluded=-1)


def test_non_integer_amount_raises(cal):
    with pytest.raises(TypeError):
        cal.period_end(date(2025, 3, 3), 1.5, DAYS)


# ------------------------------------------------------------------ override file

def test_default_override_file_is_the_repo_config(cal):
    assert cal.overrides_path == REPO / "config" / "holidays-cn.yaml"
    assert set(cal.sources) >= {2025, 2026}
    assert "国办发明电〔2024〕12号" in cal.sources[2025]
    assert "2026年部分节假日安排" in cal.sources[2026]
    assert cal.has_official_schedule(2025) and cal.has_official_schedule(2026)


def test_override_file_matches_the_notices():
    import yaml

    data = yaml.safe_load((REPO / "config" / "holidays-cn.yaml").read_text(encoding="utf-8"))
    assert sorted(data[2025]["holidays"]) == sorted(OFF_2025)
    assert sorted(data[2025]["workdays"]) == sorted(MAKEUP_2025)
    assert sorted(data[2026]["holidays"]) == sorted(OFF_2026)
    assert sorted(data[2026]["workdays"]) == sorted(MAKEUP_2026)


def _write(tmp_path, text: str) -> str:
    p = tmp_path / "holidays.yaml"
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_override_replace_mode_wins_over_package(tmp_path):
    # 2030-01-01 is a Tuesday, 2030-03-05 a Tuesday, 2030-03-09 a Saturday, 2029-12-29 a Saturday.
    path = _write(tmp_path, """
2030:
  source: "test notice"
  holidays: [2030-03-05]
  workdays: [2030-03-09, 2029-12-29]
""")
    cal = Calendar(path)
    assert cal.is_working_day(date(2030, 3, 5)) is False
    assert cal.is_working_day(date(2030, 3, 9)) is True
    assert cal.is_working_day(date(2030, 3, 10)) is False        # ordinary Sunday
    assert cal.is_working_day(date(2030, 1, 1)) is True          # replace: the package's 元旦 is ignored
    assert cal.is_working_day(date(2029, 12, 29)) is True        # make-up day in the previous December
    assert cal.is_working_day(date(2031, 1, 1)) is False         # no entry for 2031: package (元旦, Wed)
    assert cal.has_official_schedule(2030) and not cal.has_official_schedule(2031)


def test_override_patch_mode_keeps_package(tmp_path):
    path = _write(tmp_path, """
2030:
  source: "test correction"
  mode: patch
  holidays: ["2030-03-05"]
  workdays: ["2030-03-09"]
""")
    cal = Calendar(path)
    assert cal.is_working_day(date(2030, 1, 1)) is False         # package's 元旦 kept
    assert cal.is_working_day(date(2030, 3, 5)) is False
    assert cal.is_working_day(date(2030, 3, 9)) is True
    assert not cal.has_official_schedule(2030)


@pytest.mark.parametrize(
    "text",
    [
        "2030:\n  source: x\n  holidays: [2030-03-09]\n  workdays: [2030-03-09]\n",   # both lists
        "2030:\n  holidays: [2030-03-05]\n",                                          # no source
        "2030:\n  source: x\n  holidays: [not-a-date]\n",
        "2030:\n  source: x\n  mode: merge\n",
        "2030:\n  source: x\n  holiday: [2030-03-05]\n",                              # misspelt key
        "- 2030-03-05\n",                                                              # not a mapping
    ],
)
def test_bad_override_file_raises(tmp_path, text):
    with pytest.raises(ValueError):
        Calendar(_write(tmp_path, text))


def test_missing_explicit_override_file_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        Calendar(str(tmp_path / "nope.yaml"))


# ------------------------------------------------------------------ caching

def test_package_is_consulted_once_per_year(tmp_path, monkeypatch):
    calls = []
    real = calmod.holidays.China

    def counting(*args, **kwargs):
        calls.append(kwargs.get("years"))
        return real(*args, **kwargs)

    monkeypatch.setattr(calmod.holidays, "China", counting)
    cal = Calendar(_write(tmp_path, "{}\n"))
    for i in range(365):
        cal.is_working_day(date(2031, 1, 1) + timedelta(days=i))
    for _ in range(1000):
        cal.working_days_between(date(2031, 1, 1), date(2031, 12, 31))
        cal.period_end(date(2031, 3, 1), 20, WORKING_DAYS)
    assert len(calls) == 1
