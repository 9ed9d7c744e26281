"""The rules of the one transition function (infra/engine.py), called directly on a SQLite file, without
RabbitMQ: the version check (a stale or missing version changes nothing), who is refused and why (role
vs organisation, in details.reason), the idempotency key (no second change), one audit entry and one
outbox row per change and none for a refusal, and the case number (一案一码: prefix-county-year-sequence)."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select, text

from contracts.errors import JiefenError
from infra import audit, numbering, pii
from infra.actors import Actor
from infra.calendar import Calendar
from infra.config import default_config
from infra.db import make_engine, upgrade, write_session
from infra.engine import Env, transition
from infra.querycode import QUERY_CODE_ALPHABET, new_query_code
from infra.models import AuditEntry, Case, OutboxRow
from infra.orgs import load_directory
from services.intake.casetype import INTAKE
from tests.factories import claim, key

WINDOW = Actor("clerk-01", "window", "zj-centre")
ROUTER = Actor("router-01", "router", "zj-centre")
OUTSIDE_ROUTER = Actor("router-99", "router", "zj-centre-jiyang")     # a township centre: not this case's body
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)                   # 2026-12-01 10:00 in Shanghai


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    pii.set_keyring(pii.Keyring([b"k" * 32], b"i" * 32, b"a" * 32))
    url = f"sqlite:///{tmp_path_factory.mktemp('engine')}/intake.sqlite"
    upgrade(url)
    config = default_config()
    e = Env("intake", INTAKE, make_engine(url), config,
            load_directory(str(config.path("organisations")), str(config.path("roles"))),
            Calendar(str(config.path("holidays"))), now=lambda: NOW)
    yield e
    e.engine.dispose()
    pii.set_keyring(None)


def view(case, ctx):
    return {"case_id": case.id, "case_no": case.case_no, "status": case.status, "version": case.version}


def register(env, idem=None):
    return transition(env, WINDOW, "register_claim", data=claim("neighbourhood"), idempotency_key=idem, view=view)


def classify(env, case, version, actor=ROUTER, idem=None):
    return transition(env, actor, "classify", case_id=case["case_id"], data={"category": "neighbourhood"},
                      expected_version=version, idempotency_key=idem, view=view)


def recorded(env, case_id) -> tuple:
    """The case row's version and status, its audit entries and its outbox rows."""
    with write_session(env.engine) as s:
        row = s.get(Case, case_id)
        entries = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.case_id == case_id))
        rows = [r.payload for r in s.scalars(select(OutboxRow))]
    return row.version, row.status, entries, sum(1 for p in rows if p["case_id"] == case_id)


def refused(code, fn, *args, **kwargs) -> JiefenError:
    with pytest.raises(JiefenError) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def test_a_change_is_one_version_step_one_audit_entry_and_one_outbox_row(env):
    case = register(env)
    assert recorded(env, case["case_id"]) == (case["version"], "IN_RECEIVED", 1, 1)
    after = classify(env, case, case["version"])
    assert after["version"] == case["version"] + 1
    assert recorded(env, case["case_id"]) == (after["version"], after["status"], 2, 2)


@pytest.mark.parametrize("offset", [-1, 1])
def test_a_version_other_than_the_current_one_is_refused_and_changes_nothing(env, offset):
    case = register(env)
    before = recorded(env, case["case_id"])
    err = refused("VERSION_CONFLICT", classify, env, case, case["version"] + offset)
    assert err.details == {"expected_version": case["version"] + offset, "current_version": case["version"]}
    assert recorded(env, case["case_id"]) == before
    classify(env, case, case["version"])                                   # the current version goes through


def test_a_stale_version_after_a_change_is_refused(env):
    case = register(env)
    classify(env, case, case["version"])
    before = recorded(env, case["case_id"])
    refused("VERSION_CONFLICT", transition, env, ROUTER, "route_to_mediation", case_id=case["case_id"],
            data={"reason": "民间纠纷，调解先行", "target_org_id": "zj-pmc-jiyang"},
            expected_version=case["version"], view=view)
    assert recorded(env, case["case_id"]) == before


def test_a_missing_version_is_a_validation_error_naming_the_field(env):
    case = register(env)
    err = refused("VALIDATION_ERROR", classify, env, case, None)
    assert "expected_version" in str(err.details)


def test_a_role_the_event_does_not_list_is_refused_for_its_role(env):
    case = register(env)
    before = recorded(env, case["case_id"])
    err = refused("FORBIDDEN", classify, env, case, case["version"], actor=WINDOW)
    assert err.details["reason"] == "role" and err.details["allowed_roles"] == ["router"]
    assert recorded(env, case["case_id"]) == before


def test_a_body_that_does_not_govern_the_case_is_refused_for_its_organisation(env):
    case = register(env)
    before = recorded(env, case["case_id"])
    err = refused("FORBIDDEN", classify, env, case, case["version"], actor=OUTSIDE_ROUTER)
    assert err.details["reason"] == "organisation" and err.details["case_org_id"] == "zj-centre"
    assert recorded(env, case["case_id"]) == before
    classify(env, case, case["version"], actor=Actor("router-02", "router", "zj-gov-county"))  # a body above: yes


def test_the_same_idempotency_key_makes_no_second_change(env):
    case = register(env)
    k = key()
    first = classify(env, case, case["version"], idem=k)
    assert classify(env, case, case["version"], idem=k) == first
    assert recorded(env, case["case_id"])[::2] == (first["version"], 2)
    err = refused("IDEMPOTENCY_MISMATCH", transition, env, ROUTER, "classify", case_id=case["case_id"],
                  data={"category": "labour"}, expected_version=case["version"], idempotency_key=k, view=view)
    assert err.details == {"idempotency_key": k}


def test_case_numbers_are_prefix_county_year_and_the_next_sequence(env):
    first, second = register(env), register(env)
    prefix, county, year, seq = first["case_no"].split("-")
    assert (prefix, county, year) == (INTAKE.case_no_prefix, env.config.county_code, "2026")
    assert len(seq) == 6 and second["case_no"] == f"{prefix}-{county}-{year}-{int(seq) + 1:06d}"


def test_the_case_number_year_is_shanghai_time(monkeypatch):
    """16:30 UTC on 31 December is already 1 January in Shanghai (UTC+8): the counter and the number
    are the new year's."""
    names = []
    monkeypatch.setattr(numbering, "next_sequence", lambda session, name: names.append(name) or 7)
    env = Env("intake", INTAKE, None, default_config(), None, None)
    number = numbering.next_case_no(None, env, datetime(2026, 12, 31, 16, 30, tzinfo=timezone.utc))
    county = default_config().county_code
    assert number == f"{INTAKE.case_no_prefix}-{county}-2027-000007"
    assert names == [f"{INTAKE.case_no_prefix}:{county}:2027"]


def test_query_codes_are_eight_characters_read_aloud_without_confusion():
    codes = {new_query_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 8 and set(c) <= set(QUERY_CODE_ALPHABET) for c in codes)
    assert not set("01OI") & set(QUERY_CODE_ALPHABET)


def test_the_audit_entry_of_a_change_verifies_against_the_case_row(env):
    case = register(env)
    classify(env, case, case["version"])
    with write_session(env.engine) as s:
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.case_id == case["case_id"])
                                 .order_by(AuditEntry.seq)))
        report = audit.verify(entries, s.get(Case, case["case_id"]))
    assert report["valid"] is True and report["entries"] == 2


def test_the_rows_written_as_core_inserts_keep_their_column_types(env):
    """Audit entry, outbox row and idempotency record go in as Core INSERTs (infra.db.insert_rows): the
    stored answer is still encrypted at rest (个人信息保护法 Art 51(3)), the times are stored as UTC and read
    back aware, and a retry of the key gets the stored answer back decrypted."""
    k, data = key(), claim("neighbourhood")
    case = transition(env, WINDOW, "register_claim", data=data, idempotency_key=k, view=view)
    with env.engine.connect() as conn:
        raw = conn.execute(text("SELECT response FROM idempotency WHERE key = :k"), {"k": f"intake:{k}"}).scalar_one()
    assert json.loads(raw)["enc"].startswith(pii.PREFIX) and case["case_no"] not in raw
    assert transition(env, WINDOW, "register_claim", data=data, idempotency_key=k, view=view) == case
    with write_session(env.engine) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.case_id == case["case_id"])).one()
        row = next(r for r in s.scalars(select(OutboxRow)) if r.payload["case_id"] == case["case_id"])
    assert entry.at == NOW and row.created_at == NOW and row.sent_at is None and row.attempts == 0
    assert row.payload["event_id"] == row.id and row.payload["version"] == entry.version == case["version"]
