"""figures in SQL: derived columns, stays with working days, indexes for the figure queries

Revision ID: sv0003
Revises: sv0002
"""
from alembic import op
import sqlalchemy as sa

revision = 'sv0003'
down_revision = 'sv0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sv_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('root_case_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('concluded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('concluded_ok', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('repeated', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('matter_resolved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('replied_on_time', sa.Boolean(), nullable=True))
        batch_op.create_index(batch_op.f('ix_sv_cases_matter_resolved_at'), ['matter_resolved_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sv_cases_replied_at'), ['replied_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sv_cases_root_case_id'), ['root_case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sv_cases_concluded_at'), ['concluded_at'], unique=False)
        # the figure queries: a case type's cases by when they opened / closed
        batch_op.create_index('ix_sv_cases_type_created', ['case_type', 'created_at'], unique=False)
        batch_op.create_index('ix_sv_cases_type_closed', ['case_type', 'closed_at'], unique=False)
    op.create_table('sv_stays',
    sa.Column('case_id', sa.String(length=32), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('case_type', sa.String(length=40), nullable=False),
    sa.Column('state', sa.String(length=40), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.Column('first_in_state', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('case_id', 'seq')
    )
    with op.batch_alter_table('sv_stays', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sv_stays_ended_at'), ['ended_at'], unique=False)
    with op.batch_alter_table('sv_history', schema=None) as batch_op:
        # routing, replies and adoptions: one event's entries in a period
        batch_op.create_index('ix_sv_history_event_at', ['event', 'at'], unique=False)
    _backfill()


def _backfill():
    """Derive the new columns and the stays of the rows stored before this revision (services/supervision/
    derived.py), so the figures do not change with the upgrade."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from infra.views import iso
    from services.supervision import derived
    from services.supervision.models import SvCase, SvHistory

    with Session(bind=op.get_bind()) as s:
        ids = list(s.scalars(select(SvCase.case_id).order_by(SvCase.created_at)))
        for case_id in ids:
            row = s.get(SvCase, case_id)
            history = [{"event": h.event, "from": h.from_state, "to": h.to_state, "at": iso(h.at), "version": h.version}
                       for h in s.scalars(select(SvHistory).where(SvHistory.case_id == case_id)
                                          .order_by(SvHistory.version))]
            derived.derive(s, row, history)
        s.flush()


def downgrade():
    with op.batch_alter_table('sv_history', schema=None) as batch_op:
        batch_op.drop_index('ix_sv_history_event_at')
    op.drop_table('sv_stays')
    with op.batch_alter_table('sv_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_sv_cases_type_closed')
        batch_op.drop_index('ix_sv_cases_type_created')
        batch_op.drop_index(batch_op.f('ix_sv_cases_concluded_at'))
        batch_op.drop_index(batch_op.f('ix_sv_cases_root_case_id'))
        batch_op.drop_index(batch_op.f('ix_sv_cases_replied_at'))
        batch_op.drop_index(batch_op.f('ix_sv_cases_matter_resolved_at'))
        batch_op.drop_column('replied_on_time')
        batch_op.drop_column('replied_at')
        batch_op.drop_column('matter_resolved_at')
        batch_op.drop_column('repeated')
        batch_op.drop_column('concluded_ok')
        batch_op.drop_column('concluded_at')
        batch_op.drop_column('root_case_id')
