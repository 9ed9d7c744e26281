"""Pure rules of the petition case type read again for issue 13: finality (LVR Art 36 ¶3; ZJLV Art 25),
the handling clock's reach and anchor (LVR Art 34; ZJLV Art 23), the windows' anchor at service (LVR Art
35, 36 ¶1) and the extension cap per profile (LVR Art 34: 30 d; ZJLV Art 23: 60 d; lower by setting [A])."""
from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from infra.config import load_config
from services.petition import rules
from services.petition.casetype import PETITION, _accepted_at, _extension_cap, _handling_applies, _served_at


def case(status="PT_CLOSED", **data):
    return SimpleNamespace(status=status, data=data, category=data.pop("category", None))


@pytest.mark.parametrize("earlier,national,zhejiang", [
    (case("PT_FINAL"), True, True),                                             # 复核终结 (LVR Art 36 ¶3)
    (case("PT_CLOSED", final={"basis": "LVR Art 36 ¶3"}), True, True),          # archived after it
    (case("PT_CLOSED", finality="ZJLV Art 25(2)"), False, True),                # no review asked in time
    (case("PT_CLOSED", finality="ZJLV Art 25(1)"), False, True),                # settlement performed
    (case("PT_CLOSED", outcome="settlement"), False, False),                    # signed, not performed
    (case("PT_HANDLING", finality="ZJLV Art 25(2)"), False, False),             # not closed
])
def test_finally_settled_per_profile(earlier, national, zhejiang):
    assert rules.finally_settled(earlier, "national") is national
    assert rules.finally_settled(earlier, "zhejiang") is zhejiang


def test_law_related_is_the_category():
    assert rules.law_related(case(category="law_related")) and not rules.law_related(case(category="administrative"))


def test_the_handling_clock_reaches_art_31_6_matters_or_every_matter_in_zhejiang():
    assert _handling_applies(case("PT_HANDLING", profile="national", handling_basis="31(6)"))
    assert not _handling_applies(case("PT_HANDLING", profile="national", handling_basis="31(5)"))
    assert not _handling_applies(case("PT_HANDLING", profile="national", handling_basis="29"))
    assert not _handling_applies(case("PT_ACCEPTED", profile="national"))
    assert _handling_applies(case("PT_ACCEPTED", profile="zhejiang"))


def test_anchors_count_from_acceptance_and_from_service():
    accepted = case("PT_HANDLING", acceptance={"at": "2026-03-02T02:00:00+00:00"})
    assert _accepted_at(accepted) == datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
    assert _accepted_at(case("PT_HANDLING")) is None
    served = case("PT_OPINION_SERVED", opinion={"service": {"served_on": "2026-03-18"}})
    # 00:00 on the service day in Shanghai: the period counts from the next day (SPEC §1)
    assert _served_at("opinion")(served).astimezone(timezone.utc) == datetime(2026, 3, 17, 16, 0, tzinfo=timezone.utc)
    assert _served_at("review")(served) is None


def test_extension_cap_per_profile_and_never_above_the_statute():
    national, zhejiang = load_config(profile="national"), load_config(profile="zhejiang")
    assert (_extension_cap(national), _extension_cap(zhejiang)) == (30, 60)
    lower = {**zhejiang["petition"], "handling_extension_max": {"zhejiang": {"amount": 45, "unit": "days"}}}
    assert _extension_cap(load_config(profile="zhejiang", petition=lower)) == 45
    higher = {**national["petition"], "handling_extension_max": {"national": {"amount": 90, "unit": "days"}}}
    assert _extension_cap(load_config(profile="national", petition=higher)) == 30      # LVR Art 34 is the ceiling
    handling = next(c for c in PETITION.clocks if c.kind == "handling")
    assert handling.extension.cap(zhejiang) == 60
