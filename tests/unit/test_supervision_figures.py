"""The centre's figures as pure functions over a generated data set with known answers
(tests/unit/supervision_dataset.py): every figure in total, per town and per channel, every stage
average across National Day, and the drill-down from a number to its cases."""
from __future__ import annotations

import pytest

from infra.calendar import Calendar
from infra.config import load_config
from services.supervision import figures
from tests.unit.supervision_dataset import EXPECTED, NOW, PERIOD, STAGE_DAYS, TOWN, rows_and_history

CALENDAR = Calendar(str(load_config().path("holidays")))


@pytest.fixture
def data():
    rows, history = rows_and_history()
    return figures.Data(rows, history, figures.Period.of(*PERIOD), NOW, CALENDAR)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_figure_has_its_known_value(data, name):
    assert figures.compute(data)["total"][name] == EXPECTED[name]


def test_every_figure_is_covered_by_the_data_set():
    assert set(EXPECTED) == {f.name for f in figures.FIGURES}


def test_working_days_per_stage_count_the_holiday_out_and_the_make_up_day_in(data):
    got = figures.compute(data)["total"]["stage_days"]
    assert {k: got[k] for k in STAGE_DAYS} == STAGE_DAYS
    assert figures.stays(data)["intake:IN_CLASSIFIED"] == {"i1": 6, "i3": 0, "i4": 10}
    assert figures.stays(data)["mediation:PM_IN_MEDIATION"] == {"m1": 3, "m2": 10}


def test_by_town_the_township_committee_case_is_counted_in_its_town(data):
    groups = {g["key"]: g["values"] for g in figures.compute(data, "town")["groups"]}
    assert set(groups) == {TOWN, None}
    town = groups[TOWN]
    assert town["mediation_success_rate"] == {"value": 1.0, "numerator": 1, "denominator": 1}
    assert town["closed_on_time_rate"] == {"value": 1.0, "numerator": 1, "denominator": 1}
    assert town["received"] == {"value": 0}            # a routed child is not a second matter
    assert groups[None]["mediation_success_rate"] == {"value": 0.0, "numerator": 0, "denominator": 1}


def test_by_channel_and_with_a_filter(data):
    groups = {g["key"]: g["values"] for g in figures.compute(data, "channel")["groups"]}
    assert {k: v["received"]["value"] for k, v in groups.items()} == {
        "window": 2, "hotline_12345": 1, "grid": 1, None: 3}
    only_intake = {r for r in data.rows if data.rows[r]["service"] == "intake"}
    total = figures.compute(data, keep=only_intake)["total"]
    assert total["received"] == {"value": 3} and total["jc_confirmation_rate"]["value"] is None


def test_every_number_drills_down_to_its_cases(data):
    den = set(figures.cases_behind(data, "closed_on_time_rate", None, None, "denominator"))
    num = set(figures.cases_behind(data, "closed_on_time_rate", None, None))
    assert den == {"i2", "m1", "m2", "j1", "j2", "p2", "r1", "d1"} and den - num == {"m2"}
    assert figures.cases_behind(data, "resolved", None, None) == ["i4", "i2", "i1", "j1"]
    assert figures.cases_behind(data, "overdue_now", "town", None) == ["p1"]
    assert figures.cases_behind(data, "stage_days:mediation:PM_IN_MEDIATION", "town", TOWN) == ["m1"]
    for name, expected in EXPECTED.items():
        assert len(figures.cases_behind(data, name, None, None)) == expected.get("numerator", expected["value"])


def test_the_centres_own_supervision_cases_are_not_counted_as_handling():
    from tests.unit.supervision_dataset import FACTS, case, clock
    late = case("db1", "supervision", "supervision", "zj-centre", [
        ("open_supervision", None, "SV_OPEN", "10-01 09:00"), ("report", "SV_OPEN", "SV_REPORTED", "10-20 09:00"),
        ("close", "SV_REPORTED", "SV_CLOSED", "10-21 09:00")], terminal=True,
        clocks=[clock("supervision_deadline", "stopped", "10-10 23:59", expired="10-11 00:00", stopped="10-11 00:00")])
    rows, history = rows_and_history([*FACTS, late])
    d = figures.Data(rows, history, figures.Period.of(*PERIOD), NOW, CALENDAR)
    total = figures.compute(d)["total"]
    assert {k: total[k] for k in EXPECTED} == EXPECTED
