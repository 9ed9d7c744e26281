"""early warning by party and by risk words: sv_parties (role, kind, blind index) and sv_cases.risk_words

Revision ID: sv0005
Revises: sv0004
"""
from alembic import op
import sqlalchemy as sa

revision = 'sv0005'
down_revision = 'sv0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sv_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('risk_words', sa.Integer(), nullable=False, server_default='0'))
    op.create_table('sv_parties',
    sa.Column('case_id', sa.String(length=32), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('party_index', sa.String(length=64), nullable=True),
    sa.Column('address_index', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('case_id', 'seq')
    )
    with op.batch_alter_table('sv_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sv_parties_party_index'), ['party_index'], unique=False)
        batch_op.create_index(batch_op.f('ix_sv_parties_address_index'), ['address_index'], unique=False)


def downgrade():
    with op.batch_alter_table('sv_parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sv_parties_address_index'))
        batch_op.drop_index(batch_op.f('ix_sv_parties_party_index'))
    op.drop_table('sv_parties')
    with op.batch_alter_table('sv_cases', schema=None) as batch_op:
        batch_op.drop_column('risk_words')
