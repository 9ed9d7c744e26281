"""personal data encrypted at rest with a blind index; the audit chain's anchor on the case row

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.drop_index('ix_parties_id_number')
        # ciphertexts are longer than the values (infra.pii.Encrypted)
        batch_op.alter_column('id_number', type_=sa.Text(), existing_type=sa.String(length=32), existing_nullable=True)
        batch_op.alter_column('phone', type_=sa.Text(), existing_type=sa.String(length=32), existing_nullable=True)
        batch_op.alter_column('address', type_=sa.Text(), existing_type=sa.String(length=400), existing_nullable=True)
        batch_op.add_column(sa.Column('id_index', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('id_absent_reason', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('phone_index', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_parties_id_index', ['id_index'], unique=False)
        batch_op.create_index('ix_parties_phone_index', ['phone_index'], unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audit_head', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('audit_count', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('idempotency', schema=None) as batch_op:
        batch_op.create_index('ix_idempotency_created_at', ['created_at'], unique=False)

    # rows written before this revision: index their (plain) ID numbers; `python -m infra.manage
    # reencrypt` then encrypts them and re-anchors their audit chains
    from infra.pii import keyring
    conn = op.get_bind()
    ring = keyring()
    rows = conn.execute(sa.text("SELECT id, id_number FROM parties WHERE id_number IS NOT NULL")).all()
    for pid, number in rows:
        conn.execute(sa.text("UPDATE parties SET id_index = :i WHERE id = :id"),
                     {"i": ring.blind(ring.decrypt(number)), "id": pid})
    from contracts.idnumbers import normalise_phone
    for pid, phone in conn.execute(sa.text("SELECT id, phone FROM parties WHERE phone IS NOT NULL")).all():
        conn.execute(sa.text("UPDATE parties SET phone_index = :i WHERE id = :id"),
                     {"i": ring.blind(normalise_phone(ring.decrypt(phone)), "phone"), "id": pid})


def downgrade():
    with op.batch_alter_table('idempotency', schema=None) as batch_op:
        batch_op.drop_index('ix_idempotency_created_at')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('audit_count')
        batch_op.drop_column('audit_head')
    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.drop_index('ix_parties_phone_index')
        batch_op.drop_index('ix_parties_id_index')
        batch_op.drop_column('phone_index')
        batch_op.drop_column('id_absent_reason')
        batch_op.drop_column('id_index')
        batch_op.create_index('ix_parties_id_number', ['id_number'], unique=False)
