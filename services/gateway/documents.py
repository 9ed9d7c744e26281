"""Statutory documents generated from a case, as printable HTML (A4 print CSS) and as PDF through
Chromium's print-to-PDF (issue 14).

Each document is a pure function of the case as ``get_case`` answers it (parties whole for the owning
organisation) and the organisation directory: it fills in what the article requires the document to
carry, cites it, and leaves the signature and seal places. The gateway serves them to staff at
``/api/{service}/cases/{case_id}/documents[/{kind}[?format=pdf]]``.
"""
from __future__ import annotations

import hashlib
import html
import logging
import os
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Callable
from urllib.parse import quote

import segno

from contracts import enums
from contracts.errors import JiefenError
from contracts.labels import FIELD_CHOICES, choice_label
from contracts.legal import basis_text
from contracts.mediation import FAILURE_GROUNDS
from services.gateway.http import route

log = logging.getLogger(__name__)
CHROMIUM = os.environ.get("JIEFEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer"]

CSS = """
@page { size: A4; margin: 25mm 22mm; }
body { font: 16px/1.9 "Noto Serif CJK SC", "Songti SC", "SimSun", serif; color: #000; margin: 0; }
main { max-width: 170mm; margin: 0 auto; padding: 12mm 0; }
h1 { text-align: center; font-size: 26px; letter-spacing: 6px; margin: 0 0 4px; }
.no { text-align: center; margin: 0 0 18px; }
h2 { font-size: 17px; margin: 16px 0 4px; }
p { margin: 4px 0; text-indent: 2em; } p.flat { text-indent: 0; }
table { width: 100%; border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #000; padding: 4px 8px; text-align: left; vertical-align: top; font-weight: normal; }
th { width: 26%; }
.sign { margin-top: 28px; display: grid; grid-template-columns: 1fr 1fr; gap: 18px 24px; }
.seal { text-align: right; margin-top: 36px; } .seal span { display: block; }
.basis { font-size: 13px; margin-top: 24px; border-top: 1px solid #000; padding-top: 6px; text-indent: 0; }
.qr { float: right; margin: 0 0 8px 12px; text-align: center; font-size: 12px; }
@media print { main { padding: 0; } }
"""


@dataclass(frozen=True)
class Document:
    kind: str
    title: str
    service: str
    available: Callable[[dict], bool]
    body: Callable[[dict, "Context"], str]
    basis: str


@dataclass
class Context:
    org_name: Callable[[str | None], str]
    user_name: Callable[[str | None], str]
    lookup_url: str
    today: date


def e(value) -> str:
    return html.escape(str(value if value is not None else ""))


def ymd(value) -> str:
    if not value:
        return "　　年　　月　　日"
    try:
        d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return e(value)
    return f"{d.year}年{d.month}月{d.day}日"


def _parties_table(case: dict, numbers: list[int] | None = None) -> str:
    rows = []
    for i, p in enumerate(case.get("parties") or [], start=1):
        if numbers and i not in numbers:
            continue
        who = enums.PARTY_ROLES.get(p.get("role"), "当事人")
        ident = "统一社会信用代码" if p.get("kind") == "organisation" else "身份证号码"
        rows.append(f"<tr><th>{e(who)}（第{i}位）</th><td>{e(p.get('name'))}；{ident}：{e(p.get('id_number') or '—')}；"
                    f"住址：{e(p.get('address') or '—')}；联系电话：{e(p.get('phone') or '—')}</td></tr>")
    return f"<table>{''.join(rows)}</table>"


def _data(case: dict) -> dict:
    return case.get("data") or {}


# -- 人民调解协议书 (PML Art 28–29; LDL Art 14; MDR Art 39) ---------------------------------------------
def _agreement(case: dict, ctx: Context) -> str:
    a = _data(case).get("agreement") or {}
    sig = {s.get("party"): FIELD_CHOICES.get("form", {}).get(s.get("form")) or choice_label("form", s.get("form"))
           for s in a.get("signatures") or []}
    signs = "".join(f"<div>当事人（第{i}位）：{e(p.get('name'))}　{e(sig.get(i) or '签名/盖章/按指印')}：＿＿＿＿</div>"
                    for i, p in enumerate(case.get("parties") or [], start=1))
    return f"""
<h2>一、当事人基本情况</h2>{_parties_table(case, a.get('parties'))}
<h2>二、纠纷的主要事实、争议事项以及各方当事人的责任</h2><p>{e(a.get('dispute'))}</p>
<h2>三、当事人达成调解协议的内容</h2><p>{e(a.get('obligations'))}</p>
<h2>四、履行方式、期限</h2><p>履行方式：{e(a.get('performance_manner'))}。</p><p>履行期限：{ymd(a.get('performance_deadline'))}前履行完毕。</p>
<p>本协议书自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。本协议书一式{len(case.get('parties') or []) + 1}份，
当事人各执一份，人民调解委员会留存一份。当事人认为有必要的，可以自调解协议生效之日起三十日内共同向人民法院申请司法确认。</p>
<div class="sign">{signs}<div>人民调解员：{e(ctx.user_name(a.get('mediator_signature')))}（签名）</div></div>
<div class="seal"><span>{e(ctx.org_name(case.get('org_id')))}（印章）</span><span>{ymd(a.get('effective_at'))}</span></div>"""


# -- 终止调解告知书 (PML Art 26; NB Art 23) ----------------------------------------------------------------
def _termination(case: dict, ctx: Context) -> str:
    t = _data(case).get("termination") or {}
    ground = (FAILURE_GROUNDS.get(t.get("ground")) or choice_label("ground", t.get("ground"))
              or {"party_withdrew": "当事人要求终止调解"}.get(t.get("ground"), "依法终止调解"))
    channels = "；".join(t.get("channels_told_labels") or []) or "向人民法院提起诉讼"
    names = "、".join(p.get("name", "") for p in case.get("parties") or [])
    return f"""
<p class="flat">{e(names)}：</p>
<p>你们之间的{e(enums.CATEGORIES.get(case.get('category'), '民间纠纷'))}（{e(case.get('summary'))}），经本委员会调解，因{e(ground)}，
现决定终止调解。</p>
<p>依据《人民调解法》第二十六条，你们可以依法通过下列途径维护自己的权利：{e(channels)}。</p>
<div class="seal"><span>{e(ctx.org_name(case.get('org_id')))}（印章）</span><span>{ymd(t.get('at') or ctx.today)}</span></div>"""


# -- 督办通知 (浙江省平安建设条例 Art 60, 65) -----------------------------------------------------------------
def _supervision(case: dict, ctx: Context) -> str:
    late = [c for c in case.get("clocks") or [] if c.get("overdue")] or [c for c in case.get("deadlines") or []]
    rows = "".join(f"<tr><th>{e(c.get('label'))}</th><td>应于{ymd(c.get('due_date'))}前办结"
                   f"{'，已超期' if c.get('overdue') else ''}（依据：{e(basis_text(c.get('basis')) or '有关规定')}）</td></tr>"
                   for c in late)
    return f"""
<p class="flat">{e(ctx.org_name(case.get('org_id')))}：</p>
<p>你单位承办的{e(case.get('case_no'))}号案件（{e(case.get('summary'))}），现处于“{e(case.get('status_label'))}”阶段，
有下列期限需要督办：</p><table>{rows or '<tr><td>无进行中的期限</td></tr>'}</table>
<p>请于收到本通知后依法抓紧办理，并将办理结果书面报告本中心。</p>
<div class="seal"><span>平安建设组织协调机构（督办）（印章）</span><span>{ymd(ctx.today)}</span></div>"""


# -- 司法建议书 / 检察建议书 (JSR Art 6–8; PRR) -------------------------------------------------------------
def _recommendation(case: dict, ctx: Context) -> str:
    # as the recommendation service stores a draft (services/recommendation/casetype.py draft): the title as
    # the case's summary, the problems as its facts, the recommendations as its request, the recipient's ref
    d = _data(case)
    letter = d.get("letter") or {}
    recipient = (d.get("recipient") or {}).get("org_id")
    period = letter.get("reply_period") or {}
    within = f"{period['amount']}{'个月' if period.get('unit') == 'months' else '日'}" if period.get("amount") else "二个月"
    return f"""
<p class="flat">{e(ctx.org_name(recipient))}：</p>
<p><b>{e(case.get('summary') or '')}</b></p>
<p>{e(d.get('found_in') or '')}</p>
<h2>一、发现的问题</h2><p>{e(case.get('facts') or '')}</p>
<h2>二、具体建议</h2><p>{e(case.get('request') or '')}</p>
<p>请你单位自收到本建议书之日起{e(within)}内将采纳落实情况书面回复本院。</p>
<div class="seal"><span>{e(ctx.org_name(case.get('org_id')))}（印章）</span><span>{ymd(letter.get('issued_at') or ctx.today)}</span></div>"""


# -- 受理回执 (reprint, with a QR code to the lookup) ----------------------------------------------------------
def _receipt(case: dict, ctx: Context) -> str:
    applicant = next((p for p in case.get("parties") or [] if p.get("role") == "applicant"), {})
    respondents = "、".join(p.get("name", "") for p in case.get("parties") or [] if p.get("role") == "respondent")
    url = f"{ctx.lookup_url}?case_no={quote(case.get('case_no') or '')}"
    qr = segno.make(url, error="m").svg_inline(scale=3)
    deadlines = "；".join(f"{c.get('label')}：{ymd(c.get('due_date'))}前" for c in case.get("deadlines") or []) or "—"
    return f"""
<div class="qr">{qr}<div>扫码查询办理进度</div></div>
<table><tr><th>案件编号</th><td>{e(case.get('case_no'))}</td></tr>
<tr><th>申请人</th><td>{e(applicant.get('name'))}</td></tr><tr><th>被申请人</th><td>{e(respondents or '—')}</td></tr>
<tr><th>纠纷类别</th><td>{e(enums.CATEGORIES.get(case.get('category'), ''))}</td></tr>
<tr><th>纠纷简述</th><td>{e(case.get('summary'))}</td></tr><tr><th>请求事项</th><td>{e(case.get('request'))}</td></tr>
<tr><th>受理时间</th><td>{ymd(case.get('created_at'))}</td></tr><tr><th>办理期限</th><td>{e(deadlines)}</td></tr>
<tr><th>目前进展</th><td>{e(case.get('status_label'))}</td></tr></table>
<p>您的诉求已登记。本中心将在上述期限内分类处理，并告知您去向。凭案件编号和查询码可扫码或登录 {e(ctx.lookup_url)} 查询办理进度；
查询码仅本人持有，如遗失请持身份证件到窗口重新办理。</p>
<div class="seal"><span>{e(ctx.org_name(case.get('org_id')))}（受理专用章）</span><span>{ymd(ctx.today)}</span></div>"""


# -- 信访: 受理/不予受理告知书 (LVR Art 22-25); 处理意见书, 复查/复核意见书 (LVR Art 32, 35, 36) ---------------------
def _petitioners(case: dict) -> str:
    return "、".join(p.get("name", "") for p in case.get("parties") or [] if p.get("role") == "applicant") or "信访人"


def _accepted(case: dict, ctx: Context) -> str:
    a = _data(case).get("acceptance") or {}
    handler = _data(case).get("handler_org_id") or case.get("org_id")
    return f"""
<p class="flat">{e(_petitioners(case))}：</p>
<p>你（们）于{ymd(case.get('created_at'))}提出的信访事项（{e(case.get('summary'))}），经审查，属于本机关职权范围，
本机关决定受理。本机关将自受理之日起六十日内办结；情况复杂的，经本机关负责人批准，可以适当延长办理期限，
延长期限不超过三十日，并告知你（们）延期理由。</p>
<div class="seal"><span>{e(ctx.org_name(handler))}（印章）</span><span>{ymd(a.get('at') or ctx.today)}</span></div>"""


def _redirected(case: dict, ctx: Context) -> str:
    r = _data(case).get("redirect") or {}
    label = (r.get("label") or "").split("（")[0] or "不属于本机关职权范围"
    where = r.get("target_name") or ctx.org_name(r.get("target_org_id")) if r.get("target_org_id") else r.get("target_name")
    return f"""
<p class="flat">{e(_petitioners(case))}：</p>
<p>你（们）于{ymd(case.get('created_at'))}提出的信访事项（{e(case.get('summary'))}），经审查，{e(label)}，本机关不予受理。</p>
<p>请你（们）{('向' + e(where) + '提出') if where else '依照法律、法规规定的程序向有关机关提出'}。{e(r.get('channel_told') or '')}</p>
<div class="seal"><span>{e(ctx.org_name(case.get('org_id')))}（印章）</span><span>{ymd(r.get('at') or ctx.today)}</span></div>"""


def _decision(key: str, what: str, next_step: str):
    def body(case: dict, ctx: Context) -> str:
        d = _data(case).get(key) or {}
        issued = d.get("issued") or d
        org = d.get("org_id") if key != "opinion" else (_data(case).get("handler_org_id") or case.get("org_id"))
        return f"""
<p class="flat">{e(_petitioners(case))}：</p>
<p>你（们）提出的信访事项（{e(case.get('summary'))}），本机关已依法{what}。现答复如下：</p>
<h2>一、处理结果</h2><p>{e(d.get('label') or '')}{'，维持原处理意见' if d.get('upholds_original') else ''}。</p>
<h2>二、事实和理由</h2><p>{e(d.get('reasons') or '')}</p>
<h2>三、依据</h2><p>{e(d.get('legal_basis') or '')}</p>
<p>{e(next_step)}</p>
<div class="seal"><span>{e(ctx.org_name(org))}（印章）</span><span>{ymd(issued.get('at') or ctx.today)}</span></div>"""
    return body


DOCUMENTS: dict[str, Document] = {d.kind: d for d in (
    Document("petition_accepted", "信访事项受理告知书", "petition", lambda c: bool(_data(c).get("acceptance")),
             _accepted, "LVR Art 22, 24, 32"),
    Document("petition_not_accepted", "信访事项不予受理告知书", "petition", lambda c: bool(_data(c).get("redirect")),
             _redirected, "LVR Art 22, 23, 25"),
    Document("petition_opinion", "信访事项处理意见书", "petition", lambda c: bool(_data(c).get("opinion")),
             _decision("opinion", "调查核实", "你（们）对本处理意见不服的，可以自收到本意见书之日起三十日内请求原办理机关的上一级机关复查。"),
             "LVR Art 32, 35"),
    Document("petition_review", "信访事项复查意见书", "petition", lambda c: bool((_data(c).get("review") or {}).get("label")),
             _decision("review", "复查", "你（们）对复查意见不服的，可以自收到本意见书之日起三十日内向复查机关的上一级机关请求复核。"),
             "LVR Art 35, 36"),
    Document("petition_recheck", "信访事项复核意见书", "petition", lambda c: bool((_data(c).get("recheck") or {}).get("label")),
             _decision("recheck", "复核", "本复核意见为终结意见。你（们）以同一事实和理由提出投诉请求的，有关机关不再受理。"),
             "LVR Art 36"),
    Document("receipt", "受理回执", "intake", lambda c: True, _receipt, "浙江省平安建设条例 Art 39; LVR Art 19, 21"),
    Document("agreement", "人民调解协议书", "mediation",
             lambda c: (_data(c).get("agreement") or {}).get("kind") == "written", _agreement,
             "PML Art 28-29; LDL Art 14; MDR Art 39"),
    Document("termination", "终止调解告知书", "mediation", lambda c: bool(_data(c).get("termination")),
             _termination, "PML Art 26; NB Art 23"),
    Document("recommendation", "建议书", "recommendation", lambda c: bool(_data(c).get("letter")),
             _recommendation, "JSR Art 6-8; PRR"),
    Document("supervision", "督办通知", "*", lambda c: bool(c.get("supervised")) or any(
        k.get("overdue") for k in c.get("clocks") or []), _supervision, "浙江省平安建设条例 Art 60, 65"),
)}


# -- 信访: 转送/交办告知 (LVR Art 22, 23 ¶1, ¶3): the petitioner is told in writing where the matter went ----------
def _transfer_entry(case: dict) -> dict:
    d = _data(case)
    return d.get("transfer") or ((d.get("transfers") or [None])[-1]) or {}


def _transferred(case: dict, ctx: Context) -> str:
    t = _transfer_entry(case)
    assigned = t.get("mode") == "assign"
    verb = "交由" if assigned else "转送"
    organ = t.get("handler_name") or ctx.org_name(t.get("handler_org_id"))
    return f"""
<p class="flat">{e(_petitioners(case))}：</p>
<p>你（们）于{ymd(case.get('created_at'))}提出的信访事项，本机关已予登记。经审查，该事项属于{e(organ)}的职权范围。
依据《信访工作条例》第二十二条、第二十三条的规定，本机关已于{ymd(t.get('at'))}将该事项{verb}{e(organ)}{'办理' if assigned else '处理'}，现将{'交办' if assigned else '转送'}去向告知如下：</p>
<table><tr><th>信访人</th><td>{e(_petitioners(case))}</td></tr>
<tr><th>信访事项</th><td>{e(case.get('summary'))}</td></tr>
<tr><th>登记日期</th><td>{ymd(case.get('created_at'))}</td></tr>
<tr><th>{'交办' if assigned else '转送'}去向</th><td>{e(organ)}</td></tr>
<tr><th>{'交办' if assigned else '转送'}日期</th><td>{ymd(t.get('at'))}</td></tr></table>
<p>{e(organ)}将自收到之日起十五日内书面告知你（们）是否受理以及处理途径和程序。请你（们）就该事项与{e(organ)}联系，
并可凭案件编号和查询码查询办理进度。</p>
<div class="seal"><span>{e(ctx.org_name(case.get('org_id')))}（印章）</span><span>{ymd(t.get('at') or ctx.today)}</span></div>"""


DOCUMENTS["petition_transferred"] = Document(
    "petition_transferred", "信访事项转送告知书", "petition", lambda c: bool(_transfer_entry(c).get("handler_org_id")),
    _transferred, "LVR Art 22, 23")


def document_number(doc: Document, case: dict) -> str:
    """The number the document carries: a recommendation's own ×法建〔年〕×号 / ×检建〔年〕×号, else the
    case number (一案一码)."""
    letter = _data(case).get("letter") or {}
    refs = {"petition_accepted": ("acceptance", "written_notice_ref"), "petition_opinion": ("opinion", "document_ref"),
            "petition_review": ("review", "written_reply_ref"), "petition_recheck": ("recheck", "written_reply_ref")}
    own = (_data(case).get(refs[doc.kind][0]) or {}).get(refs[doc.kind][1]) if doc.kind in refs else None
    return letter.get("doc_no") or own or f"编号：{case.get('case_no')}"


def title_of(doc: Document, case: dict) -> str:
    if doc.kind == "recommendation":
        return "检察建议书" if "检建" in (_data(case).get("letter") or {}).get("doc_no", "") else "司法建议书"
    if doc.kind == "petition_transferred" and _transfer_entry(case).get("mode") == "assign":
        return "信访事项交办告知书"
    return doc.title


def available(service: str, case: dict) -> list[dict]:
    return [{"kind": d.kind, "title": title_of(d, case)} for d in DOCUMENTS.values()
            if d.service in (service, "*") and d.available(case)]


def render_html(doc: Document, case: dict, ctx: Context) -> str:
    bar = ""
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{e(title_of(doc, case))}</title>'
            f"<style>{CSS}</style></head><body>{bar}<main><h1>{e(title_of(doc, case))}</h1>"
            f'<p class="no">{e(document_number(doc, case))}</p>{doc.body(case, ctx)}'
            f'<p class="basis">依据：{e(basis_text(doc.basis))}</p></main></body></html>')


def to_pdf(page_html: str, timeout: float = 60) -> bytes:
    """Chromium's own print-to-PDF (the flags of ENGINEERING.md §2), in a child process."""
    with tempfile.TemporaryDirectory(prefix="jiefen-doc-") as tmp:
        src, out = Path(tmp) / "doc.html", Path(tmp) / "doc.pdf"
        src.write_text(page_html, encoding="utf-8")
        cmd = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", src.as_uri()]
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
        if not out.exists():
            log.warning("chromium print-to-pdf failed (%s): %s", done.returncode, done.stderr[-500:])
            raise JiefenError("SERVICE_UNAVAILABLE", "文书暂时无法生成PDF，请使用打印功能", {})
        return out.read_bytes()


class DocumentRoutes:
    """Routes of the gateway that print a case's documents."""

    @route("GET", "/api/<service>/cases/<case_id>/documents")
    def documents(self, request, service, case_id):
        user = self.gate.user(request)
        service = self._known(service)
        return available(service, self.rpc(service, "get_case", user.actor(), case_id))

    @route("GET", "/api/<service>/cases/<case_id>/documents/<kind>")
    def document(self, request, service, case_id, kind):
        from werkzeug.wrappers import Response
        from services.gateway.http import PAGE_HEADERS
        user = self.gate.user(request)
        service = self._known(service)
        doc = DOCUMENTS.get(kind)
        case = self.rpc(service, "get_case", user.actor(), case_id)
        if doc is None or doc.service not in (service, "*") or not doc.available(case):
            raise JiefenError("NOT_FOUND", "本案目前没有这份文书", {"kind": kind})
        ctx = Context(org_name=lambda code: (self.gate.directory.get(code or "") or _NoOrg).name,
                      user_name=self._user_name, lookup_url=f"{request.host_url.rstrip('/')}/lookup",
                      today=datetime.now().date())
        page = render_html(doc, case, ctx)
        issued = {}
        if request.args.get("issue") == "1":    # the official copy: its hash in the case's audit trail (issue 14)
            sha = hashlib.sha256(page.encode("utf-8")).hexdigest()
            self.rpc(service, "record_document_issued", user.actor(), case_id, doc.kind, sha, title_of(doc, case),
                     doc.basis)
            issued = {"X-Document-SHA256": sha}
        if request.args.get("format") == "pdf":
            name = quote(f"{title_of(doc, case)}-{case.get('case_no')}.pdf")
            return Response(to_pdf(page), content_type="application/pdf",
                            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}",
                                     "Cache-Control": "no-store", **issued})
        return Response(page, content_type="text/html; charset=utf-8",
                        headers={**PAGE_HEADERS, "Cache-Control": "no-store", **issued})


class _NoOrg:
    name = "（机构）"
