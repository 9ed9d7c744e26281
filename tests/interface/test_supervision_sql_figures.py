"""The figures as SQL aggregations (services/supervision/figures_sql.py), on SQLite and PostgreSQL: equal to the
pure reference functions (figures.py) in total and for every grouping, also when a routed child reaches the
read model before its parent; and 越级 petitions (LVR Art 20 ¶1) as a figure with a known answer."""
from __future__ import annotations

from datetime import date

import pytest

from infra.config import load_config
from infra.db import make_engine, service_db_url
from infra.orgs import load_directory
from services.supervision import figures
from services.supervision.ingest import apply_facts
from tests.interface.supervision_walk import loaded, supervision
from tests.unit.supervision_dataset import FACTS, NOW, PERIOD, case, rows_and_history

__all__ = ["loaded", "supervision"]
WIRE = {"from": PERIOD[0].isoformat(), "to": PERIOD[1].isoformat()}


def _load(jiefen, facts):
    config = load_config(**jiefen)
    engine = make_engine(*service_db_url("supervision", config))
    directory = load_directory(str(config.path("organisations")))
    for f in facts:
        assert apply_facts(engine, directory, f, NOW)
    engine.dispose()
    return directory


def _reference(group_by, towns):
    from infra.calendar import Calendar
    rows, history = rows_and_history(FACTS, towns)
    d = figures.Data(rows, history, figures.Period.of(*PERIOD), NOW, Calendar(str(load_config().path("holidays"))))
    return figures.compute(d, group_by)


def _without_sql_only(values: dict) -> dict:
    return {k: v for k, v in values.items() if k != "skip_level_rate"}


@pytest.mark.parametrize("group_by", [None, *figures.GROUPS])
def test_sql_equals_the_reference_even_when_children_arrive_before_their_parents(supervision, jiefen, rpc_as,
                                                                                 group_by):
    from infra import timekeeping
    timekeeping.set_now(NOW)
    _load(jiefen, list(reversed(FACTS)))          # m1 before i1, p1 before i3, d1 before i4
    got = rpc_as("supv").supervision.figures(WIRE, group_by)
    want = _reference(group_by, {"zj-pmc-jiyang": "zj-gov-jiyang"})
    assert _without_sql_only(got["total"]) == want["total"]
    assert [(g["key"], _without_sql_only(g["values"])) for g in got["groups"]] == \
        [(g["key"], g["values"]) for g in want["groups"]]


def petition(case_id, org, day, *, parent=None):
    return case(case_id, "petition", "petition", org, [("register", None, "PT_RECEIVED", f"{day} 09:00")],
                category="land_expropriation", channel="visit", parent=parent)


def test_a_petition_at_the_province_skips_a_level_at_the_city_it_does_not(loaded, jiefen, rpc_as):
    # the data set has p1 and p2 at the county petition bureau; three visits more in October:
    # 浙江省信访局 (two levels above the county: 越级), 绍兴市信访局 (上一级: allowed), the county's again
    _load(jiefen, [petition("v1", "zj-xfj", "10-12"), petition("v2", "sx-xfj", "10-13"),
                   petition("v3", "zj-xfj-county", "10-14"), petition("v4", "zj-xfj", "11-02")])
    supv = rpc_as("supv").supervision
    got = supv.figures(WIRE)
    assert got["total"]["skip_level_rate"] == {"value": 0.2, "numerator": 1, "denominator": 5}
    definition = {d["name"]: d for d in got["definitions"]}["skip_level_rate"]
    assert definition["label"] == "越级信访率" and "LVR Art 20" in definition["basis"]
    behind = supv.drill_down("skip_level_rate", WIRE)
    assert behind["total"] == 1 and [c["case_no"] for c in behind["items"]] == ["NO-v1"]
    denominator = supv.drill_down("skip_level_rate", WIRE, part="denominator", page={"number": 2, "size": 2})
    assert denominator["total"] == 5 and [c["case_no"] for c in denominator["items"]] == ["NO-v1", "NO-v2"]


def test_a_matter_two_hand_offs_deep_is_resolved_once_at_its_first_case(supervision, jiefen, rpc_as):
    # intake → mediation → judicial confirmation, stored deepest first: the JC's root follows when its
    # parent, then its grandparent, arrive (derived.derive)
    steps_i = [("register_claim", None, "IN_RECEIVED", "10-12 09:00"),
               ("route_to_mediation", "IN_RECEIVED", "IN_ROUTED", "10-12 10:00")]
    steps_m = [("open_from_handoff", None, "PM_ACCEPTED", "10-12 11:00")]
    steps_j = [("apply", None, "JC_APPLIED", "10-13 09:00"), ("confirm", "JC_APPLIED", "JC_CONFIRMED", "10-20 09:00")]
    _load(jiefen, [case("j9", "diversion", "jc", "zj-court", steps_j, parent=("mediation", "m9"), terminal=True),
                   case("m9", "mediation", "mediation", "zj-pmc-jiyang", steps_m, parent=("intake", "i9")),
                   case("i9", "intake", "intake", "zj-centre", steps_i, channel="window")])
    supv = rpc_as("supv").supervision
    got = supv.figures(WIRE)["total"]
    assert got["received"] == {"value": 1} and got["resolved"] == {"value": 1}
    assert got["resolution_rate"] == {"value": 1.0, "numerator": 1, "denominator": 1}
    assert [c["case_no"] for c in supv.drill_down("resolved", WIRE)["items"]] == ["NO-i9"]


def test_the_upgrade_derives_what_the_figures_need_for_rows_stored_before_it(tmp_path):
    """A read model filled at revision sv0001 gives the known answers after ``upgrade`` (migrations sv0002, sv0003)."""
    from sqlalchemy import MetaData, Table, insert

    from infra.db import read_session, upgrade
    from services.supervision import figures_sql
    from services.supervision.models import SvHistory
    from services.supervision.store import MIGRATIONS
    from tests.unit.supervision_dataset import EXPECTED, STAGE_DAYS

    from datetime import datetime, timezone

    def stored(v):          # as UTCDateTime stores a time on SQLite
        return v.astimezone(timezone.utc).replace(tzinfo=None) if isinstance(v, datetime) else v

    url = f"sqlite:///{tmp_path}/sv.db"
    upgrade(url, None, revision="sv0001", migrations=MIGRATIONS)
    engine = make_engine(url, None)
    rows, history = rows_and_history()
    with engine.begin() as conn:
        table = Table("sv_cases", MetaData(), autoload_with=conn)        # as revision sv0001 made it
        old = set(table.c.keys())
        for r in rows:
            conn.execute(insert(table), [{
                **{k: stored(r.get(k)) for k in old if k in r}, "version": r["version"], "facts_version": r["version"],
                "updated_at": stored(max(h["at"] for h in history[r["case_id"]])), "stages": {}}])
            conn.execute(insert(SvHistory.__table__), [
                {"case_id": r["case_id"], "version": h["version"], "event": h["event"], "from_state": h["from"],
                 "to_state": h["to"], "at": h["at"]} for h in history[r["case_id"]]])
    assert "root_case_id" not in old
    engine.dispose()
    upgrade(url, None, migrations=MIGRATIONS)
    engine = make_engine(url, None)
    with read_session(engine) as s:
        got = figures_sql.compute(s, figures_sql.Scope(figures.Period.of(*PERIOD), NOW))["total"]
    engine.dispose()
    assert {k: got[k] for k in EXPECTED} == EXPECTED and {k: got["stage_days"][k] for k in STAGE_DAYS} == STAGE_DAYS


def test_a_state_entered_twice_counts_its_case_once_with_both_stays(supervision, jiefen, rpc_as):
    # 转送 → 异议 upheld → back to 登记 → 转送 again: PT_RECEIVED twice (09-28 and 10-12 stays both end in
    # the period), and once more in November, outside it
    steps = [("register", None, "PT_RECEIVED", "09-21 09:00"), ("transfer", "PT_RECEIVED", "PT_TRANSFERRED", "09-28 09:00"),
             ("object_misdirected", "PT_TRANSFERRED", "PT_OBJECTED", "09-29 09:00"),
             ("objection_upheld", "PT_OBJECTED", "PT_RECEIVED", "09-30 09:00"),
             ("transfer", "PT_RECEIVED", "PT_TRANSFERRED", "10-12 09:00"),
             ("object_misdirected", "PT_TRANSFERRED", "PT_OBJECTED", "10-13 09:00"),
             ("objection_upheld", "PT_OBJECTED", "PT_RECEIVED", "10-14 09:00"),
             ("transfer", "PT_RECEIVED", "PT_TRANSFERRED", "11-03 09:00")]
    again = case("pr", "petition", "petition", "zj-xfj-county", steps)
    short = case("ps", "petition", "petition", "zj-xfj-county", steps[:2])
    _load(jiefen, [again, short])
    got = rpc_as("supv").supervision.figures(WIRE)["total"]["stage_days"]["petition:PT_RECEIVED"]
    from infra.calendar import Calendar
    rows, history = rows_and_history([again, short])
    d = figures.Data(rows, history, figures.Period.of(*PERIOD), NOW, Calendar(str(load_config().path("holidays"))))
    assert got == figures.compute(d)["total"]["stage_days"]["petition:PT_RECEIVED"] and got["count"] == 2
    # October alone: pr's first stay ended in September, its second (09-30 → 10-12) counts it
    october = rpc_as("supv").supervision.figures({"from": "2026-10-01", "to": "2026-10-31"})["total"]["stage_days"]
    d = figures.Data(rows, history, figures.Period.of(date(2026, 10, 1), date(2026, 10, 31)), NOW, d.calendar)
    assert october["petition:PT_RECEIVED"] == figures.compute(d)["total"]["stage_days"]["petition:PT_RECEIVED"]
    assert october["petition:PT_RECEIVED"]["count"] == 1
