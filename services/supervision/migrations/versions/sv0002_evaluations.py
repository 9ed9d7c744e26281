"""residents' evaluations (PSR Art 62: 满意率)

Revision ID: sv0002
Revises: sv0001
"""
from alembic import op
import sqlalchemy as sa

revision = 'sv0002'
down_revision = 'sv0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sv_evaluations',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('case_no', sa.String(length=40), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('town_id', sa.String(length=64), nullable=True),
    sa.Column('category', sa.String(length=40), nullable=True),
    sa.Column('rating', sa.String(length=24), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('given_by', sa.String(length=24), nullable=False),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('idempotency_key', sa.String(length=128), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('return_visit_case_id', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_no'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('sv_evaluations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sv_evaluations_given_at'), ['given_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sv_evaluations_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sv_evaluations_rating'), ['rating'], unique=False)
        batch_op.create_index(batch_op.f('ix_sv_evaluations_town_id'), ['town_id'], unique=False)


def downgrade():
    op.drop_table('sv_evaluations')
