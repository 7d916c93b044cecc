"""E-mail ownership: an address gets mail only once its owner has confirmed it.

Accounts made before this change keep getting mail: their addresses count as confirmed from
the day the account was made.

Revision ID: c5e2a9d41b70
Revises: a3c1e7d2b9f4
Create Date: 2026-12-06 01:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c5e2a9d41b70"
down_revision = "a3c1e7d2b9f4"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("email_confirmed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(sa.text("UPDATE users SET email_confirmed_at = created_at"))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email_confirmed_at")
