"""The outbox relay: events written in the case's transaction are published afterwards, with
publisher confirms, and marked sent. Delivery is at-least-once; consumers dedupe by event_id."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select, update

from infra.db import is_postgres, write_session
from infra.models import OutboxRow
from infra.trust import sign_event


def relay(env, dispatch, batch: int = 100, claim_seconds: int = 30) -> int:
    now = env.now()
    with write_session(env.engine) as s:
        stmt = (select(OutboxRow).where(OutboxRow.sent_at.is_(None),
                                         or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now))
                .order_by(OutboxRow.created_at, OutboxRow.id).limit(batch))
        if is_postgres(env.engine):
            stmt = stmt.with_for_update(skip_locked=True)
        rows = list(s.scalars(stmt))
        if not rows:
            s.rollback()
            return 0
        s.execute(update(OutboxRow).where(OutboxRow.id.in_([r.id for r in rows]))
                  .values(claimed_until=now + timedelta(seconds=claim_seconds)))
        s.commit()
        pending = [(r.id, r.event_type, r.payload) for r in rows]
    sent = 0
    for row_id, event_type, payload in pending:
        if env.trust is not None and env.trust.signer is not None:
            payload = sign_event(env.trust.signer, payload)   # consumers act only on their source's signature
        dispatch(event_type, payload)      # nameko publishes with confirms: raises if the broker refuses
        with write_session(env.engine) as s:
            s.execute(update(OutboxRow).where(OutboxRow.id == row_id)
                      .values(sent_at=env.now(), attempts=OutboxRow.attempts + 1))
            s.commit()
        sent += 1
    return sent
