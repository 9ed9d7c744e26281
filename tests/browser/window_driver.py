"""Drives the gateway's web pages in headless Chromium (Playwright, Debian's /usr/bin/chromium) and
prints what it saw as JSON, for tests/browser/test_window_pages.py.

It runs as its own plain Python process: the tests run under ``nameko test``, whose eventlet
monkey-patching stalls Playwright's asyncio driver, so the browser is driven from here while the
services answer from the test process.

    python -m tests.browser.window_driver SCENARIO BASE_URL SHOTS_DIR '{"arg": ...}'
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
WAIT = 15_000   # ms


def sign_in(page, base: str, user: str, password: str) -> None:
    page.goto(f"{base}/window/")
    page.fill("#login-user", user)
    page.fill("#login-password", password)
    page.click("#login-submit")
    page.wait_for_selector("#nav:not([hidden])", timeout=WAIT)


def window(page, base: str, shots: Path, args: dict) -> dict:
    seen: dict = {}
    posted = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" and r.url.endswith("/api/intake/cases") else None)
    sign_in(page, base, args["user"], args["password"])
    page.wait_for_selector("#view-register:not([hidden])", timeout=WAIT)
    seen["who"] = page.inner_text("#who-name")

    # the claim, with a bad ID number typed as a clerk would
    page.select_option("#f-category", "neighbourhood")
    page.fill("#f-summary", "邻居加建围墙占用通道，双方多次争吵")
    page.fill("#f-request", "请求拆除占道围墙，恢复通行")
    page.fill("#f-facts", "2026年10月起，被申请人在两户之间通道加建围墙。")
    applicant = page.locator("#parties .party").nth(0)
    respondent = page.locator("#parties .party").nth(1)
    applicant.locator('[name="name"]').fill("张三")
    applicant.locator('[name="id_number"]').press_sequentially(args["bad_id"], delay=15)
    seen["id_error_while_typing"] = applicant.locator('.err[data-for="id_number"]').inner_text()
    seen["id_invalid_attr"] = applicant.locator('[name="id_number"]').get_attribute("aria-invalid")
    respondent.locator('[name="name"]').fill("李四")
    respondent.locator('[name="phone"]').fill("1380013800")
    respondent.locator('[name="phone"]').blur()
    seen["phone_error"] = respondent.locator('.err[data-for="phone"]').inner_text()
    page.screenshot(path=str(shots / "register-bad-id.png"), full_page=True)
    page.click("#register-submit")
    seen["submit_refused"] = page.inner_text("#register-error")
    seen["posted_while_invalid"] = len(posted)

    # fix both, submit, get the receipt
    applicant.locator('[name="id_number"]').fill(args["good_id"])
    applicant.locator('[name="id_number"]').blur()
    seen["id_error_after_fix"] = applicant.locator('.err[data-for="id_number"]').inner_text()
    respondent.locator('[name="phone"]').fill("13800138000")
    respondent.locator('[name="phone"]').blur()
    seen["phone_error_after_fix"] = respondent.locator('.err[data-for="phone"]').inner_text()
    page.click("#register-submit")
    page.wait_for_selector("#view-receipt:not([hidden])", timeout=WAIT)
    seen["posted"] = len(posted)
    seen["receipt"] = {k: page.inner_text(f"#r-{k}") for k in ("case-no", "query-code", "applicant", "category",
                                                               "org", "clerk", "deadlines")}
    page.screenshot(path=str(shots / "receipt.png"), full_page=True)

    # print: the button calls window.print(); under print media only the receipt shows
    page.evaluate("() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; }")
    page.click("#print-receipt")
    seen["print_calls"] = page.evaluate("window.__printed || 0")
    page.emulate_media(media="print")
    seen["print_visible"] = {"receipt": page.is_visible("#receipt"), "topbar": page.is_visible(".topbar"),
                             "print_button": page.is_visible("#print-receipt")}
    pdf = page.pdf(format="A4")
    (shots / "receipt.pdf").write_bytes(pdf)
    seen["pdf_bytes"] = len(pdf)
    seen["pdf_pages"] = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    page.screenshot(path=str(shots / "receipt-print.png"), full_page=True)
    page.emulate_media(media="screen")

    # the work list of the clerk's organisation
    case_no = seen["receipt"]["case-no"]
    page.click("#nav-work")
    row = page.locator(f'#work-table tr[data-case-no="{case_no}"]')
    row.wait_for(timeout=WAIT)
    seen["row"] = row.inner_text()
    seen["row_clock_classes"] = row.locator(".clock").first.get_attribute("class")
    page.screenshot(path=str(shots / "work-list.png"))

    # the case page: timeline, linked cases, the events this role may fire
    row.locator("a").click()
    page.wait_for_selector("#view-case:not([hidden]) #c-timeline li", timeout=WAIT)
    page.wait_for_selector("#c-actions button, #c-actions .empty", timeout=WAIT)
    seen["case_heading"] = page.inner_text("#c-no")
    seen["status_before"] = page.inner_text("#c-status")
    seen["timeline_before"] = page.locator("#c-timeline li").all_inner_texts()
    seen["actions"] = page.locator("#c-actions button").evaluate_all("els => els.map(e => e.dataset.event)")
    seen["links_text"] = page.inner_text("#c-links")
    seen["verify"] = page.inner_text("#c-verify")

    page.click('#c-actions button[data-event="answer_on_spot"]')
    page.wait_for_selector("#event-dialog[open]", timeout=WAIT)
    seen["dialog_fields"] = page.locator("#ev-fields [name]").evaluate_all("els => els.map(e => e.name)")
    page.click("#ev-submit")                                   # nothing filled in: required fields refused
    seen["dialog_required_error"] = page.inner_text('#ev-fields .err[data-for="answer"]')
    page.select_option('#ev-fields [name="kind"]', "consultation")
    page.fill('#ev-fields [name="answer"]', "已当场解答相邻通行的法律规定（民法典第291条）")
    page.click("#ev-submit")
    page.locator("#c-timeline li").nth(1).wait_for(timeout=WAIT)     # (the page's CSP forbids eval'd waits)
    page.wait_for_selector("#event-dialog", state="hidden", timeout=WAIT)
    seen["status_after"] = page.inner_text("#c-status")
    seen["timeline_after"] = page.locator("#c-timeline li").all_inner_texts()
    seen["actions_after"] = page.locator("#c-actions button").evaluate_all("els => els.map(e => e.dataset.event)")
    page.screenshot(path=str(shots / "case-page.png"), full_page=True)

    # issue 14: the resident lost the query code: a new one, on a reprinted receipt with the QR code
    page.click('#c-actions button[data-event="reissue_query_code"]')
    page.wait_for_selector("#event-dialog[open]", timeout=WAIT)
    seen["reissue_fields"] = page.locator("#ev-fields [name]").evaluate_all("els => els.map(e => e.name)")
    page.select_option('#ev-fields [name="reissue_reason"]', "lost")
    page.click("#ev-submit")
    page.wait_for_selector("#view-receipt:not([hidden]) #r-qr svg", timeout=WAIT)
    seen["reissued_code"] = page.inner_text("#r-query-code")
    seen["reissued_case_no"] = page.inner_text("#r-case-no")
    page.screenshot(path=str(shots / "receipt-reissued.png"), full_page=True)
    return seen


def worklist(page, base: str, shots: Path, args: dict) -> dict:
    sign_in(page, base, args["user"], args["password"])
    page.click("#nav-work")
    page.wait_for_selector("#work-table tbody tr[data-case-no]", timeout=WAIT)
    rows = {}
    for case_no in args["case_nos"]:
        badge = page.locator(f'#work-table tr[data-case-no="{case_no}"] .clock').first
        rows[case_no] = {"class": badge.get_attribute("class"), "text": badge.inner_text(),
                         "background": badge.evaluate("e => getComputedStyle(e).backgroundColor"),
                         "row_class": page.locator(f'#work-table tr[data-case-no="{case_no}"]').get_attribute("class")}
    page.screenshot(path=str(shots / "work-list-clocks.png"))
    page.click("#nav-overdue")
    page.locator("#work-title", has_text="超期督办").wait_for(timeout=WAIT)
    page.wait_for_selector("#work-table tbody tr", timeout=WAIT)
    overdue = page.locator("#work-table tbody tr[data-case-no]").evaluate_all("els => els.map(e => e.dataset.caseNo)")
    return {"rows": rows, "overdue_list": overdue}


def lookup(page, base: str, shots: Path, args: dict) -> dict:
    seen: dict = {}
    page.goto(f"{base}/lookup")
    page.fill("#l-case-no", args["case_no"])
    page.fill("#l-code", "WRONG9")
    page.click("#lookup-submit")
    page.locator("#lookup-error:not(:empty)").wait_for(timeout=WAIT)
    seen["wrong_error"] = page.inner_text("#lookup-error")
    seen["wrong_result_visible"] = page.is_visible("#lookup-result")
    page.screenshot(path=str(shots / "lookup-wrong.png"))
    page.fill("#l-code", args["query_code"].lower())          # residents may type it in lower case
    page.click("#lookup-submit")
    page.wait_for_selector("#lookup-result:not([hidden])", timeout=WAIT)
    seen["error_after"] = page.inner_text("#lookup-error")
    seen["status"] = page.inner_text("#lr-status")
    seen["channel"] = page.inner_text("#lr-channel")
    seen["deadline"] = page.inner_text("#lr-deadline")
    seen["milestones"] = page.locator("#lr-milestones li").all_inner_texts()
    seen["page_text"] = page.inner_text("body")
    page.screenshot(path=str(shots / "lookup.png"), full_page=True)
    return seen


def dashboard(page, base: str, shots: Path, args: dict) -> dict:
    """The director's dashboard: sign in, the period's figures and charts, a drill-down from a number."""
    seen: dict = {}
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(f"{base}/supervision/?from={args['from']}&to={args['to']}")
    page.fill("#login-user", args["user"])
    page.fill("#login-password", args["password"])
    page.click("#login-submit")
    page.wait_for_selector("#card-received .v", timeout=WAIT)
    page.wait_for_selector("#chart-groups canvas", timeout=WAIT)
    page.wait_for_selector("#chart-routes canvas", timeout=WAIT)
    page.wait_for_selector("#warnings li", timeout=WAIT)        # (wait_for_function would need eval: CSP)
    seen["cards"] = {el.get_attribute("id")[5:]: el.locator(".v").inner_text()
                     for el in page.locator("#cards .fig").all()}
    seen["charts"] = page.evaluate("""() => ['chart-groups', 'chart-routes'].map(id => {
        const c = document.querySelector('#' + id + ' canvas'); return c ? [c.width, c.height] : null; })""")
    seen["chart_series"] = page.evaluate("""() => echarts.getInstanceByDom(document.getElementById('chart-groups'))
        .getOption().series.map(s => [s.name, s.data])""")
    seen["groups"] = [[c.inner_text() for c in row.locator("td").all()] for row in page.locator("#groups tr").all()[1:]]
    seen["warnings"] = [li.inner_text() for li in page.locator("#warnings li").all()]
    page.screenshot(path=str(shots / "dashboard.png"), full_page=True)
    page.click("#card-closed_on_time_rate button")
    page.wait_for_selector("#drill:not([hidden])", timeout=WAIT)
    seen["drill_title"] = page.inner_text("#drill-title")
    seen["drill_cases"] = [row.locator("td").first.inner_text() for row in page.locator("#drill-table tr").all()[1:]]
    page.locator("#groups button[data-figure='mediation_success_rate']").first.click()
    page.wait_for_selector("#drill-title:has-text('人民调解成功率')", timeout=WAIT)
    seen["group_drill_title"] = page.inner_text("#drill-title")
    seen["group_drill_cases"] = [row.locator("td").first.inner_text() for row in page.locator("#drill-table tr").all()[1:]]
    page.screenshot(path=str(shots / "dashboard-drill-down.png"), full_page=True)
    seen["period"] = [page.input_value("#p-from"), page.input_value("#p-to")]
    seen["drill_rows"] = [[c.inner_text() for c in row.locator("td").all()] for row in page.locator("#drill-table tr").all()[1:]]
    page.locator("#warnings button[data-rule]").first.click()             # a warning's cases
    page.wait_for_selector("#drill-title:has-text('预警')", timeout=WAIT)
    seen["warning_drill_title"] = page.inner_text("#drill-title")
    seen["warning_drill_cases"] = [row.locator("td").first.inner_text() for row in page.locator("#drill-table tr").all()[1:]]
    seen["warning_tasks"] = page.locator("#warning-tasks li").all_inner_texts()
    seen["page_text"] = page.inner_text("body")
    page.fill("#p-from", "2026年10月1日")                            # typed as people write it
    page.fill("#p-to", "2026年2月30日")                              # no such day
    page.click("#p-submit")
    page.locator("#board-error:not(:empty)").wait_for(timeout=WAIT)
    seen["bad_date_error"] = page.inner_text("#board-error")
    page.fill("#p-to", "2026年10月31日")
    page.click("#p-submit")
    page.wait_for_selector("#board-error:empty", state="attached", timeout=WAIT)
    page.wait_for_selector("#card-received .v", timeout=WAIT)
    seen["period_after"] = [page.input_value("#p-from"), page.input_value("#p-to")]
    if args.get("warning"):         # opened from a 预警处置 task's link: the warning's cases at once
        page.goto(f"{base}/supervision/?{args['warning']}")
        page.wait_for_selector("#drill:not([hidden])", timeout=WAIT)
        seen["linked_drill_title"] = page.inner_text("#drill-title")
        seen["linked_drill_cases"] = [row.locator("td").first.inner_text() for row in page.locator("#drill-table tr").all()[1:]]
    return seen


def evaluation(page, base: str, shots: Path, args: dict) -> dict:
    """The resident evaluates a closed case from the lookup page: 不满意 needs a reason; a second
    evaluation (after looking the case up again) is refused in plain words."""
    seen: dict = {}
    page.set_viewport_size({"width": 390, "height": 844})           # a phone
    page.goto(f"{base}/lookup?case_no={args['case_no']}")
    page.fill("#l-code", args["query_code"])
    page.click("#lookup-submit")
    page.wait_for_selector("#evaluation:not([hidden])", timeout=WAIT)
    page.check("#evaluation-form input[value=dissatisfied]")
    page.click("#evaluation-submit")
    page.locator("#evaluation-error:not(:empty)").wait_for(timeout=WAIT)
    seen["no_reason_error"] = page.inner_text("#evaluation-error")
    page.fill("#ev-reason", args["reason"])
    page.screenshot(path=str(shots / "evaluation-form.png"), full_page=True)
    page.click("#evaluation-submit")
    page.wait_for_selector("#evaluation-done:not([hidden])", timeout=WAIT)
    seen["done"] = page.inner_text("#evaluation-done")
    seen["form_visible_after"] = page.is_visible("#evaluation-form")
    page.screenshot(path=str(shots / "evaluation-done.png"), full_page=True)
    page.click("#lookup-submit")                                    # looked up again: the form is back
    page.wait_for_selector("#evaluation-form:not([hidden])", timeout=WAIT)
    page.check("#evaluation-form input[value=satisfied]")
    page.click("#evaluation-submit")
    page.locator("#evaluation-error:not(:empty)").wait_for(timeout=WAIT)
    seen["second_error"] = page.inner_text("#evaluation-error")
    seen["page_text"] = page.inner_text("body")
    return seen


SCENARIOS = {"window": window, "worklist": worklist, "lookup": lookup, "dashboard": dashboard, "evaluation": evaluation}


def _journeys() -> dict:
    from tests.browser.journeys import JOURNEYS
    return JOURNEYS



def main(argv: list[str]) -> int:
    scenario, base, shots, args = argv[0], argv[1], Path(argv[2]), json.loads(argv[3])
    shots.mkdir(parents=True, exist_ok=True)
    console: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN",
                                    timezone_id="Asia/Shanghai")
            page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type == "error" else None)
            try:
                seen = {**SCENARIOS, **_journeys()}[scenario](page, base, shots, args)
            except Exception as exc:
                page.screenshot(path=str(shots / f"{scenario}-failure.png"), full_page=True)
                print(json.dumps({"failed": f"{type(exc).__name__}: {exc}", "console": console}, ensure_ascii=False))
                return 1
        finally:
            browser.close()
    print(json.dumps({**seen, "console": console}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
