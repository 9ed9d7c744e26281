"""The resident lookup in plain words (services/gateway/plain.py): where the case is, who handles it, the
next date, what the resident may do now, with the law."""
import re

from infra.orgs import Directory, Organisation
from services.gateway.plain import STAGES, explain

DIRECTORY = Directory([
    Organisation("zj-centre", "诸暨市社会治理中心（矛调中心）", "centre", "county", phone="0575-87000000"),
    Organisation("zj-pmc-jiyang", "暨阳街道人民调解委员会", "mediation_committee", "township"),
])


def test_a_registered_claim_waits_at_the_centre_with_its_phone_and_date():
    words = explain({"status": "IN_RECEIVED", "org_id": "zj-centre", "next_deadline": "2026-12-08", "children": []},
                    DIRECTORY)
    assert words["where"].startswith("窗口已登记") and words["who"] == "诸暨市社会治理中心（矛调中心）（电话：0575-87000000）"
    assert words["next_date"] == "2026年12月8日"


def test_a_routed_case_speaks_of_the_committee_and_the_residents_rights():
    words = explain({"status": "IN_TRACKING", "org_id": "zj-centre", "handling_org_id": "zj-pmc-jiyang",
                     "children": [{"service": "mediation", "status": "PM_AGREEMENT_EFFECTIVE"}]}, DIRECTORY)
    assert words["who"] == "暨阳街道人民调解委员会"
    assert "三十日内共同向人民法院申请司法确认" in words["may_do"]
    assert words["basis"] == "《人民调解法》第三十一条、第三十三条"


def test_after_an_opinion_the_petitioner_is_told_of_the_30_days_for_a_review():
    words = explain({"status": "IN_TRACKING", "org_id": "zj-centre",
                     "children": [{"service": "petition", "status": "PT_OPINION_ISSUED"}]}, DIRECTORY)
    assert "三十日内请求原办理机关的上一级机关复查" in words["may_do"] and "《信访工作条例》第三十五条" == words["basis"]


def test_a_state_without_words_still_reads_chinese_and_every_stage_is_plain():
    words = explain({"status": "IN_TRACKING", "children": [{"service": "diversion", "status": "DV_MEDIATING"}]},
                    DIRECTORY, {"DV_MEDIATING": "调解中"})
    assert words["where"] == "正在人民法院诉前调解，目前进展：调解中。"
    for where, may_do, _ in STAGES.values():
        assert not re.search(r"[A-Za-z_]", where + may_do)


def test_a_petitioner_reads_the_last_day_for_a_review_and_the_final_word_after_re_review():
    from services.gateway.plain import lookup_service
    served = explain({"service": "petition", "status": "PT_OPINION_SERVED", "org_id": "zj-centre",
                      "handling_org_id": "zj-pmc-jiyang", "next_deadline": "2026-12-31", "children": []}, DIRECTORY)
    assert "三十日内请求原办理机关的上一级机关复查" in served["may_do"] and served["may_do"].endswith("请在2026年12月31日前提出。")
    final = explain({"service": "petition", "status": "PT_FINAL", "closed": True, "org_id": "zj-centre",
                     "children": []}, DIRECTORY)
    assert "办理终结" in final["where"] and "窗口" not in final["may_do"]       # not the centre's closing words
    assert lookup_service("pt-330681-2026-000001", ("intake", "petition")) == "petition"
    assert lookup_service("PT-330681-2026-000001", ("intake",)) == "intake"
    assert lookup_service("JF-330681-2026-000001", ("intake", "petition")) == "intake"
