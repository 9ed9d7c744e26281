"""The petition office's whole journey in the staff page (issue 14), no API or CLI step: a letter
registered at the county petition office (新建案件), 交办 to the department with competence, accepted,
handled and answered with a 处理意见书 that is served; the petitioner's request for 复查 recorded by the
office as the petitioner's act with its evidence; the review organ's 复查意见, served; the request for
复核 recorded the same way; the re-review organ's 复核意见 (final), served. The petitioner follows each
stage at the lookup with the code given at registration. Run by tests/browser/window_driver.py."""
from __future__ import annotations

from pathlib import Path

from tests.browser.journeys import HANDOFF_WAIT, WAIT, _act, _download, _field, _screen, _sign_in, _sign_out


def _fill_date(f, name: str, iso: str) -> None:
    for part, text in zip(("y", "m", "d"), iso.split("-")):
        _field(f, name).locator(f'input[name="{name}-{part}"]').fill(text)


def _open_case(page, case_no: str, texts: list, name: str, scope: str = "mine") -> None:
    """From the work list: the user's own tasks, or (scope all) every open case of their body, found by
    its number."""
    page.click("#nav-work")
    page.wait_for_selector("#view-work:not([hidden])", timeout=WAIT)
    if scope != "mine":
        page.select_option("#w-scope", scope)
        page.fill("#w-text", case_no)
        page.locator("#work-filter button[type=submit]").click()
    row = page.locator(f'#work-table tr[data-case-no="{case_no}"]')
    row.wait_for(timeout=HANDOFF_WAIT)
    _screen(page, texts, f"{name}-work-list")
    row.locator("a").click()
    page.wait_for_selector("#view-case:not([hidden]) #c-timeline li", timeout=WAIT)
    page.wait_for_selector("#c-actions button, #c-actions .empty", timeout=WAIT)


def _lookup(page, base: str, case_no: str, code: str, texts: list, shots: Path, name: str, expect: str) -> dict:
    page.goto(f"{base}/lookup?case_no={case_no}")
    page.fill("#l-code", code)
    page.click("#lookup-submit")
    page.wait_for_selector("#lookup-result:not([hidden])", timeout=WAIT)
    page.locator("#lr-where", has_text=expect).wait_for(timeout=WAIT)
    seen = {k: page.inner_text(f"#lr-{k}") for k in ("where", "who", "deadline", "may-do", "basis", "status")}
    seen["milestones"] = page.locator("#lr-milestones li").all_inner_texts()
    _screen(page, texts, name)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    return seen


def _record_for_party(f, reasons: str, ref: str) -> None:
    """Staff record the petitioner's own act: which party, on what evidence (data.party_act)."""
    _field(f, "reasons").locator("textarea").fill(reasons)
    act = f.locator("fieldset.party-act")
    _field(act, "party").locator("select").select_option("1")
    _field(act, "evidence_kind").locator("select").select_option(label="书面申请")
    _field(act, "evidence_ref").locator("input").fill(ref)


def petition_journey(page, base: str, shots: Path, args: dict) -> dict:
    seen: dict = {"texts": [], "lookups": {}}
    texts, pw, today = seen["texts"], args["password"], args["today"]

    # 1. the county petition office registers a letter: 新建案件 → 登记来信来访
    _sign_in(page, base, "xfb-01", pw)
    seen["nav"] = page.locator("#nav a:not([hidden])").all_inner_texts()
    page.click("#nav-new")
    page.wait_for_selector("#new-form:not([hidden])", timeout=WAIT)
    seen["openings"] = page.locator("#new-list li a").all_inner_texts()
    f = page.locator("#new-fields")
    seen["register_labels"] = f.locator(".field > label, .field label.check, legend").all_inner_texts()
    page.click("#new-submit")                                   # nothing filled in: refused in the page
    seen["register_required"] = page.inner_text("#new-error")
    _field(f, "channel").locator("select").first.select_option(label="书信")
    _field(f, "petition_kind").locator("select").select_option(label="申诉求决类")
    _field(f, "category").locator("select").first.select_option(label="征地拆迁")
    _field(f, "summary").locator("textarea").fill("对征收补偿标准有异议，要求重新核定")
    _field(f, "request").locator("textarea").fill("请求按评估价重新核定房屋征收补偿")
    _field(f, "facts").locator("textarea").first.fill("2026年3月收到征收补偿决定，补偿标准明显低于市场评估价。")
    row = _field(f, "parties").locator(".sub-row").first
    _field(row, "role").locator("select").select_option(label="申请人")
    _field(row, "kind").locator("select").select_option(label="自然人")
    _field(row, "name").locator("input").fill("王五")
    _field(row, "id_number").locator("input").fill(args["petitioner_id"])
    _field(row, "phone").locator("input").fill("12")              # a bad phone: the service names the field
    _field(row, "address").locator("input").fill("诸暨市暨阳街道某村12号")
    page.click("#new-submit")
    page.locator("#new-error:not(:empty)").wait_for(timeout=WAIT)
    seen["register_server_error"] = page.inner_text("#new-error")
    seen["register_phone_error"] = _field(row, "phone").locator(".err").inner_text()
    _field(row, "phone").locator("input").fill("13700137000")
    _screen(page, texts, "petition-register")
    page.screenshot(path=str(shots / "petition-1-register.png"), full_page=True)
    page.click("#new-submit")
    page.wait_for_selector("#new-done:not([hidden])", timeout=WAIT)
    case_no, code = page.inner_text("#nd-case-no"), page.inner_text("#nd-query-code")
    seen["case_no"], seen["query_code"] = case_no, code
    _screen(page, texts, "petition-registered")
    page.screenshot(path=str(shots / "petition-1-registered.png"), full_page=True)
    page.click("#nd-open-case")
    page.wait_for_selector("#view-case:not([hidden]) #c-timeline li", timeout=WAIT)
    page.wait_for_selector("#c-actions button", timeout=WAIT)
    seen["office_actions"] = page.locator("#c-actions button").all_inner_texts()

    # 2. 交办 to the department with competence, with the date it reports back (LVR Art 22(3))
    def assign(f):
        seen["assign_choices"] = _field(f, "handler_org_id").locator("option").all_inner_texts()
        _field(f, "handler_org_id").locator("select").select_option(label="诸暨市自然资源和规划局")
        _fill_date(f, "report_due", args["report_due"])
        _field(f, "note").locator("textarea").fill("请依法调查核实并按期报告办理结果")
    _act(page, "assign", assign, texts, shots, "petition-2-assign")
    seen["assigned_status"] = page.inner_text("#c-status")
    seen["documents_after_assign"], seen["assign_notice_pdf"] = _download(page, "petition_transferred", shots,
                                                                          "petition-2-assign-notice")
    page.screenshot(path=str(shots / "petition-2-assigned.png"), full_page=True)
    _sign_out(page)

    # 3. the department's handler finds it in the task list, accepts, investigates, answers, serves
    _sign_in(page, base, "handler-01", pw)
    _open_case(page, case_no, texts, "petition-3-handler")
    seen["handler_actions"] = page.locator("#c-actions button").all_inner_texts()

    def acknowledge(f):
        _field(f, "written_notice_ref").locator("input").fill("诸自然资信告〔2026〕1号")
        _field(f, "notified_how").locator("select").select_option(label="书面")
    _act(page, "acknowledge", acknowledge, texts, shots, "petition-3-acknowledge")
    _act(page, "start_handling", lambda f: _field(f, "handling_basis").locator("select").select_option(
        label="调查核实，出具信访处理意见书"), texts, shots, "petition-3-handle")

    def opinion(f):
        _field(f, "outcome").locator("select").select_option(label="不予支持")
        _field(f, "reasons").locator("textarea").fill("经调查核实，补偿已按评估价核定，符合规定")
        _field(f, "legal_basis").locator("textarea").fill("《国有土地上房屋征收与补偿条例》第十九条")
        _field(f, "document_ref").locator("input").fill("诸自然资信意〔2026〕1号")
    _act(page, "issue_opinion", opinion, texts, shots, "petition-3-opinion")

    def serve(ref):
        def fill(f):
            _fill_date(f, "served_on", today)
            _field(f, "method").locator("select").select_option(label="直接送达")
            _field(f, "receipt_ref").locator("input").fill(ref)
            _field(f, "received_by").locator("input").fill("王五")
        return fill
    _act(page, "serve_opinion", serve("送达回证〔2026〕11号"), texts, shots, "petition-3-serve")
    seen["served_status"] = page.inner_text("#c-status")
    seen["documents_after_opinion"] = page.locator("#c-documents li").all_inner_texts()
    page.screenshot(path=str(shots / "petition-3-served.png"), full_page=True)
    # served: only the petitioner's 复查 request (or its 30 days) moves it on; still in the handler's own list
    page.click("#nav-work")
    row = page.locator(f'#work-table tr[data-case-no="{case_no}"]', has_text="待当事人")   # the list redrawn
    row.wait_for(timeout=WAIT)
    seen["handler_waiting_row"] = row.inner_text()
    _screen(page, texts, "petition-3-handler-waiting")
    page.screenshot(path=str(shots / "petition-3-handler-waiting.png"), full_page=True)
    _sign_out(page)
    seen["lookups"]["opinion"] = _lookup(page, base, case_no, code, texts, shots, "petition-4-lookup-opinion",
                                         "处理意见书已送达")

    # 4. the petitioner asks for 复查 in writing at the petition office; the office records it for them
    _sign_in(page, base, "xfb-01", pw)
    _open_case(page, case_no, texts, "petition-5-office", scope="all")
    seen["office_actions_after_service"] = page.locator("#c-actions button").all_inner_texts()
    _act(page, "request_review", lambda f: _record_for_party(f, "不服处理意见，评估方法有误", "复查申请书（2026）第1号"),
         texts, shots, "petition-5-request-review")
    seen["review_status"] = page.inner_text("#c-status")
    seen["timeline_after_request"] = page.locator("#c-timeline li").first.inner_text()
    _sign_out(page)

    # 5. the review organ (the department's superior, LVR Art 35) answers and serves it
    _sign_in(page, base, "sup-01", pw)
    _open_case(page, case_no, texts, "petition-6-review")

    def review(ref):
        def fill(f):
            _field(f, "outcome").locator("select").select_option(label="不予支持")
            _field(f, "upholds_original").locator("input").check()
            _field(f, "reasons").locator("textarea").fill("原处理意见认定事实清楚，适用依据正确")
            _field(f, "written_reply_ref").locator("input").fill(ref)
        return fill
    _act(page, "issue_review", review("诸政信复查〔2026〕1号"), texts, shots, "petition-6-issue-review")
    _act(page, "serve_review", serve("送达回证〔2026〕12号"), texts, shots, "petition-6-serve-review")
    seen["review_served_status"] = page.inner_text("#c-status")
    _sign_out(page)
    seen["lookups"]["review"] = _lookup(page, base, case_no, code, texts, shots, "petition-7-lookup-review",
                                        "复查意见已送达")

    # 6. the request for 复核, recorded the same way; the re-review organ's final answer, served
    _sign_in(page, base, "xfb-01", pw)
    _open_case(page, case_no, texts, "petition-8-office", scope="all")
    _act(page, "request_recheck", lambda f: _record_for_party(f, "不服复查意见", "复核申请书（2026）第1号"),
         texts, shots, "petition-8-request-recheck")
    _sign_out(page)
    _sign_in(page, base, "sup-02", pw)
    _open_case(page, case_no, texts, "petition-9-recheck")
    _act(page, "issue_recheck", review("绍政信复核〔2026〕1号"), texts, shots, "petition-9-issue-recheck")
    _act(page, "serve_recheck", serve("送达回证〔2026〕13号"), texts, shots, "petition-9-serve-recheck")
    seen["final_status"] = page.inner_text("#c-status")
    seen["final_documents"] = page.locator("#c-documents li").all_inner_texts()
    seen["final_timeline"] = page.locator("#c-timeline li").all_inner_texts()
    page.screenshot(path=str(shots / "petition-9-final.png"), full_page=True)
    _sign_out(page)
    page.set_viewport_size({"width": 390, "height": 844})
    seen["lookups"]["final"] = _lookup(page, base, case_no, code, texts, shots, "petition-10-lookup-final",
                                       "办理终结")
    seen["lookup_overflow"] = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    return seen
