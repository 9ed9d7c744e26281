"""Authenticated events (issue 11): a forged or replayed event published straight to a service's events
exchange changes no case; the real events still drive the hand-off. Intake and mediation running, real
broker, SQLite and PostgreSQL."""
from __future__ import annotations

import uuid

from nameko.standalone.events import event_dispatcher
from sqlalchemy import select

from contracts.signing import Signer
from infra.db import read_session
from infra.models import InboxRow
from infra.service import Platform
from infra.trust import sign_event
from tests.conftest import client_signer
from tests.factories import claim, key
from tests.harness import wait_for
from tests.interface.mediation_walk import ACTORS as PM_ACTORS, mediation

__all__ = ["mediation"]


def env_of(container):
    return next(iter(next(d for d in container.dependencies if isinstance(d, Platform)).envs.values()))


def forged(child: dict, parent_id: str, **over) -> dict:
    """A terminal case_transitioned for the real child case: what the issue's attacker published."""
    return {"service": "mediation", "case_type": "mediation", "case_id": child["case_id"], "case_no": child["case_no"],
            "event": "archive", "from": "PM_PERFORMED", "to": "PM_CLOSED", "status_label": "结案归档",
            "terminal": True, "version": 999, "at": "2026-04-01T00:00:00+00:00", "org_id": "zj-pmc-jiyang",
            "parent_service": "intake", "parent_case_id": parent_id, "supervised": False,
            "event_id": uuid.uuid4().hex, "event_type": "case_transitioned", **over}


def test_forged_and_replayed_child_events_change_no_case(intake, mediation, rpc_as, service_config, trust_settings):
    router, window = rpc_as("router").intake, rpc_as("window").intake
    case = window.register_case(claim(), key())
    case = router.classify(case["case_id"], "neighbourhood", case["version"], key())
    case = router.route(case["case_id"], "mediation", "民间纠纷，调解先行", case["version"], key(),
                        {"target_org_id": "zj-pmc-jiyang"})
    parent_id = case["case_id"]
    tracking = wait_for(lambda: (c := window.get_case(parent_id))["status"] == "IN_TRACKING" and c)
    child = rpc_as(PM_ACTORS["pmc"]).mediation.get_case(tracking["links"][0]["case_id"])
    assert child["status"] == "PM_APPLIED"

    publish = event_dispatcher(service_config)
    unsigned = forged(child, parent_id)
    wrong_service = sign_event(client_signer(trust_settings, "svc-petition"), forged(child, parent_id))
    mediation_key = client_signer(trust_settings, "svc-mediation")
    altered = {**sign_event(mediation_key, forged(child, parent_id, terminal=False, to="PM_APPLIED")),
               "terminal": True, "to": "PM_CLOSED"}               # a genuine signature, the payload changed after
    # signed with mediation's own key (a stolen key, or a real old event replayed): it says PM_CLOSED, but
    # intake reads the child case and reacts to what it reads (PM_APPLIED)
    lying = sign_event(mediation_key, forged(child, parent_id))
    someone = Signer("test-suite", client_signer(trust_settings, "test-suite").private_key)
    by_a_client = sign_event(someone, forged(child, parent_id))
    for payload in (unsigned, wrong_service, altered, by_a_client, lying):
        publish("mediation", "case_transitioned", payload)

    # positive signals: the signed lie was handled (its inbox row), and a real event after it arrives
    engine = env_of(intake).engine

    def inbox(event_id):
        with read_session(engine) as s:
            return s.scalar(select(InboxRow.event_id).where(InboxRow.event_id == event_id))
    wait_for(lambda: inbox(lying["event_id"]))
    pm = rpc_as(PM_ACTORS["pmc"]).mediation.fire(child["case_id"], "request_consent", {"how": "phone"},
                                                 child["version"], key())
    link = wait_for(lambda: (l := window.get_case(parent_id)["links"][0])["status"] == pm["status"] and l)
    assert link["terminal"] is False
    # the replay of the lie (same event id) and the dropped ones left no trace; nothing closed the parent
    publish("mediation", "case_transitioned", lying)
    for payload in (unsigned, wrong_service, altered, by_a_client):
        assert inbox(payload["event_id"]) is None
    after = window.get_case(parent_id)
    assert after["status"] == "IN_TRACKING"
    assert "child_case_closed" not in [h["event"] for h in window.case_history(parent_id)]
    assert rpc_as(PM_ACTORS["pmc"]).mediation.get_case(child["case_id"])["status"] == "PM_CONSENT_PENDING"
