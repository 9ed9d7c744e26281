"""Working-day calendar and period arithmetic for statutory deadlines (SPEC.md §1, "Time computation").

Rules (民事诉讼法 Art 85; 民诉法解释 Art 125; 民法典 Art 201-203):
- A period counts from the day AFTER its start. A datetime start is converted to its Asia/Shanghai date
  first; naive datetimes are taken as UTC.
- DAYS (日): the last day is the start date + n calendar days. If that day is not a working day, the
  period ends on the next working day.
- WORKING_DAYS (工作日): the n-th working day after the start date is the last day.
- MONTHS (月): the same day of the month n months later. If that month has no such day, the month's
  last day is used. The result then rolls over like DAYS.

A working day is a Monday to Friday that is not a statutory holiday, or a 调休 make-up Saturday or
Sunday. Holidays come from the `holidays` package (China, public category, with its
`weekend_workdays`). The override file config/holidays-cn.yaml wins over the package: a year listed
there (mode "replace", the default) is taken from the State Council notice alone.

Pure computation. The only I/O is reading the override file once, in the constructor. Results are
cached per year, and the calendar is safe to share between threads.
"""
from __future__ import annotations

import bisect
import calendar as _stdlib_calendar
import operator
import threading
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import yaml

DAYS = "days"
WORKING_DAYS = "working_days"
MONTHS = "months"
UNITS = (DAYS, WORKING_DAYS, MONTHS)

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59, 999999)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OVERRIDES = ROOT / "config" / "holidays-cn.yaml"

_REPLACE = "replace"
_PATCH = "patch"


def to_shanghai_date(value: datetime | date) -> date:
    """The calendar date in Asia/Shanghai. A naive datetime is taken as UTC; a plain date is returned as is."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(SHANGHAI).date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date or datetime, got {type(value).__name__}")


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def add_months(d: date, n: int) -> date:
    """The same day of the month n months later, or that month's last day if the day does not exist."""
    month_index = d.year * 12 + (d.month - 1) + n
    year, month0 = divmod(month_index, 12)
    month = month0 + 1
    last = _stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last))


def _check_amount(amount: int) -> int:
    if isinstance(amount, bool):
        raise TypeError("amount must be an integer, not a bool")
    try:
        n = operator.index(amount)
    except TypeError:
        raise TypeError(f"amount must be an integer, got {type(amount).__name__}") from None
    if n < 0:
        raise ValueError(f"amount must be >= 0, got {n}")
    return n


def _check_unit(unit: str) -> str:
    if unit not in UNITS:
        raise ValueError(f"unknown period unit {unit!r}; expected one of {UNITS}")
    return unit


def _parse_date(value: object, where: str) -> date:
    if isinstance(value, datetime):
        raise ValueError(f"{where}: expected a date (YYYY-MM-DD), got a datetime {value!r}")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{where}: expected a date (YYYY-MM-DD), got {value!r}")


class _Year:
    """Per-year table: working flag per day of the year and a running count of working days."""

    __slots__ = ("year", "first_ordinal", "working", "cumulative", "total")

    def __init__(self, year: int, working: list[bool]):
        self.year = year
        self.first_ordinal = date(year, 1, 1).toordinal()
        self.working = working
        cumulative: list[int] = []
        count = 0
        for flag in working:
            count += flag
            cumulative.append(count)
        self.cumulative = cumulative  # cumulative[i] = working days among days 0..i of the year
        self.total = count

    def index(self, d: date) -> int:
        return d.toordinal() - self.first_ordinal

    def count_through(self, d: date) -> int:
        """Working days from Jan 1 up to and including d."""
        return self.cumulative[self.index(d)]


class Calendar:
    """Working days and period ends under the Chinese statutory holiday schedule."""

    def __init__(self, overrides_path: str | None = None):
        if overrides_path is None:
            path = DEFAULT_OVERRIDES if DEFAULT_OVERRIDES.exists() else None
        else:
            path = Path(overrides_path)
            if not path.exists():
                raise FileNotFoundError(f"holiday override file not found: {path}")
        self.overrides_path: Path | None = path
        self._override_holidays: frozenset[date] = frozenset()
        self._override_workdays: frozenset[date] = frozenset()
        self._replaced_years: frozenset[int] = frozenset()
        self._sources: dict[int, str] = {}
        if path is not None:
            self._load_overrides(path)
        self._years: dict[int, _Year] = {}
        self._lock = threading.Lock()

    # ----------------------------------------------------------------- overrides

    def _load_overrides(self, path: Path) -> None:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        if data is None:
            return
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a mapping of year -> notice")
        off: set[date] = set()
        on: set[date] = set()
        replaced: set[int] = set()
        for raw_year, entry in data.items():
            try:
                year = int(raw_year)
            except (TypeError, ValueError):
                raise ValueError(f"{path}: year key {raw_year!r} is not a year") from None
            where = f"{path}: {year}"
            if not isinstance(entry, dict):
                raise ValueError(f"{where}: expected a mapping with source/holidays/workdays")
            unknown = set(entry) - {"source", "mode", "holidays", "workdays"}
            if unknown:
                raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
            source = entry.get("source")
            if not isinstance(source, str) or not source.strip():
                raise ValueError(f"{where}: 'source' (the notice's title and number) is required")
            mode = entry.get("mode", _REPLACE)
            if mode not in (_REPLACE, _PATCH):
                raise ValueError(f"{where}: mode must be {_REPLACE!r} or {_PATCH!r}, got {mode!r}")
            year_off = {_parse_date(v, f"{where} holidays") for v in (entry.get("holidays") or [])}
            year_on = {_parse_date(v, f"{where} workdays") for v in (entry.get("workdays") or [])}
            both = (year_off | off) & (year_on | on)
            if both:
                listed = ", ".join(d.isoformat() for d in sorted(both))
                raise ValueError(f"{where}: dates listed both as holiday and as workday: {listed}")
            off |= year_off
            on |= year_on
            self._sources[year] = source.strip()
            if mode == _REPLACE:
                replaced.add(year)
        self._override_holidays = frozenset(off)
        self._override_workdays = frozenset(on)
        self._replaced_years = frozenset(replaced)

    @property
    def sources(self) -> dict[int, str]:
        """Override years and the notice each comes from."""
        return dict(self._sources)

    def has_official_schedule(self, year: int) -> bool:
        """True if the override file holds the full notice for this year (not package data or estimates)."""
        return year in self._replaced_years

    # ----------------------------------------------------------------- per-year tables

    def _package_days(self, year: int) -> tuple[set[date], set[date]]:
        """(days off, make-up working days) in `year` according to the holidays package."""
        # Ask for the next year too: a notice can put a make-up working day in the previous December.
        table = holidays.China(years=(year, year + 1), categories=(holidays.PUBLIC,))
        off = {d for d in table if d.year == year}
        on = {d for d in table.weekend_workdays if d.year == year}
        return off, on

    def _build_year(self, year: int) -> _Year:
        if year in self._replaced_years:
            pkg_off: set[date] = set()
            pkg_on: set[date] = set()
        else:
            pkg_off, pkg_on = self._package_days(year)
        first = date(year, 1, 1)
        n_days = 366 if _stdlib_calendar.isleap(year) else 365
        working: list[bool] = []
        for i in range(n_days):
            d = first + timedelta(days=i)
            if d in self._override_holidays:
                flag = False
            elif d in self._override_workdays:
                flag = True
            elif d in pkg_off:
                flag = False
            elif d.weekday() >= 5:
                flag = d in pkg_on
            else:
                flag = True
            working.append(flag)
        return _Year(year, working)

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            with self._lock:
                table = self._years.get(year)
                if table is None:
                    table = self._build_year(year)
                    self._years[year] = table
        return table

    # ----------------------------------------------------------------- queries

    def is_working_day(self, d: date) -> bool:
        """Statutory holidays and ordinary weekends are off; 调休 make-up working days are on."""
        d = to_shanghai_date(d)
        table = self._year(d.year)
        return table.working[table.index(d)]

    def next_working_day(self, d: date) -> date:
        """d itself if it is a working day, otherwise the first working day after it."""
        d = to_shanghai_date(d)
        while True:
            table = self._year(d.year)
            i = table.index(d)
            working = table.working
            for j in range(i, len(working)):
                if working[j]:
                    return d + timedelta(days=j - i)
            d = date(d.year + 1, 1, 1)

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after d (d itself does not count). For n == 0: next_working_day(d)."""
        n = _check_amount(n)
        d = to_shanghai_date(d)
        if n == 0:
            return self.next_working_day(d)
        table = self._year(d.year)
        target = table.count_through(d) + n
        while target > table.total:
            target -= table.total
            table = self._year(table.year + 1)
        i = bisect.bisect_left(table.cumulative, target)
        return date.fromordinal(table.first_ordinal + i)

    def working_days_between(self, a: date, b: date) -> int:
        """How many working days d satisfy a < d <= b (0 if b <= a)."""
        a = to_shanghai_date(a)
        b = to_shanghai_date(b)
        if b <= a:
            return 0
        ta = self._year(a.year)
        if a.year == b.year:
            return ta.count_through(b) - ta.count_through(a)
        count = ta.total - ta.count_through(a)
        for y in range(a.year + 1, b.year):
            count += self._year(y).total
        return count + self._year(b.year).count_through(b)

    # ----------------------------------------------------------------- periods

    def _end(self, base: date, n: int, unit: str, excluded: int = 0) -> date:
        if unit == DAYS:
            return self.next_working_day(base + timedelta(days=n + excluded))
        if unit == WORKING_DAYS:
            return self.add_working_days(base, n + excluded)
        return self.next_working_day(add_months(base, n) + timedelta(days=excluded))

    def period_end(self, start: datetime | date, amount: int, unit: str, excluded: int = 0) -> date:
        """The last day of a period of `amount` `unit`s starting at `start` (counted from the next day).

        `excluded`: time not counted (鉴定, 听证: SPEC §1 clock pause), in the period's own unit for
        days and working days, in natural days for a months period; added before the roll-over."""
        n = _check_amount(amount)
        _check_amount(excluded)
        _check_unit(unit)
        return self._end(to_shanghai_date(start), n, unit, excluded)

    def due_at(self, start: datetime, amount: int, unit: str, excluded: int = 0) -> datetime:
        """The end of the period's last day, 23:59:59.999999 in Asia/Shanghai (timezone-aware)."""
        return datetime.combine(self.period_end(start, amount, unit, excluded), END_OF_DAY, tzinfo=SHANGHAI)

    def days_left(self, now: datetime, due: datetime, unit: str) -> int:
        """Units left from today (Shanghai) to the due date. Negative once `now` is past `due`.

        DAYS and MONTHS clocks count natural days. WORKING_DAYS clocks count working days d with
        today < d <= due date. When overdue, the result is minus the number of units past the due date
        (for working days, those d with due date < d <= today), and at least 1 unit past, so an overdue
        clock is never reported as 0.
        """
        _check_unit(unit)
        today = to_shanghai_date(now)
        due_day = to_shanghai_date(due)
        if isinstance(now, datetime) and isinstance(due, datetime):
            overdue = _aware(now) > _aware(due)
        else:
            overdue = today > due_day
        if unit == WORKING_DAYS:
            if overdue:
                return -max(1, self.working_days_between(due_day, today))
            return self.working_days_between(today, due_day)
        if overdue:
            return -max(1, (today - due_day).days)
        return (due_day - today).days
