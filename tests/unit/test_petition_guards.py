"""Petition guards as pure functions (services/petition/guards.py), read through the table the case type
uses (``G``) and the events that carry them, so a guard loosened, swapped or dropped from its event
fails here without RabbitMQ. LVR = 信访工作条例, ZJLV = 浙江省信访条例."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from services.petition.casetype import PETITION
from services.petition.guards import GUARDS as G

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)


def ctx(profile="national", role="handler", org_id="zj-nr", now=NOW):
    return SimpleNamespace(env=SimpleNamespace(config=SimpleNamespace(profile=profile)), now=now,
                           actor=SimpleNamespace(role=role, org_id=org_id, is_system=role == "sys"))


def case(clocks=(), **data):
    return SimpleNamespace(status="PT_TRANSFERRED", org_id="zj-xfj-county", data=data, clocks=list(clocks))


def holds(name, data=None, c=None, x=None) -> bool:
    return G[name].check(c if c is not None else case(), data or {}, x or ctx())


def group(n_reps, visitors=20):
    return {"group_visit": True, "channel": "visit", "visitor_count": visitors,
            "representatives": [{"name": f"代表{i}"} for i in range(n_reps)]}


@pytest.mark.parametrize("event,guard", [
    ("register", "representatives"), ("register", "group_visit_channel"), ("assign", "report_due"),
    ("acknowledge", "written_notice"), ("object_misdirected", "objection_reasons"),
    ("object_misdirected", "objection_in_time"), ("start_mediation", "mediation_consent"),
    ("sign_settlement", "settlement_written"), ("issue_opinion", "opinion_contents"),
    ("request_review", "review_window"), ("request_recheck", "recheck_window"),
])
def test_each_guard_is_on_its_event(event, guard):
    assert G[guard] in PETITION.event(event).guards, (event, guard)


def test_a_group_visit_elects_one_to_five_representatives_nationally():
    """LVR Art 20 ¶3: 多人采用走访形式提出同一信访事项的，应当推选代表，代表人数不超过5人."""
    assert holds("representatives", {"group_visit": False})                     # not a group visit: no rule
    assert [holds("representatives", group(n)) for n in (0, 1, 5, 6)] == [False, True, True, False]


def test_in_zhejiang_ten_or_fewer_visitors_elect_at_most_three():
    """ZJLV Art 15 ¶2: 十人以下的，代表不超过3人; more than ten: the national five."""
    zj = ctx("zhejiang")
    assert [holds("representatives", group(n, visitors=10), x=zj) for n in (3, 4)] == [True, False]
    assert [holds("representatives", group(n, visitors=11), x=zj) for n in (5, 6)] == [True, False]
    assert holds("representatives", group(4, visitors=10))                     # the national profile: five


def test_representatives_only_for_a_visit():
    assert holds("group_visit_channel", group(2))
    assert not holds("group_visit_channel", {**group(2), "channel": "letter"})
    assert holds("group_visit_channel", {"channel": "letter"})


def test_an_assignment_sets_a_report_date_after_today():
    """LVR Art 22(3). Today in Shanghai is 2026-12-01."""
    assert [holds("report_due", {"report_due": d}) for d in ("2026-12-02", "2026-12-01", "2026-11-30")] == \
        [True, False, False]
    assert not holds("report_due", {}) and not holds("report_due", {"report_due": "明天"})


def test_acceptance_is_notified_in_writing_unless_the_address_is_unclear():
    assert not holds("written_notice", {})
    assert holds("written_notice", {"written_notice_ref": "诸信告〔2026〕1号"})
    assert holds("written_notice", {"address_unclear": True})


def test_an_objection_gives_reasons_within_its_five_working_days():
    """LVR Art 23 ¶3: 自收到之日起5个工作日内提出异议，并详细说明理由."""
    assert not holds("objection_reasons", {"reasons": " 不属 "}) and holds("objection_reasons", {"reasons": "不属本机关职权"})


@pytest.mark.parametrize("guard,clock", [
    ("objection_in_time", "objection"),         # LVR Art 23 ¶3: 5 working days
    ("review_window", "review_window"),         # LVR Art 35: 复查 within 30 days of the written reply
    ("recheck_window", "recheck_window"),       # LVR Art 36: 复核 within 30 days of the review's reply
])
def test_a_request_in_time_is_one_while_its_clock_runs_to_the_end_of_its_last_day(guard, clock):
    def with_clock(due, status="running"):
        return case([SimpleNamespace(kind=clock, status=status, due_at=due)])
    assert holds(guard, c=with_clock(NOW))                                                   # the last moment
    assert holds(guard, c=with_clock(NOW + timedelta(days=3), status="paused"))
    assert not holds(guard, c=with_clock(NOW - timedelta(seconds=1)))
    assert not holds(guard, c=with_clock(NOW + timedelta(days=1), status="stopped"))
    assert not holds(guard, c=case())                                                        # never started


def test_mediation_needs_both_sides_consent_and_a_settlement_both_signatures():
    """LVR Art 33."""
    assert holds("mediation_consent", {"petitioner_consents": True, "other_side_consents": True})
    assert not holds("mediation_consent", {"petitioner_consents": True})
    assert not holds("mediation_consent", {"other_side_consents": True})
    signed = {"agreement_ref": "调解协议书第1号", "signed_by": ["petitioner", "other_side"]}
    assert holds("settlement_written", signed)
    assert not holds("settlement_written", {**signed, "signed_by": ["petitioner"]})
    assert not holds("settlement_written", {**signed, "agreement_ref": ""})


def test_an_opinion_rests_on_law_unless_it_explains():
    """LVR Art 32: 支持/不支持 name their legal basis; 解释说明 rests on its reasons."""
    assert not holds("opinion_contents", {"outcome": "support", "legal_basis": "  "})
    assert holds("opinion_contents", {"outcome": "not_support", "legal_basis": "《土地管理法》第四十七条"})
    assert holds("opinion_contents", {"outcome": "explain"})


def test_supervision_is_a_lapsed_clock_for_the_system_and_a_reason_for_staff():
    """LVR Art 40."""
    assert holds("supervision_grounds", {"clock": "handling"}, x=ctx(role="sys"))
    assert not holds("supervision_grounds", {"reason": "拖延"}, x=ctx(role="sys"))
    assert holds("supervision_grounds", {"reason": "推诿拖延"}, x=ctx(role="xfb"))
    assert not holds("supervision_grounds", {"reason": "推诿", "clock": "handling"}, x=ctx(role="xfb"))
