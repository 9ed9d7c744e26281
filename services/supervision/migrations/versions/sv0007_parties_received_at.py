"""early warning by party: each party row carries when its case was received as a dispute (received_at)

Revision ID: sv0007
Revises: sv0006
"""
from alembic import op
import sqlalchemy as sa

revision = 'sv0007'
down_revision = 'sv0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sv_parties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_at', sa.DateTime(timezone=True), nullable=True))
    # a county upgraded live: its parties' received dates as ingest keeps them (derived.received_at)
    from services.supervision import repeats
    repeats.receive_all(op.get_bind())
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ANALYZE sv_parties')


def downgrade():
    with op.batch_alter_table('sv_parties', schema=None) as batch_op:
        batch_op.drop_column('received_at')
