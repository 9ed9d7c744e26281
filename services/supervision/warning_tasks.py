"""研判预警 as work (PSR Art 50, 54): every warning early_warning.py raises becomes a 预警处置 task of the
county centre (warning_task_casetype.py) with the warning's level, explanation and cases, unless a task
for the same warning is still open. "The same warning" is its rule, what it is about (township,
category, organisation or matter) and its level: a warning that rises a level is a new task."""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select

from contracts.evaluation import ABOUT_KEYS
from infra.db import read_session
from infra.models import Case
from services.supervision.warning_task_casetype import WARNING_TASK

# same_person / same_address / one_respondent: a hash of the blind index; risk_words: the case
ABOUT = ABOUT_KEYS
OPEN = tuple(s.code for s in WARNING_TASK.states if not s.terminal)


def fingerprint(w: dict) -> str:
    about = {k: w.get(k) for k in ABOUT if k in w}
    text = json.dumps({"rule": w["rule"], "level": w["level"], "about": about}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def task_data(w: dict, case_nos: dict | None = None, period: tuple | None = None) -> dict:
    """The task's data: the warning, how many cases are behind it and the first of them by number as well as by
    id, and what finds them all (the period and what it is about: the page's link to the drill-down)."""
    first, last = period or (None, None)
    return {"warning_rule": w["rule"], "level": w["level"], "title": w["title"][:200],
            "explanation": w["explanation"][:1000], "case_count": w.get("case_count", len(w["case_ids"])),
            "case_ids": list(w["case_ids"]), "case_nos": [(case_nos or {}).get(c, "") for c in w["case_ids"]],
            "basis": w["basis"][:200], "fingerprint": fingerprint(w),
            "period_from": first.isoformat() if first else None, "period_to": last.isoformat() if last else None,
            "about": {k: w[k] for k in ABOUT if k in w}}


def window(today: date, days: int) -> tuple[date, date]:
    """The period the sweep looks at: the last ``days`` days up to today (Beijing dates)."""
    return today - timedelta(days=days - 1), today


def tasks_so_far(engine) -> tuple[set[str], Counter]:
    """The fingerprints of the open tasks, and how many tasks each fingerprint has had."""
    with read_session(engine) as s:
        rows = s.execute(select(Case.status, Case.data).where(Case.case_type == WARNING_TASK.code)).all()
    fps = [((d or {}).get("fingerprint"), status) for status, d in rows]
    return {fp for fp, status in fps if status in OPEN}, Counter(fp for fp, _ in fps)


def raise_tasks(engine, warnings: list[dict], fire, case_nos: dict | None = None,
                period: tuple | None = None) -> list[dict]:
    """``fire(data, idempotency_key)`` opens one task; returns the tasks opened now. The key is the
    fingerprint and its task count: two sweeps at once open one task, a warning back after its task
    was handled opens a new one."""
    have, count = tasks_so_far(engine)
    opened = []
    for w in warnings:
        data = task_data(w, case_nos, period)
        if data["fingerprint"] in have:
            continue
        opened.append(fire(data, f"warning-task:{data['fingerprint']}:{count[data['fingerprint']]}"))
        have.add(data["fingerprint"])
    return opened
