"""A petitioner's own act (请求复查, 接受处理意见 …) is offered to staff of a body acting on the case, who
record it with the evidence (data.party_act; infra/service.py allowed_events): the office that registered
the letter and the handling department see it; a superior that only reads the case does not, and a
recorded act carries whose it was. Real RabbitMQ, SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from tests.factories import key
from tests.interface.petition_walk import (Flow, HANDLER, OFFICE, REVIEWER, petition_service)  # noqa: F401

PARTY_EVENTS = {"request_review", "accept_opinion", "record_satisfaction"}


@pytest.fixture
def flow(petition_service, rpc_as):
    return Flow(rpc_as)


def test_the_bodies_acting_on_a_served_opinion_may_record_the_petitioners_act(flow):
    case = flow.new("PT_OPINION_SERVED")
    office = {e["id"] for e in flow.proxy("xfb", OFFICE).allowed_events(case["case_id"])}
    handler = {e["id"] for e in flow.proxy("handler", HANDLER).allowed_events(case["case_id"])}
    assert {"request_review", "accept_opinion"} <= office and {"request_review", "accept_opinion"} <= handler
    # the county government governs the department and reads the case, but is no body acting on it yet
    reviewer = {e["id"] for e in flow.proxy("sup", REVIEWER).allowed_events(case["case_id"])}
    assert not reviewer & PARTY_EVENTS
    act = {"party": 1, "evidence_kind": "written_application", "evidence_ref": "复查申请书1号"}
    moved = flow.proxy("xfb", OFFICE).fire(case["case_id"], "request_review",
                                           {"reasons": "不服处理意见", "party_act": act}, case["version"], key())
    assert moved["status"] == "PT_REVIEW"
    entry = flow.history(moved)[-1]
    assert entry["event"] == "request_review" and entry["role"] == "xfb"
    assert entry["data"]["party_act"]["party"] == 1 and entry["data"]["party_act"]["evidence_ref"] == "复查申请书1号"
