"""How to walk the recommendation case type: actors of each side, sample data per event, a role that
may fire it, the container fixture, and a helper that makes one case's reply overdue.

The walk uses a public-interest procuratorial recommendation (诸暨市人民检察院 → 诸暨市自然资源和规划局):
that kind reaches every state (objection review is procuratorate only, the suit public-interest only).
Court recommendations are walked in the guard and clock tests and end to end."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import update

from infra.db import write_session
from infra.models import Clock
from infra.service import Platform
from services.recommendation.casetype import RECOMMENDATION
from services.recommendation.letters import REPLY_CLOCKS
from tests.factories import key

ISSUER_ORG, COURT_ORG, RECIPIENT_ORG, CENTRE_ORG = "zj-proc", "zj-court", "zj-nr", "zj-centre"

ACTORS = {
    "issuer": {"user_id": "proc-01", "role": "issuer", "org_id": ISSUER_ORG},
    "court_issuer": {"user_id": "court-01", "role": "issuer", "org_id": COURT_ORG},
    "rcpt": {"user_id": "nr-01", "role": "rcpt", "org_id": RECIPIENT_ORG},
    "supv": {"user_id": "supv-01", "role": "supv", "org_id": CENTRE_ORG},
}


def actor(role: str) -> dict:
    """The walk's actor of a role: the side's organisation for issuer/rcpt/supv, the centre otherwise."""
    return ACTORS.get(role) or {"user_id": f"{role}-01", "role": role, "org_id": CENTRE_ORG}


SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
EVIDENCE = [{"document_id": "doc-2026-0001", "sha256": SHA, "title": "整改报告"}]

DRAFT = {
    "kind": "public_interest", "recipient_org_id": RECIPIENT_ORG, "category": "housing_land",
    "title": "关于督促依法查处非法占用耕地的检察建议书",
    "problems": "某村集体经济组织未经批准占用基本农田建设厂房，主管部门未依法查处",
    "recommendations": "一、依法查处非法占地行为；二、恢复土地原状；三、建立巡查机制",
    "found_in": "本院办理公益诉讼线索时发现",
}
COURT_DRAFT = {
    "kind": "comprehensive_governance", "recipient_org_id": "zj-hrss", "category": "labour",
    "title": "关于加强建设工程领域欠薪治理的司法建议书",
    "problems": "2026年以来我院受理建设工程欠薪纠纷多发，工资专户制度落实不到位",
    "recommendations": "一、落实工资专户制度；二、加强欠薪预警；三、建立联合处置机制",
    "found_in": "本院审理的劳动争议、追索劳动报酬案件",
}

EXAMPLES = {
    "draft": DRAFT,
    "consult_recipient": {"method": "meeting", "note": "与被建议单位座谈", "recipient_opinion": "无异议"},
    "submit": {"note": "提请检察长审批"},
    "approve_issue": {"approved_by": "chief_procurator", "signed_by": "检察长 王某"},
    "serve": {"recipient_org_id": RECIPIENT_ORG, "manner": "written", "received_by": "办公室 李某",
              "copies": [{"kind": "government", "name": "诸暨市人民政府", "org_id": "zj-gov-county"}]},
    "raise_objection": {"grounds": "涉案土地已办理临时用地手续"},
    "objection_upheld_amend": {"decided_by": "chief_procurator", "reasons": "部分事实需更正",
                               "amendment": "删除第二项建议"},
    "objection_upheld_withdraw": {"decided_by": "procuratorial_committee", "reasons": "异议成立，撤回建议"},
    "objection_dismissed": {"decided_by": "chief_procurator", "reasons": "临时用地已过期，异议不成立"},
    "submit_reply": {"adoption": "adopted", "reply": "已立案查处并责令恢复原状", "measures": "立案查处，拆除厂房",
                     "evidence": EVIDENCE, "signed_by": "局长 赵某"},
    "urge": {"method": "visit", "note": "走访督促"},
    "escalate": {"no_just_cause": True, "measures": ["report_superior_procuratorate"], "decided_by": "检察长 王某"},
    "supervise": {"measures": ["interview"], "note": "约谈主要负责人"},
    "file_public_interest_suit": {"reason": "行政机关仍未依法履行职责", "court_org_id": COURT_ORG},
    "verify_implementation": {"method": "on_site"},
    "mark_implemented": {"findings": "厂房已拆除，耕地已复垦"},
    "mark_not_implemented": {"shortcomings": "厂房未拆除"},
    "deadline_expired": {},
}
CENTRE_ESCALATION = {"no_just_cause": True, "measures": ["listed_supervision"], "note": "挂牌督办"}

ROLE_FOR = {
    "draft": "issuer", "consult_recipient": "issuer", "submit": "issuer", "approve_issue": "issuer",
    "serve": "issuer", "raise_objection": "rcpt", "objection_upheld_amend": "issuer",
    "objection_upheld_withdraw": "issuer", "objection_dismissed": "issuer", "submit_reply": "rcpt",
    "urge": "issuer", "escalate": "issuer", "supervise": "supv", "file_public_interest_suit": "issuer",
    "verify_implementation": "issuer", "mark_implemented": "issuer", "mark_not_implemented": "issuer",
    "deadline_expired": "sys", "deadline_warning": "sys", "service_overdue": "sys", "escalation_due": "sys",
}

# sys self-loops fired by the sweep only (their clocks are tested in test_recommendation_clocks);
# deadline_expired is walked: the caller makes the one case's reply period run out
SYS_EVENTS = {"deadline_warning", "service_overdue", "escalation_due"}
SYS_ONLY = SYS_EVENTS | {"deadline_expired"}


@pytest.fixture
def recommendation(container_factory, service_config):
    from services.recommendation.service import RecommendationService
    container = container_factory(RecommendationService, service_config)
    container.start()
    return container


def env_of(container):
    return next(e for e in container.extensions if isinstance(e, Platform)).envs[RECOMMENDATION.code]


def expire_reply(container, rpc_as):
    """Make one case's reply period run out now and let the sweep fire ``deadline_expired``: only that
    case's clock moves (moving everyone's time would expire every other case of the walk too)."""
    env = env_of(container)

    def expire(case_id: str) -> dict:
        with write_session(env.engine) as s:
            s.execute(update(Clock).where(Clock.case_id == case_id, Clock.status == "running",
                                          Clock.kind.in_(REPLY_CLOCKS))
                      .values(due_at=env.now() - timedelta(seconds=1), claimed_until=None))
            s.commit()
        rpc_as(actor("supv")).recommendation.sweep_clocks()
        deadline = time.monotonic() + 20
        while True:   # the sweep timer may hold the claim; wait for its commit
            case = rpc_as(actor("issuer")).recommendation.get_case(case_id)
            if case["status"] == "RC_OVERDUE" or time.monotonic() > deadline:
                return case
            time.sleep(0.1)
    return expire


def rpc_caller(rpc_as, expire):
    def call(role, event, case_id, data, version):
        proxy = rpc_as(actor(role)).recommendation
        if event == "draft":
            return proxy.draft(data, key())
        if event == "deadline_expired" and role == "sys":
            return expire(case_id)
        if event == "escalate" and role == "supv":
            data = CENTRE_ESCALATION     # the centre's own measures (PSR Art 65)
        return proxy.fire(case_id, event, data, version, key())
    return call


# -- shared drivers for the guard, clock and command tests -------------------------------------------
ACTORS["court_rcpt"] = {"user_id": "hrss-01", "role": "rcpt", "org_id": "zj-hrss"}
COURT_APPROVAL = {"approved_by": "judicial_committee", "meeting_ref": "审判委员会2026年第5次会议",
                  "signed_by": "院长 陈某", "signed_by_president": True, "reply_period": {"amount": 1, "unit": "months"}}
COURT_SERVE = {"recipient_org_id": "zj-hrss", "manner": "written", "received_by": "办公室 周某"}


class Flow:
    """Drive recommendations over RPC as the walk's actors."""

    def __init__(self, rpc_as):
        self.rpc_as = rpc_as

    def rc(self, who):
        return self.rpc_as(actor(who) if isinstance(who, str) else who).recommendation

    def fire(self, who, case: dict, event: str, data: dict | None = None) -> dict:
        data = EXAMPLES.get(event, {}) if data is None else data
        return self.rc(who).fire(case["case_id"], event, data, case["version"], key())

    def draft(self, who="issuer", **changes) -> dict:
        return self.rc(who).draft({**DRAFT, **changes}, key())

    def court_draft(self, **changes) -> dict:
        return self.rc("court_issuer").draft({**COURT_DRAFT, **changes}, key())

    def pending(self, court=False, **draft_changes) -> dict:
        if court:
            case = self.court_draft(**draft_changes)
            case = self.fire("court_issuer", case, "consult_recipient")
            return self.fire("court_issuer", case, "submit")
        return self.fire("issuer", self.draft(**draft_changes), "submit")

    def issued(self, court=False, approve=None, **draft_changes) -> dict:
        case = self.pending(court, **draft_changes)
        base = COURT_APPROVAL if court else EXAMPLES["approve_issue"]
        return self.fire("court_issuer" if court else "issuer", case, "approve_issue", {**base, **(approve or {})})

    def served(self, court=False, approve=None, serve=None, **draft_changes) -> dict:
        case = self.issued(court, approve, **draft_changes)
        base = {**(COURT_SERVE if court else EXAMPLES["serve"]),
                "recipient_org_id": case["data"]["recipient"]["org_id"]}
        return self.fire("court_issuer" if court else "issuer", case, "serve", {**base, **(serve or {})})
