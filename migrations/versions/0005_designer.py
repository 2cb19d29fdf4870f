"""designer: who deployed a version and why; designers' server-side drafts

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 10:05:00

"""
from alembic import op
import sqlalchemy as sa
import app.models.types


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('process_definition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deployed_by', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('comment', sa.Text(), nullable=True))
    op.create_table(
        'design_draft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('process_key', sa.String(length=80), nullable=False),
        sa.Column('base_version', sa.Integer(), nullable=True),
        sa.Column('xml', sa.Text(), nullable=False),
        sa.Column('updated_at', app.models.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('owner_id', 'process_key'),
    )
    with op.batch_alter_table('design_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_design_draft_owner_id'), ['owner_id'], unique=False)


def downgrade():
    with op.batch_alter_table('design_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_design_draft_owner_id'))
    op.drop_table('design_draft')
    with op.batch_alter_table('process_definition', schema=None) as batch_op:
        batch_op.drop_column('comment')
        batch_op.drop_column('deployed_by')
