"""drop timer.claim_expires_at: claims are held by the instance lock, the expiry was never read

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 16:40:00

"""
from alembic import op
import sqlalchemy as sa
import app.models.types


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('timer', schema=None) as batch_op:
        batch_op.drop_column('claim_expires_at')


def downgrade():
    with op.batch_alter_table('timer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_expires_at', app.models.types.UtcDateTime(timezone=True), nullable=True))
