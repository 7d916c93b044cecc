"""A group's agreement is stored rendered: ``boards.guidelines_html``, sanitised once when saved.

Existing agreements are rendered here with the same renderer pages use for posts.

Revision ID: a7c3e5f9b2d4
Revises: b8d3f5a7c9e1
Create Date: 2026-12-06 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a7c3e5f9b2d4"
down_revision = "b8d3f5a7c9e1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("boards") as batch:
        batch.add_column(sa.Column("guidelines_html", sa.Text(), nullable=False, server_default=""))
    from forum.text import render_markdown

    connection = op.get_bind()
    boards = sa.table(
        "boards",
        sa.column("id", sa.Integer),
        sa.column("guidelines", sa.Text),
        sa.column("guidelines_html", sa.Text),
    )
    rows = connection.execute(
        sa.select(boards.c.id, boards.c.guidelines).where(boards.c.guidelines != "")
    ).all()
    for board_id, source in rows:
        connection.execute(
            boards.update()
            .where(boards.c.id == board_id)
            .values(guidelines_html=render_markdown(source or ""))
        )


def downgrade() -> None:
    with op.batch_alter_table("boards") as batch:
        batch.drop_column("guidelines_html")
