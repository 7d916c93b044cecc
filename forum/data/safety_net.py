"""Install the safety net a fresh install starts with: the starter "at risk" watched words and
the crisis resources of every country. Run by a migration (so ``flask db upgrade`` on an empty
database has them); never overwrites what exists: a pattern or a country already there is left
as the admins made it.

Written with plain SQL tables, not the models, so that it runs the same at the migration's
revision whatever the models become later.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from forum.data.at_risk_phrases import all_phrases
from forum.data.crisis_resources import CHECKED_ON, RESOURCES

watched_words = sa.table(
    "watched_words",
    sa.column("id", sa.Integer),
    sa.column("pattern", sa.String),
    sa.column("action", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
crisis_resources = sa.table(
    "crisis_resources",
    sa.column("id", sa.Integer),
    sa.column("country", sa.String),
    sa.column("emergency_number", sa.String),
    sa.column("crisis_line_name", sa.String),
    sa.column("crisis_line_number", sa.String),
    sa.column("crisis_line_hours", sa.String),
    sa.column("cancer_line_name", sa.String),
    sa.column("cancer_line_number", sa.String),
    sa.column("cancer_line_hours", sa.String),
    sa.column("notes", sa.Text),
    sa.column("checked_on", sa.Date),
)


def install_at_risk_phrases(connection: sa.Connection) -> int:
    """Add the starter phrases that are not watched yet (whatever their action). Returns how
    many were added."""
    existing = set(connection.scalars(sa.select(watched_words.c.pattern)))
    now = datetime.now(UTC)
    rows = [
        {"pattern": phrase, "action": "at_risk", "created_at": now}
        for phrase in all_phrases()
        if phrase not in existing
    ]
    if rows:
        connection.execute(sa.insert(watched_words), rows)
    return len(rows)


def resource_row(country: str) -> dict[str, object]:
    """The starter resources of one country as a row of ``crisis_resources``."""
    entry = RESOURCES[country]
    crisis, cancer = entry.crisis, entry.cancer
    return {
        "country": country,
        "emergency_number": entry.emergency,
        "crisis_line_name": crisis.name if crisis else "",
        "crisis_line_number": crisis.number if crisis else "",
        "crisis_line_hours": crisis.hours if crisis else "",
        "cancer_line_name": cancer.name if cancer else "",
        "cancer_line_number": cancer.number if cancer else "",
        "cancer_line_hours": cancer.hours if cancer else "",
        "notes": entry.notes,
        "checked_on": CHECKED_ON,
    }


def install_crisis_resources(connection: sa.Connection) -> int:
    """Add the starter resources of every country that has none yet. Returns how many."""
    existing = set(connection.scalars(sa.select(crisis_resources.c.country)))
    rows = [resource_row(country) for country in RESOURCES if country not in existing]
    if rows:
        connection.execute(sa.insert(crisis_resources), rows)
    return len(rows)


def unsilence(connection: sa.Connection) -> list[str]:
    """Turn "Block" and "Hold" words that would catch someone at risk (``hopeless*``) into
    "At risk" ones: a person reaching out is never silenced. Returns their patterns."""
    from forum.services.watchwords import catches_at_risk

    rows = connection.execute(sa.select(watched_words.c.pattern, watched_words.c.action)).all()
    at_risk = [pattern for pattern, action in rows if action == "at_risk"]
    changed = [
        pattern
        for pattern, action in rows
        if action in ("block", "hold") and catches_at_risk(pattern, at_risk) is not None
    ]
    if changed:
        connection.execute(
            sa.update(watched_words)
            .where(watched_words.c.pattern.in_(changed))
            .values(action="at_risk")
        )
    return changed


def install(connection: sa.Connection) -> None:
    install_at_risk_phrases(connection)
    install_crisis_resources(connection)
    unsilence(connection)
