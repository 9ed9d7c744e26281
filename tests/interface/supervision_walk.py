"""How to walk the supervision service's case types (督办, 挂牌督办): the container fixture, the case
the centre supervises (a row of its read model), actors of each side, sample data per event."""
from __future__ import annotations

from datetime import timedelta

import pytest

from infra.calendar import to_shanghai_date
from infra.config import load_config
from infra.db import make_engine, service_db_url
from infra.orgs import load_directory
from infra.timekeeping import now
from services.supervision.ingest import apply_facts
from tests.factories import key

CENTRE, OWNER, SUPERIOR, STRANGER = "zj-centre", "zj-nr", "zj-gov-county", "zj-hrss"
TARGET = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"


def actor(role: str, org: str | None = None) -> dict:
    """supv at the centre; every other role at the responsible body (the walk's owner)."""
    return {"user_id": f"{role}-01", "role": role, "org_id": org or (CENTRE if role == "supv" else OWNER)}


@pytest.fixture
def supervision(jiefen, container_factory, service_config):
    """The service container. ``jiefen`` first: torn down last, so the container (and its timers) has
    stopped before the test's PostgreSQL schema is dropped."""
    from services.supervision.service import SupervisionService
    container = container_factory(SupervisionService, service_config)
    container.start()
    return container


def target_facts(owner: str = OWNER, case_id: str = TARGET) -> dict:
    at = now().isoformat()
    return {"service": "petition", "case_type": "petition", "case_id": case_id, "case_no": f"PT-330681-2026-{case_id[:6]}",
            "status": "PT_HANDLING", "terminal": False, "version": 3, "org_id": owner, "category": "land_expropriation",
            "channel": "window", "supervised": False, "parent_service": None, "parent_case_id": None,
            "created_at": at, "updated_at": at, "closed_at": None, "clocks": [], "links": [],
            "history": [{"event": "register", "from": None, "to": "PT_RECEIVED", "at": at, "version": 1}]}


@pytest.fixture
def target(supervision, jiefen):
    """A case the centre knows (in its read model), owned by the responsible body."""
    config = load_config(**jiefen)
    engine = make_engine(*service_db_url("supervision", config))
    apply_facts(engine, load_directory(str(config.path("organisations"))), target_facts(), now())
    engine.dispose()
    return TARGET


@pytest.fixture
def loaded(supervision, jiefen):
    """The generated data set with known answers (tests/unit/supervision_dataset.py) in the read model,
    the clock at its "now"."""
    from infra import timekeeping
    from tests.unit.supervision_dataset import FACTS, NOW
    config = load_config(**jiefen)
    engine = make_engine(*service_db_url("supervision", config))
    directory = load_directory(str(config.path("organisations")))
    timekeeping.set_now(NOW)
    for f in FACTS:
        assert apply_facts(engine, directory, f, NOW)
    engine.dispose()
    return supervision


def in_days(n: int) -> str:
    """About n days from today, on a working day: a deadline the centre sets that falls on a rest day is
    rolled to the next working day (the clock's period rule), which an expectation written as a plain
    date would not know (it failed on the evenings whose +n landed on a weekend or New Year)."""
    from infra.calendar import Calendar
    return Calendar().next_working_day(to_shanghai_date(now()) + timedelta(days=n)).isoformat()


SUPERVISION_EXAMPLES = {
    "open_supervision": lambda case: {"target_case_id": TARGET, "reason": "征地补偿信访事项久拖未决", "deadline": in_days(10)},
    "acknowledge": {"note": "已签收，明确专人办理"},
    "report": {"result": "已与信访人达成补偿方案并兑现", "measures": "建立征地补偿台账"},
    "return_report": lambda case: {"reason": "补偿款尚未到位", "deadline": in_days(5)},
    "close": {"assessment": "办理到位，信访人满意"},
    "withdraw": {"reason": "原案件已依法终结"},
    "deadline_warning": {"clock": "supervision_deadline"},
    "deadline_expired": {"clock": "supervision_deadline"},
}
SUPERVISION_ROLES = {"open_supervision": "supv", "acknowledge": "handler", "report": "handler", "return_report": "supv",
                     "close": "supv", "withdraw": "supv", "deadline_warning": "sys", "deadline_expired": "sys"}
SUPERVISION_SYS = {"deadline_warning", "deadline_expired"}

LISTED_EXAMPLES = {
    "list_for_supervision": {"subject_kind": "problem", "subject": "城郊结合部违法占地建房问题突出",
                             "responsible_org_id": OWNER, "ground": "key_problem_untreated",
                             "reason": "连续两个季度信访量居全市前列，整治措施未落实", "category": "housing_land"},
    "submit_plan": {"plan": "一、全面排查；二、分类处置；三、建立长效巡查机制"},
    "return_plan": {"reason": "整改方案未明确责任人和时间节点"},
    "approve_plan": lambda case: {"deadline": in_days(30), "note": "按方案限期整改"},
    "record_inspection": {"method": "unannounced", "findings": "暗访发现两处违建已拆除，一处仍在施工"},
    "report_rectified": {"report": "违法建筑已全部拆除，巡查机制已建立"},
    "reject_rectification": lambda case: {"shortcomings": "仍有一处违建未拆除", "deadline": in_days(15)},
    "lift": {"method": "inspection", "findings": "现场检查违建已全部拆除", "conclusion": "整改到位，予以摘牌"},
    "summon": {"official_post": "分管副局长", "note": "约谈责任单位分管负责人，要求两周内报送整改方案"},
    "circulate": {"scope": "全市各乡镇（街道）、市级有关部门", "note": "通报整改不力情况"},
    "deadline_warning": {"clock": "rectification"},
    "plan_overdue": {"clock": "rectification_plan"},
    "deadline_expired": {"clock": "rectification"},
}
LISTED_ROLES = {"list_for_supervision": "supv", "submit_plan": "handler", "return_plan": "supv", "approve_plan": "supv",
                "record_inspection": "supv", "report_rectified": "handler", "reject_rectification": "supv", "lift": "supv",
                "summon": "supv", "circulate": "supv", "deadline_warning": "sys", "plan_overdue": "sys",
                "deadline_expired": "sys"}
LISTED_SYS = {"deadline_warning", "plan_overdue", "deadline_expired"}


def rpc_caller(rpc_as):
    def call(role, event, case_id, data, version):
        proxy = rpc_as(actor(role)).supervision
        if event == "open_supervision":
            return proxy.open_supervision(data.get("target_case_id"), data.get("reason"), data.get("deadline"), key())
        if event == "list_for_supervision":
            return proxy.list_for_supervision(data, key())
        return proxy.fire(case_id, event, data, version, key())
    return call
