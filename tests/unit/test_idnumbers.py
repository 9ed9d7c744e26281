"""Real 居民身份证号 pass (structure, date, province, checksum), whatever the age of their county code;
malformed ones are refused in Chinese; every number is normalised once (contracts.idnumbers)."""
import pytest
from marshmallow import ValidationError

from contracts.idnumbers import normalise, ric_problem, ric_warning
from contracts.schemas import PartySchema, RegisterCaseSchema
from tests.factories import claim

REAL = [
    # (as typed, as stored, why it is here)
    ("330681198003120010", "330681198003120010", "诸暨 330681 exists since 1989: a resident born 1980"),
    ("330102196001010019", "330102196001010019", "杭州上城 330102 with a 1960 birth date"),
    ("11010519491231002X", "11010519491231002X", "X check digit; upgraded from the 15-digit 110105491231002"),
    ("11010519491231002x", "11010519491231002X", "lower-case x"),
    ("33068119800312007X", "33068119800312007X", "X check digit"),
    ("３３０６８１１９８００３１２００１０", "330681198003120010", "full-width digits"),
    (" 330681 19800312 0010 ", "330681198003120010", "spaces around and inside"),
    ("４４０３０４１９８５１０１０００２９", "440304198510100029", "full-width, 深圳福田"),
]

MALFORMED = [
    ("33068119800312001", "18位"),            # 17 characters
    ("330681800312001", "15位"),              # an old 15-digit number: no longer in use
    ("330681198003120011", "校验码"),          # wrong checksum
    ("330681198002300010", "出生日期"),        # 30 February
    ("330681290001010015", "出生日期"),        # born in 2900
    ("990681198003120010", "省级行政区划"),     # no province 99
    ("33068119800312001Y", "18位"),
]


@pytest.mark.parametrize("typed,stored,why", REAL)
def test_real_numbers_are_accepted_and_normalised(typed, stored, why):
    party = PartySchema().load({"role": "applicant", "kind": "person", "name": "张三", "id_number": typed})
    assert party["id_number"] == stored, why
    assert ric_problem(stored) is None


@pytest.mark.parametrize("number,says", MALFORMED)
def test_malformed_numbers_are_refused_in_chinese(number, says):
    with pytest.raises(ValidationError) as err:
        PartySchema().load({"role": "applicant", "kind": "person", "name": "张三", "id_number": number})
    message = err.value.messages["id_number"][0]
    assert says in message and "居民身份证号" in message


def test_an_unknown_county_code_is_only_a_warning():
    body = "33069919800312001"                  # 浙江 (33) but no county 330699
    from stdnum.cn import ric
    number = body + ric.calc_check_digit(body + "0")
    assert ric_problem(number) is None
    assert "330699" in ric_warning(number)
    assert ric_warning("330681198003120010") is None


def test_credit_codes_are_checked_and_normalised():
    from tests.factories import org_code
    code = org_code()
    party = PartySchema().load({"role": "respondent", "kind": "organisation", "name": "某公司",
                                "id_number": " " + code.lower() + " "})
    assert party["id_number"] == code
    with pytest.raises(ValidationError) as err:
        PartySchema().load({"role": "respondent", "kind": "organisation", "name": "某公司",
                            "id_number": code[:-1] + ("0" if code[-1] != "0" else "1")})
    assert "统一社会信用代码" in err.value.messages["id_number"][0]


def test_an_applicant_without_id_number_needs_a_reason():
    base = {"role": "applicant", "kind": "person", "name": "来电群众"}
    with pytest.raises(ValidationError) as err:
        PartySchema().load(base)
    assert "id_absent_reason" in err.value.messages["id_number"][0]
    for reason in ("refused", "not_in_letter", "hotline", "anonymous_grid"):
        assert PartySchema().load({**base, "id_absent_reason": reason})["id_absent_reason"] == reason
    with pytest.raises(ValidationError) as err:
        PartySchema().load({**base, "id_absent_reason": "because"})
    assert "原因" in err.value.messages["id_absent_reason"][0]
    data = claim(channel="hotline_12345")
    data["parties"][0] = {**base, "id_absent_reason": "hotline", "phone": "１３８００１３８０００ "}
    loaded = RegisterCaseSchema().load(data)
    assert loaded["parties"][0]["id_number"] is None and loaded["parties"][0]["phone"] == "13800138000"


def test_normalise_keeps_none_and_blank_as_none():
    assert normalise(None) is None and normalise("  ") is None and normalise("　") is None


def test_the_window_page_check_agrees_with_the_service():
    """services/gateway/static/validate.js gives the same verdict, in the same words, as contracts/."""
    import json
    import shutil
    import subprocess
    from pathlib import Path
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = Path(__file__).resolve().parents[2] / "services" / "gateway" / "static" / "validate.js"
    numbers = [typed for typed, _, _ in REAL] + [n for n, _ in MALFORMED]
    out = subprocess.run([node, "-e", f"const V = require({json.dumps(str(script))}); "
                                      f"console.log(JSON.stringify({json.dumps(numbers)}.map(n => V.idNumberProblem(n))))"],
                         capture_output=True, text=True, check=True).stdout
    page = json.loads(out)
    service = [ric_problem(normalise(n)) or "" for n in numbers]
    assert page == service
