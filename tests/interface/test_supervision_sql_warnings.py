"""研判预警 as SQL aggregations (services/supervision/warnings_sql.py), on SQLite and PostgreSQL: the service's
``warnings`` gives exactly the pure reference's warnings (early_warning.py over query.load_data) on the figures'
data set (tests/unit/supervision_dataset.py) with the warning rules' cases added, for several periods; every
rule fires in it, and a matter whose first case the period does not involve is split as the reference splits it.
A warning carries how many cases are behind it and the first 50 (by id); ``warning_cases`` (``warnings_sql.cases``)
pages through all of them, computed again from the warning's rule, period and what it is about: they are
exactly the reference's cases. On PostgreSQL, the same on the benchmark's generated county (bench/supervision.py),
where a year's warnings have hundreds of cases each."""
from __future__ import annotations

from datetime import date

import pytest

from infra.config import load_config
from infra.db import make_engine, read_session, service_db_url
from infra.orgs import load_directory
from services.supervision import early_warning, escalation, figures, figures_sql, query, warnings_sql
from services.supervision.ingest import apply_facts
from tests.interface.supervision_walk import loaded, supervision
from tests.unit.supervision_dataset import NOW, case, child, clock
from tests.unit.test_supervision_warnings import ESCALATING, LATE

__all__ = ["loaded", "supervision"]
PERIODS = [(date(2026, 9, 1), date(2026, 10, 31)), (date(2026, 10, 1), date(2026, 10, 31)),
           (date(2026, 10, 15), date(2026, 10, 21))]


def _mediation(case_id, org, day, clocks=(), category="neighbourhood"):
    return case(case_id, "mediation", "mediation", org, [("apply", None, "PM_APPLIED", f"{day} 09:00")],
                clocks=clocks, category=category)


def _repeated(n):
    return case(f"rp{n}", "petition", "petition", "zj-gov-jiyang", [
        ("register", None, "PT_RECEIVED", f"10-0{n} 09:00"),
        ("reject_duplicate", "PT_RECEIVED", "PT_REDIRECTED", f"10-0{n} 10:00")], terminal=True, category="administrative")


WARNED = [
    *[_repeated(n) for n in range(1, 5)],                                                 # red: 4 repeated
    *[_mediation(f"nb{n}", "zj-pmc-jiyang", f"10-1{n}") for n in range(5)],                # a neighbourhood surge
    _mediation("ol1", "zj-pmc-county", "10-11", LATE), _mediation("ol2", "zj-pmc-county", "10-12", LATE),
    _mediation("ol3", "zj-pmc-county", "10-13"),                                          # overdue share 2/3: red
    # one late in ten: below the yellow share, but risen from none in September: yellow
    *[_mediation(f"md{n}", "zj-pmc-medical", f"10-{10 + n}", LATE if n == 0 else (), "medical") for n in range(10)],
    *[_mediation(f"ms{n}", "zj-pmc-medical", f"09-{10 + n}", category="medical") for n in range(4)],
    # late and closed in September: a period from October 1 does not involve it, so (as in the reference,
    # which holds only the cases the period involves) it is not in the prior share either
    case("mc", "mediation", "mediation", "zj-pmc-medical", [
        ("apply", None, "PM_APPLIED", "09-05 09:00"), ("withdraw", "PM_APPLIED", "PM_CLOSED", "09-08 09:00")],
        category="medical", terminal=True,
        clocks=[clock("acceptance", "stopped", "09-06 23:59", expired="09-07 00:00", stopped="09-08 09:00")]),
    *ESCALATING,                                                                          # failed mediation → petition
    case("rv", "petition", "petition", "zj-xfj-county", [
        ("register", None, "PT_RECEIVED", "09-02 09:00"), ("conclude", "PT_RECEIVED", "PT_CONCLUDED", "09-20 09:00"),
        ("request_review", "PT_CONCLUDED", "PT_REVIEW", "10-16 09:00")], category="administrative"),   # 复查
    # the matter's intake closed in August: the period does not involve it, so the reference sees the failed
    # mediation (closed in October) and the petition as two matters, neither escalating
    case("s1", "intake", "intake", "zj-centre", [
        ("register_claim", None, "IN_RECEIVED", "08-01 09:00"), ("route_to_mediation", "IN_RECEIVED", "IN_ROUTED", "08-02 09:00"),
        ("close", "IN_ROUTED", "IN_CLOSED", "08-02 10:00")], terminal=True, links=[child("mediation", "sm")]),
    case("sm", "mediation", "mediation", "zj-pmc-county", [
        ("open_from_handoff", None, "PM_ACCEPTED", "08-02 11:00"), ("declare_failure", "PM_ACCEPTED", "PM_TERMINATED", "09-20 09:00"),
        ("archive", "PM_TERMINATED", "PM_CLOSED", "10-03 09:00")], parent=("intake", "s1"), terminal=True),
    case("sp", "petition", "petition", "zj-xfj-county", [("register_from_handoff", None, "PT_RECEIVED", "10-05 09:00")],
         parent=("intake", "s1"), category="administrative"),
]


def _all_pages(fetch, size=2) -> list:
    """Every id of a paged drill-down (small pages, so that paging itself is exercised)."""
    ids, page = [], 1
    while True:
        got = fetch({"number": page, "size": size})
        ids += [r["case_id"] if isinstance(r, dict) else r for r in got["items"]]
        if page * size >= got["total"]:
            assert len(ids) == got["total"]
            return ids
        page += 1


def _reference(engine, directory, first, last, thresholds):
    with read_session(engine) as s:
        d = query.load_data(s, figures.Period.of(first, last), NOW, None)
    return early_warning.run(d, thresholds, lambda code: query.name_of(code, directory))


def test_sql_warnings_equal_the_reference_for_every_period(loaded, jiefen, rpc_as):
    config = load_config(**jiefen)
    engine = make_engine(*service_db_url("supervision", config))
    directory = load_directory(str(config.path("organisations")))
    for f in WARNED:
        assert apply_facts(engine, directory, f, NOW)
    thresholds = config["supervision"]["warnings"]
    router = rpc_as("router").supervision
    try:
        for first, last in PERIODS:
            period = {"from": first.isoformat(), "to": last.isoformat()}
            got = router.warnings(period)["items"]
            want = _reference(engine, directory, first, last, thresholds)
            assert got == [warnings_sql.summarised(w) for w in want], (first, last)
            for w, ref in zip(got, want):           # every case behind each warning, from what the warning says
                about = {k: w[k] for k in warnings_sql.ABOUT[w["rule"]]}
                assert _all_pages(lambda page: router.warning_cases(w["rule"], period, about, page)) == ref["case_ids"]
    finally:
        engine.dispose()
    october = router.warnings({"from": "2026-10-01", "to": "2026-10-31"})["items"]
    assert {w["rule"] for w in october} == set(early_warning.RULES)
    levels = {(w["rule"], w.get("org_id") or w.get("root_case_id") or w.get("town_id")): w["level"] for w in october}
    assert levels[("overdue_share", "zj-pmc-medical")] == "yellow" and levels[("overdue_share", "zj-pmc-county")] == "red"
    assert levels[("repeated_petitions", "zj-gov-jiyang")] == "red"
    assert {w["root_case_id"]: w["case_ids"] for w in october if w["rule"] == "escalating_matter"} == {
        "e1": ["e1", "em", "ep"], "rv": ["rv"]}                  # not s1, sm or sp: the matter is split


def test_sql_warnings_equal_the_reference_on_the_generated_county(backend, jiefen, monkeypatch):
    """The benchmark's county (bench/supervision.py, generated by PostgreSQL): every rule, month and year."""
    if backend != "postgresql":
        pytest.skip("the benchmark's generator is PostgreSQL SQL")
    from bench.supervision import NOW as BENCH_NOW, load
    from infra.db import upgrade
    from services.supervision.store import MIGRATIONS
    config = load_config(**jiefen)
    url, schema = service_db_url("supervision", config)
    upgrade(url, schema, migrations=MIGRATIONS)
    engine = make_engine(url, schema)
    directory = load_directory(str(config.path("organisations")))
    thresholds = config["supervision"]["warnings"]
    name = lambda code: query.name_of(code, directory)                          # noqa: E731
    try:
        load(engine, 4000, directory)
        for first, last in ((date(2026, 10, 1), date(2026, 10, 31)), (date(2026, 1, 1), date(2026, 12, 31))):
            q = figures_sql.Scope(figures.Period.of(first, last), BENCH_NOW)
            with read_session(engine) as s:
                got = warnings_sql.run(s, q, thresholds, name)
                want = early_warning.run(query.load_data(s, q.period, BENCH_NOW, None), thresholds, name)
                referenced = [w for w in got if w["rule"] in early_warning.RULES]
                assert referenced == [warnings_sql.summarised(w) for w in want]
                every = {id(w): ref["case_ids"] for w, ref in zip(referenced, want)}
                for w in got:                   # the party rules have no reference: their count and sample
                    about = {k: w[k] for k in warnings_sql.ABOUT[w["rule"]]}
                    pages = _all_pages(lambda p: dict(zip(("total", "items"), warnings_sql.cases(
                        s, q, thresholds, w["rule"], about, p["number"], p["size"]))), size=37)
                    assert pages == every.get(id(w), pages) and w["case_count"] == len(pages)
                    assert w["case_ids"] == pages[:warnings_sql.SAMPLE]
            assert {w["rule"] for w in got} >= set(early_warning.RULES), (first, last)
            with read_session(engine) as s:    # a year's large warnings at a million: each group's own query
                monkeypatch.setattr(warnings_sql, "WINDOWED", 0)
                assert warnings_sql.run(s, q, thresholds, name) == got
                monkeypatch.undo()
            big = [w for w in got if w["case_count"] > warnings_sql.SAMPLE]
            assert big if last.month == 12 else True        # the year's category warnings carry a sample only
            assert all(len(w["case_ids"]) == warnings_sql.SAMPLE for w in big)
            # the party rules fire on the generated parties (bench.supervision GENERATE_PARTIES)
            if last.month == 12:
                assert {"same_person", "same_address", "risk_words"} <= {w["rule"] for w in got}
    finally:
        engine.dispose()


def _flagged_right(engine) -> set:
    """The escalated matters kept at ingest (``matter_escalated``), after checking them against a recount."""
    with engine.connect() as conn:
        with conn.begin() as t:
            kept = escalation.kept(conn)
            escalation.keep_all(conn)
            recounted = escalation.kept(conn)
            t.rollback()
    assert kept == recounted
    return kept


def test_the_kept_escalated_matters_equal_a_recount_through_ingest_replay_and_rebuild(intake, supervision, rpc_as,
                                                                                       jiefen):
    """``matter_escalated`` (what the escalating rule reads, kept at ingest) equals a recount from the matters'
    cases when the children arrive before their parents, after every fact is applied twice more (idempotent),
    after a petition leaves its matter (the matter it left is recounted) and after a rebuild from scratch."""
    config = load_config(**jiefen)
    engine = make_engine(*service_db_url("supervision", config))
    directory = load_directory(str(config.path("organisations")))
    try:
        for f in reversed(WARNED):                  # ep, em before e1; sp, sm before s1
            assert apply_facts(engine, directory, f, NOW)
        # s1's whole matter escalated (its October warning is split away: the rule reads it and drops it)
        assert _flagged_right(engine) == {"e1", "rv", "s1"}
        for _ in range(2):
            for f in WARNED:
                apply_facts(engine, directory, f, NOW)
            assert _flagged_right(engine) == {"e1", "rv", "s1"}
        ep = next(f for f in WARNED if f["case_id"] == "ep")
        apply_facts(engine, directory, {**ep, "version": ep["version"] + 1, "parent_service": None,
                                        "parent_case_id": None}, NOW)
        assert _flagged_right(engine) == {"rv", "s1"}          # e1 failed, but no petition is left in its matter
        rpc_as("supv").supervision.rebuild(["intake"])
        assert _flagged_right(engine) == set()                 # the intake's own cases: none escalated
    finally:
        engine.dispose()


def test_the_upgrade_flags_the_escalated_matters_stored_before_it(tmp_path):
    """A county's read model stored before sv0008 (here: filled, then taken back to sv0007, which drops the flag)
    has its escalated matters flagged by the upgrade's backfill as ingest would have kept them."""
    from infra.db import upgrade
    from services.supervision.store import MIGRATIONS
    url = f"sqlite:///{tmp_path}/sv.db"
    upgrade(url, None, migrations=MIGRATIONS)
    engine = make_engine(url, None)
    directory = load_directory(str(load_config().path("organisations")))
    for f in WARNED:
        assert apply_facts(engine, directory, f, NOW)
    assert _flagged_right(engine) == {"e1", "rv", "s1"}
    engine.dispose()
    from alembic import command
    from infra.db import alembic_config
    command.downgrade(alembic_config(url, None, MIGRATIONS), "sv0007")
    upgrade(url, None, migrations=MIGRATIONS)
    engine = make_engine(url, None)
    try:
        assert _flagged_right(engine) == {"e1", "rv", "s1"}
    finally:
        engine.dispose()
