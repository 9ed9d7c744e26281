"""研判预警 rules as pure functions (PSR Art 50, 54) over a small generated data set: each rule fires
at its configured threshold with its level, its cases and an explanation, and stays quiet below it."""
from __future__ import annotations

from datetime import date

import pytest

from infra.calendar import Calendar
from infra.config import load_config
from services.supervision import early_warning, figures
from tests.unit.supervision_dataset import NOW, case, child, clock, rows_and_history

CONFIG = load_config()
THRESHOLDS = CONFIG["supervision"]["warnings"]
CALENDAR = Calendar(str(CONFIG.path("holidays")))
TOWN = "zj-gov-jiyang"
LATE = [clock("acceptance", "stopped", "10-05 23:59", expired="10-06 00:00", stopped="10-08 09:00")]


def petition(n, repeated=True):
    steps = [("register", None, "PT_RECEIVED", f"10-0{n} 09:00")]
    if repeated:
        steps.append(("reject_duplicate", "PT_RECEIVED", "PT_REDIRECTED", f"10-0{n} 10:00"))
    return case(f"p{n}", "petition", "petition", "zj-gov-jiyang", steps, terminal=repeated, category="administrative")


def neighbour(n, org="zj-pmc-jiyang", clocks=()):
    return case(f"n{n}", "mediation", "mediation", org, [("apply", None, "PM_APPLIED", f"10-1{n} 09:00")],
                clocks=clocks)


ESCALATING = [
    case("e1", "intake", "intake", "zj-centre", [
        ("register_claim", None, "IN_RECEIVED", "10-02 09:00"), ("classify", "IN_RECEIVED", "IN_CLASSIFIED", "10-02 10:00"),
        ("route_to_mediation", "IN_CLASSIFIED", "IN_ROUTED", "10-02 11:00")], links=[child("mediation", "em")]),
    case("em", "mediation", "mediation", "zj-pmc-county", [
        ("open_from_handoff", None, "PM_ACCEPTED", "10-02 12:00"), ("assign_mediator", "PM_ACCEPTED", "PM_IN_MEDIATION", "10-03 09:00"),
        ("declare_failure", "PM_IN_MEDIATION", "PM_TERMINATED", "10-20 09:00")], parent=("intake", "e1")),
    case("ep", "petition", "petition", "zj-xfj-county", [("register_from_handoff", None, "PT_RECEIVED", "10-25 09:00")],
         parent=("intake", "e1"), category="administrative"),
]


def warnings_for(facts):
    rows, history = rows_and_history(facts, {"zj-pmc-jiyang": TOWN, "zj-gov-jiyang": TOWN})
    data = figures.Data(rows, history, figures.Period.of(date(2026, 10, 1), date(2026, 10, 31)), NOW, CALENDAR)
    return early_warning.run(data, THRESHOLDS)


def by_rule(found, rule):
    return [w for w in found if w["rule"] == rule]


def test_repeated_petitions_in_one_township_warn_yellow_at_two_and_red_at_four():
    assert by_rule(warnings_for([petition(1), petition(2, repeated=False)]), "repeated_petitions") == []
    yellow = by_rule(warnings_for([petition(1), petition(2)]), "repeated_petitions")
    assert [(w["level"], w["level_label"], w["case_ids"], w["town_id"]) for w in yellow] == [
        ("yellow", "黄色预警", ["p1", "p2"], TOWN)]
    assert "2 件为重复信访" in yellow[0]["explanation"] and "黄色阈值 2 件" in yellow[0]["explanation"]
    red = by_rule(warnings_for([petition(i) for i in range(1, 5)]), "repeated_petitions")
    assert red[0]["level"] == "red"


def test_matters_of_one_category_in_one_township_warn_of_a_group_dispute():
    assert by_rule(warnings_for([neighbour(1), neighbour(2)]), "category_surge") == []
    blue = by_rule(warnings_for([neighbour(i) for i in range(1, 4)]), "category_surge")
    assert [(w["level"], w["category"], len(w["case_ids"])) for w in blue] == [("blue", "neighbourhood", 3)]
    assert "群体性" in blue[0]["explanation"]


def test_a_failed_mediation_that_became_a_petition_is_an_escalating_matter():
    found = by_rule(warnings_for(ESCALATING), "escalating_matter")
    assert [(w["level"], w["root_case_id"], w["case_ids"]) for w in found] == [("red", "e1", ["e1", "em", "ep"])]
    assert "调解不成、信访" in found[0]["explanation"]
    assert by_rule(warnings_for(ESCALATING[:2]), "escalating_matter") == []      # no petition (yet)


def test_an_organisation_with_a_high_overdue_share_is_warned():
    facts = [neighbour(1, "zj-pmc-county", LATE), neighbour(2, "zj-pmc-county", LATE), neighbour(3, "zj-pmc-county")]
    found = by_rule(warnings_for(facts), "overdue_share")
    assert [(w["level"], w["org_id"], w["case_ids"]) for w in found] == [("red", "zj-pmc-county", ["n1", "n2"])]
    assert "67%" in found[0]["title"]
    assert by_rule(warnings_for(facts[:2]), "overdue_share") == []                # fewer than min_cases


@pytest.mark.parametrize("rule", sorted(early_warning.RULES))
def test_every_rule_has_configured_thresholds(rule):
    assert rule in THRESHOLDS
