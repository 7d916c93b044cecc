"""SQLite writers take turns (forum.database.WriterQueue): a writer waiting for the one write lock
gets it as soon as the last writer is done, instead of sleeping in SQLite's busy handler.

Each test makes a SQLite file of its own (whichever database the suite runs on) with the same
engine tuning as the site's, and looks at the turn from outside: another open file asking for the
same ``flock`` without waiting.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from forum import database


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'forum.db'}")
    database._tune_sqlite(engine, 5000)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, words TEXT)"))
    yield engine
    engine.dispose()


def turn_is_free(engine: Engine) -> bool:
    fd = os.open(f"{engine.url.database}-writers", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def test_a_writer_holds_the_turn_until_its_connection_goes_back(engine):
    with engine.connect() as connection:
        connection.begin()  # outside a request every transaction is a write's
        connection.execute(text("INSERT INTO notes (words) VALUES ('first')"))
        assert not turn_is_free(engine)
        connection.commit()
    assert turn_is_free(engine)


def test_a_waiting_writer_goes_on_once_the_turn_is_let_go(engine):
    happened: list[str] = []
    with engine.begin() as first:
        first.execute(text("INSERT INTO notes (words) VALUES ('first')"))

    def second_writer() -> None:
        with engine.begin() as connection:
            happened.append("second began")
            connection.execute(text("INSERT INTO notes (words) VALUES ('second')"))

    waiting = threading.Thread(target=second_writer)
    # Threads of one process share its turn, so the turn is taken here as another process
    # would take it: by a file opened on its own.
    queue_file = os.open(f"{engine.url.database}-writers", os.O_RDWR)
    fcntl.flock(queue_file, fcntl.LOCK_EX)  # held, as another process would hold it
    waiting.start()
    waiting.join(timeout=0.2)
    assert waiting.is_alive() and happened == [], "it went on while the turn was taken"
    happened.append("turn let go")
    fcntl.flock(queue_file, fcntl.LOCK_UN)
    os.close(queue_file)
    waiting.join(timeout=10)
    assert happened == ["turn let go", "second began"]
    with engine.connect() as connection:
        words = connection.execute(text("SELECT words FROM notes ORDER BY id")).scalars().all()
    assert words == ["first", "second"]


def test_an_invalidated_connection_lets_go_of_the_turn(engine):
    connection = engine.connect()
    connection.begin()
    assert not turn_is_free(engine)
    connection.invalidate()
    assert turn_is_free(engine)
    connection.close()


def test_a_writer_that_never_gets_its_turn_is_left_to_sqlite(tmp_path):
    """Another program may hold the turn file without writing: after the busy timeout the
    writer goes on without a turn, and SQLite's lock decides."""
    engine = create_engine(f"sqlite:///{tmp_path / 'forum.db'}")
    database._tune_sqlite(engine, 50)
    queue_file = os.open(f"{engine.url.database}-writers", os.O_RDWR | os.O_CREAT)
    fcntl.flock(queue_file, fcntl.LOCK_EX)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE notes (words TEXT)"))
            connection.execute(text("INSERT INTO notes VALUES ('written anyway')"))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT words FROM notes")).scalar() == "written anyway"
    finally:
        os.close(queue_file)
        engine.dispose()
