"""The director's dashboard in headless Chromium (gateway → supervision, the generated data set with
known answers in the read model): the figures, both charts drawn by ECharts, the table by township,
the warnings, and a drill-down from a number, from a township's cell and from a warning to the cases behind
them (and from the link a 预警处置 task gives)."""
from __future__ import annotations

from tests.interface.supervision_walk import loaded, supervision
from tests.interface.test_gateway_support import PASSWORD

__all__ = ["loaded", "supervision"]


def test_the_director_sees_the_figures_and_charts_and_drills_down(loaded, drive, site):
    link = "from=2026-09-01&to=2026-10-31&warning=category_surge&town_id=&category=neighbourhood&title=邻里纠纷集中"
    seen = drive("dashboard", {"user": "supv-01", "password": PASSWORD, "from": "2026-09-01", "to": "2026-10-31",
                               "warning": link})
    cards = seen["cards"]
    assert (cards["received"], cards["resolved"], cards["closed_on_time_rate"]) == ("7", "4", "87.5%")
    assert (cards["overdue_now"], cards["mediation_success_rate"], cards["jc_confirmation_rate"]) == ("1", "50.0%", "50.0%")
    # both charts drawn on a canvas, the bars carrying the table's numbers
    assert all(size and size[0] > 100 and size[1] > 100 for size in seen["charts"])
    assert seen["chart_series"] == [["受理矛盾纠纷（件）", [0, 7]], ["化解（件）", [0, 4]]]   # a matter counts where it was received
    assert [row[:2] for row in seen["groups"]] == [["诸暨市暨阳街道办事处", "0"], ["县本级", "7"]]
    # i1 m2 j1 j2 p2 are neighbours' disputes at county level: 5 reaches the yellow threshold [A]
    assert len(seen["warnings"]) == 1 and "【黄色预警】县本级邻里纠纷集中发生 5 件" in seen["warnings"][0]
    assert seen["drill_title"] == "按期办结率：7 件" and "NO-m2" not in seen["drill_cases"]   # closed on time
    assert seen["group_drill_title"] == "诸暨市暨阳街道办事处 · 人民调解成功率：1 件"
    assert seen["group_drill_cases"] == ["NO-m1"]
    # dates as 年月日 (the address may carry ISO; the page never shows it), rows in words, no codes
    assert seen["period"] == ["2026年09月01日", "2026年10月31日"]
    assert seen["period_after"] == ["2026年10月01日", "2026年10月31日"]
    assert seen["bad_date_error"] == "请按“2026年12月01日”的样式填写起止日期"
    assert seen["drill_rows"] == [["NO-m1", "人民调解", "暨阳街道人民调解委员会", "结案归档", "2026年10月12日", "履行完毕"]]
    import re
    latin = set(re.findall(r"[A-Za-z_]{3,}", seen["page_text"])) - {"NO"}
    assert not latin, latin
    assert seen["warnings"][0].startswith("【黄色预警】") and seen["warnings"][0].endswith("涉及案件 5 件")
    # every case behind the warning, computed again from its rule, period and township and category
    assert seen["warning_drill_title"] == "【黄色预警】县本级邻里纠纷集中发生 5 件：5 件"
    cases = sorted(seen["warning_drill_cases"])
    assert len(cases) == 5 and "NO-m2" in cases
    # the link a 预警处置 task gives (app.js): the same cases at once
    assert seen["linked_drill_title"] == "【预警】邻里纠纷集中：5 件" and sorted(seen["linked_drill_cases"]) == cases
    assert "群众满意率" in seen["page_text"] and "暂无预警处置任务" in seen["warning_tasks"]
