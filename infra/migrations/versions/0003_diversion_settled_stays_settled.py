"""diversion: a settled case stays DV_SETTLED (SPEC §4A); stored DV_ARCHIVED cases go back to it

DV_ARCHIVED existed only because python-statemachine required every state to reach a final one; the
case type no longer has it (``confirmation_window_closed`` is a self-loop of DV_SETTLED). Each stored
DV_ARCHIVED case moves back to DV_SETTLED with the change on its record: a new version and an entry
appended to its keyed audit chain by ``sys`` (``state_revised``, from DV_ARCHIVED to DV_SETTLED), the
anchor moved with it, so ``verify_history`` holds (its status and version match the newest entry).
Links that other cases keep to such a case (intake's, mediation's, petition's records of where a matter
went) show DV_SETTLED too. The supervision read model learns it from the case's new version
(``updated_at``) on its next refresh, or at once with its ``rebuild``.

Revision ID: 0003
Revises: 0002
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

REMOVED, KEPT = "DV_ARCHIVED", "DV_SETTLED"
EVENT = "state_revised"
BASIS = ("SPEC §4A: a settled case stays DV_SETTLED (诉外结案, OMR Art 20 ¶1); the judicial-confirmation "
         "window's end is recorded on it (CPL Art 205)")


def _table(model, *names):
    return sa.table(model.__tablename__, *(sa.column(n, model.__table__.c[n].type) for n in names))


def upgrade():
    from infra.audit import GENESIS, digest, entry_hash
    from infra.models import AuditEntry, Case, CaseLink
    conn = op.get_bind()
    cases = _table(Case, "id", "case_type", "status", "version", "org_id", "audit_head", "audit_count", "updated_at")
    entries = _table(AuditEntry, "case_id", "seq", "at", "user_id", "role", "org_id", "event", "from_state",
                     "to_state", "version", "payload_digest", "summary", "basis", "prev_hash", "hash")
    rows = conn.execute(sa.select(cases.c.id, cases.c.version, cases.c.org_id, cases.c.audit_head,
                                  cases.c.audit_count)
                        .where(cases.c.case_type == "diversion", cases.c.status == REMOVED)).all()
    now = datetime.now(timezone.utc)
    links = _table(CaseLink, "target_service", "target_status")
    conn.execute(links.update().where(links.c.target_service == "diversion", links.c.target_status == REMOVED)
                 .values(target_status=KEPT))
    for case_id, version, org_id, head, count in rows:
        if head is None:     # a chain from before its anchor (0002): its last entry
            last = conn.execute(sa.select(entries.c.seq, entries.c.hash).where(entries.c.case_id == case_id)
                                .order_by(entries.c.seq.desc()).limit(1)).first()
            count, head = (last.seq, last.hash) if last else (0, GENESIS)
        summary = {"from": REMOVED, "to": KEPT}
        entry = AuditEntry(case_id=case_id, seq=count + 1, at=now, user_id="migration-0003", role="sys",
                           org_id=org_id, event=EVENT, from_state=REMOVED, to_state=KEPT, version=version + 1,
                           payload_digest=digest(summary), summary=summary, basis=BASIS, prev_hash=head)
        entry.hash = entry_hash(entry)
        conn.execute(entries.insert().values({n: getattr(entry, n) for n in entries.c.keys()}))
        conn.execute(cases.update().where(cases.c.id == case_id, cases.c.version == version)
                     .values(status=KEPT, version=version + 1, audit_head=entry.hash, audit_count=entry.seq,
                             updated_at=now))


def downgrade():
    # the revision entries stay: the audit chain is append-only; the state they left is not restored
    pass
