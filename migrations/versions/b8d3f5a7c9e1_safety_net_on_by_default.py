"""Safety net on by default: crisis resources become structured (emergency number, crisis line,
cancer line, notes, the day last checked) and a fresh install gets the starter "at risk" phrases
in four languages and crisis resources for every country.

A "Block" or "Hold" watched word that would catch someone at risk (``hopeless*``) becomes "At
risk". The free text admins wrote before becomes the notes of its country, which keeps its emergency
number from the starter data and no "checked" date (an admin should look at it once). Countries
and patterns that exist are never overwritten.

Downgrade puts the structured fields back into one text per country; the installed phrases and
countries stay (the earlier schema holds them as they are).

Revision ID: b8d3f5a7c9e1
Revises: f2c4e6a8b0d1
Create Date: 2026-12-06 07:00:00
"""

import sqlalchemy as sa
from alembic import op

from forum.data import safety_net
from forum.data.crisis_resources import RESOURCES

revision = "b8d3f5a7c9e1"
down_revision = "f2c4e6a8b0d1"
branch_labels = None
depends_on = None

NEW_COLUMNS = [
    ("emergency_number", 32, "112"),
    ("crisis_line_name", 120, ""),
    ("crisis_line_number", 32, ""),
    ("crisis_line_hours", 60, ""),
    ("cancer_line_name", 120, ""),
    ("cancer_line_number", 32, ""),
    ("cancer_line_hours", 60, ""),
]


def upgrade():
    with op.batch_alter_table("crisis_resources") as batch:
        for name, length, default in NEW_COLUMNS:
            batch.add_column(
                sa.Column(name, sa.String(length), nullable=False, server_default=default)
            )
        batch.alter_column(
            "text", new_column_name="notes", existing_type=sa.Text(), existing_nullable=False
        )
        batch.add_column(sa.Column("checked_on", sa.Date(), nullable=True))

    connection = op.get_bind()
    table = safety_net.crisis_resources
    for country in list(connection.scalars(sa.select(table.c.country))):
        entry = RESOURCES.get(country) or RESOURCES["*"]
        connection.execute(
            sa.update(table)
            .where(table.c.country == country)
            .values(emergency_number=entry.emergency)
        )
    safety_net.install(connection)


def _as_text(row) -> str:  # noqa: ANN001
    lines = [f"Emergency: {row.emergency_number}"]
    for name, number, hours in (
        (row.crisis_line_name, row.crisis_line_number, row.crisis_line_hours),
        (row.cancer_line_name, row.cancer_line_number, row.cancer_line_hours),
    ):
        if number:
            lines.append(" ".join(part for part in (f"{name}:", number, hours) if part))
    if row.notes:
        lines.append(row.notes)
    return "\n".join(lines)


def downgrade():
    connection = op.get_bind()
    table = safety_net.crisis_resources
    for row in connection.execute(sa.select(table)).all():
        connection.execute(sa.update(table).where(table.c.id == row.id).values(notes=_as_text(row)))
    with op.batch_alter_table("crisis_resources") as batch:
        batch.drop_column("checked_on")
        batch.alter_column(
            "notes", new_column_name="text", existing_type=sa.Text(), existing_nullable=False
        )
        for name, _length, _default in reversed(NEW_COLUMNS):
            batch.drop_column(name)
