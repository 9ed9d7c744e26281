"""The monthly report a centre sends upward (PSR Art 46 ¶2: 分析研究信访情况; Art 62–64: assessment), as an
Excel workbook and as a printable page, both from the same tables: the figures in total, by township, and the
working days per stage."""
from __future__ import annotations

import calendar as months
from datetime import date
from html import escape
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from contracts.legal import basis_text
from services.supervision import figures, figures_sql

# the figures the by-township sheet shows, in order
TOWN_COLUMNS = ("received", "resolved", "resolution_rate", "closed_on_time_rate", "overdue_now", "overdue_ever",
                "mediation_success_rate", "repeat_petition_rate")


def month_period(month: str) -> tuple[date, date]:
    """'2026-10' -> (2026-10-01, 2026-10-31)."""
    year, mon = (int(x) for x in month.split("-"))
    return date(year, mon, 1), date(year, mon, months.monthrange(year, mon)[1])


def ymd(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def title_lines(county_name: str, month: str) -> tuple[str, str]:
    first, last = month_period(month)
    return (f"{county_name}矛盾纠纷多元化解工作月报（{first.year}年{first.month}月）",
            f"统计期间：{ymd(first)}至{ymd(last)}（北京时间）")


def tables(total: dict, towns: list[dict], stage_labels: dict) -> list[dict]:
    """The report's three tables: ``title``, ``header``, ``rows`` and which columns are rates. ``total``:
    figures_sql.compute(...)["total"] (with ``satisfaction``: satisfaction.rate(...), when given);
    ``towns``: its groups by town, each with a ``label``."""
    summary = {"title": "汇总", "header": ["指标", "数值", "分子", "分母", "依据"], "rows": [], "rates": []}
    rows = [(f.label, f.kind, f.basis, total[f.name]) for f in figures_sql.FIGURES]
    if "satisfaction" in total:          # 满意率 from the residents' evaluations (PSR Art 62)
        sat = total["satisfaction"]
        rows.append((sat["label"], sat["kind"], sat["basis"], sat["total"]))
    for label, kind, basis, v in rows:
        summary["rows"].append([label, v["value"], v.get("numerator"), v.get("denominator"),
                                basis_text(basis.split(":")[0]) or basis])
        summary["rates"].append({1} if kind == "rate" else set())
    rate_cols = {i for i, n in enumerate(TOWN_COLUMNS, start=1) if figures.BY_NAME[n].kind == "rate"}
    by_town = {"title": "分乡镇", "header": ["乡镇（街道）", *(figures.BY_NAME[n].label for n in TOWN_COLUMNS)],
               "rows": [[g["label"], *(g["values"][n]["value"] for n in TOWN_COLUMNS)] for g in towns],
               "rates": [rate_cols] * len(towns)}
    stages = {"title": "环节用时", "header": ["案件类型", "环节", "平均工作日", "件数"], "rows": [], "rates": []}
    for key, v in total["stage_days"].items():
        case_type, state = key.split(":", 1)
        stages["rows"].append([stage_labels.get(case_type, case_type), stage_labels.get(key, state), v["value"],
                               v["count"]])
        stages["rates"].append(set())
    return [summary, by_town, stages]


def workbook(county_name: str, month: str, total: dict, towns: list[dict], stage_labels: dict) -> bytes:
    title, period = title_lines(county_name, month)
    wb = Workbook()
    for i, t in enumerate(tables(total, towns, stage_labels)):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = t["title"]
        if i == 0:                      # the summary sheet carries the report's title and period
            ws["A1"], ws["A2"] = title, period
            ws["A1"].font = Font(bold=True, size=14)
            ws.append([])
        ws.append(t["header"])
        for cell in ws[ws.max_row]:
            cell.font, cell.alignment = Font(bold=True), Alignment(wrap_text=True)
        for row, rates in zip(t["rows"], t["rates"]):
            ws.append(row)
            for col in rates:
                ws.cell(ws.max_row, col + 1).number_format = "0.0%"
        ws.column_dimensions["A"].width = 28
    for col, width in zip("BCDE", (10, 8, 8, 28)):
        wb["汇总"].column_dimensions[col].width = width
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(value, rate: bool) -> str:
    if value is None:
        return "—"
    if rate:
        return f"{value * 100:.1f}%"
    return f"{value:g}" if isinstance(value, float) else str(value)


NUMBER = '<td class="n">'


def printable(county_name: str, month: str, total: dict, towns: list[dict], stage_labels: dict) -> str:
    """The same report as a page to print (A4, the tables the workbook holds)."""
    title, period = title_lines(county_name, month)
    out = ["<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">", f"<title>{escape(title)}</title>",
           "<style>@page{size:A4;margin:18mm 15mm}body{font-family:'Noto Sans CJK SC','Noto Sans SC',sans-serif;"
           "font-size:12px;color:#111}h1{font-size:18px;text-align:center;margin:0 0 4px}p.period{text-align:center;"
           "margin:0 0 12px}h2{font-size:14px;margin:16px 0 6px}table{border-collapse:collapse;width:100%}"
           "th,td{border:1px solid #555;padding:3px 5px}td.n{text-align:right}tr{break-inside:avoid}</style>",
           "</head><body>", f"<h1>{escape(title)}</h1>", f"<p class=\"period\">{escape(period)}</p>"]
    for t in tables(total, towns, stage_labels):
        out.append(f"<h2>{escape(t['title'])}</h2><table><thead><tr>")
        out.extend(f"<th>{escape(str(h))}</th>" for h in t["header"])
        out.append("</tr></thead><tbody>")
        for row, rates in zip(t["rows"], t["rates"]):
            cells = [(NUMBER if i and isinstance(v, (int, float)) else "<td>") + escape(_cell(v, i in rates)) + "</td>"
                     for i, v in enumerate(row)]
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out)
