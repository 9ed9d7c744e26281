"""Short journeys of two institutions in the staff page, each person signed in as themselves (issue 14):
the procuratorate's 检察建议 from draft to verified reply, and a people's mediation committee registering
an application brought to it (its own intake). Helpers from tests/browser/journeys.py."""
from __future__ import annotations

from pathlib import Path

from tests.browser.journeys import (WAIT, _act, _field, _open_from_work_list, _screen, _sign_in,
                                    replied_and_verified, served_on_the_recipient)


def _open(page, service: str, command: str, texts: list, name: str):
    """新建案件 → one opening's form; returns the form."""
    page.click("#nav-new")
    page.locator(f'a[href="#/new/{service}/{command}"]').click()
    page.wait_for_selector("#new-form:not([hidden])", timeout=WAIT)
    texts.append({"screen": f"{name}-openings", "text": page.inner_text("#view-new")})
    return page.locator("#new-fields")


def _submit_opening(page, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}-form.png"), full_page=True)
    page.click("#new-submit")
    try:
        page.wait_for_selector("#view-case:not([hidden]) #c-timeline li", timeout=WAIT)
    except Exception:
        raise AssertionError(f"{name}: {page.inner_text('#new-error')}") from None
    page.wait_for_selector("#c-actions button, #c-actions .empty", timeout=WAIT)


def procuratorate_recommendation_journey(page, base: str, shots: Path, args: dict) -> dict:
    """The procuratorate drafts a 社会治理检察建议 (新建案件) → submits → the 检察长 approves (×检建〔年〕×号)
    → served on the recipient organ → its staff reply in writing (PRR Art 18-20; POL Art 21) → the
    procuratorate verifies and closes it."""
    seen: dict = {"texts": []}
    texts, pw = seen["texts"], args["password"]

    _sign_in(page, base, "issuer-01", pw)
    form = _open(page, "recommendation", "draft", texts, "proc-1")
    seen["kind_choices"] = _field(form, "kind").locator("option").all_inner_texts()
    _field(form, "kind").locator("select").select_option(label="社会治理检察建议")
    _field(form, "recipient_org_id").locator("select").select_option(label="诸暨市自然资源和规划局")
    _field(form, "title").locator("input").fill("关于加强农村宅基地审批监管的检察建议书")
    _field(form, "problems").locator("textarea").fill("本院办理的多起非法占地案件中，宅基地审批后缺少实地核查。")
    _field(form, "recommendations").locator("textarea").fill("一、建立审批后实地核查制度；二、加强巡查，及时制止违法占地。")
    _field(form, "found_in").locator("textarea").fill("2026年本院办理的非法占用农用地案件")
    _screen(page, texts, "proc-1-draft-form")
    _submit_opening(page, shots, "proc-1-draft")
    seen["rc_no"], seen["drafted"] = page.inner_text("#c-no"), page.inner_text("#c-status")

    _act(page, "submit", lambda f: None, texts, shots, "proc-2-submit")

    def approve(f):
        seen["approver_choices"] = _field(f, "approved_by").locator("option").all_inner_texts()
        _field(f, "approved_by").locator("select").select_option(label="检察长")
        _field(f, "signed_by").locator("input").fill("检察长 钱明")
    _act(page, "approve_issue", approve, texts, shots, "proc-2-approve")
    seen["issued"] = page.inner_text("#c-status")

    served_on_the_recipient(page, shots, seen, "proc-2")

    def reply(f):
        _field(f, "adoption").locator("select").select_option(label="采纳")
        _field(f, "reply").locator("textarea").fill("我局采纳建议，已建立宅基地审批后实地核查制度。")
        _field(f, "measures").locator("input, textarea").first.fill("制定审批后实地核查办法，开展违法占地专项巡查。")
        _field(f, "evidence").locator("button.add").click()          # PSR Art 61 ¶2: proof of what was done
        row = _field(f, "evidence").locator(".sub-row").first
        row.locator('[data-field="document_id"] input').fill("诸自然资发〔2026〕45号")
        row.locator('[data-field="title"] input').fill("宅基地审批后实地核查办法")
        _field(f, "signed_by").locator("input").fill("局长 陆军")
    return replied_and_verified(page, base, shots, seen, pw, "issuer-01", reply, "查阅资料",
                                "查阅核查记录，审批后实地核查制度已执行。", ("proc-3", "proc-4"))


def committee_intake_journey(page, base: str, shots: Path, args: dict) -> dict:
    """A resident applies at the township committee itself (PML Art 17): its staff register the written
    application for the applicant (新建案件 → 人民调解申请, with the evidence), find it in their list and
    accept it, the respondent having agreed at the committee."""
    seen: dict = {"texts": []}
    texts, pw = seen["texts"], args["password"]

    _sign_in(page, base, "pmc-01", pw)
    form = _open(page, "mediation", "apply", texts, "pmc-1")
    seen["openings"] = page.locator("#new-list li a").all_inner_texts()
    seen["labels"] = form.locator(".field > label, .field label.check, legend").all_inner_texts()
    _field(form, "category").locator("select").first.select_option(label="邻里纠纷")
    _field(form, "summary").locator("textarea").fill("楼上装修漏水，损坏楼下天花板")
    _field(form, "request").locator("textarea").fill("请求赔偿维修费用三千元")
    parties = _field(form, "parties")
    if parties.locator(".sub-row").count() < 2:
        parties.locator("button.add").click()
    for row, (role, name, phone) in zip(parties.locator(".sub-row").all(),
                                        (("申请人", "钱七", "13600136000"), ("被申请人", "孙八", "13500135000"))):
        _field(row, "role").locator("select").select_option(label=role)
        _field(row, "kind").locator("select").select_option(label="自然人")
        _field(row, "name").locator("input").fill(name)
        _field(row, "phone").locator("input").fill(phone)
    first = parties.locator(".sub-row").first
    _field(first, "id_number").locator("input").fill(args["applicant_id"])
    act = _field(form, "party_act")                                  # 代当事人记录
    _field(act, "party").locator("input").fill("1")                 # no parties on record yet: by its number
    _field(act, "evidence_kind").locator("select").select_option(label="书面申请")
    _field(act, "evidence_ref").locator("input").fill("调解申请书（2026）第9号")
    _screen(page, texts, "pmc-1-apply-form")
    _submit_opening(page, shots, "pmc-1-apply")
    seen["pm_no"], seen["registered"] = page.inner_text("#c-no"), page.inner_text("#c-status")
    seen["first_timeline"] = page.locator("#c-timeline li").first.inner_text()

    seen["pm_no_in_list"] = _open_from_work_list(page, seen["pm_no"], texts, "pmc-2-list")
    page.locator('#c-actions button[data-event="accept"]').wait_for(timeout=WAIT)     # drawn for this case
    seen["actions"] = page.wait_for_function(   # the buttons' words read in one step, once drawn
        "() => { const t = [...document.querySelectorAll('#c-actions button')].map(b => b.innerText);"
        " return t.length > 0 && t; }", timeout=WAIT).json_value()
    _act(page, "accept", lambda f: _field(f, "respondent_consented").locator("input").check(),
         texts, shots, "pmc-2-accept")
    seen["accepted"] = page.inner_text("#c-status")
    page.screenshot(path=str(shots / "pmc-2-accepted.png"), full_page=True)
    return seen
