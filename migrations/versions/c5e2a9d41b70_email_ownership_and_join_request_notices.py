"""E-mail ownership, and facilitators told of a join request at most once a day.

An address gets mail only once its owner has confirmed it. Accounts made before this change
keep getting mail: their addresses count as confirmed from the day the account was made.
``join_request_notices`` remembers when facilitators were last told that a member asked to join
a board (the request itself is deleted when withdrawn).

Revision ID: c5e2a9d41b70
Revises: c4d8e2f1a7b3
Create Date: 2026-12-06 01:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c5e2a9d41b70"
down_revision = "c4d8e2f1a7b3"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("email_confirmed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(sa.text("UPDATE users SET email_confirmed_at = created_at"))
    op.create_table(
        "join_request_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["board_id"], ["boards.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "board_id"),
    )


def downgrade():
    op.drop_table("join_request_notices")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email_confirmed_at")
