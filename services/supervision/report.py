"""The monthly report a centre sends upward (PSR Art 46 ¶2: 分析研究信访情况; Art 62–64: assessment), as an
Excel workbook: the figures in total, by township, and the working days per stage."""
from __future__ import annotations

import calendar as months
from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from services.supervision import figures, figures_sql

# the figures the by-township sheet shows, in order
TOWN_COLUMNS = ("received", "resolved", "resolution_rate", "closed_on_time_rate", "overdue_now", "overdue_ever",
                "mediation_success_rate", "repeat_petition_rate")


def month_period(month: str) -> tuple[date, date]:
    """'2026-10' -> (2026-10-01, 2026-10-31)."""
    year, mon = (int(x) for x in month.split("-"))
    return date(year, mon, 1), date(year, mon, months.monthrange(year, mon)[1])


def workbook(county_name: str, month: str, total: dict, towns: list[dict], stage_labels: dict) -> bytes:
    """``total``: figures_sql.compute(...)["total"]; ``towns``: its groups by town, each with a ``label``."""
    first, last = month_period(month)
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws["A1"] = f"{county_name}矛盾纠纷多元化解工作月报（{first.year}年{first.month}月）"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = f"统计期间：{first.isoformat()} 至 {last.isoformat()}（北京时间）"
    ws.append([])
    ws.append(["指标", "数值", "分子", "分母", "依据"])
    for f in figures_sql.FIGURES:
        v = total[f.name]
        ws.append([f.label, v["value"], v.get("numerator"), v.get("denominator"), f.basis])
        if f.kind == "rate":
            ws.cell(ws.max_row, 2).number_format = "0.0%"
    for col, width in zip("ABCDE", (26, 10, 8, 8, 28)):
        ws.column_dimensions[col].width = width
    for cell in ws[4]:
        cell.font = Font(bold=True)

    by_town = wb.create_sheet("分乡镇")
    by_town.append(["乡镇（街道）", *(figures.BY_NAME[n].label for n in TOWN_COLUMNS)])
    for g in towns:
        by_town.append([g["label"], *(g["values"][n]["value"] for n in TOWN_COLUMNS)])
        for i, n in enumerate(TOWN_COLUMNS, start=2):
            if figures.BY_NAME[n].kind == "rate":
                by_town.cell(by_town.max_row, i).number_format = "0.0%"
    by_town.column_dimensions["A"].width = 28

    stages = wb.create_sheet("环节用时")
    stages.append(["案件类型", "环节", "平均工作日", "件数"])
    for key, v in total["stage_days"].items():
        case_type, state = key.split(":", 1)
        stages.append([stage_labels.get(case_type, case_type), stage_labels.get(key, state), v["value"], v["count"]])
    for sheet in (by_town, stages):
        for cell in sheet[1]:
            cell.font, cell.alignment = Font(bold=True), Alignment(wrap_text=True)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
