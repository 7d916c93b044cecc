"""Moderation records keep their board: a note on a member belongs to the board it was written
for (none: a site-wide note by an admin), and a log entry of a moved thread stores the board it
went to as an id, so that neither is shown across board lines.

Notes written before this have no board and so read as site-wide, as they were shown until now.

Revision ID: c4d8e2f1a7b3
Revises: c4e8a1f0d2b7
Create Date: 2026-12-06 01:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c4d8e2f1a7b3"
down_revision = "c4e8a1f0d2b7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("member_notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("board_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_member_notes_board_id"), ["board_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_member_notes_board_id_boards"),
            "boards",
            ["board_id"],
            ["id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("moderation_actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("to_board_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_moderation_actions_to_board_id_boards"),
            "boards",
            ["to_board_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("moderation_actions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_moderation_actions_to_board_id_boards"), type_="foreignkey"
        )
        batch_op.drop_column("to_board_id")
    with op.batch_alter_table("member_notes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_member_notes_board_id_boards"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_member_notes_board_id"))
        batch_op.drop_column("board_id")
