"""Scale-out (issue 16): two instances (separate OS processes) of every case service against one
PostgreSQL and one broker, as `docker-compose up --scale <service>=2` runs them. The end-to-end
journeys pass unchanged, and every hand-off opens exactly one child case and every deadline event
fires once (counted in the audit trails of every service's database afterwards).

    nameko test tests/e2e/test_scale_out.py
"""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import create_engine, text

from infra.db import normalise_url
from tests.conftest import PG_URL
from tests.e2e import (test_confirmation_flow, test_mediation_process, test_petition_process,
                       test_recommendation_process)
from tests.e2e.conftest import MODULES

JOURNEYS = [
    test_mediation_process.test_a_routed_dispute_is_mediated_and_intake_closes_when_the_committee_archives_it,
    test_confirmation_flow.test_a_confirmed_agreement_is_performed_and_intake_closes,
    test_petition_process.test_window_to_re_review_and_a_repeated_petition_refused,
    test_recommendation_process.test_an_urged_recipient_is_flagged_after_fifteen_days_and_the_chief_procurator_escalates,
]


@pytest.fixture
def backend():
    return "postgresql"        # several hosts share one database: PostgreSQL


# journeys whose clocks run out while they run (the sweeps fire deadline events as sys)
SWEEPING = {JOURNEYS[0], JOURNEYS[3]}


class TwoOfEach:
    """The journey's cluster, but every service it starts runs as two processes (the four journeys
    together start all five case services)."""

    def __init__(self, cluster):
        self.cluster = cluster

    def start(self, *services, instances: int = 1):
        self.cluster.start(*services, instances=2)
        return self

    def __getattr__(self, name):
        return getattr(self.cluster, name)


def audit_and_links(prefix: str) -> tuple[dict, dict]:
    """Per service: its audit entries (case, event, role, clock) and its cases' parents; child links."""
    engine = create_engine(normalise_url(PG_URL))
    entries, parents, links = {}, {}, []
    with engine.connect() as conn:
        existing = set(conn.execute(text("SELECT nspname FROM pg_namespace")).scalars())
        for service in (s for s in MODULES if f"{prefix}{s}" in existing):
            schema = f'"{prefix}{service}"'
            entries[service] = conn.execute(text(
                f"SELECT case_id, event, role, summary FROM {schema}.audit_entries")).all()
            parents[service] = conn.execute(text(
                f"SELECT parent_service, parent_case_id FROM {schema}.cases WHERE parent_case_id IS NOT NULL")).all()
            links += [(service, *row) for row in conn.execute(text(
                f"SELECT case_id, target_service FROM {schema}.case_links WHERE link_type = 'child'")).all()]
    engine.dispose()
    return entries, {"parents": parents, "links": links}


@pytest.mark.parametrize("journey", JOURNEYS, ids=lambda j: j.__module__.rsplit(".", 1)[-1])
def test_two_instances_of_each_service_pass_the_journey_and_fire_each_hand_off_and_deadline_once(cluster, journey):
    journey(TwoOfEach(cluster))
    started = {tag.split("#")[0] for tag in cluster.procs}
    assert started and all(f"{name}#1" in cluster.procs for name in started)       # two of each ran
    entries, graph = audit_and_links(cluster.jiefen["db_schema_prefix"])

    # every hand-off opened exactly one child case in its target service
    opened = Counter((parent_service, parent_id, target)
                     for target, rows in graph["parents"].items() for parent_service, parent_id in rows)
    wanted = Counter(graph["links"])
    assert opened == wanted, (opened, wanted)

    # every deadline event the sweeps fired (as sys, per clock) was fired once
    fired = Counter((service, case_id, event, (summary or {}).get("clock"))
                    for service, rows in entries.items() for case_id, event, role, summary in rows
                    if role == "sys" and (summary or {}).get("clock"))
    assert all(n == 1 for n in fired.values()), [k for k, n in fired.items() if n > 1]
    assert fired or journey not in SWEEPING, "no deadline event fired"
