"""The 30-day window for judicial confirmation is judged on the day the parties applied, not on the day
the application reached the court (CPL Art 205; PML Art 33; issue 13 item 10), over RPC on SQLite and
PostgreSQL: the application date travels with the hand-off; a party at the court cannot back-date one."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from infra import timekeeping
from tests.factories import key
from tests.harness import party_actor, expect_error
from tests.interface.diversion_walk import ACTORS, application, diversion, handoff_for_confirmation

__all__ = ["diversion"]
SH = ZoneInfo("Asia/Shanghai")
EFFECTIVE = "2026-03-02"          # 30 days from the next day: the window ends on 2026-04-01


def late(rpc_as):
    """Three days after the window closed, the court's service receives the application."""
    timekeeping.set_now(datetime(2026, 4, 4, 10, 0, tzinfo=SH))
    return rpc_as(ACTORS["router"]).diversion


def test_an_application_made_on_day_30_and_delivered_later_is_accepted(diversion, rpc_as):
    handoff = handoff_for_confirmation(application(EFFECTIVE))
    handoff["data"]["applied_at"] = "2026-04-01T16:30:00+08:00"        # the last day, at the committee
    made = late(rpc_as).open_from_handoff(handoff, key())
    assert made["status"] == "JC_APPLIED"
    assert made["data"]["application"]["applied_on"] == "2026-04-01"


def test_an_application_made_after_day_30_is_refused_citing_the_article(diversion, rpc_as):
    handoff = handoff_for_confirmation(application(EFFECTIVE))
    handoff["data"]["applied_at"] = "2026-04-02T09:00:00+08:00"
    err = expect_error("GUARD_FAILED", late(rpc_as).open_from_handoff, handoff, key())
    assert "CPL Art 205" in err.message and "三十日" in err.message


def test_a_sender_without_the_date_is_judged_on_arrival(diversion, rpc_as):
    """Backward compatible: an older sender's hand-off has no applied_at; the day it arrives counts."""
    err = expect_error("GUARD_FAILED", late(rpc_as).open_from_handoff, handoff_for_confirmation(application(EFFECTIVE)),
                       key())
    assert "CPL Art 205" in err.message


def test_a_party_at_the_court_cannot_back_date_an_application(diversion, rpc_as):
    late(rpc_as)
    party = party_actor("zj-court")             # the filing officer records the joint application
    back_dated = application(EFFECTIVE, applied_at="2026-03-20")
    err = expect_error("GUARD_FAILED", rpc_as(party).diversion.apply_for_confirmation, back_dated, key())
    assert "CPL Art 205" in err.message
    timekeeping.set_now(datetime(2026, 4, 1, 20, 0, tzinfo=SH))
    made = rpc_as(party).diversion.apply_for_confirmation(application(EFFECTIVE), key())
    assert made["status"] == "JC_APPLIED" and made["data"]["application"]["applied_on"] == "2026-04-01"
