"""Every statutory document the gateway prints, rendered to PDF by Chromium's print-to-PDF and read back
(pypdf): it carries what its article requires (services/gateway/documents.py)."""
from __future__ import annotations

import io
import os
import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from services.gateway import documents as d

pypdf = pytest.importorskip("pypdf")
if not Path(d.CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

PARTIES = [
    {"role": "applicant", "kind": "person", "name": "张三", "id_number": "330681199006073218", "phone": "13800138000",
     "address": "诸暨市暨阳街道某村12号"},
    {"role": "respondent", "kind": "person", "name": "李四", "id_number": "330681199201010016", "phone": "13900139000",
     "address": "诸暨市暨阳街道某村14号"},
]
ORGS = {"zj-pmc-jiyang": "暨阳街道人民调解委员会", "zj-centre": "诸暨市社会治理中心（矛调中心）",
        "zj-proc": "诸暨市人民检察院", "zj-nr": "诸暨市自然资源和规划局"}
CTX = d.Context(org_name=lambda c: ORGS.get(c, "（机构）"), user_name=lambda u: {"mediator-01": "陈静"}.get(u, ""),
                lookup_url="http://centre.example/lookup", today=date(2026, 12, 1))


def case(**kw) -> dict:
    return {"case_id": "c1", "case_no": "PM-330681-2026-000001", "org_id": "zj-pmc-jiyang", "category": "neighbourhood",
            "summary": "邻居加建围墙占用通道", "request": "请求拆除占道围墙", "status_label": "调解协议生效",
            "created_at": "2026-11-20T02:00:00+00:00", "parties": PARTIES, "deadlines": [], "clocks": [], **kw}


def pdf_text(doc: d.Document, c: dict, name: str) -> str:
    pdf = d.to_pdf(d.render_html(doc, c, CTX))
    assert pdf.startswith(b"%PDF")
    out = Path(os.environ.get("JIEFEN_SCREENSHOT_DIR") or "/tmp") / f"document-{name}.pdf"
    out.write_bytes(pdf)
    return pypdf_text(pdf)


def pypdf_text(pdf: bytes) -> str:
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    # the CJK font maps some characters to Kangxi radicals (⼈ for 人) in the text layer: NFKC folds them back
    # (and ⺠ for 民, which NFKC leaves alone); full-width punctuation folds to ASCII on both sides
    return norm(re.sub(r"\s+", "", text))


def norm(text: str) -> str:
    radicals = {"\u2ea0": "民", "\u2ec5": "见", "\u2ed4": "门", "\u2ed3": "长", "\u2ee2": "马"}   # not folded by NFKC
    return unicodedata.normalize("NFKC", text).translate(str.maketrans(radicals))


def test_the_mediation_agreement_carries_what_pml_art_29_requires():
    agreement = {"kind": "written", "parties": [1, 2], "dispute": "被申请人加建围墙占用共用通道",
                 "obligations": "被申请人于十五日内拆除占道围墙", "performance_manner": "自行拆除",
                 "performance_deadline": "2026-12-20", "signatures": [{"party": 1, "form": "sign"},
                                                                      {"party": 2, "form": "fingerprint"}],
                 "mediator_signature": "mediator-01", "committee_seal": True, "effective_at": "2026-12-01T08:00:00+00:00"}
    c = case(data={"agreement": agreement})
    assert d.available("mediation", c)[0] == {"kind": "agreement", "title": "人民调解协议书"}
    text = pdf_text(d.DOCUMENTS["agreement"], c, "agreement")
    for needed in ("人民调解协议书", "PM-330681-2026-000001",
                   "当事人基本情况", "张三", "330681199006073218", "李四",                       # Art 29(1)
                   "纠纷的主要事实", "被申请人加建围墙占用共用通道",                               # Art 29(2)
                   "被申请人于十五日内拆除占道围墙", "自行拆除", "2026年12月20日",                   # Art 29(3)
                   "按指印", "人民调解员：陈静", "暨阳街道人民调解委员会（印章）", "2026年12月1日",    # Art 29 ¶2
                   "《人民调解法》第二十八条至第二十九条"):
        assert norm(needed) in text, needed


def test_the_termination_notice_tells_the_parties_their_other_channels():
    c = case(data={"termination": {"ground": "no_agreement_possible", "channels_told_labels": ["向人民法院提起诉讼"],
                                   "at": "2026-12-02T08:00:00+00:00"}})
    text = pdf_text(d.DOCUMENTS["termination"], c, "termination")
    for needed in ("终止调解告知书", "张三、李四", "人民调解委员会认为无法达成协议", "终止调解",
                   "向人民法院提起诉讼", "《人民调解法》第二十六条", "2026年12月2日"):
        assert norm(needed) in text, needed


def test_a_procuratorial_recommendation_is_numbered_and_addressed():
    # the shape the recommendation service stores (services/recommendation/casetype.py draft, approve_issue)
    c = case(case_no="RC-330681-2026-000003", org_id="zj-proc", summary="关于加强违法占地查处的检察建议",
             facts="违法占地查处不及时", request="建立巡查制度",
             data={"recipient": {"org_id": "zj-nr", "name": "诸暨市自然资源和规划局"}, "found_in": "在办理某案中发现",
                   "letter": {"doc_no": "暨检建〔2026〕3号", "issued_at": "2026-11-30",
                              "reply_period": {"amount": 2, "unit": "months"}}})
    assert d.available("recommendation", c) == [{"kind": "recommendation", "title": "检察建议书"}]
    text = pdf_text(d.DOCUMENTS["recommendation"], c, "recommendation")
    for needed in ("检察建议书", "暨检建〔2026〕3号", "诸暨市自然资源和规划局", "违法占地查处不及时", "建立巡查制度",
                   "关于加强违法占地查处的检察建议", "收到本建议书之日起2个月内", "诸暨市人民检察院（印章）", "2026年11月30日"):
        assert norm(needed) in text, needed


def test_a_supervision_notice_lists_the_overdue_clock_with_its_basis():
    c = case(supervised=True, clocks=[{"label": "受理期限", "due_date": "2026-11-25", "overdue": True,
                                       "basis": "SPEC §3: acceptance 3 WD [A]; OMR Art 12"}])
    text = pdf_text(d.DOCUMENTS["supervision"], c, "supervision")
    for needed in ("督办通知", "暨阳街道人民调解委员会", "受理期限", "2026年11月25日", "已超期",
                   "《人民法院在线调解规则》第十二条", "《浙江省平安建设条例》第六十条、第六十五条"):
        assert norm(needed) in text, needed


def test_the_receipt_reprints_with_a_qr_code_to_the_lookup():
    c = case(case_no="JF-330681-2026-000009", org_id="zj-centre",
             deadlines=[{"label": "分类分流期限", "due_date": "2026-11-27"}])
    page = d.render_html(d.DOCUMENTS["receipt"], c, CTX)
    assert "<svg" in page and "JF-330681-2026-000009" in page
    text = pdf_text(d.DOCUMENTS["receipt"], c, "receipt")
    for needed in ("受理回执", "JF-330681-2026-000009", "张三", "李四", "分类分流期限：2026年11月27日前",
                   "扫码查询办理进度", "受理专用章"):
        assert norm(needed) in text, needed
    assert "query_code" not in page                 # the secret is never reprinted


PETITION = dict(case_no="PT-330681-2026-000004", org_id="zj-xfj-county", summary="征地补偿款未足额发放")


def test_the_petition_notices_and_opinions_carry_what_lvr_requires():
    ORGS.update({"zj-xfj-county": "诸暨市信访局", "sx-nr": "绍兴市自然资源和规划局", "zj-gov-county": "诸暨市人民政府"})
    accepted = case(**PETITION, data={"handler_org_id": "zj-nr", "acceptance": {"written_notice_ref": "诸信受〔2026〕4号",
                                                                                "at": "2026-11-21T02:00:00+00:00"}})
    text = pdf_text(d.DOCUMENTS["petition_accepted"], accepted, "petition-accepted")
    for needed in ("信访事项受理告知书", "诸信受〔2026〕4号", "张三", "征地补偿款未足额发放", "决定受理", "六十日内办结",
                   "诸暨市自然资源和规划局（印章）", "2026年11月21日", "《信访工作条例》第二十二条、第二十四条、第三十二条"):
        assert norm(needed) in text, needed
    refused = case(**PETITION, data={"redirect": {"label": "不属于本机关职权范围，告知向有权处理的机关提出（LVR Art 23 ¶1）",
                                                   "target_org_id": "zj-court", "target_name": "诸暨市人民法院",
                                                   "at": "2026-11-22T02:00:00+00:00"}})
    text = pdf_text(d.DOCUMENTS["petition_not_accepted"], refused, "petition-not-accepted")
    for needed in ("信访事项不予受理告知书", "不属于本机关职权范围", "不予受理", "向诸暨市人民法院提出", "2026年11月22日"):
        assert norm(needed) in text, needed
    opinion = case(**PETITION, data={"handler_org_id": "zj-nr", "opinion": {
        "label": "予以支持", "reasons": "经核实，补偿款少发三万元", "legal_basis": "《土地管理法》第四十八条",
        "document_ref": "诸自然资信复〔2026〕9号", "at": "2026-12-01T02:00:00+00:00"}})
    text = pdf_text(d.DOCUMENTS["petition_opinion"], opinion, "petition-opinion")
    for needed in ("信访事项处理意见书", "诸自然资信复〔2026〕9号", "予以支持", "经核实，补偿款少发三万元",
                   "《土地管理法》第四十八条", "三十日内请求原办理机关的上一级机关复查", "诸暨市自然资源和规划局（印章）"):
        assert norm(needed) in text, needed
    review = case(**PETITION, data={"review": {"org_id": "sx-nr", "label": "不予支持", "upholds_original": False,
                                               "reasons": "复查认为补偿标准符合规定", "legal_basis": "有关规定",
                                               "written_reply_ref": "绍自然资复查〔2026〕2号",
                                               "issued": {"at": "2026-12-20T02:00:00+00:00"}}})
    text = pdf_text(d.DOCUMENTS["petition_review"], review, "petition-review")
    for needed in ("信访事项复查意见书", "绍自然资复查〔2026〕2号", "不予支持", "复查认为补偿标准符合规定",
                   "三十日内向复查机关的上一级机关请求复核", "绍兴市自然资源和规划局（印章）", "2026年12月20日"):
        assert norm(needed) in text, needed
    recheck = case(**PETITION, data={"recheck": {"org_id": "zj-gov-county", "label": "不予支持", "upholds_original": True,
                                                 "reasons": "维持", "legal_basis": "有关规定", "written_reply_ref": "复核〔2026〕1号",
                                                 "issued": {"at": "2027-01-20T02:00:00+00:00"}}})
    text = pdf_text(d.DOCUMENTS["petition_recheck"], recheck, "petition-recheck")
    for needed in ("信访事项复核意见书", "维持原处理意见", "终结意见", "不再受理", "《信访工作条例》第三十六条"):
        assert norm(needed) in text, needed


def test_the_transfer_and_assignment_notices_tell_the_petitioner_where_the_matter_went():
    ORGS.update({"zj-xfj-county": "诸暨市信访局"})
    entry = {"mode": "assign", "handler_org_id": "zj-nr", "handler_name": "诸暨市自然资源和规划局",
             "report_due": "2026-12-30", "at": "2026-11-23T02:00:00+00:00"}
    assigned = case(**PETITION, data={"handler_org_id": "zj-nr", "transfer": entry, "transfers": [entry]})
    assert {"kind": "petition_transferred", "title": "信访事项交办告知书"} in d.available("petition", assigned)
    text = pdf_text(d.DOCUMENTS["petition_transferred"], assigned, "petition-assigned")
    for needed in ("信访事项交办告知书", "PT-330681-2026-000004", "张三：", "征地补偿款未足额发放",   # who, what
                   "2026年11月20日", "交办去向", "诸暨市自然资源和规划局", "交由诸暨市自然资源和规划局办理",  # where (Art 23 ¶1)
                   "交办日期", "2026年11月23日", "十五日内书面告知你(们)是否受理",                           # Art 23 ¶3
                   "诸暨市信访局(印章)", "《信访工作条例》第二十二条、第二十三条"):
        assert norm(needed) in text, needed
    transferred = case(**PETITION, data={"transfers": [{**entry, "mode": "transfer"}]})   # the last of the record
    assert d.title_of(d.DOCUMENTS["petition_transferred"], transferred) == "信访事项转送告知书"
    text = pdf_text(d.DOCUMENTS["petition_transferred"], transferred, "petition-transferred")
    for needed in ("信访事项转送告知书", "转送去向", "转送诸暨市自然资源和规划局处理"):
        assert norm(needed) in text, needed
    assert "petition_transferred" not in {x["kind"] for x in d.available("petition", case(**PETITION, data={}))}
