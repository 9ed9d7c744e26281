"""研判预警 (PSR Art 50, 54) as SQL aggregations over the read model, on SQLite and PostgreSQL: the same rules,
thresholds (config/jiefen.yaml ``supervision.warnings``, all [A]), levels, explanations and cases as the pure
reference ``early_warning`` (over ``figures.Data``), without loading the period into Python. Each rule counts
its groups with one GROUP BY and keeps those at or above the lowest threshold (HAVING); only the cases of the
groups that warn are then read. The cases a rule sees are those the reference sees: the cases the period
involves (``figures_sql._involved``, as ``query.load_data``)."""
from __future__ import annotations

import hashlib
from collections import defaultdict

from sqlalchemy import and_, case, func, or_, select

from services.supervision import figures
from services.supervision.early_warning import LEVELS, ORDER, _level, _warning
from services.supervision.figures import DISPUTE_TYPES
from services.supervision.figures_sql import C, H, Scope, _in, _involved, received
from services.supervision.models import SvParty

P = SvParty.__table__

FAILED = ("PM_TERMINATED", "DV_FAILED")            # mediation failed (PML Art 26), pre-filing mediation failed
REVIEWED = ("PT_REVIEW", "PT_RECHECK")             # a petition's 复查 / 复核 (LVR Art 35-36)


def _lowest(t: dict) -> float:
    return min(t[level] for level in LEVELS if level in t)


def _is(col, value):
    return col.is_(None) if value is None else col == value


def _groups(session, ids, keys: tuple, t: dict) -> dict:
    """group key (a tuple of ``keys``' values) -> sorted case ids, for the groups of the select ``ids`` with at
    least the lowest threshold's number of cases: one GROUP BY … HAVING, then one query for the ids of those
    groups only."""
    cols = [C.c[k] for k in keys]
    count = func.count()
    warned = [tuple(r[:-1]) for r in
              session.execute(ids.with_only_columns(*cols, count).group_by(*cols).having(count >= _lowest(t)))]
    if not warned:
        return {}
    out: dict = {key: [] for key in warned}
    which = or_(*(and_(*(_is(col, value) for col, value in zip(cols, key))) for key in warned))
    for row in session.execute(ids.with_only_columns(*cols, C.c.case_id).where(which)):
        out[tuple(row[:-1])].append(row[-1])
    return {key: sorted(found) for key, found in out.items()}


def repeated_petitions(session, q: Scope, t: dict, name) -> list[dict]:
    """Repeated petitions in one township (or at county level) within the period (LVR Art 36 ¶3)."""
    repeated = select(C.c.case_id).where(C.c.case_type == "petition", _in(C.c.created_at, q.period), C.c.repeated)
    out = []
    for (town,), ids in _groups(session, repeated, ("town_id",), t).items():
        level = _level(len(ids), t)
        out.append(_warning("repeated_petitions", level, f"{name(town)}重复信访 {len(ids)} 件",
                            f"期间内{name(town)}登记的信访事项中有 {len(ids)} 件为重复信访"
                            f"（黄色阈值 {t.get('yellow')} 件、红色阈值 {t.get('red')} 件）",
                            ids, "PSR Art 50; LVR Art 36 ¶3", town_id=town))
    return out


def category_surge(session, q: Scope, t: dict, name) -> list[dict]:
    """Many matters of one category in one township within the period: a possible group dispute (群体性风险)."""
    got = received(q)[0].where(C.c.category.is_not(None), C.c.category != "")
    out = []
    for (town, category), ids in _groups(session, got, ("town_id", "category"), t).items():
        level = _level(len(ids), t)
        out.append(_warning("category_surge", level, f"{name(town)}{name(category)}集中发生 {len(ids)} 件",
                            f"期间内{name(town)}受理同类（{name(category)}）纠纷 {len(ids)} 件，"
                            f"达到{LEVELS[level]}阈值 {t[level]} 件，可能为群体性纠纷，建议研判",
                            ids, "PSR Art 50, 54", town_id=town, category=category))
    return out


def escalating_matters(session, q: Scope, t: dict, name) -> list[dict]:
    """A matter whose mediation failed and that went on to a petition, or a petition that reached 复查/复核,
    with a change in the period: the dispute is escalating (矛盾升级; PSR Art 50, 54; LVR Art 35-36).
    Only the matters (``root_case_id``) with a case the period involves that entered a failed or a review
    state (the history's ``to_state``, index ix_sv_history_to_state: migration sv0004) and an involved petition
    are read, with their history entries; these few rows are then grouped as the reference groups them: a
    matter's cases are split at any case the period does not involve (``figures.Data.root`` walks a case's
    parents only through the cases it holds)."""
    involved = _involved(q)
    marked = select(C.c.root_case_id).join(H, H.c.case_id == C.c.case_id).where(
        H.c.to_state.in_(FAILED + REVIEWED), involved)
    matters = select(C.c.root_case_id).where(involved, C.c.case_type == "petition", C.c.root_case_id.in_(marked))
    by_id, failed, reviewed, recent = {}, set(), set(), set()
    for row in session.execute(select(C.c.case_id, C.c.parent_case_id, C.c.case_type, C.c.case_no, H.c.to_state, H.c.at)
                               .join(H, H.c.case_id == C.c.case_id).where(involved, C.c.root_case_id.in_(matters))):
        by_id[row.case_id] = row
        if row.to_state in FAILED:
            failed.add(row.case_id)
        if row.to_state in REVIEWED:
            reviewed.add(row.case_id)
        if row.at in q.period:
            recent.add(row.case_id)

    def root(case_id: str) -> str:
        seen = set()
        while (parent := by_id[case_id].parent_case_id) and parent in by_id and parent not in seen:
            seen.add(case_id)
            case_id = parent
        return case_id
    groups: dict = defaultdict(list)
    for case_id in by_id:
        groups[root(case_id)].append(case_id)
    out = []
    for top, members in groups.items():
        was_failed = any(c in failed for c in members)
        petitions = any(by_id[c].case_type == "petition" for c in members)
        was_reviewed = any(by_id[c].case_type == "petition" and c in reviewed for c in members)
        if not any(c in recent for c in members) or not ((was_failed and petitions) or was_reviewed):
            continue
        steps = (["调解不成"] if was_failed else []) + (["信访"] if petitions else []) + \
            (["复查/复核"] if was_reviewed else [])
        out.append(_warning("escalating_matter", t.get("level", "red"), f"{by_id[top].case_no} 矛盾升级",
                            "同一纠纷先后经历" + "、".join(steps) + "，化解难度上升，建议领导包案、提级研判",
                            members, "PSR Art 50, 54; LVR Art 35-36", root_case_id=top))
    return out


def overdue_share(session, q: Scope, t: dict, name) -> list[dict]:
    """An organisation whose share of overdue cases is high, or has risen since the previous period of the
    same length (PSR Art 50, 60; LVR Art 34): one GROUP BY over both periods, then the late cases of the
    organisations warned."""
    length = q.period.end - q.period.start
    before = figures.Period(q.period.start - length, q.period.start)
    late = or_(C.c.overdue_ever, C.c.open_due_at < q.now)
    now_, then_ = _in(C.c.created_at, q.period), _in(C.c.created_at, before)
    count = lambda cond: func.sum(case((cond, 1), else_=0))                         # noqa: E731
    disputes = and_(C.c.case_type.in_(DISPUTE_TYPES), C.c.created_at >= before.start, C.c.created_at < q.period.end,
                    _involved(q))
    rows = session.execute(select(C.c.org_id, count(now_), count(and_(now_, late)), count(then_),
                                  count(and_(then_, late))).where(disputes).group_by(C.c.org_id)).all()
    warned = {}
    for org, n, n_late, m, m_late in rows:
        if not n or n < t["min_cases"]:
            continue
        ratio = n_late / n
        prior = m_late / m if m else 0.0
        level = "red" if ratio >= t["red"] else "yellow" if ratio >= t["yellow"] or ratio - prior >= t["rise"] and n_late else None
        if level:
            warned[org] = (level, n, n_late, ratio, prior)
    late_ids: dict = defaultdict(list)
    if warned:
        for org, case_id in session.execute(select(C.c.org_id, C.c.case_id).where(
                C.c.org_id.in_(warned), C.c.case_type.in_(DISPUTE_TYPES), now_, late)):
            late_ids[org].append(case_id)
    out = []
    for org, (level, n, n_late, ratio, prior) in warned.items():
        out.append(_warning("overdue_share", level, f"{name(org)}超期占比 {ratio:.0%}",
                            f"期间内{name(org)}新收 {n} 件，其中 {n_late} 件曾超期（{ratio:.0%}；上一同长期间 {prior:.0%}）。"
                            f"阈值：黄 {t['yellow']:.0%} 或上升 {t['rise']:.0%}，红 {t['red']:.0%}",
                            late_ids[org], "PSR Art 50, 60; LVR Art 34", org_id=org))
    return out


def _subject(rule: str, index: str) -> str:
    """What a party warning is about, for its task's fingerprint (warning_tasks.ABOUT): a hash of the blind
    index, so neither the index nor anything personal is shown or stored with the warning."""
    return hashlib.sha256(f"{rule}:{index}".encode()).hexdigest()[:16]


def _by_party(session, q: Scope, t: dict, *where, column=None) -> dict:
    """blind index -> sorted case ids: the disputes received in the period (``figures_sql.received``) with a
    party matching ``where``, for the indexes (``column``: the party's, or the address's) in at least the
    lowest threshold's number of cases."""
    column = P.c.party_index if column is None else column
    got = received(q)[0].with_only_columns(C.c.case_id)
    cond = and_(P.c.case_id.in_(got), column.is_not(None), *where)
    cases = func.count(func.distinct(P.c.case_id))
    warned = [r[0] for r in session.execute(select(column).where(cond).group_by(column)
                                            .having(cases >= _lowest(t)))]
    out: dict = defaultdict(set)
    if warned:
        for index, case_id in session.execute(select(column, P.c.case_id).where(cond, column.in_(warned))):
            out[index].add(case_id)
    return {index: sorted(ids) for index, ids in out.items()}


def _party_warnings(rule: str, groups: dict, q: Scope, t: dict, title: str, explain) -> list[dict]:
    """One warning per blind index with enough cases (``groups`` from ``_by_party``); ``explain(days, n, level)``
    words it. It names no party: the task's fingerprint is a hash of the index (``_subject``)."""
    days = (q.period.end - q.period.start).days
    out = []
    for index, ids in groups.items():
        level = _level(len(ids), t)
        out.append(_warning(rule, level, title.format(n=len(ids)), explain(days, len(ids), level), ids,
                            "PSR Art 50, 54", subject=_subject(rule, index)))
    return out


def same_person(session, q: Scope, t: dict, name) -> list[dict]:
    """One natural person (by the blind index of the ID number, never the number) in several disputes received
    in the period, in any role: a conflict that keeps coming back (PSR Art 50, 54: 研判预警)."""
    return _party_warnings("same_person", _by_party(session, q, t, P.c.kind == "person"), q, t,
                           "同一当事人涉及 {n} 起纠纷", lambda days, n, level:
                           f"同一当事人{days}日内涉及{n}起纠纷（黄色阈值 {t.get('yellow')} 起、红色阈值 "
                           f"{t.get('red')} 起），矛盾反复，建议研判、联合化解")


def same_address(session, q: Scope, t: dict, name) -> list[dict]:
    """One address (by the blind index of the normalised address, never the address) in several disputes
    received in the period: a household, a building or a site where conflicts gather (PSR Art 50, 54)."""
    return _party_warnings("same_address", _by_party(session, q, t, column=P.c.address_index), q, t,
                           "同一地址涉及 {n} 起纠纷", lambda days, n, level:
                           f"同一地址{days}日内涉及{n}起纠纷（黄色阈值 {t.get('yellow')} 起、红色阈值 "
                           f"{t.get('red')} 起），矛盾在同一处聚集，建议实地走访、联合化解")


def one_respondent(session, q: Scope, t: dict, name) -> list[dict]:
    """One respondent (a company, a landlord, a department, a person) against whom many disputes were received
    in the period: many applicants against one party, a possible group dispute (群体性风险; PSR Art 50, 54)."""
    return _party_warnings("one_respondent", _by_party(session, q, t, P.c.role == "respondent"), q, t,
                           "同一被申请人涉及 {n} 起纠纷", lambda days, n, level:
                           f"同一被申请人{days}日内被{n}起纠纷申请，达到{LEVELS[level]}阈值 {t[level]} 起，"
                           "可能为群体性纠纷，建议研判")


def risk_words(session, q: Scope, t: dict, name) -> list[dict]:
    """A dispute received in the period whose text holds threats of violence (民转刑风险 words, counted by its
    service: infra.facts.risk_word_count; the text never reaches the read model): one warning per case."""
    got = received(q)[0].with_only_columns(C.c.case_id, C.c.case_no, C.c.risk_words).where(
        C.c.risk_words >= _lowest(t))
    out = []
    for case_id, case_no, count in session.execute(got):
        level = _level(count, t)
        out.append(_warning("risk_words", level, f"{case_no} 民转刑风险",
                            f"案件材料中出现 {count} 个暴力、极端风险词（黄色阈值 {t.get('yellow')} 个、红色阈值 "
                            f"{t.get('red')} 个），有民转刑风险，建议立即核实、稳控",
                            [case_id], "PSR Art 50, 54", case_id=case_id))
    return out


RULES = {"repeated_petitions": repeated_petitions, "category_surge": category_surge,
         "escalating_matter": escalating_matters, "overdue_share": overdue_share,
         "same_person": same_person, "same_address": same_address, "one_respondent": one_respondent, "risk_words": risk_words}


def run(session, q: Scope, thresholds: dict, name=lambda code: code or "县本级") -> list[dict]:
    """Every rule's warnings, red first (as ``early_warning.run``)."""
    out = [w for rule, fn in RULES.items() if rule in thresholds for w in fn(session, q, thresholds[rule], name)]
    return sorted(out, key=lambda w: (ORDER[w["level"]], w["rule"], w["title"]))
