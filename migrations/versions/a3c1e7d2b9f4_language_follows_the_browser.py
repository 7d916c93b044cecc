"""A member's language follows their browser until they choose one.

Until now every account held "en" without anyone having chosen it (the setting changed
nothing); those accounts now follow the browser, as new ones do.

Revision ID: a3c1e7d2b9f4
Revises: dbc309b95523
Create Date: 2026-11-26 16:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a3c1e7d2b9f4"
down_revision = "dbc309b95523"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(sa.text("UPDATE users SET locale = '' WHERE locale = 'en'"))


def downgrade():
    op.execute(sa.text("UPDATE users SET locale = 'en' WHERE locale = ''"))
