"""the event that brought a linked child case to its state (the resident lookup tells a court's
confirmation from other ways into the same state)

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target_event', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('case_links', schema=None) as batch_op:
        batch_op.drop_column('target_event')
