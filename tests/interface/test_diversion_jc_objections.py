"""Objections to a judicial confirmation ruling and the court's decision on them (CPLI Art 372; issue
13 item 9), over RPC on SQLite and PostgreSQL: an interested person may object within six months, also
after enforcement was applied for; the court revokes, changes or dismisses; only a ruling that leaves
the agreement confirmed can be enforced."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from infra import timekeeping
from tests.harness import expect_error
from tests.interface.diversion_walk import ACTORS, diversion, jc_walker

__all__ = ["diversion"]
SH = ZoneInfo("Asia/Shanghai")
INTERESTED = {"objector": "interested_person", "name": "王五", "grounds": "协议处分了其共有的通道"}
REVOKE = {"ruling_no": "（2026）浙0681民特41号", "reason": "异议成立：协议侵害案外人权益"}
DISMISS = {"ruling_no": "（2026）浙0681民特42号", "reason": "异议不成立"}
AMEND = {"ruling_no": "（2026）浙0681民特43号", "reason": "异议部分成立", "content": "李四拆除占道围墙；费用条款不予确认"}


@pytest.fixture
def jc(diversion, rpc_as):
    return jc_walker(diversion, rpc_as)


def fire(walker, case, event, data=None, role=None):
    return walker.fire(event, case, {event: data} if data is not None else None, role)


def enforced(jc):
    return jc.drive(["apply", "accept", "confirm", "apply_enforcement"])


def test_an_interested_person_objects_after_enforcement_and_the_ruling_is_revoked(jc):
    case = enforced(jc)
    assert case["status"] == "JC_ENFORCEMENT_REQUESTED"
    known = timekeeping.now().astimezone(SH).date().isoformat()
    objected = fire(jc, case, "file_objection", {**INTERESTED, "known_on": known})
    assert objected["status"] == "JC_OBJECTION"
    assert objected["data"]["objection"]["against"] == "JC_ENFORCEMENT_REQUESTED"
    # only the judge decides; the decision is the new ruling of CPLI Art 372 ¶1
    expect_error("FORBIDDEN", jc.fire, "revoke_ruling", objected, {"revoke_ruling": REVOKE}, "party")
    revoked = fire(jc, objected, "revoke_ruling", REVOKE)
    assert (revoked["status"], revoked["terminal"]) == ("JC_REVOKED", True)
    assert revoked["data"]["agreement"]["confirmed"] is False
    assert revoked["data"]["objection"]["decided"]["decision"] == "revoked"
    assert "CPLI Art 372" in revoked["data"]["objection"]["decided"]["basis"]
    # a revoked confirmation cannot be enforced
    err = expect_error("TRANSITION_NOT_ALLOWED", jc.fire, "apply_enforcement", revoked, None, "party")
    assert err.details["state"] == "JC_REVOKED"


def test_a_late_objection_is_refused_citing_the_six_months(jc):
    timekeeping.set_now(datetime(2026, 10, 20, 10, 0, tzinfo=SH))
    case = enforced(jc)
    before = jc.snapshot(case["case_id"])
    err = expect_error("GUARD_FAILED", jc.fire, "file_objection", case,
                       {"file_objection": {**INTERESTED, "known_on": "2026-04-19"}})     # six months ended 10/19
    assert "CPLI Art 372 ¶2" in err.message and "六个月" in err.message
    assert jc.snapshot(case["case_id"]) == before


def test_a_dismissed_objection_leaves_the_confirmation_enforceable(jc):
    confirmed = jc.drive(["apply", "accept", "confirm"])
    objected = fire(jc, confirmed, "file_objection", {"objector": "party", "party": 2, "grounds": "违反自愿原则"})
    dismissed = fire(jc, objected, "dismiss_objection", DISMISS)
    assert dismissed["status"] == "JC_OBJECTION_DISMISSED" and dismissed["data"]["agreement"]["confirmed"] is True
    enforcing = fire(jc, dismissed, "apply_enforcement", {"applicant": 1, "non_performance": "refused"})
    assert enforcing["status"] == "JC_ENFORCEMENT_REQUESTED"


def test_a_changed_ruling_is_enforced_as_changed_but_a_dismissed_objection_to_a_rejection_is_not(jc):
    confirmed = jc.drive(["apply", "accept", "confirm"])
    objected = fire(jc, confirmed, "file_objection", {"objector": "party", "party": 2, "grounds": "费用条款违法"})
    amended = fire(jc, objected, "amend_ruling", AMEND)
    assert amended["status"] == "JC_AMENDED"
    assert amended["data"]["agreement"]["confirmed_content"] == AMEND["content"]
    assert fire(jc, amended, "apply_enforcement", {"applicant": 1, "non_performance": "partial"})["status"] == \
        "JC_ENFORCEMENT_REQUESTED"
    rejected = jc.drive(["apply", "accept", "reject"])
    objected = fire(jc, rejected, "file_objection", {"objector": "party", "party": 1, "grounds": "协议内容明确"})
    dismissed = fire(jc, objected, "dismiss_objection", DISMISS)
    before = jc.snapshot(dismissed["case_id"])
    err = expect_error("GUARD_FAILED", jc.fire, "apply_enforcement", dismissed, None)
    assert "CPL Art 206" in err.message and "CPLI Art 372 ¶1" in err.message
    assert jc.snapshot(dismissed["case_id"]) == before
