"""Earlier display names, so that erasure can find every name a member was shown under.

Revision ID: d0a1b2c3e4f5
Revises: c5e2a9d41b70
Create Date: 2026-12-06 04:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "d0a1b2c3e4f5"
down_revision = "c5e2a9d41b70"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "previous_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_previous_names_user_id", "previous_names", ["user_id"])


def downgrade():
    op.drop_index("ix_previous_names_user_id", table_name="previous_names")
    op.drop_table("previous_names")
