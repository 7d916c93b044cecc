"""A version stamp for the watched words, so that each worker can keep the list while it stands.

Every write to ``watched_words`` through the application moves the stamp
(``forum.page_versions.WATCHED_WORDS``). A database without the row has its words read on every
post; this makes the row, so that even a list installed by a migration is kept.

Revision ID: d7a2c4e6f813
Revises: c41e7a9d2b10
Create Date: 2026-12-07 18:50:00

"""

import uuid

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d7a2c4e6f813"
down_revision = "c41e7a9d2b10"
branch_labels = None
depends_on = None

SCOPE = "watched-words"
versions = sa.table("page_versions", sa.column("scope"), sa.column("token"))


def upgrade():
    connection = op.get_bind()
    exists = connection.scalar(sa.select(versions.c.scope).where(versions.c.scope == SCOPE))
    if exists is None:
        op.bulk_insert(versions, [{"scope": SCOPE, "token": uuid.uuid4().hex}])


def downgrade():
    op.execute(versions.delete().where(versions.c.scope == SCOPE))
