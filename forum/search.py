"""Full-text search over posts and thread titles, one interface over two engines.

SQLite: FTS5 tables that index ``posts.source`` and ``threads.title`` without copying them
(external content), kept in step by triggers, so every path that writes a post (editing,
erasing, retention) updates the index. PostgreSQL: a stored generated ``search_vector`` column
(``to_tsvector('simple', …)`` of the same columns) on each table with a GIN index on it,
maintained by PostgreSQL itself.

Both use no stemming ('simple' / unicode61) and match each word as a prefix, so the same query
finds the same posts on either database. Which of the matches a member may see is decided by
``forum.policy.searchable_posts`` in ``forum.queries.search``: this module only says which
posts contain the words.

A migration that rebuilds ``posts`` or ``threads`` on SQLite (Alembic's batch mode) drops the
triggers with the old table: it must call :func:`install` again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import Connection, Select, column, event, func, literal_column, table, text
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import TableClause

from forum.extensions import db
from forum.models import Post, Thread
from forum.text import plain_text

#: Names of the search structures, which the models do not describe (Alembic leaves them be).
SEARCH_NAME_PREFIXES = ("search_", "ix_search_")
MAX_TERMS = 8
TERM_MAX = 40
_WORD = re.compile(r"\w+", re.UNICODE)

_SQLITE_TOKENIZER = "unicode61 remove_diacritics 2"
_SQLITE_INSTALL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS search_posts USING fts5("
    f"source, content='posts', content_rowid='id', tokenize='{_SQLITE_TOKENIZER}')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS search_threads USING fts5("
    f"title, content='threads', content_rowid='id', tokenize='{_SQLITE_TOKENIZER}')",
    "CREATE TRIGGER IF NOT EXISTS search_posts_insert AFTER INSERT ON posts BEGIN "
    "INSERT INTO search_posts(rowid, source) VALUES (new.id, new.source); END",
    "CREATE TRIGGER IF NOT EXISTS search_posts_delete AFTER DELETE ON posts BEGIN "
    "INSERT INTO search_posts(search_posts, rowid, source) VALUES ('delete', old.id, old.source);"
    " END",
    "CREATE TRIGGER IF NOT EXISTS search_posts_update AFTER UPDATE OF source ON posts BEGIN "
    "INSERT INTO search_posts(search_posts, rowid, source) VALUES ('delete', old.id, old.source);"
    " INSERT INTO search_posts(rowid, source) VALUES (new.id, new.source); END",
    "CREATE TRIGGER IF NOT EXISTS search_threads_insert AFTER INSERT ON threads BEGIN "
    "INSERT INTO search_threads(rowid, title) VALUES (new.id, new.title); END",
    "CREATE TRIGGER IF NOT EXISTS search_threads_delete AFTER DELETE ON threads BEGIN "
    "INSERT INTO search_threads(search_threads, rowid, title) VALUES ('delete', old.id, old.title);"
    " END",
    "CREATE TRIGGER IF NOT EXISTS search_threads_update AFTER UPDATE OF title ON threads BEGIN "
    "INSERT INTO search_threads(search_threads, rowid, title) VALUES ('delete', old.id, old.title);"
    " INSERT INTO search_threads(rowid, title) VALUES (new.id, new.title); END",
    "INSERT INTO search_posts(search_posts) VALUES ('rebuild')",
    "INSERT INTO search_threads(search_threads) VALUES ('rebuild')",
]
_SQLITE_UNINSTALL = [
    *(
        f"DROP TRIGGER IF EXISTS search_{table}_{when}"
        for table in ("posts", "threads")
        for when in ("insert", "delete", "update")
    ),
    "DROP TABLE IF EXISTS search_posts",
    "DROP TABLE IF EXISTS search_threads",
]
#: PostgreSQL keeps each post's and title's words in a stored generated ``tsvector`` column with
#: a GIN index on it: a match is then checked without parsing the text again, which is what
#: lets the planner walk ``posts`` newest first and test each row's words cheaply.
_POSTGRES_VECTORS = {"posts": "source", "threads": "title"}
_POSTGRES_INSTALL = [
    *(
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector "
        f"GENERATED ALWAYS AS (to_tsvector('simple', coalesce({source}, ''))) STORED"
        for table, source in _POSTGRES_VECTORS.items()
    ),
    *(
        f"CREATE INDEX IF NOT EXISTS ix_search_{table} ON {table} USING gin (search_vector)"
        for table in _POSTGRES_VECTORS
    ),
]
_POSTGRES_UNINSTALL = [
    *(f"DROP INDEX IF EXISTS ix_search_{table}" for table in _POSTGRES_VECTORS),
    *(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector" for table in _POSTGRES_VECTORS),
]


def install(connection: Connection) -> None:
    """Create the search index (and index what is already there)."""
    statements = _SQLITE_INSTALL if connection.dialect.name == "sqlite" else _POSTGRES_INSTALL
    for statement in statements:
        connection.execute(text(statement))


def uninstall(connection: Connection) -> None:
    statements = _SQLITE_UNINSTALL if connection.dialect.name == "sqlite" else _POSTGRES_UNINSTALL
    for statement in statements:
        connection.execute(text(statement))


@event.listens_for(db.metadata, "after_create")
def _install_after_create_all(target, connection: Connection, **kw) -> None:
    install(connection)


@event.listens_for(db.metadata, "before_drop")
def _uninstall_before_drop_all(target, connection: Connection, **kw) -> None:
    uninstall(connection)


def is_search_structure(name: str | None) -> bool:
    return bool(name) and name.startswith(SEARCH_NAME_PREFIXES)


def terms(query: str) -> list[str]:
    """The words of a query, lower-cased, at most :data:`MAX_TERMS`; punctuation and operators
    are dropped, so nothing a member types is read as query syntax."""
    words: list[str] = []
    for word in _WORD.findall(query.lower()):
        word = word.replace("_", "")[:TERM_MAX]
        if word and word not in words:
            words.append(word)
    return words[:MAX_TERMS]


def _sqlite_match(words: list[str]) -> str:
    return " ".join(f'"{word}"*' for word in words)


def _postgres_tsquery(words: list[str]) -> ColumnElement:
    return func.to_tsquery(literal_column("'simple'"), " & ".join(f"{word}:*" for word in words))


def _fts(name: str) -> TableClause:
    return table(name, column("rowid"))


def in_post_text(words: list[str], posts: Select) -> tuple[Select, ColumnElement[int]]:
    """``posts`` (a select of :class:`Post` rows, already filtered) narrowed to those whose text
    has every word, and the column that is the post's id in it: order and page by that one.

    On SQLite it is the FTS5 table's rowid, so that with ``ORDER BY`` it and a ``LIMIT``, SQLite
    walks the index's matches in rowid order (FTS5 consumes the order and seeks to a bound on
    it) and stops after a page, applying the caller's filters to each match as it comes. On
    PostgreSQL the planner chooses between the GIN index (few matches) and walking ``posts``
    by key with the match as a filter (many).
    """
    if db.engine.dialect.name == "sqlite":
        index = _fts("search_posts")
        narrowed = posts.join(index, index.c.rowid == Post.id).where(
            text("search_posts MATCH :posts_match").bindparams(posts_match=_sqlite_match(words))
        )
        return narrowed, index.c.rowid
    vector = literal_column(f"{Post.__tablename__}.search_vector")
    return posts.where(vector.op("@@")(_postgres_tsquery(words))), Post.id


def in_thread_title(words: list[str], posts: Select) -> tuple[Select, ColumnElement[int]]:
    """``posts`` (joined to their thread) narrowed to opening posts whose thread's title has
    every word, and the post's id column in it (ordering by it sorts the title matches: one
    per thread, far fewer than posts)."""
    posts = posts.where(Post.number == 1)
    if db.engine.dialect.name == "sqlite":
        index = _fts("search_threads")
        narrowed = posts.join(index, index.c.rowid == Thread.id).where(
            text("search_threads MATCH :titles_match").bindparams(titles_match=_sqlite_match(words))
        )
        return narrowed, Post.id
    vector = literal_column(f"{Thread.__tablename__}.search_vector")
    return posts.where(vector.op("@@")(_postgres_tsquery(words))), Post.id


# --- snippets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snippet:
    text: Markup
    matched: bool


def _pattern(words: list[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\w*", re.IGNORECASE | re.UNICODE)


def highlight(plain: str, words: list[str]) -> Markup:
    """``plain`` escaped, with each word that starts with a search term in ``<mark>``."""
    pattern = _pattern(words)
    if pattern is None:
        return escape(plain)
    pieces: list[str] = []
    last = 0
    for found in pattern.finditer(plain):
        pieces.append(str(escape(plain[last : found.start()])))
        pieces.append(f"<mark>{escape(found.group(0))}</mark>")
        last = found.end()
    pieces.append(str(escape(plain[last:])))
    return Markup("".join(pieces))  # noqa: S704 - every piece was escaped above


def snippet(post_html: str, words: list[str], width: int = 220) -> Snippet:
    """About ``width`` characters of the post's text around its first match, highlighted."""
    plain = plain_text(post_html)
    pattern = _pattern(words)
    found = pattern.search(plain) if pattern else None
    start = 0
    if found and found.start() > width // 3:
        start = plain.rfind(" ", 0, found.start() - width // 3) + 1
    end = min(len(plain), start + width)
    if end < len(plain):
        end = max(plain.rfind(" ", start, end), start + width // 2)
    piece = plain[start:end]
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(plain) else ""
    return Snippet(
        text=escape(prefix) + highlight(piece, words) + escape(suffix),
        matched=found is not None,
    )
