"""The centre's figures over RPC, on SQLite and PostgreSQL: the generated data set with known answers
(tests/unit/supervision_dataset.py) loaded into the read model as the services' facts, every figure
checked in total and by town, every number drilled down to its cases, bad input named."""
from __future__ import annotations

import pytest

from tests.harness import expect_error
from tests.interface.supervision_walk import loaded, supervision
from tests.unit.supervision_dataset import EXPECTED, STAGE_DAYS, TOWN

__all__ = ["loaded", "supervision"]
PERIOD = {"from": "2026-09-01", "to": "2026-10-31"}


def test_every_figure_over_rpc_equals_the_known_answer(loaded, rpc_as):
    got = rpc_as("supv").supervision.figures(PERIOD)
    assert {k: got["total"][k] for k in EXPECTED} == EXPECTED
    assert {k: got["total"]["stage_days"][k] for k in STAGE_DAYS} == STAGE_DAYS
    assert {d["name"]: d["label"] for d in got["definitions"]}["closed_on_time_rate"] == "按期办结率"


def test_by_town_with_labels_and_the_router_reads_them_too(loaded, rpc_as):
    got = rpc_as("router").supervision.figures(PERIOD, "town")
    groups = {g["key"]: g for g in got["groups"]}
    assert groups[TOWN]["label"] == "诸暨市暨阳街道办事处" and groups[None]["label"] == "县本级"
    assert groups[TOWN]["values"]["mediation_success_rate"] == {"value": 1.0, "numerator": 1, "denominator": 1}
    filtered = rpc_as("supv").supervision.figures(PERIOD, None, {"service": "mediation"})
    assert filtered["total"]["mediation_success_rate"]["denominator"] == 2 and filtered["total"]["received"]["value"] == 1


def test_every_number_drills_down_to_its_cases(loaded, rpc_as):
    supv = rpc_as("supv").supervision
    late = supv.drill_down("closed_on_time_rate", PERIOD, part="denominator")
    assert late["total"] == 8 and {c["case_no"] for c in late["items"]} == {
        "NO-i2", "NO-m1", "NO-m2", "NO-j1", "NO-j2", "NO-p2", "NO-r1", "NO-d1"}
    on_time = supv.drill_down("closed_on_time_rate", PERIOD)
    assert {c["case_no"] for c in late["items"]} - {c["case_no"] for c in on_time["items"]} == {"NO-m2"}
    town = supv.drill_down("stage_days:mediation:PM_IN_MEDIATION", PERIOD, "town", TOWN)
    assert [c["case_no"] for c in town["items"]] == ["NO-m1"] and town["items"][0]["town_id"] == TOWN
    paged = supv.drill_down("received", PERIOD, page={"number": 2, "size": 5})
    assert paged["total"] == 7 and len(paged["items"]) == 2
    overdue = supv.drill_down("overdue_now", PERIOD)["items"]
    assert [(c["case_no"], c["overdue_now"]) for c in overdue] == [("NO-p1", True)]


@pytest.mark.parametrize("call, field", [
    (lambda s: s.figures({"from": "2026-10-31", "to": "2026-09-01"}), "period"),
    (lambda s: s.figures({"from": "bad"}), "period"),
    (lambda s: s.figures(PERIOD, "planet"), "group_by"),
    (lambda s: s.figures(PERIOD, None, {"channel": "pigeon"}), "filters"),
    (lambda s: s.drill_down("happiness", PERIOD), "args"),
])
def test_bad_input_names_the_field(loaded, rpc_as, call, field):
    err = expect_error("VALIDATION_ERROR", call, rpc_as("supv").supervision)
    assert field in err.details["fields"]


def test_only_the_centre_reads_the_figures(loaded, rpc_as):
    expect_error("FORBIDDEN", rpc_as("window").supervision.figures, PERIOD)
    expect_error("FORBIDDEN", rpc_as({"user_id": "p", "role": "pmc", "org_id": "zj-pmc-jiyang"}).supervision.drill_down,
                 "received", PERIOD)


def test_the_monthly_report_is_a_workbook_with_the_months_figures(loaded, rpc_as):
    import base64
    from io import BytesIO

    from openpyxl import load_workbook

    supv = rpc_as("supv").supervision
    got = supv.monthly_report("2026-10")
    assert got["filename"] == "jiefen-2026-10.xlsx"
    wb = load_workbook(BytesIO(base64.b64decode(got["content"])))
    assert wb.sheetnames == ["汇总", "分乡镇", "环节用时"]
    ws = wb["汇总"]
    assert ws["A1"].value == "诸暨市矛盾纠纷多元化解工作月报（2026年10月）"
    assert ws["A2"].value == "统计期间：2026年10月1日至2026年10月31日（北京时间）"
    rows = {r[0]: r[1:4] for r in ws.iter_rows(min_row=5, values_only=True)}
    october = supv.figures({"from": "2026-10-01", "to": "2026-10-31"})
    # October alone: received i3 j1 j2 p2; closed m1 m2 j1 j2 p2 r1, m2 late
    assert rows["受理矛盾纠纷（件）"] == (4, None, None)
    assert rows["按期办结率"] == (round(5 / 6, 4), 5, 6)
    for d in october["definitions"]:
        v = october["total"][d["name"]]
        assert rows[d["label"]] == (v["value"], v.get("numerator"), v.get("denominator"))
    rate_row = next(r for r in ws.iter_rows(min_row=5) if r[0].value == "按期办结率")
    assert rate_row[1].number_format == "0.0%"
    towns = {r[0]: r[1:] for r in wb["分乡镇"].iter_rows(min_row=2, values_only=True)}
    assert towns["诸暨市暨阳街道办事处"][:2] == (0, 0) and towns["县本级"][0] == 4
    stages = {(r[0], r[1]): r[2:] for r in wb["环节用时"].iter_rows(min_row=2, values_only=True)}
    assert stages[("人民调解", "调解中")] == (3.0, 1)          # m1 only: m2's stay ended in September

    # the page to print holds the same tables, rates as percentages, no code and no ISO date
    import re
    from html import unescape
    page = supv.monthly_report("2026-10", "html")
    assert page["media_type"].startswith("text/html")
    html = page["content"]
    assert "诸暨市矛盾纠纷多元化解工作月报（2026年10月）" in html and "2026年10月1日至2026年10月31日" in html
    printed = [[unescape(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr)]
               for tr in re.findall(r"<tr>(.*?)</tr>", html)]
    by_label = {r[0]: r[1:] for r in printed}
    assert by_label["按期办结率"][:3] == [f"{5 / 6 * 100:.1f}%", "5", "6"]
    assert by_label["受理矛盾纠纷（件）"][:3] == ["4", "—", "—"]
    assert len([r for r in printed if r[0] in rows]) == len(rows)        # every figure of the workbook
    assert by_label["县本级"][0] == "4" and ["人民调解", "调解中", "3", "1"] in printed
    assert by_label["按期办结率"][3].startswith("《浙江省平安建设条例》第") and " Art " not in html
    assert by_label["群众满意率"][:3] == ["—", "0", "0"] and rows["群众满意率"] == (None, 0, 0)   # no evaluation yet
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b|[a-z]+_[a-z]+", re.sub(r"<[^>]+>|\{[^}]*\}", "", html))


def test_a_bad_month_is_named(loaded, rpc_as):
    err = expect_error("VALIDATION_ERROR", rpc_as("supv").supervision.monthly_report, "2026-13")
    assert "month" in err.details["fields"]


def test_warnings_over_rpc_name_the_bodies_in_chinese(loaded, rpc_as, jiefen):
    from infra.config import load_config
    from infra.db import make_engine, service_db_url
    from infra.orgs import load_directory
    from services.supervision.ingest import apply_facts
    from tests.unit.supervision_dataset import NOW
    from tests.unit.test_supervision_warnings import ESCALATING

    got = rpc_as("router").supervision.warnings(PERIOD)["items"]
    # the data set's petition p2 is a single repeated petition: below the yellow threshold of 2
    assert not [w for w in got if w["rule"] == "repeated_petitions"]
    config = load_config(**jiefen)
    engine = make_engine(*service_db_url("supervision", config))
    for f in ESCALATING:
        apply_facts(engine, load_directory(str(config.path("organisations"))), f, NOW)
    engine.dispose()
    got = rpc_as("router").supervision.warnings(PERIOD)["items"]
    escalating = [w for w in got if w["rule"] == "escalating_matter"]
    assert [(w["level"], w["case_ids"]) for w in escalating] == [("red", ["e1", "em", "ep"])]
    for w in got:
        assert w["level_label"] in ("红色预警", "黄色预警", "蓝色预警") and w["case_ids"]
        assert "zj-" not in w["title"] and "zj-" not in w["explanation"]


def test_the_feed_is_de_identified_versioned_and_paged(loaded, rpc_as):
    import json

    from contracts.feed import PERSONAL, CaseFactSchema
    supv = rpc_as("supv").supervision
    first = supv.feed_export(None, 10)
    second = supv.feed_export(first["next"], 10)
    assert second["next"] is None and first["feed_version"] == "1.0"
    facts = [json.loads(line) for page in (first, second) for line in page["lines"].splitlines()]
    assert len(facts) == 14 and len({f["case_ref"] for f in facts}) == 14
    for f in facts:
        CaseFactSchema().load(f)
        assert not set(f) & set(PERSONAL) and "NO-" not in json.dumps(f, ensure_ascii=False)
    m1 = next(f for f in facts if f["town_id"] == TOWN)
    assert (m1["resolution"], m1["resolved_date"], m1["stages"]["PM_IN_MEDIATION"]) == (
        "agreement_performed", "2026-10-20", "2026-10-12")
    i1 = next(f for f in facts if f["case_ref"] == m1["parent_ref"])
    assert i1["case_type"] == "intake" and i1["channel"] == "window"
    expect_error("FORBIDDEN", rpc_as("router").supervision.feed_export)
