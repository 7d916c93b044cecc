"""When each meeting occurrence last changed: calendar files number their versions with it
(iCalendar SEQUENCE), so a calendar app that imported a meeting takes a moved or cancelled one.

Revision ID: d8f1a3c5e7b9
Revises: c5e7a9b1d3f6
Create Date: 2026-12-06 10:10:00
"""

from alembic import op
import sqlalchemy as sa

revision = "d8f1a3c5e7b9"
down_revision = "c5e7a9b1d3f6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meeting_occurrences", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("meeting_occurrences", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
