"""A county is picked by its Chinese name (contracts/places.py): the 司法确认 application's place of a
party's domicile or of the subject (CPL Art 205(2)) is no 6-digit code typed by hand."""
from __future__ import annotations

from contracts import labels
from contracts.mediation import ConfirmationApplicationSchema
from contracts.places import county_name
from infra.config import ROOT
from infra.orgs import Directory


def test_a_county_reads_by_its_province_and_name():
    assert county_name("330681") == "浙江省诸暨市" and county_name("330106") == "浙江省西湖区"
    assert county_name("999999") is None and county_name("33") is None


def test_the_application_asks_for_the_county_with_a_picker_and_the_directory_names_each_county():
    f = ConfirmationApplicationSchema().fields["jurisdiction_county"]
    assert labels.describe("jurisdiction_county", f)["widget"] == {"kind": "county"}
    court = Directory.from_file(ROOT / "config" / "organisations.yaml").get("zj-court").to_dict()
    assert (court["county"], court["county_name"]) == ("330681", "浙江省诸暨市")
