"""The outbox: rows written in the case's transaction (``write_outbox``, the engine's outbox step), and the
relay that publishes them afterwards, with publisher confirms, and marks them sent. Delivery is
at-least-once; consumers dedupe by event_id."""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_, select, update

from infra.db import insert_rows, is_postgres, write_session
from infra.models import AuditEntry, Case, OutboxRow
from infra.trust import sign_event

if TYPE_CHECKING:
    from infra.casetype import EventDef
    from infra.context import Env, GuardContext


def write_outbox(session, env: Env, case: Case, event: EventDef, entry: AuditEntry, ctx: GuardContext) -> None:
    """The rows the transition commits with the case: its own event, then those its effect added, as one
    Core INSERT (infra.db.insert_rows: the ORM adds nothing to an append-only row). Written before the case
    is flushed: the version is the one its audit entry records (the one the row takes)."""
    state = env.case_type.state(case.status)
    base = {
        "service": env.service, "case_type": case.case_type, "case_id": case.id, "case_no": case.case_no,
        "event": event.id, "from": entry.from_state, "to": case.status, "status_label": state.label,
        "terminal": state.terminal, "version": entry.version, "at": entry.at.isoformat(),
        "org_id": case.org_id, "parent_service": case.parent_service, "parent_case_id": case.parent_case_id,
        "supervised": case.supervised,
    }
    rows = [("case_registered" if event.creates else "case_transitioned", base)]
    rows += [(etype, {**base, **extra}) for etype, extra in ctx.outbox]
    ids = [uuid.uuid4().hex for _ in rows]
    insert_rows(session, OutboxRow.__table__,
                [{"id": event_id, "created_at": entry.at, "event_type": etype,
                  "payload": {**payload, "event_id": event_id, "event_type": etype}}
                 for event_id, (etype, payload) in zip(ids, rows)])


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
