"""Every field and every choice a user can meet has Chinese words (contracts/labels.py); a field or choice
added later without them fails here."""
import re

import pytest
from marshmallow import fields

from contracts import labels
from infra.manage import all_case_types

HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z_]")


def _walk(schema, path):
    instance = schema() if isinstance(schema, type) else schema
    for key, f in instance.fields.items():
        name = f.data_key or key
        yield f"{path}.{name}", name, f
        inner = f.inner if isinstance(f, fields.List) else f
        if isinstance(inner, fields.Nested):
            yield from _walk(inner.schema, f"{path}.{name}")


def _every_field():
    for ct in all_case_types():
        for e in ct.events:
            if e.schema is not None:
                yield from _walk(e.schema, f"{ct.code}.{e.id}")


EVERY_FIELD = list(_every_field())


def test_the_walk_covers_the_contracts():
    assert len(EVERY_FIELD) > 300 and len({n for _, n, _ in EVERY_FIELD}) > 150


@pytest.mark.parametrize("path,name,field", EVERY_FIELD, ids=[p for p, _, _ in EVERY_FIELD])
def test_every_field_has_a_chinese_label_and_widget(path, name, field):
    d = labels.describe(name, field)
    assert HAN.search(d["label"]) and not LATIN.search(d["label"]), f"{path}: no Chinese label in contracts/labels.py"
    assert not LATIN.search(d["help"]), f"{path}: help text is not Chinese: {d['help']!r}"
    assert d["widget"]["kind"] in {"text", "textarea", "number", "check", "date", "choice", "multi", "org",
                                   "mediator", "mediators", "party", "parties", "case", "signatures", "lines",
                                   "group", "rows", "hidden", "clock", "county"}


@pytest.mark.parametrize("path,name,field", [t for t in EVERY_FIELD if labels._choices_of(t[2])[0]],
                         ids=[p for p, _, f in EVERY_FIELD if labels._choices_of(f)[0]])
def test_every_choice_has_a_chinese_label(path, name, field):
    d = labels.describe(name, field)
    missing = [c["value"] for c in d["choices"] if not HAN.search(c["label"]) or LATIN.search(c["label"])]
    assert not missing, f"{path}: choices without a Chinese label: {missing}"
    assert d["widget"]["kind"] in {"choice", "multi", "hidden", "clock"}


def test_a_field_of_the_same_name_reads_the_same_everywhere():
    seen = {}
    for path, name, f in EVERY_FIELD:
        seen.setdefault(name, set()).add(labels.describe(name, f)["label"])
    assert {n: ls for n, ls in seen.items() if len(ls) > 1} == {}


def test_org_pickers_carry_the_kinds_the_law_allows():
    schema = next(e.schema for ct in all_case_types() for e in ct.events if e.id == "apply_judicial_confirmation"
                  and ct.code == "mediation")
    d = labels.describe("court_id", schema().fields["court_id"])
    assert d["widget"] == {"kind": "org", "org_kinds": ["court"]}


def test_party_numbers_and_signatures_are_pickers_not_json():
    sign = next(e.schema for ct in all_case_types() for e in ct.events if e.id == "sign_written_agreement"
                and ct.code == "mediation")
    f = sign().fields
    assert labels.describe("parties", f["parties"])["widget"]["kind"] == "parties"
    sig = labels.describe("signatures", f["signatures"])
    assert sig["widget"]["kind"] == "signatures"
    assert {o["label"] for o in next(s for s in sig["fields"] if s["name"] == "form")["options"]} == {"签名", "盖章", "按指印"}
    assert labels.describe("mediator_signature", f["mediator_signature"])["widget"]["kind"] == "mediator"


def test_an_enum_label_with_a_citation_is_split_into_words_and_basis():
    assert labels._harvested("CPLI Art 355(1): 不属于人民法院受理范围") == ("不属于人民法院受理范围", "CPLI Art 355(1)")
    assert labels._harvested("the court service refused")[0] == ""
    assert labels.choice_label("procedure", "summary", "7") == "简易程序"


def test_annotate_puts_the_labels_in_the_schema_metadata_for_openapi():
    from contracts.mediation import AssignMediatorSchema
    labels.annotate(AssignMediatorSchema)
    f = AssignMediatorSchema().fields
    assert f["mediator_ids"].metadata["title"] == "调解员"
    assert f["how"].metadata["x-choices"] == {"designated": "由人民调解委员会指定", "chosen_by_parties": "由当事人选择"}


def test_case_definition_serves_labels():
    ct = next(ct for ct in all_case_types() if ct.code == "mediation")
    d = ct.to_dict()
    assign = next(e for e in d["events"] if e["id"] == "assign_mediator")
    by = {f["name"]: f for f in assign["data"]}
    assert by["mediator_ids"]["label"] == "调解员" and by["mediator_ids"]["widget"]["kind"] == "mediators"
    assert by["how"]["choices"] == ["designated", "chosen_by_parties"]
    assert by["how"]["options"][1]["label"] == "由当事人选择"
    assert assign["basis_text"].startswith("《人民调解法》")
