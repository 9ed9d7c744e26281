"""The resident lookup after a court's ruling on 司法确认 (services/gateway/plain.py ENTERED_BY): the same
mediation state reads differently when the court confirmed the agreement (CPL Art 206; PML Art 33 ¶2)."""
from infra.orgs import Directory, Organisation
from services.gateway.plain import explain

DIRECTORY = Directory([Organisation("zj-centre", "诸暨市社会治理中心（矛调中心）", "centre", "county"),
                       Organisation("zj-pmc-jiyang", "暨阳街道人民调解委员会", "mediation_committee", "township")])


def lookup(entered_by):
    return explain({"status": "IN_TRACKING", "org_id": "zj-centre", "handling_org_id": "zj-pmc-jiyang",
                    "children": [{"service": "mediation", "status": "PM_PERFORMING", "entered_by": entered_by}]},
                   DIRECTORY)


def test_a_confirmed_agreement_may_be_enforced_and_the_resident_is_told_so():
    words = lookup("confirmation_granted")
    assert words["where"] == "人民法院已裁定确认调解协议有效，双方应当按约定履行。"
    assert "申请强制执行" in words["may_do"]
    assert words["basis"] == "《人民调解法》第三十三条；《民事诉讼法》第二百零六条"


def test_an_agreement_under_the_committees_supervision_is_not_said_to_be_confirmed():
    for how in ("start_supervision", "confirmation_lapsed", None):
        words = lookup(how)
        assert "人民法院已裁定" not in words["where"] and words["where"].startswith("调解协议正在履行"), how
