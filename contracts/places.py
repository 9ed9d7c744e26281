"""Administrative divisions (行政区划, GB/T 2260) by their 6-digit code, named from python-stdnum's table
(``cn/loc``): for the ID number's place code and for picking a county by its Chinese name."""
from __future__ import annotations

import re
from functools import lru_cache

from stdnum import numdb

_SINCE = re.compile(r"^\[[^\]]*\]")          # stdnum prefixes a county with its years: "[1989-]诸暨市"


@lru_cache(maxsize=4096)
def county_name(code: str) -> str | None:
    """``330681`` → ``浙江省诸暨市``; None for a code the table does not know as a county."""
    if not (isinstance(code, str) and len(code) == 6 and code.isdigit()):
        return None
    props = {k: v for _part, p in numdb.get("cn/loc").info(code) for k, v in p.items()}
    if "county" not in props:
        return None
    return props.get("province", "") + _SINCE.sub("", props["county"])
