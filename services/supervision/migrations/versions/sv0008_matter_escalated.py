"""early warning, escalating matters: each matter's root case carries whether the matter has escalated

Revision ID: sv0008
Revises: sv0007
"""
from alembic import op
import sqlalchemy as sa

revision = 'sv0008'
down_revision = 'sv0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sv_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('matter_escalated', sa.Boolean(), nullable=False, server_default=sa.false()))
        # warnings_sql.escalating_matters reads only the flagged roots (a few thousand at a million cases)
        batch_op.create_index('ix_sv_cases_matter_escalated', ['matter_escalated'], unique=False)
    # a county upgraded live: every matter's flag as ingest keeps it (escalation.keep)
    from services.supervision import escalation
    escalation.keep_all(op.get_bind())
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ANALYZE sv_cases')


def downgrade():
    with op.batch_alter_table('sv_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_sv_cases_matter_escalated')
        batch_op.drop_column('matter_escalated')
