"""研判预警 (PSR Art 50, 54): rules that run on the read model and raise warnings with a level (红/黄/蓝),
the cases behind them, and an explanation a director can read. Pure functions over ``figures.Data``;
thresholds are settings (config/jiefen.yaml ``supervision.warnings``, all [A])."""
from __future__ import annotations

from collections import defaultdict
from services.supervision import figures

LEVELS = {"red": "红色预警", "yellow": "黄色预警", "blue": "蓝色预警"}
ORDER = {"red": 0, "yellow": 1, "blue": 2}


def _level(count: float, thresholds: dict) -> str | None:
    for level in ("red", "yellow", "blue"):
        if level in thresholds and count >= thresholds[level]:
            return level
    return None


def _warning(rule: str, level: str, title: str, explanation: str, case_ids, basis: str, **group) -> dict:
    return {"rule": rule, "level": level, "level_label": LEVELS[level], "title": title, "explanation": explanation,
            "case_ids": sorted(case_ids), "basis": basis, **group}


def repeated_petitions(d: figures.Data, t: dict, name) -> list[dict]:
    """Repeated petitions in one township (or at county level) within the period."""
    repeated, _ = figures.repeat_petition_rate(d)
    by_town: dict = defaultdict(set)
    for c in repeated:
        by_town[d.rows[c]["town_id"]].add(c)
    out = []
    for town, ids in by_town.items():
        level = _level(len(ids), t)
        if level:
            out.append(_warning("repeated_petitions", level, f"{name(town)}重复信访 {len(ids)} 件",
                                f"期间内{name(town)}登记的信访事项中有 {len(ids)} 件为重复信访"
                                f"（黄色阈值 {t.get('yellow')} 件、红色阈值 {t.get('red')} 件）",
                                ids, "PSR Art 50; LVR Art 36 ¶3", town_id=town))
    return out


def category_surge(d: figures.Data, t: dict, name) -> list[dict]:
    """Many matters of one category in one township within the period: a possible group dispute (群体性风险)."""
    received, _ = figures.received(d)
    groups: dict = defaultdict(set)
    for c in received:
        groups[(d.rows[c]["town_id"], d.rows[c]["category"])].add(c)
    out = []
    for (town, category), ids in groups.items():
        level = _level(len(ids), t)
        if level and category:
            out.append(_warning("category_surge", level, f"{name(town)}{name(category)}集中发生 {len(ids)} 件",
                                f"期间内{name(town)}受理同类（{name(category)}）纠纷 {len(ids)} 件，"
                                f"达到{LEVELS[level]}阈值 {t[level]} 件，可能为群体性纠纷，建议研判",
                                ids, "PSR Art 50, 54", town_id=town, category=category))
    return out


def escalating_matters(d: figures.Data, t: dict, name) -> list[dict]:
    """A matter whose mediation failed and that went on to a petition, or a petition that reached 复查/复核:
    the dispute is escalating (矛盾升级)."""
    children: dict = defaultdict(list)
    for c, r in d.rows.items():
        children[d.root(c)].append(c)
    out = []
    for root, ids in children.items():
        failed = [c for c in ids if d.first_entry(c, "PM_TERMINATED", "DV_FAILED")]
        petitions = [c for c in ids if d.rows[c]["case_type"] == "petition"]
        reviewed = [c for c in petitions if d.first_entry(c, "PT_REVIEW", "PT_RECHECK")]
        recent = [h["at"] for c in ids for h in d.history.get(c, []) if h["at"] in d.period]
        if not recent or not ((failed and petitions) or reviewed):
            continue
        steps = (["调解不成"] if failed else []) + (["信访"] if petitions else []) + (["复查/复核"] if reviewed else [])
        out.append(_warning("escalating_matter", t.get("level", "red"), f"{d.rows[root].get('case_no', root)} 矛盾升级",
                            "同一纠纷先后经历" + "、".join(steps) + "，化解难度上升，建议领导包案、提级研判",
                            ids, "PSR Art 50, 54; LVR Art 35-36", root_case_id=root))
    return out


def overdue_share(d: figures.Data, t: dict, name) -> list[dict]:
    """An organisation whose share of overdue cases is high, or has risen since the previous period."""
    length = d.period.end - d.period.start
    before = figures.Period(d.period.start - length, d.period.start)

    def share(period) -> dict:
        opened: dict = defaultdict(set)
        late: dict = defaultdict(set)
        for c, r in d.rows.items():
            if r["created_at"] in period and r["case_type"] in figures.DISPUTE_TYPES:
                opened[r["org_id"]].add(c)
                if r["overdue_ever"] or (r["open_due_at"] and r["open_due_at"] < d.now):
                    late[r["org_id"]].add(c)
        return {o: (late[o], len(ids)) for o, ids in opened.items()}
    now_share, then_share = share(d.period), share(before)
    out = []
    for org, (late, n) in now_share.items():
        if n < t["min_cases"]:
            continue
        ratio = len(late) / n
        prior = len(then_share[org][0]) / then_share[org][1] if org in then_share and then_share[org][1] else 0.0
        level = "red" if ratio >= t["red"] else "yellow" if ratio >= t["yellow"] or ratio - prior >= t["rise"] and late else None
        if level:
            out.append(_warning("overdue_share", level, f"{name(org)}超期占比 {ratio:.0%}",
                                f"期间内{name(org)}新收 {n} 件，其中 {len(late)} 件曾超期（{ratio:.0%}；上一同长期间 {prior:.0%}）。"
                                f"阈值：黄 {t['yellow']:.0%} 或上升 {t['rise']:.0%}，红 {t['red']:.0%}",
                                late, "PSR Art 50, 60; LVR Art 34", org_id=org))
    return out


RULES = {"repeated_petitions": repeated_petitions, "category_surge": category_surge,
         "escalating_matter": escalating_matters, "overdue_share": overdue_share}


def run(d: figures.Data, thresholds: dict, name=lambda code: code or "县本级") -> list[dict]:
    """Every rule's warnings, red first."""
    out = [w for rule, fn in RULES.items() if rule in thresholds for w in fn(d, thresholds[rule], name)]
    return sorted(out, key=lambda w: (ORDER[w["level"]], w["rule"], w["title"]))
