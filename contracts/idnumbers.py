"""Identity numbers as residents and organisations really carry them (pure rules, no I/O).

居民身份证号 (GB 11643-1999): 6-digit place code, 8-digit birth date, 3-digit order, ISO 7064 MOD 11-2
check digit. The place code is where the number was *issued*, not where the person was born, and a county
code may be younger than the person (诸暨 330681 dates from 1989): python-stdnum's ``ric.is_valid`` refuses
such real numbers (ENGINEERING.md §6), so we check structure, date, province and checksum with its parts
(``ric.calc_check_digit``, ``ric.get_birth_date``) and treat an unknown place code as a warning only.
统一社会信用代码 (GB 32100-2015): python-stdnum ``cn.uscc``.

Every number is normalised once, at the boundary (full-width → ASCII, spaces out, ``x`` → ``X``), before
validation, storage, search and duplicate keys.
"""
from __future__ import annotations

import datetime
import unicodedata

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

# GB/T 2260 province-level codes (first two digits); 71 台湾, 81 香港, 82 澳门 as issued on residence permits
PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82", "83",
}

# why a person is registered without an ID number: the law asks for name, address, request and facts
# (LVR Art 19, 21), not an ID number
ID_ABSENT_REASONS = {
    "refused": "拒绝提供",
    "not_in_letter": "来信未载明",
    "hotline": "热线来电",
    "anonymous_grid": "匿名网格上报",
    "not_held": "无身份证件（未成年人、外籍人员等）",
    "unknown": "不详（被申请人等对方当事人）",
}


def normalise(value: str | None) -> str | None:
    """Full-width → ASCII (NFKC), every space out, upper case. ``None``/blank → ``None``."""
    if value is None:
        return None
    v = "".join(unicodedata.normalize("NFKC", str(value)).split()).upper()
    return v or None


def normalise_phone(value: str | None) -> str | None:
    if value is None:
        return None
    v = "".join(unicodedata.normalize("NFKC", str(value)).split())
    return v or None


def ric_problem(number: str, today: datetime.date | None = None) -> str | None:
    """Why a (normalised) 居民身份证号 is not one, in Chinese; ``None`` if it is well-formed."""
    if len(number) == 15 and number.isdigit():
        return "15位旧身份证号已停止使用，请填写18位居民身份证号"
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "居民身份证号应为18位：17位数字加1位校验码（数字或X）"
    if number[:2] not in PROVINCES:
        return f"居民身份证号前两位（{number[:2]}）不是有效的省级行政区划代码"
    try:
        born = ric.get_birth_date(number)
    except StdnumError:
        return "居民身份证号中的出生日期（第7-14位）无效"
    if born.year < 1900 or born > (today or datetime.date.today()):
        return "居民身份证号中的出生日期（第7-14位）无效"
    if ric.calc_check_digit(number) != number[17]:
        return "居民身份证号校验码（第18位）不正确，请核对"
    return None


def ric_warning(number: str) -> str | None:
    """A place code python-stdnum's table does not know: kept, flagged for the clerk to double-check."""
    from contracts.places import county_name
    if county_name(number[:6]):
        return None
    return f"居民身份证号地址码 {number[:6]} 不在行政区划代码表中，请核对（不影响登记）"


def uscc_problem(number: str) -> str | None:
    try:
        uscc.validate(number)
    except StdnumError:
        return "统一社会信用代码应为18位数字或大写字母，且校验码正确，请核对"
    return None


def id_problem(kind: str, number: str) -> str | None:
    return ric_problem(number) if kind == "person" else uscc_problem(number)
