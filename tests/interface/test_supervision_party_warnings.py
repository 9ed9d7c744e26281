"""研判预警 by party and by risk words (PSR Art 50, 54; issue 15 item 5), on SQLite and PostgreSQL, with cases
registered through the real intake service over RPC and read into the centre's model: the same person in
several disputes (by the blind ID index), one address in several (by the blind index of the normalised
address), one respondent facing many applicants (distinct applicants, not disputes; an organisation without a
credit code by the blind index of its name, spaces ignored), threats of violence in the text (only a count
reaches the read model). Each fires at its threshold (config/jiefen.yaml) and not below, and no ID number,
name or text is stored in the read model."""
from __future__ import annotations

import re

from sqlalchemy import select

from infra.calendar import to_shanghai_date
from infra.config import load_config
from infra.db import make_engine, read_session, service_db_url
from infra.timekeeping import now
from infra.orgs import load_directory
from services.supervision import repeats
from services.supervision.derived import received_at
from services.supervision.ingest import apply_facts
from services.supervision.models import SvCase, SvParty
from tests.factories import claim, key, person_id
from tests.harness import wait_for
from tests.interface.supervision_walk import supervision

__all__ = ["supervision"]
PERSON = person_id("19900312", 777)
COMPANY = "诸暨市某某物业有限公司"
THREAT = "对方扬言要同归于尽"
THREATS = "当事人称要报复，放火烧了对方的房子"


def _applicant(id_number=None, address="诸暨市暨阳街道某村3号"):
    return {"role": "applicant", "kind": "person", "name": "王五", "id_number": id_number or person_id(),
            "phone": "13700137000", "address": address}


def _against(name, address="诸暨市暨阳街道某路8号"):
    return {"role": "respondent", "kind": "organisation", "name": name, "address": address}


def test_person_respondent_and_risk_words_warn_at_their_thresholds(intake, supervision, rpc_as, jiefen):
    window, supv = rpc_as("window").intake, rpc_as("supv").supervision
    engine = make_engine(*service_db_url("supervision", load_config(**jiefen)))
    today = to_shanghai_date(now()).isoformat()
    period = {"from": today, "to": today}

    def register(**overrides) -> str:
        return window.register_case(claim("neighbourhood", **overrides), key())["case_id"]

    def in_model(case_ids) -> bool:
        with read_session(engine) as s:
            rows = s.scalars(select(SvCase).where(SvCase.case_id.in_(case_ids))).all()
            parties = s.scalars(select(SvParty.case_id).where(SvParty.case_id.in_(case_ids))).all()
        return len(rows) == len(case_ids) and all(r.facts_version == r.version for r in rows) \
            and set(parties) == set(case_ids)

    def rule(name):
        return [w for w in supv.warnings(period)["items"] if w["rule"] == name]

    # below every threshold: the person in 2 disputes (yellow 3), the company against 2 applicants (blue 3),
    # ordinary text (yellow 1 risk word)
    below = [register(parties=[_applicant(PERSON), _against(COMPANY)]),
             register(parties=[_applicant(PERSON), _against(" 诸暨市某某物业 有限公司")])]
    wait_for(lambda: in_model(below))
    assert rule("same_person") == [] and rule("one_respondent") == [] and rule("risk_words") == []
    assert not [w for w in rule("same_address") if set(below) & set(w["case_ids"])]

    # at the thresholds
    threat = register(summary=THREAT)
    threats = register(request=THREATS)
    # the same place typed another way: a space and a full-width digit (normalised before the blind index)
    third = register(parties=[_applicant(PERSON, "诸暨市暨阳街道 某村３号"), _against(COMPANY, "诸暨市暨阳街道某路9号")])
    wait_for(lambda: in_model(below + [threat, threats, third]))
    [person] = rule("same_person")
    assert (person["level"], person["case_count"], person["case_ids"]) == ("yellow", 3, sorted(below + [third]))
    assert person["explanation"].startswith("同一当事人1日内涉及3起纠纷")
    assert ("yellow", sorted(below + [third])) in [(w["level"], w["case_ids"]) for w in rule("same_address")]
    words = {w["case_ids"][0]: w["level"] for w in rule("risk_words")}
    assert words == {threat: "yellow", threats: "red"}           # 同归于尽; 报复 and 烧
    # three disputes against the company, but one applicant: not many applicants facing one respondent
    assert rule("one_respondent") == []
    others = [register(parties=[_applicant(address=f"诸暨市某镇{n}号"), _against(COMPANY, f"诸暨市某镇{n}路")])
              for n in (1, 2)]
    wait_for(lambda: in_model(others))
    [company] = rule("one_respondent")                            # three applicants in five disputes
    assert (company["level"], company["case_count"], company["case_ids"]) == ("blue", 5, sorted(below + [third] + others))
    assert company["title"] == "同一被申请人面对 3 名申请人" and "被3名申请人在5起纠纷中申请" in company["explanation"]
    # every case behind a warning, from the rule, the period and its subject (the hash of the index)
    for w in (person, company):
        got = supv.warning_cases(w["rule"], period, {"subject": w["subject"]}, {"number": 1, "size": 20})
        assert got["total"] == w["case_count"] and [r["case_no"] for r in got["items"]] and \
            sorted(r["case_id"] for r in got["items"]) == w["case_ids"]
    assert supv.warning_cases("one_respondent", period, {"subject": "0" * 16})["total"] == 0

    cases = below + [threat, threats, third] + others
    # nothing personal in the read model: blind indexes and a count only
    with read_session(engine) as s:
        parties = s.scalars(select(SvParty).where(SvParty.case_id.in_(cases))).all()
        stored = repr([(p.case_id, p.seq, p.role, p.kind, p.party_index, p.address_index) for p in parties]) + repr(
            [{c.key: getattr(r, c.key) for c in SvCase.__table__.columns}
             for r in s.scalars(select(SvCase).where(SvCase.case_id.in_(cases)))])
    assert parties and all(re.fullmatch(r"[0-9a-f]{64}", p.party_index or "") for p in parties)
    for secret in (PERSON, COMPANY, "王五", "张三", "李四", "同归于尽", "报复", "13700137000", "某村3号", "某村３号"):
        assert secret not in stored
    for w in rule("same_person") + rule("one_respondent") + rule("same_address"):
        assert not any(i in repr(w) for p in parties for i in (p.party_index, p.address_index) if i)

    # they become 预警处置 tasks like the other warnings
    opened = rpc_as("router").supervision.raise_warning_tasks(period)["opened"]
    labels = {"same_person": "同一当事人多次涉纠纷", "same_address": "同一地址多起纠纷", "one_respondent": "同一被申请人面对多名申请人（群体性风险）",
              "risk_words": "民转刑风险"}
    assert {t["data"]["rule"]: t["data"]["rule_label"] for t in opened if t["data"]["rule"] in labels} == labels
    engine.dispose()


def _recounted(engine) -> set:
    """What ``sv_party_repeats`` would hold if counted again from every party now (rolled back)."""
    with engine.connect() as conn:
        with conn.begin() as t:
            repeats.recount_all(conn)
            got = repeats.kept(conn)
            t.rollback()
    return got


def _kept_and_received_right(engine) -> set:
    """The kept repeats, after checking them against a recount and each party's received date against its case."""
    with read_session(engine) as s:
        kept = repeats.kept(s.connection())
        rows = s.execute(select(SvCase, SvParty.received_at).join(SvParty, SvParty.case_id == SvCase.case_id)).all()
    assert kept == _recounted(engine)
    assert rows and all(at == received_at(case) for case, at in rows)
    return kept


def test_the_kept_repeats_equal_a_recount_through_ingest_replay_and_rebuild(intake, supervision, rpc_as, jiefen):
    """sv_party_repeats (the indexes the party rules group, kept at ingest) equals a recount from the parties
    after the cases arrive, after their facts are applied twice more (idempotent), after a case's parties change
    (an index it no longer names is counted down) and after a rebuild from scratch; so does each party's
    received date (derived.received_at)."""
    window, supv = rpc_as("window").intake, rpc_as("supv").supervision
    engine = make_engine(*service_db_url("supervision", load_config(**jiefen)))
    directory = load_directory(str(load_config(**jiefen).path("organisations")))
    ids = [window.register_case(claim("neighbourhood", parties=[_applicant(PERSON), _against(COMPANY)]),
                                key())["case_id"] for _ in range(3)]
    def arrived():
        with read_session(engine) as s:
            rows = s.scalars(select(SvCase).where(SvCase.case_id.in_(ids))).all()
        return len(rows) == 3 and all(r.facts_version == r.version for r in rows)
    wait_for(arrived)
    kept = _kept_and_received_right(engine)
    assert {d for d, _, n in kept if n >= 3} == {"party", "address", "applicants"}    # the person, the address, the company
    facts = [f for f in rpc_as("supv").intake.replay_facts(limit=200)["items"] if f["case_id"] in ids]
    assert len(facts) == 3
    for _ in range(2):
        for f in facts:
            apply_facts(engine, directory, f, now())
        assert _kept_and_received_right(engine) == kept
    # one case's applicant replaced by someone else: the person and the address are counted down
    changed = {**facts[0], "parties": [{**facts[0]["parties"][0], "index": "0" * 64, "address": "1" * 64},
                                       *facts[0]["parties"][1:]]}
    apply_facts(engine, directory, changed, now())
    fewer = _kept_and_received_right(engine)
    assert fewer != kept and ("party", "0" * 64, 1) not in fewer
    assert {(d, n) for d, _, n in kept - fewer} >= {("party", 3), ("address", 3)}
    apply_facts(engine, directory, facts[0], now())
    assert _kept_and_received_right(engine) == kept
    supv.rebuild(["intake"])
    assert _kept_and_received_right(engine) == kept
    engine.dispose()
