"""The legal conditions of the 挂牌督办 case type of its own (``GUARDS``); the ones it shares with 督办 are in
guards.py. Each message cites its article."""
from __future__ import annotations

from infra.casetype import Guard


def _known_org(case, data, ctx) -> bool:
    return ctx.env.directory.get(data.get("responsible_org_id") or "") is not None


GUARDS = {    # besides the 督办 ones (guards.py) it shares
    "known_org": Guard(_known_org, "责任单位须为机构目录中的地区、部门或单位（《浙江省平安建设条例》第六十五条；PSR Art 65）", "PSR Art 65"),
}
