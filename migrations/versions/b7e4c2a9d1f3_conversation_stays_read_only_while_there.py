"""Conversation stays: a member reads only what was said while they were in a conversation.

Each stay runs from being added (or starting the conversation) to leaving. Existing places
become one stay each, from their latest joining: for someone who left and was added again this
keeps out what was said before the latest return (the earlier stays were never recorded).

Revision ID: b7e4c2a9d1f3
Revises: a3c1e7d2b9f4
Create Date: 2026-12-06 01:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b7e4c2a9d1f3"
down_revision = "a3c1e7d2b9f4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "conversation_stays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_stays_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_conversation_stays_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_stays")),
    )
    with op.batch_alter_table("conversation_stays", schema=None) as batch_op:
        batch_op.create_index(
            "ix_conversation_stays_conversation_user", ["conversation_id", "user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conversation_stays_user_id"), ["user_id"], unique=False
        )
    op.execute(
        sa.text(
            "INSERT INTO conversation_stays (conversation_id, user_id, joined_at, left_at) "
            "SELECT conversation_id, user_id, joined_at, left_at FROM participants"
        )
    )


def downgrade():
    with op.batch_alter_table("conversation_stays", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_stays_user_id"))
        batch_op.drop_index("ix_conversation_stays_conversation_user")
    op.drop_table("conversation_stays")
