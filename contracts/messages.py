"""Field problems in Chinese: marshmallow's and the contracts' own English messages as a user reads them.
``contracts.errors.validation_error`` applies it, so every caller (RPC, the pika client, HTTP) gets the
same words."""
from __future__ import annotations

import re

HAN = re.compile(r"[\u4e00-\u9fff]")

_MESSAGES = [
    (re.compile(r"^Missing data for required field\.?$|^Field may not be null\.?$|^Shorter than minimum length 1\.?$"),
     lambda m: "此项必填"),
    (re.compile(r"^Not a valid (integer|number)\.?$"), lambda m: "请填写数字"),
    (re.compile(r"^Not a valid boolean\.?$"), lambda m: "请选择是或否"),
    (re.compile(r"^Not a valid (date|datetime|aware datetime)\.?$"), lambda m: "日期格式不正确（年-月-日）"),
    (re.compile(r"^Must be one of: .*$"), lambda m: "请从选项中选择"),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.?$"), lambda m: f"长度须在{m[1]}至{m[2]}个字之间"),
    (re.compile(r"^Longer than maximum length (\d+)\.?$"), lambda m: f"不能超过{m[1]}个字"),
    (re.compile(r"^Shorter than minimum length (\d+)\.?$"), lambda m: f"至少{m[1]}项"),
    (re.compile(r"^Must be greater than or equal to (\d+) and less than or equal to (\d+)\.?$"),
     lambda m: f"须在{m[1]}至{m[2]}之间"),
    (re.compile(r"^Must be greater than or equal to (\d+)\.?$"), lambda m: f"不能小于{m[1]}"),
    (re.compile(r"^Unknown field\.?$"), lambda m: "不接受此项"),
    (re.compile(r"^not a valid phone number$"), lambda m: "电话号码格式不正确"),
    (re.compile(r"^required for a person who applies$"), lambda m: "申请人为自然人的，须填写身份证号码"),
    (re.compile(r"^not a valid 居民身份证号.*$"), lambda m: "身份证号码无效（应为18位，校验位须正确）"),
    (re.compile(r"^not a valid 统一社会信用代码.*$"), lambda m: "统一社会信用代码无效（应为18位，校验位须正确）"),
    (re.compile(r"^at least one applicant is required$"), lambda m: "至少须有一名申请人"),
    (re.compile(r"^a mediation needs at least one applicant and one respondent$"), lambda m: "调解须有申请人和被申请人"),
]


def message_in_chinese(text: str) -> str:
    text = str(text)
    if HAN.search(text) and not re.search(r"\b(?:not|invalid|must|required)\b", text):
        return text
    for pattern, make in _MESSAGES:
        m = pattern.match(text.strip())
        if m:
            return make(m)
    return text if HAN.search(text) else "填写有误"


def in_chinese(errors):
    if isinstance(errors, dict):
        return {k: in_chinese(v) for k, v in errors.items()}
    if isinstance(errors, (list, tuple)):
        return [in_chinese(v) for v in errors]
    return message_in_chinese(errors)
