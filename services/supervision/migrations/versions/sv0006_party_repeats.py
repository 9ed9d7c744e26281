"""early warning by party: the blind indexes met more than once (sv_party_repeats), counted at ingest

Revision ID: sv0006
Revises: sv0005
"""
from alembic import op
import sqlalchemy as sa

revision = 'sv0006'
down_revision = 'sv0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sv_party_repeats',
    sa.Column('domain', sa.String(length=12), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('domain', 'subject')
    )
    # a county upgraded live: count the parties it already holds (repeats.recount_all; ingest keeps it after)
    from services.supervision import repeats
    repeats.recount_all(op.get_bind())
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ANALYZE sv_party_repeats')


def downgrade():
    op.drop_table('sv_party_repeats')
