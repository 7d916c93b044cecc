"""A two-step sign-in code works once: the last accepted time step is kept per account.

Revision ID: c4e8a1f0d2b7
Revises: b7e4c2a9d1f3
Create Date: 2026-12-06 01:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c4e8a1f0d2b7"
down_revision = "b7e4c2a9d1f3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
