"""A fresh install has its safety net: ``alembic upgrade head`` on an empty database installs the
starter "at risk" phrases and the crisis resources of every country, and an upgrade of a site
that has its own keeps what the admins wrote.

Each test starts from an empty database that only the migrations touch (the helpers of
``tests/test_migrations.py``: a SQLite file, or PostgreSQL when ``FORUM_TEST_DATABASE_URL`` is set).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask

from forum import create_app
from forum.countries import CODES
from forum.data.at_risk_phrases import all_phrases
from forum.extensions import db
from forum.models import CrisisResource, WatchedWord, WatchedWordAction
from forum.services import accounts, boards
from tests.conftest import PASSWORD, RequestIsolatedClient
from tests.test_migrations import (  # noqa: F401  (fixtures used by name)
    downgrade,
    empty_database_url,
    upgrade,
)
from tests.web.test_safety_net import hopeless_night

BEFORE = "f2c4e6a8b0d1"  # the revision before the safety net


@pytest.fixture
def installed(empty_database_url: str, tmp_path) -> Iterator[Flask]:  # noqa: F811
    """A site as ``make run`` starts it: the migrations run on an empty database."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_SERVER": None,
            "MAIL_OUTBOX": tmp_path / "outbox",
            "SERVER_NAME": "kindred.test",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    app.test_client_class = RequestIsolatedClient
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def watched() -> dict[str, WatchedWordAction]:
    db.session.expire_all()
    return dict(db.session.execute(sa.select(WatchedWord.pattern, WatchedWord.action)).all())


def resources() -> dict[str, CrisisResource]:
    db.session.expire_all()
    return {r.country: r for r in db.session.scalars(sa.select(CrisisResource))}


def test_a_fresh_install_has_the_starter_list_and_every_countrys_resources(installed):
    upgrade()
    words = watched()
    assert set(words) == set(all_phrases())
    assert set(words.values()) == {WatchedWordAction.AT_RISK}
    assert "feel* hopeless" in words and "hopeless*" not in words
    rows = resources()
    assert set(rows) == set(CODES) | {"*"}
    assert all(
        row.emergency_number and row.checked_on == date(2026, 12, 6) for row in rows.values()
    )
    assert (rows["GB"].crisis_line_number, rows["DE"].cancer_line_number) == (
        "116 123",
        "0800 420 30 40",
    )


def test_some_nights_i_still_feel_hopeless_on_a_fresh_install(installed):
    upgrade()
    member = accounts.create_user("jen", "jen@example.org", PASSWORD)
    admin = accounts.create_user("admin", "admin@example.org", PASSWORD, admin=True)
    fran = accounts.create_user("fran", "fran@example.org", PASSWORD)
    board = boards.create_board("Treatment", boards.create_category("Living with cancer"))
    boards.add_member(board, fran, facilitator=True)
    hopeless_night(installed, board, member, fran, admin)


def test_an_upgrade_keeps_what_the_admins_wrote(installed):
    upgrade(BEFORE)
    with db.engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO crisis_resources (country, text) VALUES ('DE', :t), ('GB', :g)"),
            {"t": "TelefonSeelsorge 0800 111 0 111", "g": "Samaritans 116 123"},
        )
        connection.execute(
            sa.text(
                "INSERT INTO watched_words (pattern, action, created_at) VALUES"
                " ('want to die', 'flag', '2026-01-02 03:04:05+00:00'),"
                " ('hopeless*', 'block', '2026-01-02 03:04:05+00:00'),"
                " ('buy now', 'block', '2026-01-02 03:04:05+00:00')"
            )
        )
    upgrade()
    rows = resources()
    assert rows["DE"].notes == "TelefonSeelsorge 0800 111 0 111"
    assert (rows["DE"].emergency_number, rows["GB"].emergency_number) == ("112", "999")
    # Written before the numbers had their own fields: not marked as checked, not doubled.
    assert rows["DE"].checked_on is None and rows["DE"].crisis_line_number == ""
    assert rows["FR"].crisis_line_number == "3114"
    words = watched()
    assert words["want to die"] == WatchedWordAction.FLAG
    # The trap: an admin had made "hopeless*" Block. It is At risk now; spam stays blocked.
    assert words.pop("hopeless*") == WatchedWordAction.AT_RISK
    assert words.pop("buy now") == WatchedWordAction.BLOCK
    assert set(words) == set(all_phrases())

    db.session.remove()  # the migration needs the database to itself
    downgrade(BEFORE)
    with db.engine.connect() as connection:
        query = sa.text("SELECT country, text FROM crisis_resources")
        texts = {country: text for country, text in connection.execute(query)}
    assert texts["DE"] == "Emergency: 112\nTelefonSeelsorge 0800 111 0 111"
    assert "Samaritans: 116 123 24/7" in texts["IE"]
    upgrade()
    assert resources()["DE"].notes.endswith("TelefonSeelsorge 0800 111 0 111")
