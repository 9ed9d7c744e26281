"""Valid sample data. ID numbers carry real checksums (GB 11643 / GB 32100), computed by python-stdnum."""
from __future__ import annotations

import copy
import itertools
import uuid

from stdnum.cn import ric, uscc

_seq = itertools.count(1)


def person_id(birth: str = "19900312", order: int | None = None) -> str:
    body = f"330681{birth}{(order or next(_seq)) % 1000:03d}"
    return next(body + c for c in "0123456789X" if ric.is_valid(body + c))


def org_code(serial: int | None = None) -> str:
    body = f"91330681MA{(serial or next(_seq)) % 10**7:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def key() -> str:
    return uuid.uuid4().hex


def claim(category: str = "neighbourhood", **overrides) -> dict:
    data = {
        "channel": "window",
        "category": category,
        "summary": "邻居加建围墙占用通道，双方多次争吵",
        "request": "请求拆除占道围墙，恢复通行",
        "facts": "2026年10月起，被申请人在两户之间通道加建围墙……",
        "subject_ref": "暨阳街道某村12号",
        "parties": [
            {"role": "applicant", "kind": "person", "name": "张三", "id_number": person_id(),
             "phone": "13800138000", "address": "诸暨市暨阳街道某村12号"},
            {"role": "respondent", "kind": "person", "name": "李四", "id_number": person_id("19920101"),
             "phone": "13900139000", "address": "诸暨市暨阳街道某村14号"},
        ],
    }
    data.update(copy.deepcopy(overrides))
    return data
