"""warnings in SQL: the history's entries into a state, for the escalating-matter rule

Revision ID: sv0004
Revises: sv0003
"""
from alembic import op

revision = 'sv0004'
down_revision = 'sv0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sv_history', schema=None) as batch_op:
        # warnings_sql.escalating_matters: the cases that entered a failed or a review state (PM_TERMINATED,
        # DV_FAILED, PT_REVIEW, PT_RECHECK), read by state without a scan of the whole history
        batch_op.create_index('ix_sv_history_to_state', ['to_state', 'case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('sv_history', schema=None) as batch_op:
        batch_op.drop_index('ix_sv_history_to_state')
