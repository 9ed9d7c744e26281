"""Whole journeys through the staff page in headless Chromium, each person signed in as themselves, with
no API or CLI step (issue 14). Run by tests/browser/window_driver.py (its SCENARIOS); prints what the
browser saw, including every screen's visible text for the no-internal-code check."""
from __future__ import annotations

from pathlib import Path

WAIT = 15_000
HANDOFF_WAIT = 60_000      # a hand-off reaches the next service by its relay; the list polls every 15 s


def _sign_in(page, base: str, user: str, password: str) -> None:
    page.goto(f"{base}/window/")
    page.fill("#login-user", user)
    page.fill("#login-password", password)
    page.click("#login-submit")
    page.wait_for_selector("#nav:not([hidden])", timeout=WAIT)


def _sign_out(page) -> None:
    page.click("#logout")
    page.wait_for_selector("#view-login:not([hidden])", timeout=WAIT)


def _screen(page, texts: list, name: str) -> None:
    texts.append({"screen": name, "text": page.inner_text("body")})


def _open_from_work_list(page, case_no_prefix: str, texts: list, name: str) -> str:
    page.click("#nav-work")
    row = page.locator(f'#work-table tr[data-case-no^="{case_no_prefix}"]').first
    row.wait_for(timeout=HANDOFF_WAIT)
    _screen(page, texts, f"{name}-work-list")
    case_no = row.get_attribute("data-case-no")
    row.locator("a").click()
    page.wait_for_selector("#view-case:not([hidden]) #c-timeline li", timeout=WAIT)
    page.wait_for_selector("#c-actions button, #c-actions .empty", timeout=WAIT)
    return case_no


def _act(page, event: str, fill, texts: list, shots: Path, name: str) -> None:
    """Open one action's form, fill it as a person would, submit, wait for the case to move on."""
    page.click(f'#c-actions button[data-event="{event}"]')
    page.wait_for_selector("#event-dialog[open]", timeout=WAIT)
    before = page.locator("#c-timeline li").count()
    fill(page.locator("#ev-fields"))
    texts.append({"screen": f"{name}-form", "text": page.inner_text("#event-dialog")})
    page.screenshot(path=str(shots / f"{name}-form.png"))
    page.click("#ev-submit")
    try:
        page.wait_for_selector("#event-dialog", state="hidden", timeout=WAIT)
    except Exception:
        raise AssertionError(f"{event}: {page.inner_text('#ev-error')} | "
                             f"{page.locator('#ev-fields .err').all_inner_texts()}") from None
    page.locator("#c-timeline li").nth(before).wait_for(timeout=WAIT)
    _screen(page, texts, f"{name}-done")


def _download(page, kind: str, shots: Path, name: str) -> tuple[list[str], str]:
    """The case page's documents as listed, and the PDF of one (``kind``) downloaded as 下载电子版 gives it."""
    doc = page.locator(f'#c-documents li[data-document="{kind}"]')
    doc.wait_for(timeout=WAIT)
    listed = page.locator("#c-documents li").all_inner_texts()
    with page.expect_download(timeout=60_000) as download:
        doc.locator("button", has_text="下载电子版").click()
    pdf = shots / f"{name}.pdf"
    download.value.save_as(str(pdf))
    return listed, str(pdf)


def _field(form, name: str):
    return form.locator(f'[data-field="{name}"]').first


def mediation_journey(page, base: str, shots: Path, args: dict) -> dict:
    """clerk registers → router classifies and routes to the township committee → the committee accepts
    (the respondent consented at the committee) and designates the mediator → the mediator records the
    written agreement both parties signed (PML Art 28–29)."""
    seen: dict = {"texts": []}
    texts = seen["texts"]
    pw = args["password"]

    # 1. the window clerk registers the dispute
    _sign_in(page, base, "clerk-01", pw)
    page.wait_for_selector("#view-register:not([hidden])", timeout=WAIT)
    page.select_option("#f-category", "neighbourhood")
    page.fill("#f-summary", "邻居加建围墙占用通道，双方多次争吵")
    page.fill("#f-request", "请求拆除占道围墙，恢复通行")
    page.fill("#f-facts", "2026年10月起，被申请人在两户之间通道加建围墙。")
    applicant, respondent = page.locator("#parties .party").nth(0), page.locator("#parties .party").nth(1)
    applicant.locator('[name="name"]').fill("张三")
    applicant.locator('[name="id_number"]').fill(args["applicant_id"])
    applicant.locator('[name="phone"]').fill("13800138000")
    respondent.locator('[name="name"]').fill("李四")
    respondent.locator('[name="phone"]').fill("13900139000")
    _screen(page, texts, "register")
    page.click("#register-submit")
    page.wait_for_selector("#view-receipt:not([hidden])", timeout=WAIT)
    intake_no = page.inner_text("#r-case-no")
    seen["intake_no"] = intake_no
    seen["query_code"] = page.inner_text("#r-query-code")
    _screen(page, texts, "receipt")
    page.screenshot(path=str(shots / "journey-1-receipt.png"), full_page=True)
    _sign_out(page)

    # 2. the router classifies and routes it to the township committee
    _sign_in(page, base, "router-01", pw)
    _open_from_work_list(page, intake_no, texts, "router")
    seen["router_actions"] = page.locator("#c-actions button").all_inner_texts()
    _act(page, "classify", lambda f: _field(f, "category").locator("select").select_option("neighbourhood"),
         texts, shots, "journey-2-classify")

    def route(f):
        seen["route_org_choices"] = _field(f, "target_org_id").locator("option").all_inner_texts()
        _field(f, "target_org_id").locator("select").select_option(label="暨阳街道人民调解委员会")
        _field(f, "reason").locator("textarea").fill("邻里纠纷，调解先行")
    _act(page, "route_to_mediation", route, texts, shots, "journey-2-route")
    seen["router_status"] = page.inner_text("#c-status")
    page.screenshot(path=str(shots / "journey-2-routed.png"), full_page=True)
    _sign_out(page)

    # 3. the committee accepts (the respondent consented at the committee) and designates a mediator
    _sign_in(page, base, "pmc-01", pw)
    mediation_no = _open_from_work_list(page, "PM-", texts, "committee")
    seen["mediation_no"] = mediation_no
    seen["committee_actions"] = page.locator("#c-actions button").all_inner_texts()
    _act(page, "accept", lambda f: _field(f, "respondent_consented").locator("input").check(),
         texts, shots, "journey-3-accept")

    def assign(f):
        seen["roster"] = _field(f, "mediator_ids").locator("label.check").all_inner_texts()
        _field(f, "mediator_ids").locator("label.check", has_text="陈静").locator("input").check()
        _field(f, "how").locator("select").select_option(label="由人民调解委员会指定")
    _act(page, "assign_mediator", assign, texts, shots, "journey-3-assign")
    seen["committee_status"] = page.inner_text("#c-status")
    _sign_out(page)

    # 4. the mediator records the written agreement both parties signed, and seals it
    _sign_in(page, base, "mediator-01", pw)
    _open_from_work_list(page, mediation_no, texts, "mediator")

    def agreement(f):
        for box in _field(f, "parties").locator("input").all():
            box.check()
        _field(f, "dispute").locator("textarea").fill("被申请人加建围墙占用两户共用通道，双方对通道权属有争议。")
        _field(f, "obligations").locator("textarea").fill("被申请人于十五日内拆除占道围墙，申请人不再追究其他责任。")
        _field(f, "performance_manner").locator("input").fill("被申请人自行拆除，调解员到场见证")
        for part, text in zip(("y", "m", "d"), ("2026", "12", "20")):       # 年 月 日
            _field(f, "performance_deadline").locator(f'input[name="performance_deadline-{part}"]').fill(text)
        for row in _field(f, "signatures").locator(".sig-row").all():
            row.locator("input").check()
        _field(f, "signatures").locator(".sig-row").nth(1).locator("select").select_option(label="按指印")
        _field(f, "mediator_signature").locator("select").select_option(label="陈静")
        _field(f, "committee_seal").locator("input").check()
        seen["agreement_labels"] = f.locator(".field > label, .field label.check").all_inner_texts()
    _act(page, "sign_written_agreement", agreement, texts, shots, "journey-4-agreement")
    seen["final_status"] = page.inner_text("#c-status")
    seen["documents"], seen["agreement_pdf"] = _download(page, "agreement", shots, "journey-4-agreement")
    seen["timeline"] = page.locator("#c-timeline li").all_inner_texts()
    page.screenshot(path=str(shots / "journey-4-agreement-effective.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(shots / "journey-4-mobile.png"), full_page=True)
    seen["mobile_overflow"] = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    page.set_viewport_size({"width": 1280, "height": 800})
    _sign_out(page)

    # 5. the resident looks the case up on a phone and reads where it stands and what they may do
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/lookup?case_no={intake_no}")
    page.fill("#l-code", seen["query_code"])
    page.click("#lookup-submit")
    page.wait_for_selector("#lookup-result:not([hidden])", timeout=WAIT)
    page.locator("#lr-may-do-box:not([hidden])").wait_for(timeout=HANDOFF_WAIT)
    seen["lookup"] = {k: page.inner_text(f"#lr-{k}") for k in ("where", "who", "channel", "may-do", "basis")}
    _screen(page, texts, "resident-lookup")
    page.screenshot(path=str(shots / "journey-5-lookup-mobile.png"), full_page=True)
    seen["lookup_overflow"] = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    return seen


def _ymd(field, y: str, m: str, d: str) -> None:
    name = field.get_attribute("data-field")
    for part, text in zip(("y", "m", "d"), (y, m, d)):
        field.locator(f'input[name="{name}-{part}"]').fill(text)


def _until_status(page, status: str, texts: list, name: str) -> None:
    """The case page as the hand-back lands: read again until the state shows (a positive signal)."""
    for _ in range(40):
        if page.inner_text("#c-status") == status:
            _screen(page, texts, name)
            return
        page.wait_for_timeout(1500)
        page.reload()
        page.wait_for_selector("#view-case:not([hidden]) #c-timeline li", timeout=WAIT)
    raise AssertionError(f"the case never showed {status}: {page.inner_text('#c-status')}")


def court_journey(page, base: str, shots: Path, args: dict) -> dict:
    """The mediation journey up to the written agreement (above), then: the committee records the parties'
    joint application for 司法确认 (PML Art 33; CPL Art 205) → the court's filing officer files the JC case
    (调确字, JC11 Art 4) → the judge confirms the agreement (CPL Art 206) → the mediation case follows →
    the resident reads it at the lookup."""
    seen = mediation_journey(page, base, shots, args)
    texts, pw = seen["texts"], args["password"]
    page.set_viewport_size({"width": 1280, "height": 800})

    # 6. the committee records the joint application both parties signed at its office
    _sign_in(page, base, "pmc-01", pw)
    _open_from_work_list(page, seen["mediation_no"], texts, "court-1-committee")
    seen["committee_actions_after_agreement"] = page.locator("#c-actions button").all_inner_texts()

    def application(f):
        for box in _field(f, "applicants").locator("input").all():
            box.check()
        _field(f, "court_id").locator("select").select_option(label="诸暨市人民法院")
        # the court of a party's domicile (CPL Art 205(2)): the county picked by its name
        _field(f, "jurisdiction_basis").locator("select").select_option(label="当事人住所地基层人民法院")
        seen["county_choices"] = _field(f, "jurisdiction_county").locator("option").all_inner_texts()
        _field(f, "jurisdiction_county").locator("select").select_option(label="浙江省诸暨市")
        act = f.locator("fieldset.party-act")
        act.locator('[data-field="party"] select').select_option(value="1")
        act.locator('[data-field="evidence_kind"] select').select_option(label="书面申请")
        act.locator('[data-field="evidence_ref"] input').fill("司法确认申请书（双方签名）第1号")
    _act(page, "apply_judicial_confirmation", application, texts, shots, "court-1-application")
    seen["after_application"] = page.inner_text("#c-status")
    seen["application_timeline"] = page.locator("#c-timeline li").first.inner_text()
    _sign_out(page)

    # 7. the court's filing officer sees the JC case in the task list and files it
    _sign_in(page, base, "filing-01", pw)
    seen["jc_no"] = _open_from_work_list(page, "JC-", texts, "court-2-filing")
    seen["filing_actions"] = page.locator("#c-actions button").all_inner_texts()
    _act(page, "accept", lambda f: _field(f, "docket_no").locator("input").fill("（2026）浙0681民特118号"),
         texts, shots, "court-2-accept")
    seen["jc_after_filing"] = page.inner_text("#c-status")
    _sign_out(page)

    # 8. the judge hears both parties and confirms the agreement
    _sign_in(page, base, "judge-01", pw)
    _open_from_work_list(page, seen["jc_no"], texts, "court-3-judge")

    def confirm(f):
        _field(f, "ruling_no").locator("input").fill("（2026）浙0681民特118号")
        _field(f, "parties_heard").locator("input").check()
        _ymd(_field(f, "served_on"), "2026", "12", "8")
    _act(page, "confirm", confirm, texts, shots, "court-3-confirm")
    seen["jc_final"] = page.inner_text("#c-status")
    seen["jc_facts"] = page.inner_text("#c-facts")
    seen["jc_timeline"] = page.locator("#c-timeline li").all_inner_texts()
    page.screenshot(path=str(shots / "court-3-confirmed.png"), full_page=True)
    _sign_out(page)

    # 9. the mediation case follows: the committee sees the confirmation on its case
    _sign_in(page, base, "pmc-01", pw)
    page.click("#nav-work")
    page.select_option("#w-scope", "all")              # waiting for the court, not for the committee
    row = page.locator(f'#work-table tr[data-case-no="{seen["mediation_no"]}"]').first
    row.wait_for(timeout=HANDOFF_WAIT)
    row.locator("a").click()
    page.wait_for_selector("#view-case:not([hidden]) #c-timeline li", timeout=WAIT)
    _until_status(page, "履行监督", texts, "court-4-mediation-follows")
    page.wait_for_selector("#c-actions button, #c-actions .empty", timeout=WAIT)
    seen["committee_actions_after_ruling"] = page.locator("#c-actions button").all_inner_texts()
    seen["mediation_after_ruling"] = page.inner_text("#c-status")
    seen["mediation_timeline"] = page.locator("#c-timeline li").all_inner_texts()
    page.screenshot(path=str(shots / "court-4-mediation-follows.png"), full_page=True)
    _sign_out(page)

    # 10. the resident's lookup says the court confirmed the agreement
    page.goto(f"{base}/lookup?case_no={seen['intake_no']}")
    page.fill("#l-code", seen["query_code"])
    page.click("#lookup-submit")
    page.wait_for_selector("#lookup-result:not([hidden])", timeout=WAIT)
    seen["lookup_after_ruling"] = {k: page.inner_text(f"#lr-{k}") for k in ("where", "who", "may-do", "basis")}
    _screen(page, texts, "court-5-lookup")
    page.screenshot(path=str(shots / "court-5-lookup.png"), full_page=True)
    return seen


def recommendation_journey(page, base: str, shots: Path, args: dict) -> dict:
    """The court drafts a 司法建议 in the page (新建案件) → consults the recipient (JSR Art 5) → submits →
    the 审判委员会 approves and the president signs (JSR Art 6-7: ×法建〔年〕×号) → served on the recipient
    organ → the recipient's staff see it in their task list and reply in writing (POL Art 21; JSR Art 8)
    → the court verifies (核实) → closed. The 司法建议书 is printed as PDF."""
    seen: dict = {"texts": []}
    texts, pw = seen["texts"], args["password"]

    # 1. the court's research office drafts it (an opening: no API step)
    _sign_in(page, base, "issuer-02", pw)
    page.click("#nav-new")
    page.locator('a[href="#/new/recommendation/draft"]').click()
    page.wait_for_selector("#new-form:not([hidden])", timeout=WAIT)
    form = page.locator("#new-fields")
    seen["openings"] = page.locator("#new-list li a").all_inner_texts()
    seen["kind_choices"] = _field(form, "kind").locator("option").all_inner_texts()
    _field(form, "kind").locator("select").select_option(label="综合治理类司法建议")
    _field(form, "recipient_org_id").locator("select").select_option(label="诸暨市自然资源和规划局")
    _field(form, "title").locator("input, textarea").first.fill("关于规范农村宅基地审批和加强相邻关系纠纷源头治理的司法建议书")
    _field(form, "problems").locator("textarea").fill("本院审理的多起相邻关系、宅基地纠纷案件中，宅基地审批后未实地放样，建房占用公共通道引发纠纷。")
    _field(form, "recommendations").locator("textarea").fill("一、宅基地审批后实地放样并公示；二、建房期间加强巡查，发现占道及时制止。")
    _field(form, "found_in").locator("textarea, input").first.fill("2026年本院审理的相邻关系纠纷案件")
    _screen(page, texts, "rec-1-draft-form")
    page.screenshot(path=str(shots / "rec-1-draft-form.png"), full_page=True)
    page.click("#new-submit")
    page.wait_for_selector("#view-case:not([hidden]) #c-timeline li", timeout=WAIT)
    page.wait_for_selector("#c-actions button, #c-actions .empty", timeout=WAIT)
    seen["rc_no"] = page.inner_text("#c-no")
    seen["drafted"] = page.inner_text("#c-status")

    # 2. consult the recipient, submit, approve and sign, serve
    def consult(f):
        _field(f, "method").locator("select").select_option(label="座谈会")
        _field(f, "note").locator("textarea").first.fill("与自然资源和规划局座谈，对方对问题无异议。")
    _act(page, "consult_recipient", consult, texts, shots, "rec-2-consult")
    _act(page, "submit", lambda f: None, texts, shots, "rec-2-submit")

    def approve(f):
        _field(f, "approved_by").locator("select").select_option(label="审判委员会")
        _field(f, "meeting_ref").locator("input").fill("审判委员会2026年第12次会议")
        _field(f, "signed_by").locator("input").fill("院长 周明")
        _field(f, "signed_by_president").locator("input").check()
        period = _field(f, "reply_period")
        period.locator('[data-field="amount"] input').fill("2")
        period.locator('[data-field="unit"] select').select_option(label="月")
        seen["unit_choices"] = period.locator('[data-field="unit"] option').all_inner_texts()
    _act(page, "approve_issue", approve, texts, shots, "rec-3-approve")
    seen["issued"] = page.inner_text("#c-status")

    served_on_the_recipient(page, shots, seen, "rec-3")

    # 3. the recipient organ replies in writing; 4. the court verifies and closes
    def reply(f):
        _field(f, "adoption").locator("select").select_option(label="采纳")
        _field(f, "reply").locator("textarea").fill("我局采纳建议，已建立宅基地审批后实地放样和公示制度。")
        _field(f, "measures").locator("input, textarea").first.fill("制定放样公示办法，组织各自然资源所开展占道建房专项巡查。")
        _field(f, "evidence").locator("button.add").click()
        row = _field(f, "evidence").locator(".sub-row").first
        row.locator('[data-field="document_id"] input').fill("诸自然资规〔2026〕31号")
        row.locator('[data-field="title"] input').fill("宅基地审批放样公示办法")
        _field(f, "signed_by").locator("input").fill("局长 陆军")
    return replied_and_verified(page, base, shots, seen, pw, "issuer-02", reply, "实地查看",
                                "实地核查，放样公示制度已执行，未再发现占道建房。", ("rec-4", "rec-5"))


def served_on_the_recipient(page, shots: Path, seen: dict, name: str) -> None:
    """An issued 建议 served in writing on 诸暨市自然资源和规划局 (何平 signs for it); its letter downloaded."""
    def serve(f):
        _field(f, "recipient_org_id").locator("select").select_option(label="诸暨市自然资源和规划局")
        _field(f, "manner").locator("select").select_option(label="书面")
        _field(f, "received_by").locator("input").fill("何平")
    _act(page, "serve", serve, seen["texts"], shots, f"{name}-serve")
    seen["served"] = page.inner_text("#c-status")
    seen["documents"], seen["letter_pdf"] = _download(page, "recommendation", shots, f"{name}-letter")
    page.screenshot(path=str(shots / f"{name}-served.png"), full_page=True)
    _sign_out(page)


def replied_and_verified(page, base: str, shots: Path, seen: dict, pw: str, issuer: str, reply, method: str,
                         findings: str, names: tuple[str, str]) -> dict:
    """A served 建议: the recipient organ (rcpt-01) finds it in its task list and replies in writing (``reply``
    fills the form); the issuer verifies (``method``) and closes it with its ``findings``."""
    texts = seen["texts"]
    _sign_in(page, base, "rcpt-01", pw)
    _open_from_work_list(page, seen["rc_no"], texts, f"{names[0]}-recipient")
    seen["recipient_actions"] = page.locator("#c-actions button").all_inner_texts()
    _act(page, "submit_reply", reply, texts, shots, f"{names[0]}-reply")
    seen["replied"] = page.inner_text("#c-status")
    _sign_out(page)

    _sign_in(page, base, issuer, pw)
    _open_from_work_list(page, seen["rc_no"], texts, f"{names[1]}-issuer")
    _act(page, "verify_implementation", lambda f: _field(f, "method").locator("select").select_option(label=method),
         texts, shots, f"{names[1]}-verify")
    _act(page, "mark_implemented", lambda f: _field(f, "findings").locator("textarea").fill(findings),
         texts, shots, f"{names[1]}-closed")
    seen["final"] = page.inner_text("#c-status")
    seen["timeline"] = page.locator("#c-timeline li").all_inner_texts()
    page.screenshot(path=str(shots / f"{names[1]}-closed.png"), full_page=True)
    return seen


def keyboard_register(page, base: str, shots: Path, args: dict) -> dict:
    """The clerk signs in and registers a claim with the keyboard alone: Tab, arrows, typing, Enter."""
    kb = page.keyboard
    page.goto(f"{base}/window/")
    page.wait_for_selector("#login-user:focus", timeout=WAIT)
    kb.type("clerk-01"); kb.press("Tab"); kb.type(args["password"]); kb.press("Enter")
    page.wait_for_selector("#view-register:not([hidden])", timeout=WAIT)
    focus = lambda: page.evaluate("document.activeElement.name || document.activeElement.id")  # noqa: E731
    order = []

    def tab_to(name: str) -> None:
        for _ in range(30):
            kb.press("Tab")
            order.append(focus())
            if order[-1] == name:
                return
        raise AssertionError(f"Tab never reached {name}: {order}")
    tab_to("category"); kb.press("ArrowDown"); kb.press("ArrowDown")          # 邻里纠纷
    tab_to("summary"); kb.type("楼上漏水损坏天花板")
    tab_to("request"); kb.type("请求赔偿维修费用")
    tab_to("name"); kb.type("王五")
    tab_to("id_number"); kb.type(args["applicant_id"])
    tab_to("phone"); kb.type("13700137000")
    for _ in range(3):                                   # the respondent's block: its own name field
        tab_to("name")
        if page.evaluate("document.activeElement.closest('.party') !== document.querySelector('#parties .party')"):
            break
    kb.type("赵六")
    tab_to("register-submit")
    kb.press("Enter")
    page.wait_for_selector("#view-receipt:not([hidden])", timeout=WAIT)
    page.screenshot(path=str(shots / "keyboard-receipt.png"))
    return {"receipt_no": page.inner_text("#r-case-no"), "category": page.inner_text("#r-category"),
            "applicant": page.inner_text("#r-applicant"), "tab_order": order}


JOURNEYS = {"mediation_journey": mediation_journey, "court_journey": court_journey,
            "recommendation_journey": recommendation_journey, "keyboard_register": keyboard_register}


def _more_journeys() -> dict:        # journeys kept in modules of their own (imported late: they import this one)
    from tests.browser.institution_journeys import committee_intake_journey, procuratorate_recommendation_journey
    from tests.browser.petition_journey import petition_journey
    return {"petition_journey": petition_journey, "committee_intake_journey": committee_intake_journey,
            "procuratorate_recommendation_journey": procuratorate_recommendation_journey}


JOURNEYS.update(_more_journeys())
