"""The centre's read model (PSR Art 39 ¶2, 49), with intake, mediation and supervision running on one
broker and their own databases, on SQLite and PostgreSQL: every case arrives by its events with its
organisation, town, category, channel, state, links and history; replaying every event twice changes
nothing; an older version never overwrites a newer one; a rebuild from scratch gives the same model;
the check recounts from the services and names each difference."""
from __future__ import annotations

from sqlalchemy import select, update

from infra.config import load_config
from infra.db import make_engine, read_session, service_db_url, write_session
from infra.models import OutboxRow
from infra.orgs import load_directory
from infra.timekeeping import now
from services.supervision.ingest import ingest
from services.supervision.models import SvCase, SvHistory
from tests.factories import claim, key
from tests.harness import expect_error, wait_for
from tests.interface.mediation_walk import mediation
from tests.interface.supervision_walk import supervision

__all__ = ["mediation", "supervision"]
SERVICES = ["intake", "mediation"]


def engine_for(jiefen, service):
    return make_engine(*service_db_url(service, load_config(**jiefen)))


def snapshot(engine) -> tuple:
    with read_session(engine) as s:
        cases = sorted((r.case_id, r.service, r.case_type, r.case_no, r.org_id, r.town_id, r.category, r.channel,
                        r.status, r.terminal, r.version, r.parent_case_id, r.created_at, r.closed_at,
                        r.resolution, r.resolved_at, r.overdue_ever, r.open_due_at, str(r.stages), str(r.clocks),
                        str(r.links)) for r in s.scalars(select(SvCase)))
        history = sorted((h.case_id, h.version, h.event, h.from_state, h.to_state, h.at)
                         for h in s.scalars(select(SvHistory)))
    return cases, history


def journeys(rpc_as) -> dict:
    """Three matters: one routed to a township committee's mediation, one answered on the spot, one waiting."""
    window, router = rpc_as("window").intake, rpc_as("router").intake
    routed = window.register_case(claim("neighbourhood", channel="hotline_12345"), key())
    routed = router.classify(routed["case_id"], "neighbourhood", routed["version"], key())
    routed = router.route(routed["case_id"], "mediation", "民间纠纷，调解先行", routed["version"], key(),
                          {"target_org_id": "zj-pmc-jiyang"})
    answered = window.register_case(claim("consumer"), key())
    answered = window.answer_on_spot(answered["case_id"], "已当场解答", "consultation", answered["version"], key())
    waiting = window.register_case(claim("debt_contract", channel="grid"), key())
    child = wait_for(lambda: (c := window.get_case(routed["case_id"]))["links"][0]["case_id"])
    return {"routed": routed, "answered": answered, "waiting": waiting, "child": child}


def consistent(supv):
    report = supv.check(SERVICES)
    return report if report["consistent"] else None


def test_every_case_arrives_with_its_facts_and_the_model_equals_a_recount(intake, mediation, supervision,
                                                                            rpc_as, jiefen):
    j = journeys(rpc_as)
    supv = rpc_as("supv").supervision
    report = wait_for(lambda: consistent(supv) and supv.all_cases({"case_ids": [j["child"]]})["total"] == 1
                      and consistent(supv))
    assert report["counted"] == {"intake": 3, "mediation": 1} and report["in_model"] == 4

    rows = {r["case_id"]: r for r in supv.all_cases({}, {"size": 100})["items"]}
    routed, child = rows[j["routed"]["case_id"]], rows[j["child"]]
    assert (routed["channel"], routed["category"], routed["org_id"]) == ("hotline_12345", "neighbourhood", "zj-centre")
    assert routed["town_id"] is None                       # the county centre belongs to no township
    assert routed["links"][0]["case_id"] == j["child"] and routed["links"][0]["link_type"] == "child"
    assert {"IN_RECEIVED", "IN_CLASSIFIED", "IN_ROUTED"} <= set(routed["stages"])
    assert (child["service"], child["org_id"], child["town_id"]) == ("mediation", "zj-pmc-jiyang", "zj-gov-jiyang")
    assert child["parent"] == {"service": "intake", "case_id": j["routed"]["case_id"]}
    assert child["category"] == "neighbourhood"
    answered = rows[j["answered"]["case_id"]]
    assert answered["resolution"] == "answered_on_spot" and answered["resolved_at"]
    waiting = rows[j["waiting"]["case_id"]]
    assert waiting["status"] == "IN_RECEIVED" and waiting["due_at"] and not waiting["overdue_now"]
    assert [c["kind"] for c in waiting["clocks"]] == ["classify_route"]
    # lists filter by town, service and channel
    assert [r["case_id"] for r in supv.all_cases({"town_id": "zj-gov-jiyang"})["items"]] == [j["child"]]
    assert supv.all_cases({"service": "intake", "channel": "grid"})["total"] == 1


def test_replaying_every_event_twice_and_an_older_version_change_nothing(intake, mediation, supervision,
                                                                         rpc_as, jiefen):
    j = journeys(rpc_as)
    supv = rpc_as("supv").supervision
    wait_for(lambda: consistent(supv) and supv.all_cases({"case_ids": [j["child"]]})["total"] == 1
             and consistent(supv))
    supervision.stop()              # its consumers and refresh timer: only the replays below touch the model
    engine = engine_for(jiefen, "supervision")
    before = snapshot(engine)
    directory = load_directory(str(load_config(**jiefen).path("organisations")))
    events = []
    for service in SERVICES:
        with read_session(engine_for(jiefen, service)) as s:
            events += [(service, r.event_type, r.payload) for r in s.scalars(select(OutboxRow))]
    assert len(events) >= 8
    for _ in range(2):
        assert not any(ingest(engine, directory, svc, etype, payload, now()) for svc, etype, payload in events)
    assert snapshot(engine) == before
    # the registration again under a new event id: version 1 is older than the row's, nothing moves
    svc, etype, first = next(e for e in events if e[2]["case_id"] == j["routed"]["case_id"] and e[2]["version"] == 1)
    assert ingest(engine, directory, svc, etype, {**first, "event_id": key()[:32]}, now()) is True
    assert snapshot(engine) == before


def test_a_rebuild_from_scratch_gives_the_same_model_and_the_check_names_each_difference(
        intake, mediation, supervision, rpc_as, jiefen):
    j = journeys(rpc_as)
    supv = rpc_as("supv").supervision
    wait_for(lambda: consistent(supv) and supv.all_cases({"case_ids": [j["child"]]})["total"] == 1
             and consistent(supv))
    engine = engine_for(jiefen, "supervision")
    before = snapshot(engine)
    assert supv.rebuild(SERVICES) == {"rebuilt": {"intake": 3, "mediation": 1}}
    assert snapshot(engine) == before
    # a row edited behind the model's back is named by the check, field by field
    with write_session(engine) as s:
        s.execute(update(SvCase).where(SvCase.case_id == j["waiting"]["case_id"]).values(status="IN_CLOSED"))
        s.commit()
    report = supv.check(SERVICES)
    assert not report["consistent"]
    assert report["differences"] == [{"case_id": j["waiting"]["case_id"], "case_no": j["waiting"]["case_no"],
                                      "problem": "different",
                                      "fields": {"status": {"model": "IN_CLOSED", "service": "IN_RECEIVED"}}}]


def test_only_the_county_centre_reads_every_case(intake, supervision, rpc_as):
    for actor in ("window", {"user_id": "s2", "role": "supv", "org_id": "zj-centre-jiyang"}):
        expect_error("FORBIDDEN", rpc_as(actor).supervision.all_cases, {})
    expect_error("FORBIDDEN", rpc_as("router").supervision.rebuild)
    expect_error("FORBIDDEN", rpc_as("router").intake.replay_facts)
    err = expect_error("VALIDATION_ERROR", rpc_as("supv").supervision.check, ["nowhere"])
    assert "services" in err.details["fields"]
