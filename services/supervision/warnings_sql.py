"""研判预警 (PSR Art 50, 54) as SQL aggregations over the read model, on SQLite and PostgreSQL: the same rules,
thresholds (config/jiefen.yaml ``supervision.warnings``, all [A]), levels, explanations and cases as the pure
reference ``early_warning`` (over ``figures.Data``), without loading the period into Python. Each rule counts
its groups with one GROUP BY and keeps those at or above the lowest threshold (HAVING); only the cases of the
groups that warn are then read. The cases a rule sees are those the reference sees: the cases the period
involves (``figures_sql._involved``, as ``query.load_data``)."""
from __future__ import annotations

import hashlib
from collections import defaultdict

from sqlalchemy import String, and_, case, cast, func, or_, select, tuple_

from contracts.evaluation import WARNING_ABOUT
from services.supervision import figures, repeats
from services.supervision.escalation import FAILED, REVIEWED
from services.supervision.early_warning import LEVELS, ORDER, _level
from services.supervision.figures import DISPUTE_TYPES
from services.supervision.figures_sql import C, H, Scope, _in, _involved, received
from services.supervision.models import SvParty

P = SvParty.__table__


SAMPLE = 50          # case ids a warning carries; all of them: ``cases`` (the drill-down), paged in SQL
WINDOWED = 100_000   # up to so many cases behind the large warnings, their samples come from one windowed query


def _lowest(t: dict) -> float:
    return min(t[level] for level in LEVELS if level in t)


def _warning(rule: str, level: str, title: str, explanation: str, basis: str, case_count: int, case_ids: list,
             **about) -> dict:
    """A warning as ``early_warning._warning`` makes it, with how many cases are behind it (``case_count``) and
    the first ``SAMPLE`` of them (``case_ids``); ``about`` (township, category, organisation, matter, subject or
    case) with the rule and the period finds them all (``cases``)."""
    return {"rule": rule, "level": level, "level_label": LEVELS[level], "title": title, "explanation": explanation,
            "case_count": case_count, "case_ids": case_ids, "basis": basis, **about}


def summarised(reference: dict) -> dict:
    """A warning of the pure reference (``early_warning``, every case id) as this module answers it."""
    return {**reference, **_summary(len(reference["case_ids"]), reference["case_ids"])}


def _key(value):
    """A group key as the rules show it: a township's '' (coalesced in SQL so it can be compared) is None."""
    return None if value == "" else value


def _base(columns: dict, *where):
    """A subquery of (keys…, case_id) the rules group, one row per case: ``columns`` names each column."""
    return select(*(col.label(name) for name, col in columns.items())).where(*where).subquery()


def _warned_keys(base, keys: tuple, lowest: float, measured=None):
    """The select of the keys of the groups that reach the lowest threshold: by their rows in ``measured`` (the
    distinct things a rule counts, e.g. a respondent's applicants) or else in ``base`` (one row per case; a
    party base is distinct per subject and case). COUNT(*), not COUNT(DISTINCT …): that sorts every row, seven
    times slower at a million."""
    counted = base if measured is None else measured
    cols = [counted.c[k] for k in keys]
    return select(*cols).group_by(*cols).having(func.count() >= lowest)


def _warned(session, base, keys: tuple, lowest: float, measured=None) -> dict:
    """group key (as stored) -> (measure, number of cases) for the groups that reach the lowest threshold."""
    cols = [base.c[k] for k in keys]
    if measured is None:
        return {tuple(r[:-1]): (r[-1], r[-1]) for r in
                session.execute(select(*cols, func.count()).group_by(*cols).having(func.count() >= lowest))}
    mcols = [measured.c[k] for k in keys]
    counts = {tuple(r[:-1]): r[-1] for r in session.execute(
        select(*mcols, func.count()).group_by(*mcols).having(func.count() >= lowest))}
    if not counts:
        return {}
    which = _among(cols, counts, _warned_keys(base, keys, lowest, measured))
    return {tuple(r[:-1]): (counts[tuple(r[:-1])], r[-1]) for r in
            session.execute(select(*cols, func.count()).where(which).group_by(*cols))}


LISTED = 10_000     # up to so many warned groups are named in the query, not found again by their subquery


def _among(cols: list, found, again):
    """The condition that a row's key is one of the groups ``found`` (key tuples): named, which spares running
    the measure again (a respondent's applicants, a join over every party: half a second a year at a
    million), or beyond ``LISTED`` (SQLite's limit of bound values) the select ``again`` that finds them."""
    if len(found) > LISTED:
        return tuple_(*cols).in_(again) if len(cols) > 1 else cols[0].in_(again)
    return tuple_(*cols).in_(list(found)) if len(cols) > 1 else cols[0].in_([k[0] for k in found])


def _samples(session, base, keys: tuple, sizes: dict, small=None) -> dict:
    """group key (as stored) -> its first ``SAMPLE`` case ids by id (the drill-down's first page), for the
    groups of ``sizes`` (key -> number of cases). The ids behind a warning stay in the database (a year's
    category warnings are 800,000 cases at a million): a group of at most ``SAMPLE`` cases is read whole, all
    such groups in one query (``small``: a select of their keys, else the keys themselves); a larger one (a
    township's category, an organisation: a few groups) by its own query for its first ``SAMPLE`` ids (an
    index scan of the case ids: milliseconds)."""
    cols = [base.c[k] for k in keys]
    out: dict = defaultdict(list)
    few = [k for k, n in sizes.items() if n <= SAMPLE]
    if few:
        if small is None:
            small = [k[0] for k in few] if len(cols) == 1 else few
        chosen = tuple_(*cols).in_(small) if len(cols) > 1 else cols[0].in_(small)
        for row in session.execute(select(*cols, base.c.case_id).where(chosen)):
            out[tuple(row[:-1])].append(row[-1])
    big = {k: n for k, n in sizes.items() if n > SAMPLE}
    if big and sum(big.values()) <= WINDOWED:    # a month's: one query numbering each group's cases by id
        ranked = select(*cols, base.c.case_id, func.row_number().over(partition_by=cols, order_by=base.c.case_id)
                        .label("n")).where(tuple_(*cols).in_(list(big)) if len(cols) > 1 else
                                           cols[0].in_([k[0] for k in big])).subquery()
        for row in session.execute(select(*(ranked.c[k] for k in keys), ranked.c.case_id).where(ranked.c.n <= SAMPLE)):
            out[tuple(row[:-1])].append(row[-1])
    else:                                        # a year's: each group's first ids along the index of the ids
        for key in big:
            out[key] = list(session.scalars(select(base.c.case_id).where(
                *(col == value for col, value in zip(cols, key))).order_by(base.c.case_id).limit(SAMPLE)))
    return {key: sorted(ids)[:SAMPLE] for key, ids in out.items()}


def _grouped(session, base, keys: tuple, t: dict, measured=None) -> dict:
    """group key -> (measure, number of cases, sample ids) for the groups that warn (a township's '' as None)."""
    lowest = _lowest(t)
    warned = _warned(session, base, keys, lowest, measured)
    if not warned:
        return {}
    cols = [base.c[k] for k in keys]
    sizes = {k: n for k, (_, n) in warned.items()}
    small = None                  # the groups of at most SAMPLE cases: named (``_among``), else found again
    if sum(1 for n in sizes.values() if n <= SAMPLE) > LISTED:
        small = select(*cols).group_by(*cols).having(func.count() <= SAMPLE)
        small = small.having(func.count() >= lowest) if measured is None else \
            small.where(_among(cols, warned, _warned_keys(base, keys, lowest, measured)))
    sample = _samples(session, base, keys, sizes, small)
    return {tuple(_key(v) for v in key): (m, n, sample.get(key, [])) for key, (m, n) in warned.items()}


def _summary(case_count: int, sample: list) -> dict:
    return {"case_count": case_count, "case_ids": sorted(sample)[:SAMPLE]}


# -- the groups each rule counts (a subquery of keys and case ids), shared by the rule and its drill-down ------
def _repeated(q: Scope):
    return _base({"town_id": func.coalesce(C.c.town_id, ""), "case_id": C.c.case_id}, C.c.case_type == "petition",
                 _in(C.c.created_at, q.period), C.c.repeated)


def _by_category(q: Scope):
    return _base({"town_id": func.coalesce(C.c.town_id, ""), "category": C.c.category, "case_id": C.c.case_id},
                 received(q)[0].whereclause, C.c.category.is_not(None), C.c.category != "")


def repeated_petitions(session, q: Scope, t: dict, name) -> list[dict]:
    """Repeated petitions in one township (or at county level) within the period (LVR Art 36 ¶3)."""
    out = []
    for (town,), (n, _, ids) in _grouped(session, _repeated(q), ("town_id",), t).items():
        level = _level(n, t)
        out.append(_warning("repeated_petitions", level, f"{name(town)}重复信访 {n} 件",
                            f"期间内{name(town)}登记的信访事项中有 {n} 件为重复信访"
                            f"（黄色阈值 {t.get('yellow')} 件、红色阈值 {t.get('red')} 件）",
                            "PSR Art 50; LVR Art 36 ¶3", **_summary(n, ids), town_id=town))
    return out


def category_surge(session, q: Scope, t: dict, name) -> list[dict]:
    """Many matters of one category in one township within the period: a possible group dispute (群体性风险)."""
    out = []
    for (town, category), (n, _, ids) in _grouped(session, _by_category(q), ("town_id", "category"), t).items():
        level = _level(n, t)
        out.append(_warning("category_surge", level, f"{name(town)}{name(category)}集中发生 {n} 件",
                            f"期间内{name(town)}受理同类（{name(category)}）纠纷 {n} 件，"
                            f"达到{LEVELS[level]}阈值 {t[level]} 件，可能为群体性纠纷，建议研判",
                            "PSR Art 50, 54", **_summary(n, ids), town_id=town, category=category))
    return out


def _escalating(session, q: Scope, top: str | None = None) -> list[tuple]:
    """(top case, its cases, steps) of each escalating matter (``top``: only that one, for its drill-down). One
    row per case, its history folded in SQL: whether it entered a failed or a review state, and changed in the
    period (a third of the rows of one per history entry, and no Python test of each entry's date)."""
    matters = select(C.c.case_id).where(C.c.matter_escalated)      # the roots of the escalated matters (sv0008)
    if top is not None:
        matters = matters.where(C.c.case_id.in_(select(C.c.root_case_id).where(C.c.case_id == top)))
    ever = lambda cond: func.max(case((cond, 1), else_=0))                          # noqa: E731
    by_id = {row.case_id: row for row in session.execute(
        select(C.c.case_id, C.c.parent_case_id, C.c.case_type, C.c.case_no, ever(H.c.to_state.in_(FAILED)).label("failed"),
               ever(H.c.to_state.in_(REVIEWED)).label("reviewed"), ever(_in(H.c.at, q.period)).label("recent"))
        .join(H, H.c.case_id == C.c.case_id).where(_involved(q), C.c.root_case_id.in_(matters))
        .group_by(C.c.case_id, C.c.parent_case_id, C.c.case_type, C.c.case_no))}

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
    for first, members in groups.items():
        rows = [by_id[c] for c in members]
        if (top is not None and first != top) or not any(r.recent for r in rows):
            continue
        was_failed = any(r.failed for r in rows)
        petitions = any(r.case_type == "petition" for r in rows)
        was_reviewed = any(r.reviewed and r.case_type == "petition" for r in rows)
        if not ((was_failed and petitions) or was_reviewed):
            continue
        steps = (["调解不成"] if was_failed else []) + (["信访"] if petitions else []) + \
            (["复查/复核"] if was_reviewed else [])
        out.append((first, by_id[first].case_no, sorted(members), steps))
    return out


def escalating_matters(session, q: Scope, t: dict, name) -> list[dict]:
    """A matter whose mediation failed and that went on to a petition, or a petition that reached 复查/复核,
    with a change in the period: the dispute is escalating (矛盾升级; PSR Art 50, 54; LVR Art 35-36).
    Only the cases of the matters that have escalated (``matter_escalated`` on the root, kept at ingest:
    ``escalation``, migration sv0008) that the period involves are read, with their history entries; these few
    rows are then grouped as the reference groups them: a
    matter's cases are split at any case the period does not involve (``figures.Data.root`` walks a case's
    parents only through the cases it holds)."""
    return [_warning("escalating_matter", t.get("level", "red"), f"{case_no} 矛盾升级",
                     "同一纠纷先后经历" + "、".join(steps) + "，化解难度上升，建议领导包案、提级研判",
                     "PSR Art 50, 54; LVR Art 35-36", **_summary(len(members), members), root_case_id=top)
            for top, case_no, members, steps in _escalating(session, q)]


def _late(q: Scope):
    """The disputes opened in the period that were ever overdue, or are late now, by organisation."""
    return _base({"org_id": C.c.org_id, "case_id": C.c.case_id}, C.c.case_type.in_(DISPUTE_TYPES),
                 _in(C.c.created_at, q.period), or_(C.c.overdue_ever, C.c.open_due_at < q.now))


def overdue_share(session, q: Scope, t: dict, name) -> list[dict]:
    """An organisation whose share of overdue cases is high, or has risen since the previous period of the
    same length (PSR Art 50, 60; LVR Art 34): one GROUP BY over both periods, then a sample of the late cases
    of the organisations warned."""
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
    sample = _samples(session, _late(q), ("org_id",), {(org,): w[2] for org, w in warned.items()}) if warned else {}
    out = []
    for org, (level, n, n_late, ratio, prior) in warned.items():
        out.append(_warning("overdue_share", level, f"{name(org)}超期占比 {ratio:.0%}",
                            f"期间内{name(org)}新收 {n} 件，其中 {n_late} 件曾超期（{ratio:.0%}；上一同长期间 {prior:.0%}）。"
                            f"阈值：黄 {t['yellow']:.0%} 或上升 {t['rise']:.0%}，红 {t['red']:.0%}",
                            "PSR Art 50, 60; LVR Art 34", **_summary(n_late, sample.get((org,), [])), org_id=org))
    return out


def _subject(rule: str, index: str) -> str:
    """What a party warning is about, for its task's fingerprint (warning_tasks.ABOUT): a hash of the blind
    index, so neither the index nor anything personal is shown or stored with the warning."""
    return hashlib.sha256(f"{rule}:{index}".encode()).hexdigest()[:16]


def _parties(q: Scope, lowest: float, domain: str, *where):
    """(blind index, case id), once each, of the disputes received in the period (``figures_sql.received``, kept
    on the party as ``received_at`` by ingest) with a party matching ``where``: the party's index, or the address's (``domain`` address). Only the indexes
    met often enough to reach ``lowest`` (``repeats``, kept at ingest) are grouped."""
    column = P.c.address_index if domain == "address" else P.c.party_index
    return select(column.label("subject"), P.c.case_id.label("case_id")).distinct().where(
        repeats.repeated(domain, lowest), _in(P.c.received_at, q.period), column.is_not(None), *where).subquery()


def _respondents(q: Scope, lowest: float):
    """(respondent's index, case id), once each, of the disputes received in the period."""
    return _parties(q, lowest, "applicants", P.c.role == "respondent")


def _applicants_of_respondents(q: Scope, lowest: float):
    """(respondent's index, applicant), once each, over the disputes received in the period: an applicant is
    its blind index, or (without an ID number) the party itself, so two applicants without one are two."""
    A = P.alias("applicant")
    applicant = func.coalesce(A.c.party_index, A.c.case_id + ":" + cast(A.c.seq, String))
    return select(P.c.party_index.label("subject"), applicant.label("applicant")).distinct().select_from(
        P.join(A, and_(A.c.case_id == P.c.case_id, A.c.role == "applicant"))).where(
        repeats.repeated("applicants", lowest), P.c.role == "respondent", P.c.party_index.is_not(None),
        _in(P.c.received_at, q.period)).subquery()


PARTY_RULES = {   # rule -> (its cases by subject, what it counts when not cases), each of (scope, lowest threshold)
    "same_person": (lambda q, lowest: _parties(q, lowest, "party", P.c.kind == "person"), None),
    "same_address": (lambda q, lowest: _parties(q, lowest, "address"), None),
    "one_respondent": (_respondents, _applicants_of_respondents),
}


def _party_warnings(session, rule: str, q: Scope, t: dict, title: str, explain) -> list[dict]:
    """One warning per blind index that reaches a threshold; ``explain(days, n, level)`` words it. It names no
    party: the warning's ``subject`` (its task's fingerprint, its drill-down) is a hash of the index."""
    groups, measured = PARTY_RULES[rule]
    days = (q.period.end - q.period.start).days
    out = []
    lowest = _lowest(t)
    for (index,), (m, n, ids) in _grouped(session, groups(q, lowest), ("subject",), t,
                                          measured(q, lowest) if measured else None).items():
        level = _level(m, t)
        out.append(_warning(rule, level, title.format(m=m, n=n), explain(days, m, n, level), "PSR Art 50, 54",
                            **_summary(n, ids), subject=_subject(rule, index)))
    return out


def same_person(session, q: Scope, t: dict, name) -> list[dict]:
    """One natural person (by the blind index of the ID number, never the number) in several disputes received
    in the period, in any role: a conflict that keeps coming back (PSR Art 50, 54: 研判预警)."""
    return _party_warnings(session, "same_person", q, t, "同一当事人涉及 {n} 起纠纷", lambda days, m, n, level:
                           f"同一当事人{days}日内涉及{n}起纠纷（黄色阈值 {t.get('yellow')} 起、红色阈值 "
                           f"{t.get('red')} 起），矛盾反复，建议研判、联合化解")


def same_address(session, q: Scope, t: dict, name) -> list[dict]:
    """One address (by the blind index of the normalised address, never the address) in several disputes
    received in the period: a household, a building or a site where conflicts gather (PSR Art 50, 54)."""
    return _party_warnings(session, "same_address", q, t, "同一地址涉及 {n} 起纠纷", lambda days, m, n, level:
                           f"同一地址{days}日内涉及{n}起纠纷（黄色阈值 {t.get('yellow')} 起、红色阈值 "
                           f"{t.get('red')} 起），矛盾在同一处聚集，建议实地走访、联合化解")


def one_respondent(session, q: Scope, t: dict, name) -> list[dict]:
    """One respondent (a company, a landlord, a department, a person) facing many applicants in the disputes
    received in the period: distinct applicants, so one applicant's repeated claims against it count once
    (群体性风险: many people against one party; PSR Art 50, 54)."""
    return _party_warnings(session, "one_respondent", q, t, "同一被申请人面对 {m} 名申请人", lambda days, m, n, level:
                           f"同一被申请人{days}日内被{m}名申请人在{n}起纠纷中申请，达到{LEVELS[level]}阈值 "
                           f"{t[level]} 名，可能为群体性纠纷，建议研判")


def _risky(q: Scope, t: dict):
    return received(q)[0].with_only_columns(C.c.case_id, C.c.case_no, C.c.risk_words).where(
        C.c.risk_words >= _lowest(t))


def risk_words(session, q: Scope, t: dict, name) -> list[dict]:
    """A dispute received in the period whose text holds threats of violence (民转刑风险 words, counted by its
    service: infra.facts.risk_word_count; the text never reaches the read model): one warning per case."""
    out = []
    for case_id, case_no, count in session.execute(_risky(q, t)):
        level = _level(count, t)
        out.append(_warning("risk_words", level, f"{case_no} 民转刑风险",
                            f"案件材料中出现 {count} 个暴力、极端风险词（黄色阈值 {t.get('yellow')} 个、红色阈值 "
                            f"{t.get('red')} 个），有民转刑风险，建议立即核实、稳控",
                            "PSR Art 50, 54", **_summary(1, [case_id]), case_id=case_id))
    return out


RULES = {"repeated_petitions": repeated_petitions, "category_surge": category_surge,
         "escalating_matter": escalating_matters, "overdue_share": overdue_share,
         "same_person": same_person, "same_address": same_address, "one_respondent": one_respondent, "risk_words": risk_words}


ABOUT = WARNING_ABOUT       # what a warning of each rule is about (contracts/evaluation.py)


def _members(session, q: Scope, thresholds: dict, rule: str, about: dict):
    """The select of every case id behind the warning of ``rule`` about ``about`` (or a list, for a matter)."""
    def of(base, **keys):           # one row per case in every base
        return select(base.c.case_id).where(*(base.c[k] == v for k, v in keys.items()))
    town = about.get("town_id") or ""
    if rule == "repeated_petitions":
        return of(_repeated(q), town_id=town)
    if rule == "category_surge":
        return of(_by_category(q), town_id=town, category=about.get("category"))
    if rule == "overdue_share":
        return of(_late(q), org_id=about.get("org_id"))
    if rule == "escalating_matter":
        return [c for top, _, members, _ in _escalating(session, q, about.get("root_case_id") or "") for c in members]
    if rule == "risk_words":
        return _risky(q, thresholds[rule]).with_only_columns(C.c.case_id).where(C.c.case_id == about.get("case_id"))
    groups, measured = PARTY_RULES[rule]
    lowest = _lowest(thresholds[rule])
    base = groups(q, lowest)
    found = session.scalars(_warned_keys(base, ("subject",), lowest, measured(q, lowest) if measured else None))
    index = next((i for i in found if _subject(rule, i) == about.get("subject")), None)
    return of(base, subject=index) if index is not None else []


def cases(session, q: Scope, thresholds: dict, rule: str, about: dict, number: int, size: int) -> tuple[int, list[str]]:
    """The drill-down of one warning: (how many cases are behind it, the ids of page ``number`` of ``size``, by
    id), computed again from what the warning says: its rule, the period and what it is about (``ABOUT``)."""
    found = _members(session, q, thresholds, rule, about)
    if isinstance(found, list):
        return len(found), sorted(found)[(number - 1) * size:number * size]
    ids = found.subquery()
    total = session.scalar(select(func.count()).select_from(ids))
    return total, list(session.scalars(select(ids.c.case_id).order_by(ids.c.case_id).offset((number - 1) * size)
                                       .limit(size)))


def run(session, q: Scope, thresholds: dict, name=lambda code: code or "县本级") -> list[dict]:
    """Every rule's warnings, red first (as ``early_warning.run``)."""
    out = [w for rule, fn in RULES.items() if rule in thresholds for w in fn(session, q, thresholds[rule], name)]
    return sorted(out, key=lambda w: (ORDER[w["level"]], w["rule"], w["title"]))
