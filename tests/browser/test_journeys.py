"""Whole journeys in the staff page, one person after another, no API or CLI step (issue 14); and the
screens they saw carry no internal code: no snake_case, no state codes, no hex ids, no English."""
from __future__ import annotations

import re

import pytest

from tests.factories import person_id
from tests.interface.diversion_walk import diversion  # noqa: F401  (fixtures: the services the journeys need)
from tests.interface.mediation_walk import mediation  # noqa: F401
from tests.interface.recommendation_walk import recommendation  # noqa: F401
from tests.interface.test_gateway_support import PASSWORD, USERS, gateway_settings

STAFF = {**USERS,
         "pmc": {"user_id": "pmc-01", "name": "周建国", "role": "pmc", "org_id": "zj-pmc-jiyang"},
         "mediator": {"user_id": "mediator-01", "name": "陈静", "role": "mediator", "org_id": "zj-pmc-jiyang"},
         "filing": {"user_id": "filing-01", "name": "吴磊", "role": "filing", "org_id": "zj-court"},
         "judge": {"user_id": "judge-01", "name": "郑华", "role": "judge", "org_id": "zj-court"},
         "court_issuer": {"user_id": "issuer-02", "name": "沈洁", "role": "issuer", "org_id": "zj-court"},
         "proc_issuer": {"user_id": "issuer-01", "name": "冯刚", "role": "issuer", "org_id": "zj-proc"},
         "recipient": {"user_id": "rcpt-01", "name": "何平", "role": "rcpt", "org_id": "zj-nr"}}

SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
STATE_CODE = re.compile(r"\b[A-Z]{2,4}_[A-Z_]+\b")
HEX_ID = re.compile(r"\b(?=[0-9]*[a-f])[0-9a-f]{12,}\b")   # an 18-digit ID number is personal data, not a code
ENGLISH = re.compile(r"[A-Za-z]{2,}")
# 一案一码: the case number is meant to be read (a Chinese word may follow it with no space: no \b there)
CASE_NO = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}-\d{6}-\d{4}-\d{6}(?![0-9])")


URL = re.compile(r"https?://\S+")                              # the lookup address printed for residents


def internal_codes(text: str, allowed: tuple[str, ...] = ()) -> list[str]:
    text = URL.sub("", CASE_NO.sub("", text))
    for word in allowed:                                        # e.g. the resident's query code on the receipt
        text = text.replace(word, "")
    return sorted({m for rx in (SNAKE, STATE_CODE, HEX_ID, ENGLISH) for m in rx.findall(text)})


@pytest.fixture
def gateway_services():
    """The case services a journey's gateway speaks to (each one running in the test: see its fixtures)."""
    return ["intake", "mediation", "diversion"]


@pytest.fixture
def gateway_config(service_config, web_config, users_file, gateway_services):
    return {**service_config, **web_config,
            "GATEWAY": gateway_settings(users_file, services=gateway_services, rpc_timeout=10)}


def test_the_internal_code_check_catches_codes():
    assert "PM_APPLIED" in internal_codes("状态 PM_APPLIED")
    assert "chosen_by_parties" in internal_codes("方式 chosen_by_parties")
    assert "0f3a9c2b7d1e4f5a" in internal_codes("上级 0f3a9c2b7d1e4f5a")
    assert "JSON" in internal_codes("版本 JSON")
    assert internal_codes("案件编号 JF-330681-2026-000123 已登记，身份证号码 330681199006073218") == []
    assert internal_codes("分流至诉非分流：JC-330681-2026-000001已办结") == []


def test_mediation_then_court_confirmation_in_the_page(drive, mediation, diversion, site):
    """clerk → router → committee → mediator → agreement; then the committee records the joint application,
    the court files and confirms, the mediation case follows and the resident reads it (one journey)."""
    seen = drive("court_journey", {"password": PASSWORD, "applicant_id": person_id("19900607", 321)},
                 timeout=480)
    assert seen["intake_no"].startswith("JF-330681-")
    assert "分类" in "".join(seen["router_actions"])
    assert "暨阳街道人民调解委员会" in seen["route_org_choices"]
    assert "诸暨市人民法院" not in seen["route_org_choices"]          # the picker offers committees only
    assert seen["router_status"] == "已分流"
    assert seen["mediation_no"].startswith("PM-")
    assert seen["committee_actions"] and "受理" in seen["committee_actions"]
    assert seen["roster"] == ["王秀英", "陈建国", "陈静"]
    assert seen["committee_status"] == "调解中"
    assert {"当事人签名", "调解员签名", "已加盖人民调解委员会印章", "履行期限"} <= set(seen["agreement_labels"])
    assert seen["final_status"] == "调解协议生效"
    latest = seen["timeline"][0]
    assert "签订调解协议书" in latest and "陈静（人民/特邀调解员，暨阳街道人民调解委员会）" in latest
    assert "《人民调解法》第二十九条" in latest
    assert seen["mobile_overflow"] is False
    assert any(d.startswith("人民调解协议书") for d in seen["documents"])
    from tests.unit.test_documents import norm, pypdf_text
    text = pypdf_text(open(seen["agreement_pdf"], "rb").read())
    for needed in ("人民调解协议书", seen["mediation_no"], "张三", "李四", "被申请人于十五日内拆除占道围墙",
                   "2026年12月20日", "按指印", "人民调解员：陈静", "暨阳街道人民调解委员会（印章）"):
        assert norm(needed) in text, needed
    lookup = seen["lookup"]
    assert lookup["where"] == "调解协议已生效，双方应当按约定履行。" and lookup["who"] == "暨阳街道人民调解委员会"
    assert "三十日内共同向人民法院申请司法确认" in lookup["may-do"] and "《人民调解法》" in lookup["basis"]
    assert seen["lookup_overflow"] is False
    # the court: the committee records the parties' joint application (PML Art 33; CPL Art 205)
    assert "申请司法确认" in seen["committee_actions_after_agreement"]
    assert seen["county_choices"] == ["请选择", "浙江省诸暨市"]          # by name, no 6-digit code typed
    assert "管辖依据所在县（市、区）：浙江省诸暨市" in seen["application_timeline"], seen["application_timeline"]
    assert seen["after_application"] == "司法确认中"
    assert seen["jc_no"].startswith("JC-") and "受理（调确字）" in seen["filing_actions"]
    assert seen["jc_after_filing"] == "审查中" and seen["jc_final"] == "裁定有效"
    assert "业务\n司法确认" in seen["jc_facts"] or "业务\t司法确认" in seen["jc_facts"], seen["jc_facts"]
    assert "裁定调解协议有效" in seen["jc_timeline"][0] and "郑华" in seen["jc_timeline"][0]
    assert seen["mediation_after_ruling"] == "履行监督"
    # confirmed: not offered again (PML Art 33 ¶2; infra/preview.py), the rest of 履行监督 is
    assert "申请司法确认" not in seen["committee_actions_after_ruling"] and seen["committee_actions_after_ruling"]
    assert "确认调解协议有效" in seen["mediation_timeline"][0]
    after = seen["lookup_after_ruling"]
    assert after["where"] == "人民法院已裁定确认调解协议有效，双方应当按约定履行。", after
    assert "申请强制执行" in after["may-do"] and "《民事诉讼法》第二百零六条" in after["basis"], after
    problems = {s["screen"]: internal_codes(s["text"], (seen["query_code"],)) for s in seen["texts"]}
    assert {k: v for k, v in problems.items() if v} == {}


def test_the_registration_works_with_the_keyboard_alone(drive, site):
    seen = drive("keyboard_register", {"password": PASSWORD, "applicant_id": person_id("19910101", 55)})
    assert seen["receipt_no"].startswith("JF-330681-")
    assert seen["category"] == "邻里纠纷" and seen["applicant"] == "王五"


@pytest.mark.parametrize("gateway_services", [["intake", "recommendation"]])
def test_a_court_recommendation_drafted_approved_served_replied_verified_in_the_page(drive, recommendation, site):
    seen = drive("recommendation_journey", {"password": PASSWORD}, timeout=300)
    assert "起草司法建议、检察建议" in seen["openings"]
    assert "综合治理类司法建议" in seen["kind_choices"] and "再审检察建议" not in seen["kind_choices"]
    assert seen["rc_no"].startswith("RC-") and seen["drafted"] == "起草"
    assert seen["issued"] == "已制发" and seen["served"] == "已送达待回复"
    assert any(d.startswith("司法建议书") for d in seen["documents"]), seen["documents"]
    assert "书面回复" in seen["recipient_actions"]
    assert seen["replied"] == "已书面回复" and seen["final"] == "办结"
    assert "确认落实（办结）" in seen["timeline"][0] and "沈洁" in seen["timeline"][0]
    timeline = "\n".join(seen["timeline"])
    assert "书面回复的期限：2个月" in timeline and "宅基地审批放样公示办法（诸自然资规〔2026〕31号）" in timeline
    from tests.unit.test_documents import norm, pypdf_text
    text = pypdf_text(open(seen["letter_pdf"], "rb").read())
    year = seen["timeline"][0][:4]
    number = re.escape(norm(f"暨法建〔{year}〕")) + r"\d+" + re.escape(norm("号"))
    assert re.search(number, text), text[:400]                       # ×法建〔年〕×号: JSR Art 6 ¶2; 附件1
    for needed in ("司法建议书", "诸暨市自然资源和规划局", "宅基地审批后实地放样并公示", "诸暨市人民法院"):
        assert norm(needed) in text, needed
    problems = {s["screen"]: internal_codes(s["text"]) for s in seen["texts"]}
    assert {k: v for k, v in problems.items() if v} == {}


@pytest.mark.parametrize("gateway_services", [["intake", "recommendation"]])
def test_a_procuratorial_recommendation_drafted_approved_served_replied_verified_in_the_page(drive, recommendation, site):
    seen = drive("procuratorate_recommendation_journey", {"password": PASSWORD}, timeout=300)
    # the kinds offered are the procuratorate's own (PRR Art 5): no 司法建议
    assert "社会治理检察建议" in seen["kind_choices"] and "综合治理类司法建议" not in seen["kind_choices"]
    assert seen["rc_no"].startswith("RC-") and seen["drafted"] == "起草"
    assert seen["issued"] == "已制发" and seen["served"] == "已送达待回复"
    assert any(d.startswith("检察建议书") for d in seen["documents"]), seen["documents"]
    assert "书面回复" in seen["recipient_actions"]
    assert seen["replied"] == "已书面回复" and seen["final"] == "办结"
    assert "确认落实（办结）" in seen["timeline"][0] and "冯刚" in seen["timeline"][0]
    from tests.unit.test_documents import norm, pypdf_text
    text = pypdf_text(open(seen["letter_pdf"], "rb").read())
    year = seen["timeline"][0][:4]
    assert re.search(re.escape(norm(f"检建〔{year}〕")) + r"\d+" + re.escape(norm("号")), text), text[:400]
    for needed in ("检察建议书", "诸暨市自然资源和规划局", "建立审批后实地核查制度", "诸暨市人民检察院"):
        assert norm(needed) in text, needed
    problems = {s["screen"]: internal_codes(s["text"]) for s in seen["texts"]}
    assert {k: v for k, v in problems.items() if v} == {}


@pytest.mark.parametrize("gateway_services", [["intake", "mediation"]])
def test_a_committee_registers_an_application_brought_to_it_in_the_page(drive, mediation, site):
    seen = drive("committee_intake_journey", {"password": PASSWORD, "applicant_id": person_id("19920312", 41)},
                 timeout=240)
    assert "人民调解委员会登记调解申请" in seen["openings"]
    assert seen["labels"] and not [w for w in seen["labels"] if ENGLISH.search(w)], seen["labels"]
    assert seen["pm_no"].startswith("PM-330681-") and seen["registered"] == "申请登记"
    assert "代为记录：第1位当事人本人所为（书面申请，调解申请书（2026）第9号）" in seen["first_timeline"]
    assert "周建国" in seen["first_timeline"]
    assert seen["pm_no_in_list"] == seen["pm_no"] and "受理" in seen["actions"]
    assert seen["accepted"] == "已受理"
    problems = {s["screen"]: internal_codes(s["text"]) for s in seen["texts"]}
    assert {k: v for k, v in problems.items() if v} == {}
