"""How long the centre's figures take on PostgreSQL for N generated read-model cases (not part of
``make bench`` yet): ``python -m bench.supervision 100000``. Reported, never asserted."""
from __future__ import annotations

import random
import sys
import time
import uuid
from datetime import datetime, timedelta

from sqlalchemy import create_engine, insert, text

from infra.calendar import SHANGHAI, Calendar
from infra.config import load_config
from infra.db import make_engine, normalise_url, read_session, upgrade
from services.supervision import figures, query
from services.supervision.models import SvCase, SvHistory
from services.supervision.store import MIGRATIONS

PG = "postgresql://postgres@127.0.0.1:5432/test"
ORGS = [("zj-pmc-jiyang", "zj-gov-jiyang"), ("zj-pmc-county", None), ("zj-court", None), ("zj-xfj-county", None)]
TYPES = [("intake", "intake", "IN_CLOSED"), ("mediation", "mediation", "PM_CLOSED"), ("petition", "petition", "PT_CLOSED")]


def main(n: int) -> None:
    schema = f"bench_sv_{uuid.uuid4().hex[:8]}"
    upgrade(PG, schema, migrations=MIGRATIONS)
    engine = make_engine(PG, schema)
    rng = random.Random(15)
    start = datetime(2026, 1, 1, 9, tzinfo=SHANGHAI)
    try:
        t0 = time.perf_counter()
        with engine.begin() as conn:
            for chunk in range(0, n, 5000):
                cases, hist = [], []
                for i in range(chunk, min(n, chunk + 5000)):
                    service, ct, closed = TYPES[i % 3]
                    org, town = ORGS[i % 4]
                    at = start + timedelta(minutes=rng.randrange(365 * 24 * 60))
                    done = at + timedelta(days=rng.randrange(1, 60))
                    cid = f"{i:032x}"
                    cases.append(dict(case_id=cid, service=service, case_type=ct, case_no=f"B-{i}", org_id=org, town_id=town,
                                      county="330681", category="neighbourhood", channel="window", status=closed,
                                      terminal=True, version=2, facts_version=2, supervised=False, created_at=at,
                                      updated_at=done, closed_at=done, open_due_at=None, overdue_ever=i % 7 == 0,
                                      resolution="answered_on_spot" if ct == "intake" and i % 2 else None,
                                      resolved_at=done if ct == "intake" and i % 2 else None, clocks=[], links=[], stages={}))
                    hist += [dict(case_id=cid, version=1, event="register", from_state=None, to_state="X_OPEN", at=at),
                             dict(case_id=cid, version=2, event="close", from_state="X_OPEN", to_state=closed, at=done)]
                conn.execute(insert(SvCase), cases)
                conn.execute(insert(SvHistory), hist)
        print(f"loaded {n} cases in {time.perf_counter() - t0:.1f} s")
        calendar = Calendar(str(load_config().path("holidays")))
        for first, last, label in (("2026-10-01", "2026-10-31", "a month"), ("2026-01-01", "2026-12-31", "a year")):
            period = figures.Period.of(datetime.fromisoformat(first).date(), datetime.fromisoformat(last).date())
            t0 = time.perf_counter()
            with read_session(engine) as s:
                d = query.load_data(s, period, datetime(2027, 1, 1, tzinfo=SHANGHAI), calendar)
            t1 = time.perf_counter()
            figures.compute(d, "town")
            t2 = time.perf_counter()
            print(f"figures for {label}: {len(d.rows)} rows loaded in {t1 - t0:.2f} s, computed in {t2 - t1:.2f} s")
    finally:
        engine.dispose()
        admin = create_engine(normalise_url(PG))
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
