"""Search on PostgreSQL: a stored generated tsvector column on posts and threads, GIN-indexed.

The expression indexes on ``to_tsvector('simple', …)`` are replaced by a ``search_vector`` column
(generated, stored) with a GIN index of the same name, so that a search can walk posts newest
first and test each row's words without parsing its text again (see ``forum.search``). SQLite's
FTS5 index is unchanged. The SQL is written out here, not imported from ``forum.search``, so this
migration stays as it was written when the application changes.

Revision ID: c41e7a9d2b10
Revises: b6f0f8770028
Create Date: 2026-12-06 19:20:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c41e7a9d2b10"
down_revision = "b6f0f8770028"
branch_labels = None
depends_on = None

SEARCHED = {"posts": "source", "threads": "title"}


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, source in SEARCHED.items():
        op.execute(f"DROP INDEX IF EXISTS ix_search_{table}")
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('simple', coalesce({source}, ''))) STORED"
        )
        op.execute(
            f"CREATE INDEX IF NOT EXISTS ix_search_{table} ON {table} USING gin (search_vector)"
        )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, source in SEARCHED.items():
        op.execute(f"DROP INDEX IF EXISTS ix_search_{table}")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
        op.execute(
            f"CREATE INDEX IF NOT EXISTS ix_search_{table} ON {table} "
            f"USING gin (to_tsvector('simple', {source}))"
        )
