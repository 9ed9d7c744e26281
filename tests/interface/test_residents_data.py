"""Real residents' data (issue 12) over real RabbitMQ, on SQLite and PostgreSQL: real ID numbers
stored normalised and found again, registration without one, personal data never in clear in the
database, key rotation, tampering found and named, duplicates limited to what the reader may see,
and race-free case numbers."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import eventlet
import pytest
from sqlalchemy import text

from infra import audit, pii
from infra.config import load_config
from infra.db import make_engine, service_db_url
from tests.conftest import ACTORS
from tests.factories import claim, key, person_id
from tests.harness import expect_error

REAL = [("330681198003120010", "330681198003120010"), ("330102196001010019", "330102196001010019"),
        ("11010519491231002x", "11010519491231002X"), ("３３０６８１１９８００３１２００１０", "330681198003120010"),
        ("33068119800312007X ", "33068119800312007X")]


def engine_of(jiefen):
    url, schema = service_db_url("intake", load_config(**jiefen))
    return make_engine(url, schema)


def with_applicant_id(number, **party):
    data = claim()
    data["parties"][0] = {**data["parties"][0], "id_number": number, **party}
    return data


@pytest.fixture
def fresh_keys():
    """A keyring of this test's own (the services run in this process, so they use it too)."""
    ring = pii.Keyring([pii.AESGCM.generate_key(bit_length=256)], b"i" * 32, b"a" * 32)
    pii.set_keyring(ring)
    yield ring
    pii.set_keyring(None)


# -- ID numbers ----------------------------------------------------------------------------------------
def test_real_id_numbers_are_registered_normalised_and_found_however_typed(intake, rpc_as):
    for typed, stored in REAL:
        case = rpc_as("window").intake.register_case(with_applicant_id(typed), key())
        assert rpc_as("window").intake.get_case(case["case_id"])["parties"][0]["id_number"] == stored
    # the same person however typed: one search finds every case of theirs
    found = rpc_as("window").intake.find_cases({"party_id_number": " ３３０６８１１９８００３１２００１０ "}, {})
    assert found["total"] == 2
    assert rpc_as("window").intake.find_cases({"party_id_number": "11010519491231002X"}, {})["total"] == 1


def test_malformed_id_number_is_refused_in_chinese_naming_the_field(intake, rpc_as, jiefen):
    err = expect_error("VALIDATION_ERROR", rpc_as("window").intake.register_case,
                       with_applicant_id("330681198003120011"), key())
    assert "id_number" in err.message and "校验码" in err.message
    assert "校验码" in err.details["fields"]["case"]["parties"]["0"]["id_number"][0]
    engine = engine_of(jiefen)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from cases")).scalar() == 0
    engine.dispose()


def test_registration_without_id_number_records_the_reason(intake, rpc_as):
    data = claim(channel="hotline_12345")
    data["parties"][0] = {"role": "applicant", "kind": "person", "name": "来电群众", "phone": "13800138000",
                          "id_absent_reason": "hotline"}
    case = rpc_as("window").intake.register_case(data, key())
    party = rpc_as("window").intake.get_case(case["case_id"])["parties"][0]
    assert party["id_number"] is None and party["id_absent_reason"] == "hotline"
    data["parties"][0].pop("id_absent_reason")
    err = expect_error("VALIDATION_ERROR", rpc_as("window").intake.register_case, data, key())
    assert "id_absent_reason" in err.message


# -- at rest -------------------------------------------------------------------------------------------
def _stored_text(jiefen, backend, tmp_path) -> bytes:
    """Everything the database holds: the raw SQLite files, or every text/JSON column of the schema."""
    if backend == "sqlite":
        return b"".join(p.read_bytes() for p in Path(tmp_path).glob("intake.sqlite*"))
    url, schema = service_db_url("intake", load_config(**jiefen))
    engine = make_engine(url, schema)
    out = []
    with engine.connect() as conn:
        cols = conn.execute(text("select table_name, column_name from information_schema.columns "
                                 "where table_schema = :s and data_type in ('text', 'character varying', 'json', 'jsonb')"),
                            {"s": schema}).all()
        for table, column in cols:
            out += [str(v) for (v,) in conn.execute(text(f'select "{column}"::text from "{table}"'))]
    engine.dispose()
    assert cols, "no text columns found"
    return "\n".join(out).encode()


def test_no_id_number_phone_or_query_code_in_clear_in_the_database(intake, rpc_as, jiefen, backend, tmp_path,
                                                                   fresh_keys):
    secrets = []
    for i in range(3):
        data = claim()
        case = rpc_as("window").intake.register_case(data, key())
        if i == 0:   # routed: its hand-off decision is stored on the link
            c = rpc_as("router").intake.classify(case["case_id"], "neighbourhood", case["version"], key())
            rpc_as("router").intake.route(c["case_id"], "mediation", "调解先行", c["version"], key(),
                                          {"target_org_id": "zj-pmc-jiyang"})
        secrets += [p["id_number"] for p in data["parties"]] + [p["phone"] for p in data["parties"]]
        secrets.append(case["query_code"])
    data = rpc_as("window").intake.get_case(case["case_id"])
    assert data["parties"][0]["id_number"] == secrets[-5]      # readable through the service
    raw = _stored_text(jiefen, backend, tmp_path)
    assert b"enc1:" in raw
    leaked = [s for s in secrets if s.encode() in raw]
    assert leaked == []


def test_rotated_keys_keep_old_cases_readable_and_reencrypt_moves_them(intake, rpc_as, jiefen, fresh_keys):
    from infra import rekey
    data = claim()
    old = rpc_as("window").intake.register_case(data, key())
    newer = pii.Keyring([pii.AESGCM.generate_key(bit_length=256), *fresh_keys.keys],
                        fresh_keys.index_key, fresh_keys.audit_key)
    pii.set_keyring(newer)
    assert rpc_as("window").intake.get_case(old["case_id"])["parties"][0]["id_number"] == data["parties"][0]["id_number"]
    assert rpc_as("window").intake.find_cases({"party_id_number": data["parties"][0]["id_number"]}, {})["total"] == 1
    engine = engine_of(jiefen)
    assert rekey.reencrypt(engine)["parties"] == 2
    assert rekey.reencrypt(engine)["parties"] == 0                     # nothing left under the old key
    engine.dispose()
    pii.set_keyring(pii.Keyring(newer.keys[:1], newer.index_key, newer.audit_key))   # the old key retired
    assert rpc_as("window").intake.get_case(old["case_id"])["parties"][0]["phone"] == data["parties"][0]["phone"]


def test_idempotency_records_are_encrypted_replayed_and_pruned(intake, rpc_as, jiefen):
    from datetime import timedelta
    from infra.engine import prune_idempotency
    from infra.timekeeping import now
    data, k = claim(), key()
    first = rpc_as("window").intake.register_case(data, k)
    assert rpc_as("window").intake.register_case(data, k) == first
    engine = engine_of(jiefen)
    with engine.connect() as conn:
        raw = str(conn.execute(text("select response from idempotency")).scalar())
    assert first["query_code"] not in raw and "enc1:" in raw
    from infra.engine import Env
    env = Env("intake", None, engine, load_config(**jiefen), None, None)
    assert prune_idempotency(env, now()) == 0
    assert prune_idempotency(env, now() + timedelta(hours=73)) == 1
    engine.dispose()


# -- audit tampering -----------------------------------------------------------------------------------
def _tamper(jiefen, sql, **params):
    engine = engine_of(jiefen)
    with engine.begin() as conn:
        conn.execute(text(sql), params)
    engine.dispose()


def _routed(rpc_as):
    case = rpc_as("window").intake.register_case(claim(), key())
    case = rpc_as("router").intake.classify(case["case_id"], "neighbourhood", case["version"], key())
    assert rpc_as("window").intake.verify_history(case["case_id"])["valid"] is True
    return case


def test_tail_deletion_is_detected(intake, rpc_as, jiefen):
    case = _routed(rpc_as)
    _tamper(jiefen, "delete from audit_entries where case_id = :c and seq = 2", c=case["case_id"])
    report = rpc_as("window").intake.verify_history(case["case_id"])
    assert report["valid"] is False and report["code"] == "TAIL_MISSING"
    assert "审计记录被删除" in report["problem"]


def test_rehashed_edit_is_detected(intake, rpc_as, jiefen):
    case = _routed(rpc_as)
    engine = engine_of(jiefen)
    from sqlalchemy import select
    from sqlalchemy.orm import Session
    from infra.models import AuditEntry
    with Session(engine) as s:
        e = s.scalars(select(AuditEntry).where(AuditEntry.case_id == case["case_id"], AuditEntry.seq == 2)).one()
        # a forger edits the entry and recomputes its hash (and the case row's anchor) without the key
        e.user_id = "forger"
        forged = hashlib.sha256(audit.canonical(audit.entry_body(e)).encode()).hexdigest()
        entry_id = e.id
    with engine.begin() as conn:
        conn.execute(text("update audit_entries set user_id = 'forger', hash = :h where id = :i"),
                     {"h": forged, "i": entry_id})
        conn.execute(text("update cases set audit_head = :h where id = :c"), {"h": forged, "c": case["case_id"]})
    engine.dispose()
    report = rpc_as("window").intake.verify_history(case["case_id"])
    assert report["valid"] is False and report["code"] == "ENTRY_ALTERED" and report["broken_at"] == 2
    assert "被修改" in report["problem"]


def test_case_row_status_edit_is_detected(intake, rpc_as, jiefen):
    case = _routed(rpc_as)
    _tamper(jiefen, "update cases set status = 'IN_CLOSED' where id = :c", c=case["case_id"])
    report = rpc_as("window").intake.verify_history(case["case_id"])
    assert report["valid"] is False and report["code"] == "STATUS_MISMATCH"
    assert "IN_CLOSED" in report["problem"] and "直接修改" in report["problem"]


def test_daily_root_is_exported_once_a_day(intake, rpc_as, jiefen, tmp_path):
    from infra import anchor
    from infra.engine import Env
    _routed(rpc_as)
    engine = engine_of(jiefen)
    env = Env("intake", None, engine, load_config(**jiefen), None, None)
    root = anchor.export(env)
    engine.dispose()
    assert root is None or root["cases"] >= 1        # the service's own timer may have written it first
    files = list((Path(tmp_path) / "anchors" / "intake").glob("*.json"))
    assert len(files) == 1 and re.search(r'"root": "[0-9a-f]{64}"', files[0].read_text())


# -- duplicates ----------------------------------------------------------------------------------------
def test_other_organisations_duplicates_show_only_count_and_name(intake, rpc_as):
    data = claim()
    theirs = rpc_as("window").intake.register_case(data, key())              # the county centre's case
    town = rpc_as("other_window")                                             # a township centre below it
    mine = town.intake.register_case({**data, "summary": "同一纠纷，再次来访"}, key())
    expect_error("FORBIDDEN", town.intake.get_case, theirs["case_id"])
    for shown in (town.intake.find_duplicates(mine["case_id"]),
                  town.intake.get_case(mine["case_id"])["data"]["duplicate_candidates"]):
        assert theirs["case_no"] not in str(shown) and theirs["case_id"] not in str(shown)
        assert [(c["hidden"], c["org_id"], c["count"], c["match"]) for c in shown] == \
            [(True, "zj-centre", 1, "exact")]
        assert re.search(r"[\u4e00-\u9fff]", shown[0]["org_name"])
    # the county centre governs the township: it sees both cases whole
    seen = rpc_as("window").intake.find_duplicates(theirs["case_id"])
    assert [(c["case_no"], c["match"]) for c in seen] == [(mine["case_no"], "exact")]


# -- numbering -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("backend", ["postgresql"])
def test_100_concurrent_first_registrations_get_100_distinct_numbers(container_factory, service_config, rpc_as):
    from services.intake.service import IntakeService
    container_factory(IntakeService, {**service_config, "max_workers": 50}).start()
    clerks = [rpc_as({**ACTORS["window"], "user_id": f"clerk-{i:03d}"}, timeout=60) for i in range(100)]
    results = []

    def register(clerk):
        try:
            results.append(("ok", clerk.intake.register_case(claim(), key())["case_no"]))
        except Exception as err:  # noqa: BLE001 - counted below
            results.append(("err", getattr(err, "code", repr(err))))

    pool = eventlet.GreenPool(100)
    for clerk in clerks:
        pool.spawn(register, clerk)
    pool.waitall()
    errors = [r for r in results if r[0] == "err"]
    numbers = {r[1] for r in results if r[0] == "ok"}
    assert errors == [] and len(numbers) == 100
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 101))


def test_cases_from_before_the_keyed_chain_are_verified_then_anchored(intake, rpc_as, jiefen):
    from sqlalchemy import select
    from sqlalchemy.orm import Session
    from infra import rekey
    from infra.models import AuditEntry
    case = _routed(rpc_as)
    engine = engine_of(jiefen)
    with Session(engine) as s:                 # as revision 0001 wrote it: unkeyed hashes, no anchor
        prev = audit.GENESIS
        for e in s.scalars(select(AuditEntry).where(AuditEntry.case_id == case["case_id"]).order_by(AuditEntry.seq)):
            e.prev_hash = prev
            e.hash = prev = rekey._legacy_hash(e)
        s.commit()
    with engine.begin() as conn:
        conn.execute(text("update cases set audit_head = null, audit_count = 0 where id = :c"), {"c": case["case_id"]})
    assert rpc_as("window").intake.verify_history(case["case_id"])["valid"] is False
    assert rekey.reanchor(engine) == {"anchored": 1, "broken": []}
    engine.dispose()
    assert rpc_as("window").intake.verify_history(case["case_id"])["valid"] is True
