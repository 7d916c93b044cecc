"""Quotes and mentions by reference: the name a quote's header showed, and who a post mentions.

``post_quotes.quoted_as`` is filled for existing quotes from the quoted post as it is now:
"Anonymous member" for an anonymous post, else its author's current name; NULL when the author
is gone. ``post_mentions`` is back-filled from the @usernames in every post and earlier version
that name an existing member.

Revision ID: e3b7c1d9a2f6
Revises: d0a1b2c3e4f5
Create Date: 2026-12-06 04:00:00
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "e3b7c1d9a2f6"
down_revision = "d0a1b2c3e4f5"
branch_labels = None
depends_on = None

#: As ``forum.services.activity.MENTION`` when this migration was written.
MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_][A-Za-z0-9_.-]{0,29})")
BATCH = 500


def upgrade():
    with op.batch_alter_table("post_quotes") as batch:
        batch.add_column(sa.Column("quoted_as", sa.String(length=60), nullable=True))
    op.execute(
        sa.text(
            "UPDATE post_quotes SET quoted_as = ("
            " SELECT CASE WHEN posts.anonymous THEN 'Anonymous member'"
            " ELSE COALESCE(users.display_name, users.username) END"
            " FROM posts LEFT JOIN users ON users.id = posts.author_id"
            " WHERE posts.id = post_quotes.quoted_post_id)"
        )
    )
    op.create_table(
        "post_mentions",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("post_id", "user_id"),
    )
    op.create_index("ix_post_mentions_user_id", "post_mentions", ["user_id"])
    _backfill_mentions(op.get_bind())


def _usernames(source: str) -> set[str]:
    return {name.rstrip(".-").lower() for name in MENTION.findall(source or "")} - {""}


def _backfill_mentions(connection: sa.Connection) -> None:
    members = {
        username.lower(): user_id
        for user_id, username in connection.execute(sa.text("SELECT id, username FROM users"))
    }
    if not members:
        return
    found: set[tuple[int, int]] = set()
    for query in (
        "SELECT id, source FROM posts WHERE source LIKE '%@%'",
        "SELECT post_id, source FROM post_revisions WHERE source LIKE '%@%'",
    ):
        for post_id, source in connection.execute(sa.text(query)):
            found.update((post_id, members[name]) for name in _usernames(source) if name in members)
    rows = [{"post_id": post_id, "user_id": user_id} for post_id, user_id in sorted(found)]
    insert = sa.text("INSERT INTO post_mentions (post_id, user_id) VALUES (:post_id, :user_id)")
    for start in range(0, len(rows), BATCH):
        connection.execute(insert, rows[start : start + BATCH])


def downgrade():
    op.drop_index("ix_post_mentions_user_id", table_name="post_mentions")
    op.drop_table("post_mentions")
    with op.batch_alter_table("post_quotes") as batch:
        batch.drop_column("quoted_as")
