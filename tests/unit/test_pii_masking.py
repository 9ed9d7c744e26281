"""Masking of personal data as pure functions (浙江省平安建设条例 Art 30; 个人信息保护法): ID numbers and
phones are masked in every listing and for every body not acting on the case; the audit timeline's
summary carries no personal field. infra/pii.py, infra/views.py, infra/engine.public_summary."""
from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from infra.actors import Actor
from infra.audit import public_summary
from infra.pii import mask_id_number, mask_phone, party_view
from infra.views import case_view
from services.intake.casetype import INTAKE

ID = "330681199001011234"
PHONE = "13812345678"


def person(**kw):
    return SimpleNamespace(role="applicant", kind="person", name="张三", id_number=ID, id_absent_reason=None,
                           phone=PHONE, address="诸暨市暨阳街道某路1号", **kw)


def test_an_id_number_keeps_its_region_and_last_four_only():
    assert mask_id_number(ID) == "330681********1234"
    assert mask_id_number("12345") == "12***" and mask_id_number(None) is None and mask_id_number("") == ""


def test_a_phone_keeps_its_first_three_and_last_four_only():
    assert mask_phone(PHONE) == "138****5678"
    assert mask_phone("057512") == "******" and mask_phone(None) is None


def test_a_person_read_in_part_shows_no_id_number_phone_or_address():
    masked = party_view(person(), whole=False)
    assert (masked["id_number"], masked["phone"], masked["address"]) == ("330681********1234", "138****5678", None)
    assert ID not in str(masked) and PHONE not in str(masked)
    whole = party_view(person(), whole=True)
    assert (whole["id_number"], whole["phone"], whole["address"]) == (ID, PHONE, "诸暨市暨阳街道某路1号")


def test_an_organisations_credit_code_is_public_but_its_phone_is_not():
    org = SimpleNamespace(role="respondent", kind="organisation", name="某公司", id_number="91330681MA2D3XXX0X",
                          id_absent_reason=None, phone=PHONE, address="诸暨市某路2号")
    view = party_view(org, whole=False)
    assert view["id_number"] == "91330681MA2D3XXX0X" and view["phone"] == "138****5678"
    assert view["address"] == "诸暨市某路2号"


def case_row():
    t = datetime(2026, 12, 1, tzinfo=timezone.utc)
    return SimpleNamespace(
        id="c" * 32, case_no="IN-330681-2026-000001", case_type=INTAKE.code, status="IN_RECEIVED", version=1,
        org_id="zj-centre", channel="window", category=None, summary="相邻通行纠纷", supervised=False,
        parent_service=None, parent_case_id=None, created_at=t, updated_at=t, closed_at=None, clocks=[],
        parties=[person()], request="", facts="", data={}, links=[], participants=[])


@pytest.mark.parametrize("actor,listing,whole", [
    (Actor("clerk-01", "window", "zj-centre"), False, True),          # the owning body, reading the case
    (Actor("clerk-01", "window", "zj-centre"), True, False),          # the same body, in a listing
    (Actor("supv-01", "supv", "zj-gov-county"), False, False),        # a body above: reads, masked
    (None, False, False),
])
def test_only_the_acting_body_reading_one_case_sees_personal_data_whole(actor, listing, whole):
    env = SimpleNamespace(case_type=INTAKE, service="intake", calendar=None)
    party = case_view(case_row(), env, actor, datetime(2026, 12, 1, tzinfo=timezone.utc), listing=listing)["parties"][0]
    assert (party["id_number"] == ID, party["phone"] == PHONE) == (whole, whole)
    assert party["id_number"] in (ID, "330681********1234") and party["phone"] in (PHONE, "138****5678")


def test_the_audit_summary_drops_personal_fields_and_cuts_long_text():
    summary = public_summary({"parties": [{"id_number": ID}], "id_number": ID, "phone": PHONE, "address": "某路",
                              "note": "长" * 300, "category": "neighbourhood"})
    assert set(summary) == {"note", "category"} and summary["note"] == "长" * 200 + "…"
    assert ID not in str(summary) and PHONE not in str(summary)
