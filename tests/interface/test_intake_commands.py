"""The intake service's commands over real RabbitMQ, on SQLite and PostgreSQL: registration, bad input,
idempotency, concurrency, audit trail, personal data, resident lookup, search and duplicates."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import eventlet
import pytest
from sqlalchemy import text
from stdnum.cn import uscc

from infra.config import ROOT
from infra.db import make_engine, service_db_url
from infra.config import load_config
from services.intake.guards import GUARDS
from tests.conftest import ACTORS
from tests.factories import claim, key, org_code, person_id
from tests.harness import expect_error, wait_for


def person_id_not_uscc():
    """A valid 居民身份证号 that is not by chance also a valid credit code (1 in 31 would be)."""
    return next(n for n in (person_id() for _ in range(200)) if not uscc.is_valid(n))


def engine_of(jiefen):
    url, schema = service_db_url("intake", load_config(**jiefen))
    return make_engine(url, schema)


def count_rows(jiefen, table):
    engine = engine_of(jiefen)
    with engine.connect() as conn:
        n = conn.execute(text(f"select count(*) from {table}")).scalar()
    engine.dispose()
    return n


def classified(rpc_as, category="neighbourhood", **claim_overrides):
    """A registered and classified case, with the query code its registration returned."""
    case = rpc_as("window").intake.register_case(claim(category, **claim_overrides), key())
    view = rpc_as("router").intake.classify(case["case_id"], category, case["version"], key())
    return {**view, "query_code": case["query_code"]}


# -- registration -----------------------------------------------------------------------------------
def test_register_returns_number_query_code_status_version_and_deadlines(intake, rpc_as):
    case = rpc_as("window").intake.register_case(claim(), key())
    assert case["case_no"].startswith("JF-330681-") and len(case["case_no"]) == len("JF-330681-2026-000001")
    assert len(case["query_code"]) == 8
    assert case["status"] == "IN_RECEIVED" and case["version"] == 1
    assert [d["kind"] for d in case["deadlines"]] == ["classify_route"]
    assert case["deadlines"][0]["unit"] == "working_days" and case["deadlines"][0]["days_left"] == 5
    history = rpc_as("window").intake.case_history(case["case_id"])
    assert [(h["event"], h["from"], h["to"]) for h in history] == [("register_claim", None, "IN_RECEIVED")]
    assert history[0]["user_id"] == "clerk-01" and "parties" not in history[0]["data"]


def test_case_numbers_are_unique_and_sequential(intake, rpc_as):
    numbers = [rpc_as("window").intake.register_case(claim(), key())["case_no"] for _ in range(5)]
    seqs = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert seqs == list(range(seqs[0], seqs[0] + 5))


def test_organisation_party_with_credit_code(intake, rpc_as):
    data = claim("debt_contract")
    data["parties"][1] = {"role": "respondent", "kind": "organisation", "name": "诸暨某建材有限公司",
                          "id_number": org_code(), "phone": "0575-87012345"}
    case = rpc_as("window").intake.register_case(data, key())
    assert case["parties"][1]["id_number"] == data["parties"][1]["id_number"]


BAD_INPUTS = [
    ("bad ID checksum", lambda d: d["parties"][0].update(id_number=d["parties"][0]["id_number"][:-1] + ("0" if d["parties"][0]["id_number"][-1] != "0" else "1")),
     ("parties", "0", "id_number")),
    ("person with a credit code", lambda d: d["parties"][0].update(id_number=org_code()), ("parties", "0", "id_number")),
    ("organisation with an ID number", lambda d: d["parties"][1].update(kind="organisation", id_number=person_id_not_uscc()),
     ("parties", "1", "id_number")),
    ("unknown category", lambda d: d.update(category="alien_abduction"), ("category",)),
    ("unknown channel", lambda d: d.update(channel="pigeon"), ("channel",)),
    ("missing summary", lambda d: d.pop("summary"), ("summary",)),
    ("missing request", lambda d: d.pop("request"), ("request",)),
    ("no parties", lambda d: d.update(parties=[]), ("parties",)),
    ("no applicant", lambda d: d["parties"][0].update(role="third_party"), ("parties",)),
    ("applicant without ID", lambda d: d["parties"][0].pop("id_number"), ("parties", "0", "id_number")),
    ("oversized summary", lambda d: d.update(summary="纠" * 501), ("summary",)),
    ("oversized facts", lambda d: d.update(facts="x" * 20001), ("facts",)),
    ("wrong type", lambda d: d.update(summary=42), ("summary",)),
    ("parties not a list", lambda d: d.update(parties="张三"), ("parties",)),
    ("bad phone", lambda d: d["parties"][0].update(phone="12345abc"), ("parties", "0", "phone")),
    ("unknown field", lambda d: d.update(secret_note="x"), ("secret_note",)),
]


@pytest.mark.parametrize("label,mutate,field", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_names_the_field_and_stores_nothing(intake, rpc_as, jiefen, label, mutate, field):
    data = claim()
    mutate(data)
    err = expect_error("VALIDATION_ERROR", rpc_as("window").intake.register_case, data, key())
    node = err.details["fields"]["case"]
    for part in field:
        node = node[int(part)] if isinstance(node, list) else node.get(part, node.get(int(part)) if part.isdigit() else None)
        assert node is not None, (label, err.details)
    assert count_rows(jiefen, "cases") == 0 and count_rows(jiefen, "audit_entries") == 0
    assert count_rows(jiefen, "sequences") == 0


def test_missing_idempotency_key_and_version_are_validation_errors(intake, rpc_as):
    rpc = rpc_as("window").intake
    err = expect_error("VALIDATION_ERROR", rpc.register_case, claim(), None)
    assert "idempotency_key" in err.details["fields"]
    case = rpc.register_case(claim(), key())
    err = expect_error("VALIDATION_ERROR", rpc_as("router").intake.classify, case["case_id"], "neighbourhood", None, key())
    assert "expected_version" in err.details["fields"]
    err = expect_error("VALIDATION_ERROR", rpc.fire, case["case_id"], "no_such_event", {}, 1, key())
    assert "event" in err.details["fields"]


def test_call_without_actor_is_forbidden(intake, rpc_as):
    anonymous = rpc_as({})
    expect_error("FORBIDDEN", anonymous.intake.register_case, claim(), key())
    unknown_org = rpc_as({"user_id": "u", "role": "window", "org_id": "nowhere"})
    expect_error("FORBIDDEN", unknown_org.intake.register_case, claim(), key())


def test_other_organisation_may_not_act_or_read(intake, rpc_as):
    case = rpc_as("window").intake.register_case(claim(), key())
    stranger = rpc_as({"user_id": "r9", "role": "router", "org_id": "zj-centre-jiyang"})   # a body below: governs nothing above
    expect_error("FORBIDDEN", stranger.intake.classify, case["case_id"], "neighbourhood", 1, key())
    expect_error("FORBIDDEN", stranger.intake.get_case, case["case_id"])
    assert stranger.intake.find_cases({}, {})["total"] == 0


# -- idempotency and concurrency ---------------------------------------------------------------------
def test_replayed_register_yields_one_case(intake, rpc_as, jiefen):
    data, k = claim(), key()
    first = rpc_as("window").intake.register_case(data, k)
    again = rpc_as("window").intake.register_case(data, k)
    assert again == first
    assert count_rows(jiefen, "cases") == 1 and count_rows(jiefen, "audit_entries") == 1


def test_same_key_with_another_payload_is_a_mismatch(intake, rpc_as, jiefen):
    k = key()
    rpc_as("window").intake.register_case(claim(), k)
    other = claim(summary="完全不同的纠纷")
    expect_error("IDEMPOTENCY_MISMATCH", rpc_as("window").intake.register_case, other, k)
    assert count_rows(jiefen, "cases") == 1


def test_replayed_transition_changes_nothing_twice(intake, rpc_as, jiefen):
    case = rpc_as("window").intake.register_case(claim(), key())
    k = key()
    a = rpc_as("router").intake.classify(case["case_id"], "neighbourhood", 1, k)
    b = rpc_as("router").intake.classify(case["case_id"], "neighbourhood", 1, k)
    assert a == b and a["version"] == 2
    assert len(rpc_as("window").intake.case_history(case["case_id"])) == 2


CLIENT = textwrap.dedent("""
    import json, sys, time
    from contracts.client import JiefenClient
    uri, start_at, k, payload = sys.argv[1], float(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4])
    with JiefenClient(uri, actor={"user_id": "clerk-01", "role": "window", "org_id": "zj-centre"}, timeout=30) as c:
        c.call("intake", "case_definition")        # connect before the start line
        while time.time() < start_at:
            time.sleep(0.001)
        print(json.dumps(c.call("intake", "register_case", payload, k)))
""")


def test_same_key_from_two_processes_at_once_yields_one_case(intake, rpc_as, service_config, jiefen):
    import time
    data, k = claim(), key()
    start_at = str(time.time() + 3)
    procs = [subprocess.Popen([sys.executable, "-c", CLIENT, service_config["AMQP_URI"], start_at, k, json.dumps(data)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "JIEFEN_CLIENT_ID": "test-suite",
                                   "JIEFEN_KEY_FILE": f"{jiefen['keys_dir']}/test-suite.key"}) for _ in range(2)]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        outs.append(json.loads(out.strip().splitlines()[-1]))
    assert outs[0]["case_id"] == outs[1]["case_id"]
    assert count_rows(jiefen, "cases") == 1


def test_two_concurrent_transitions_from_one_version_exactly_one_wins(intake, rpc_as, jiefen):
    case = classified(rpc_as)
    results = []

    def attempt(target, details, reason):
        # one proxy per router: a proxy's socket serves one greenthread at a time
        router = rpc_as({**ACTORS["router"], "user_id": f"router-{target}"})
        try:
            results.append(("ok", router.intake.route(case["case_id"], target, reason, case["version"], key(), details)))
        except Exception as err:  # noqa: BLE001 - we assert on the code below
            results.append(("err", getattr(err, "code", repr(err))))

    pool = eventlet.GreenPool()
    pool.spawn(attempt, "mediation", {"target_org_id": "zj-pmc-jiyang"}, "调解先行")
    pool.spawn(attempt, "diversion", {"party_wants_to_sue": True}, "当事人起诉")
    pool.waitall()
    assert sorted(r[0] for r in results) == ["err", "ok"]
    assert [r[1] for r in results if r[0] == "err"] == ["VERSION_CONFLICT"]
    assert len(rpc_as("window").intake.case_history(case["case_id"])) == 3


def test_stale_expected_version_is_a_conflict(intake, rpc_as):
    case = classified(rpc_as)
    err = expect_error("VERSION_CONFLICT", rpc_as("router").intake.route, case["case_id"], "mediation", "x",
                       case["version"] - 1, key())
    assert err.details["current_version"] == case["version"]


# -- audit trail ------------------------------------------------------------------------------------
def test_audit_trail_edited_in_the_database_fails_verification(intake, rpc_as, jiefen):
    case = classified(rpc_as)
    rpc = rpc_as("window").intake
    assert rpc.verify_history(case["case_id"])["valid"] is True
    engine = engine_of(jiefen)
    with engine.begin() as conn:
        conn.execute(text("update audit_entries set user_id = 'intruder' where case_id = :c and seq = 1"),
                     {"c": case["case_id"]})
    engine.dispose()
    report = rpc.verify_history(case["case_id"])
    assert report["valid"] is False and report["broken_at"] == 1


def test_deleted_audit_entry_fails_verification(intake, rpc_as, jiefen):
    case = classified(rpc_as)
    engine = engine_of(jiefen)
    with engine.begin() as conn:
        conn.execute(text("delete from audit_entries where case_id = :c and seq = 1"), {"c": case["case_id"]})
    engine.dispose()
    report = rpc_as("window").intake.verify_history(case["case_id"])
    assert report["valid"] is False and report["code"] == "ENTRY_MISSING" and "缺失" in report["problem"]


# -- personal data ------------------------------------------------------------------------------------
def test_id_numbers_and_phones_are_masked_in_listings_and_for_other_orgs(intake, rpc_as):
    data = claim()
    case = rpc_as("window").intake.register_case(data, key())
    number, phone = data["parties"][0]["id_number"], data["parties"][0]["phone"]
    listed = rpc_as("window").intake.find_cases({}, {})["items"][0]["parties"][0]
    assert listed["id_number"] == number[:6] + "********" + number[-4:] and listed["phone"] == phone[:3] + "****" + phone[-4:]
    assert listed["address"] is None
    own = rpc_as("window").intake.get_case(case["case_id"])["parties"][0]
    assert own["id_number"] == number and own["phone"] == phone
    superior = rpc_as({"user_id": "g1", "role": "sup", "org_id": "zj-gov-county"})
    seen = superior.intake.get_case(case["case_id"])["parties"][0]
    assert seen["id_number"] != number and seen["id_number"].endswith(number[-4:])


# -- resident lookup ---------------------------------------------------------------------------------
def test_resident_lookup_by_query_code(intake, rpc_as):
    case = classified(rpc_as)
    public = rpc_as({})
    found = public.intake.lookup_by_query_code(case["case_no"], case["query_code"].lower())   # case-insensitive
    assert found["status"] == "IN_CLASSIFIED"
    assert [m["event"] for m in found["milestones"]] == ["register_claim", "classify"]
    assert "parties" not in found and "张三" not in json.dumps(found, ensure_ascii=False)
    expect_error("NOT_FOUND", public.intake.lookup_by_query_code, case["case_no"], "WRONG123")
    expect_error("NOT_FOUND", public.intake.lookup_by_query_code, "JF-330681-1999-000001", "ABCDEFGH")


# -- search -------------------------------------------------------------------------------------------
def test_find_cases_filters_and_pages(intake, rpc_as):
    rpc = rpc_as("window").intake
    for _ in range(3):
        rpc.register_case(claim("neighbourhood"), key())
    labour = rpc.register_case(claim("labour"), key())
    assert rpc.find_cases({"category": "labour"}, {})["total"] == 1
    assert rpc.find_cases({"status": ["IN_RECEIVED"]}, {"size": 2})["total"] == 4
    page2 = rpc.find_cases({}, {"number": 2, "size": 3})
    assert page2["total"] == 4 and len(page2["items"]) == 1
    assert rpc.find_cases({"case_no": labour["case_no"]}, {})["items"][0]["case_id"] == labour["case_id"]
    assert rpc.find_cases({"overdue": True}, {})["total"] == 0
    assert rpc.find_cases({"due_within_days": 30}, {})["total"] == 4
    err = expect_error("VALIDATION_ERROR", rpc.find_cases, {"category": "nope"}, {"size": 1000})
    assert "category" in err.details["fields"]["filters"] and "size" in err.details["fields"]["page"]


# -- duplicates (SPEC §2.2) ---------------------------------------------------------------------------
def test_duplicates_are_found_and_linked_never_dropped(intake, rpc_as):
    first = rpc_as("window").intake.register_case(claim(), key())
    data = claim()
    data["parties"] = rpc_as("window").intake.get_case(first["case_id"])["parties"]
    second = rpc_as("window").intake.register_case(data, key())
    candidates = rpc_as("router").intake.find_duplicates(second["case_id"])
    assert [(c["case_id"], c["match"], c["rule"]) for c in candidates] == [(first["case_id"], "exact", "D1")]
    second = rpc_as("router").intake.classify(second["case_id"], "neighbourhood", second["version"], key())
    linked = rpc_as("router").intake.fire(second["case_id"], "link_duplicate",
                                          {"duplicate_of": first["case_id"], "rule": "D1"}, second["version"], key())
    assert linked["status"] == "IN_DUPLICATE_LINKED" and linked["links"][0]["case_id"] == first["case_id"]
    other = classified(rpc_as)
    err = expect_error("GUARD_FAILED", rpc_as("router").intake.fire, other["case_id"], "link_duplicate",
                       {"duplicate_of": first["case_id"], "rule": "D1"}, other["version"], key())
    assert "CPLI Art 247" in err.message


# -- guards cite their article ------------------------------------------------------------------------
GUARD_CASES = [
    ("mediable", "administrative", "mediation", {}, "PML Art 2"),
    ("not_barred", "neighbourhood", "mediation", {"already_accepted_by": "court"}, "PMR Art 22(2)"),
    ("no_refusal", "neighbourhood", "mediation", {"party_refused_mediation": True}, "PML Art 17"),
    ("committee", "neighbourhood", "mediation", {"target_org_id": "zj-court"}, "PML Art 7"),
    ("divertible", "labour", "diversion", {"party_wants_to_sue": True}, "OMR Art 3"),
    ("wants_to_sue", "neighbourhood", "diversion", {}, "CPL Art 125"),
    ("court", "neighbourhood", "diversion", {"party_wants_to_sue": True, "target_org_id": "zj-pmc-jiyang"}, "PSR Art 45"),
    ("petitionable", "neighbourhood", "petition", {}, "LVR Art 22 ¶2"),
    ("no_statutory_procedure", "administrative", "petition", {"statutory_procedure": "litigation"}, "LVR Art 31(1)-(4)"),
    ("petition_office", "administrative", "petition", {"target_org_id": "zj-pmc-jiyang"}, "LVR Art 22, 23"),
    ("external_fits", "neighbourhood", "external", {"external_channel": "police"}, "PML Art 25"),
]


@pytest.mark.parametrize("guard,category,target,details,article", GUARD_CASES, ids=[g[0] for g in GUARD_CASES])
def test_each_routing_guard_refuses_citing_its_article(intake, rpc_as, guard, category, target, details, article):
    case = classified(rpc_as, category)
    err = expect_error("GUARD_FAILED", rpc_as("router").intake.route, case["case_id"], target, "理由", case["version"],
                       key(), details)
    assert err.message == GUARDS[guard].message and article in err.message
    assert rpc_as("window").intake.get_case(case["case_id"])["status"] == "IN_CLASSIFIED"


def test_close_is_refused_while_a_child_case_is_open(intake, rpc_as, jiefen):
    case = classified(rpc_as)
    case = rpc_as("router").intake.route(case["case_id"], "mediation", "调解先行", case["version"], key())
    engine = engine_of(jiefen)
    with engine.begin() as conn:   # the mediation service opened a child case that is still running
        conn.execute(text("update case_links set target_case_id = 'c1', target_status = 'PM_IN_MEDIATION' "
                          "where case_id = :c"), {"c": case["case_id"]})
    engine.dispose()
    case = rpc_as("window").intake.fire(case["case_id"], "start_tracking", {"notified_how": "phone"}, case["version"], key())
    err = expect_error("GUARD_FAILED", rpc_as("window").intake.close, case["case_id"], "结案", case["version"], key())
    assert "PSR Art 39" in err.message


def test_the_window_cannot_close_a_case_whose_routed_child_does_not_exist_yet(intake, rpc_as, jiefen):
    """Issue 13 item 16 (SPEC §2; PSR Art 39): route_to_petition → start_tracking → close was IN_CLOSED
    before the petition office had opened anything. Closed only once the child exists and is terminal."""
    case = classified(rpc_as, "administrative")
    case = rpc_as("router").intake.route(case["case_id"], "petition", "对行政行为有异议", case["version"], key())
    case = rpc_as("window").intake.fire(case["case_id"], "start_tracking", {"notified_how": "phone"}, case["version"], key())
    assert case["links"][0]["case_id"] is None           # no petition service here: the child is not opened
    err = expect_error("GUARD_FAILED", rpc_as("window").intake.close, case["case_id"], "结案", case["version"], key())
    assert "PSR Art 39" in err.message and "未在接收机构立案" in err.message
    assert rpc_as("window").intake.get_case(case["case_id"])["status"] == "IN_TRACKING"
    engine = engine_of(jiefen)
    with engine.begin() as conn:   # the petition office opened the child case and concluded it
        conn.execute(text("update case_links set target_case_id = 'pt1', target_status = 'PT_CLOSED', "
                          "target_terminal = :t where case_id = :c"), {"t": True, "c": case["case_id"]})
    engine.dispose()
    # now the child exists and has ended: the tracking round closes the case (child_case_closed, sys)
    closed = wait_for(lambda: (c := rpc_as("window").intake.get_case(case["case_id"]))["status"] == "IN_CLOSED" and c)
    assert [h["event"] for h in rpc_as("window").intake.case_history(case["case_id"])][-1] == "child_case_closed"


def test_a_labour_dispute_may_go_to_peoples_mediation_or_to_arbitration(intake, rpc_as):
    """Issue 13 item 17: LDL Art 5 makes mediation optional and Art 10(2) names the 基层人民调解组织;
    arbitration stays open when the party chooses it, and the basis no longer says it must come first."""
    case = classified(rpc_as, "labour")
    assert case["data"]["routes"]["mediation"] and case["data"]["routes"]["external"] == ["labour_arbitration"]
    routed = rpc_as("router").intake.route(case["case_id"], "mediation", "当事人选择人民调解", case["version"], key(),
                                           {"target_org_id": "zj-pmc-jiyang"})
    assert routed["status"] == "IN_ROUTED" and routed["links"][0]["service"] == "mediation"
    other = classified(rpc_as, "labour")
    referred = rpc_as("router").intake.route(other["case_id"], "external", "当事人选择仲裁", other["version"], key(),
                                             {"external_channel": "labour_arbitration"})
    basis = referred["data"]["referral"]["basis"]
    assert referred["status"] == "IN_REFERRED_EXTERNAL" and "LDL Art 5" in basis and "须先" not in basis
    refused = classified(rpc_as, "land_expropriation")
    err = expect_error("GUARD_FAILED", rpc_as("router").intake.route, refused["case_id"], "mediation", "调解",
                       refused["version"], key())
    assert "PML Art 2" in err.message


def test_external_channels_cite_the_lvr_item_that_names_them(intake, rpc_as):
    """Issue 13 item 20: 行政复议 is LVR Art 31(4), 仲裁 is 31(2)."""
    case = classified(rpc_as, "administrative")
    got = rpc_as("router").intake.route(case["case_id"], "external", "申请行政复议", case["version"], key(),
                                        {"external_channel": "administrative_review"})
    assert got["data"]["referral"]["basis"].startswith("LVR Art 31(4)")
    case = classified(rpc_as, "debt_contract")
    got = rpc_as("router").intake.route(case["case_id"], "external", "约定仲裁", case["version"], key(),
                                        {"external_channel": "arbitration"})
    assert got["data"]["referral"]["basis"].startswith("LVR Art 31(2)")


def test_reconcile_moves_a_case_whose_child_events_were_lost(intake, rpc_as, jiefen):
    """A child opened and closed while its events were lost: the reconcile round settles the parent."""
    from infra.calendar import Calendar
    from infra.engine import Env
    from infra.orgs import load_directory
    from services.intake.casetype import INTAKE
    from services.intake.tracking import reconcile

    case = classified(rpc_as)
    case = rpc_as("router").intake.route(case["case_id"], "mediation", "调解先行", case["version"], key())
    untouched = classified(rpc_as)
    engine = engine_of(jiefen)
    config = load_config(**jiefen)
    env = Env("intake", INTAKE, engine, config, load_directory(str(config.path("organisations"))),
              Calendar(str(config.path("holidays"))))
    assert reconcile(env) == 0                      # nothing opened yet: nothing to do
    with engine.begin() as conn:
        conn.execute(text("update case_links set target_case_id = 'pm1', target_case_no = 'PM-1', "
                          "target_status = 'PM_CLOSED', target_terminal = :t where case_id = :c"),
                     {"t": True, "c": case["case_id"]})
    assert reconcile(env) == 1
    got = rpc_as("window").intake.get_case(case["case_id"])
    assert got["status"] == "IN_CLOSED"
    assert [h["event"] for h in rpc_as("window").intake.case_history(case["case_id"])][-2:] == \
        ["start_tracking", "child_case_closed"]
    assert rpc_as("window").intake.get_case(untouched["case_id"])["status"] == "IN_CLASSIFIED"
    assert reconcile(env) == 0
    engine.dispose()
