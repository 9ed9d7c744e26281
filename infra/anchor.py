"""The daily root: one digest over every case's audit head in a service, written once a day to
``<data_dir>/anchors/<service>/<date>.json`` (and published as ``audit_root`` through the outbox-less
event dispatcher when one is given), so a party outside the centre (the 上级 centre, a notary, a
timestamping service) can keep it and later prove that no case's history was rewritten afterwards: a
rewritten chain changes its head, and the head no longer folds into the published root."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select

from infra import audit
from infra.calendar import SHANGHAI
from infra.db import read_session
from infra.models import Case


def compute(env) -> dict:
    with read_session(env.engine) as s:
        heads = [(cid, count or 0, head or "") for cid, count, head in
                 s.execute(select(Case.id, Case.audit_count, Case.audit_head))]
    return {"service": env.service, "cases": len(heads), "root": audit.daily_root(heads)}


def export(env, now: datetime | None = None, dispatch=None) -> dict | None:
    """Write today's root if it is not written yet; returns it (None when it already was)."""
    now = now or env.now()
    day = now.astimezone(SHANGHAI).date().isoformat()
    path = env.config.path("data_dir") / "anchors" / env.service / f"{day}.json"
    if path.exists():
        return None
    root = {**compute(env), "date": day, "at": now.isoformat()}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(root, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    if dispatch is not None:
        dispatch("audit_root", root)
    return root
