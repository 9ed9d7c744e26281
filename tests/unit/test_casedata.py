"""The helpers every case type's effects share (infra/casedata.py) and the clock period builders
(infra/casetype.py), as pure functions; and the one layout every case-type-owning service keeps
(README, Architecture: casetype.py, guards.py with ``GUARDS``, effects.py, service.py)."""
from __future__ import annotations

import importlib
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

from contracts.services import CASE_SERVICES
from infra.casedata import amend_last, append, put, record, stamp
from infra.casetype import Guard, Period, configured, statutory

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
CTX = SimpleNamespace(now=NOW, actor=SimpleNamespace(user_id="u1", role="pmc", org_id="zj-pmc"))
SERVICES = Path(__file__).resolve().parents[2] / "services"


def test_put_reassigns_data_so_the_json_column_sees_the_change():
    case = SimpleNamespace(data={"a": 1})
    before = case.data
    put(case, b=2)
    assert case.data == {"a": 1, "b": 2} and case.data is not before and before == {"a": 1}
    empty = SimpleNamespace(data=None)
    put(empty, a=1)
    assert empty.data == {"a": 1}


def test_append_creates_the_list_and_never_mutates_the_old_one():
    case = SimpleNamespace(data={"notes": None})
    append(case, "notes", {"n": 1})
    old = case.data["notes"]
    append(case, "notes", {"n": 2})
    assert case.data["notes"] == [{"n": 1}, {"n": 2}] and old == [{"n": 1}]


def test_stamp_names_who_in_which_role_and_organisation_and_when():
    assert stamp(CTX) == {"by": "u1", "role": "pmc", "org_id": "zj-pmc", "at": NOW.isoformat()}


def test_record_appends_a_stamped_item():
    case = SimpleNamespace(data={})
    record(case, "reports", {"result": "done"}, CTX)
    assert case.data["reports"] == [{"result": "done", **stamp(CTX)}]


def test_amend_last_merges_into_the_newest_item_only():
    case = SimpleNamespace(data={"x": [{"i": 1}, {"i": 2}]})
    amend_last(case, "x", {"ok": True})
    assert case.data["x"] == [{"i": 1}, {"i": 2, "ok": True}]
    empty = SimpleNamespace(data={})
    amend_last(empty, "x", {"ok": True})
    assert empty.data == {"x": []}


def test_period_builders():
    config = SimpleNamespace(period=lambda *keys: (5, "working_days") if keys == ("intake", "classify_route") else None)
    assert configured("intake", "classify_route")(config, None) == Period(5, "working_days")
    assert statutory(Period(30, "days"))(config, None) == Period(30, "days")


def test_every_case_service_keeps_the_one_layout():
    for service, refs in CASE_SERVICES.items():
        package = SERVICES / service
        for name in ("casetype.py", "guards.py", "effects.py", "service.py"):
            assert (package / name).is_file(), f"services/{service}/{name}"
        guards = importlib.import_module(f"services.{service}.guards").GUARDS
        assert guards and all(isinstance(g, Guard) for g in guards.values()), service
        for ref in refs:
            module = ref.split(":")[0].rsplit(".", 1)[-1]
            assert module == "casetype" or module.endswith("_casetype"), ref   # <type>_casetype.py
            prefix = module.removesuffix("casetype")
            assert (package / f"{prefix}effects.py").is_file(), f"services/{service}/{prefix}effects.py"
            if (package / f"{prefix}guards.py").is_file():   # a further type without guards of its own has none
                assert isinstance(importlib.import_module(f"services.{service}.{prefix}guards").GUARDS, dict)
