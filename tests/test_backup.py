"""Backups and restore, with a restore tested in CI.

``flask --app forum backup DEST`` copies the configured database; the restore is done the way
docs/deploy.md tells an operator to do it, with the database's own tools: on SQLite the backup
file is copied into place as a new database file, on PostgreSQL ``pg_restore`` loads the dump
into a new, empty database. The restored forum must hold everything that was there at the time
of the backup (and nothing written after it), be at the head migration, and take new posts.

The test runs in both passes of the suite: on SQLite by default, on PostgreSQL (two throw-away
databases, dropped at the end) when ``FORUM_TEST_DATABASE_URL`` is set.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import func, select

from forum import create_app
from forum.backup import libpq_target, restore_uploads
from forum.extensions import db
from forum.models import Board, BoardMembership, Category, Post, Thread, User, Visibility
from forum.services import accounts, avatars, boards, posting
from forum.services.erasure import delete_account
from tests.conftest import PASSWORD, POSTGRES_URL
from tests.helpers import server_url
from tests.test_migrations import HEAD, logging_kept, sqlite_limits_tolerated, upgrade

REPO_ROOT = Path(__file__).resolve().parent.parent

KIND_WORDS = (
    "Scanxiety is real — I’ll be thinking of you on Tuesday.\n\n"
    "**You are not alone** in this, and the waiting room is the worst part. 💛"
)


@contextmanager
def open_app(url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
            "MAIL_SERVER": None,
            "MAIL_OUTBOX": tmp_path / "outbox",
            "ERASURE_LEDGER": tmp_path / "erasure-ledger.jsonl",
            "UPLOAD_FOLDER": tmp_path / "uploads",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


class SQLiteSite:
    """The live database is a file; a restore copies the backup file into place."""

    backup_name = "kindred-backup.db"

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.live_url = f"sqlite:///{tmp_path / 'live.db'}"

    def restore(self, backup: Path) -> str:
        restored = self.tmp_path / "restored" / "kindred.db"
        restored.parent.mkdir()
        shutil.copyfile(backup, restored)
        return f"sqlite:///{restored}"

    def close(self) -> None:
        pass


class PostgresSite:
    """The live database is a throw-away PostgreSQL database; a restore runs pg_restore into
    a second new one. Both are dropped at the end."""

    backup_name = "kindred-backup.dump"

    def __init__(self) -> None:
        self.server = server_url(POSTGRES_URL)
        self.admin = sa.create_engine(self.server, isolation_level="AUTOCOMMIT")
        self.names: list[str] = []
        self.live_url = self._create_database("live")

    def _create_database(self, role: str) -> str:
        name = f"kindred_backup_{role}_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        self.names.append(name)
        return self.server.set(database=name).render_as_string(hide_password=False)

    def restore(self, backup: Path) -> str:
        url = self._create_database("restored")
        pg_restore = shutil.which("pg_restore")
        assert pg_restore, "pg_restore (PostgreSQL client tools) must be installed"
        target, env = libpq_target(url)
        result = subprocess.run(  # noqa: S603 - a fixed program with our own arguments
            [pg_restore, "--no-owner", "--exit-on-error", "--dbname", target, str(backup)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return url

    def close(self) -> None:
        with self.admin.connect() as connection:
            for name in self.names:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[SQLiteSite | PostgresSite]:
    site = PostgresSite() if POSTGRES_URL else SQLiteSite(tmp_path)
    try:
        yield site
    finally:
        site.close()


def add_community() -> None:
    """People, a public and a private board, and a thread with nested replies."""
    jen = accounts.create_user("jen", "jen@example.org", PASSWORD, display_name="Jen")
    sam = accounts.create_user("sam", "sam@example.org", PASSWORD)
    maria = accounts.create_user("maria", "maria@example.org", PASSWORD, admin=True)
    category = boards.create_category("Living with cancer", "Everyday life")
    board = boards.create_board("Scans and results", category, Visibility.PUBLIC, "Waiting")
    private = boards.create_board("Carers", category, Visibility.PRIVATE, "For carers")
    boards.add_member(private, maria, facilitator=True)
    boards.add_member(private, sam)
    thread = posting.start_thread(jen, board, "Scan on Tuesday", "Anyone else dreading it?")
    answer = posting.reply(sam, thread, KIND_WORDS)
    posting.reply(jen, thread, "Thank you, that helps.", parent=answer)
    posting.reply(maria, thread, "Let us know how it goes.")


def counts() -> dict[str, int]:
    db.session.rollback()
    models = (User, Category, Board, BoardMembership, Thread, Post)
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}


def post_sources() -> list[str]:
    return list(db.session.scalars(select(Post.source).order_by(Post.id)))


def flask_db_current(url: str, tmp_path: Path) -> str:
    """``flask --app forum db current`` on a database, as an operator runs it after a restore
    (a separate process: Alembic prints to the ``sys.stdout`` it saw when it was imported)."""
    db.session.rollback()  # end the test's transaction: on SQLite it holds the write lock
    env = {
        **os.environ,
        "FORUM_DATABASE_URL": url,
        "FORUM_SECRET_KEY": "backup-test-secret-key",
        "FORUM_MAIL_OUTBOX": str(tmp_path / "outbox"),
    }
    result = subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [str(Path(sys.executable).parent / "flask"), "--app", "forum", "db", "current"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_backup_restores_the_whole_forum_at_the_head_revision(site, tmp_path):
    dest = tmp_path / site.backup_name
    with open_app(site.live_url, tmp_path) as app:
        upgrade()
        add_community()
        expected = counts()
        assert expected == {
            "User": 3,
            "Category": 1,
            "Board": 2,
            "BoardMembership": 2,
            "Thread": 1,
            "Post": 4,
        }
        sources = post_sources()
        runner = app.test_cli_runner()

        result = runner.invoke(args=["backup", str(dest)])
        assert result.exit_code == 0, result.output
        assert str(dest) in result.output
        assert f"{dest.stat().st_size:,} bytes" in result.output
        assert stat.S_IMODE(dest.stat().st_mode) == 0o600

        first = dest.read_bytes()
        refused = runner.invoke(args=["backup", str(dest)])
        assert refused.exit_code == 1
        assert "already exists; pass --force" in refused.output
        assert dest.read_bytes() == first

        forced = runner.invoke(args=["backup", "--force", str(dest)])
        assert forced.exit_code == 0, forced.output
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("kindred-")) == [
            dest.name
        ]

        # Written after the backup: the restored forum must not have it.
        jen = accounts.find_by_login("jen")
        thread = db.session.scalars(select(Thread)).one()
        posting.reply(jen, thread, "Written after the backup.")

    restored_url = site.restore(dest)
    with open_app(restored_url, tmp_path) as app:
        assert counts() == expected
        assert post_sources() == sources
        kind = db.session.scalars(select(Post).where(Post.source == KIND_WORDS)).one()
        assert kind.author.username == "sam"
        assert "<strong>You are not alone</strong>" in kind.html
        thread = db.session.scalars(select(Thread)).one()
        assert thread.title == "Scan on Tuesday"
        assert thread.reply_count == 3
        private = boards.find_board("Carers")
        assert private.visibility == Visibility.PRIVATE

        assert flask_db_current(restored_url, tmp_path).split() == [HEAD, "(head)"]

        # The restored database takes new posts (on PostgreSQL: its sequences came back too).
        posting.reply(accounts.find_by_login("maria"), thread, "Back after the restore.")
        assert counts()["Post"] == expected["Post"] + 1


def test_pg_dump_missing_or_failing_is_a_clear_error(tmp_path, monkeypatch):
    """Runs in both passes: the app points at a PostgreSQL URL that nothing serves, and PATH
    holds either no pg_dump or a stand-in that fails and reports what it was given."""
    url = "postgresql://kindred:s3cret@127.0.0.1:1/kindred"
    dest = tmp_path / "kindred.dump"
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    with open_app(url, tmp_path) as app:
        runner = app.test_cli_runner()

        monkeypatch.setenv("PATH", str(empty))
        missing = runner.invoke(args=["backup", str(dest)])
        assert missing.exit_code == 1
        assert "pg_dump was not found on PATH" in missing.output

        fake_bin = tmp_path / "fake-bin"
        fake_bin.mkdir()
        fake = fake_bin / "pg_dump"
        fake.write_text('#!/bin/sh\necho "given: $* password=$PGPASSWORD" >&2\nexit 3\n')
        fake.chmod(0o755)
        monkeypatch.setenv("PATH", str(fake_bin))
        failed = runner.invoke(args=["backup", str(dest)])

    assert failed.exit_code == 1
    assert "pg_dump failed: given: --format=custom --file" in failed.output
    assert "postgresql://kindred@127.0.0.1:1/kindred" in failed.output
    assert "password=s3cret" in failed.output  # in the environment, not on the command line
    assert "s3cret@" not in failed.output and "+psycopg" not in failed.output
    assert sorted(os.listdir(tmp_path)) == ["empty-bin", "fake-bin"]


def test_uploaded_pictures_are_backed_up_beside_the_database(app, tmp_path):
    """A restore that lost members' pictures would leave broken profiles: the backup archives
    the upload folder next to the database copy (and writes no archive when it is empty)."""
    import tarfile

    folder = tmp_path / "uploads"
    app.config["UPLOAD_FOLDER"] = folder
    runner = app.test_cli_runner()
    empty = runner.invoke(args=["backup", str(tmp_path / "first.db")])
    assert empty.exit_code == 0, empty.output
    assert not (tmp_path / "first.db.uploads.tar").exists()
    assert "uploaded picture" not in empty.output

    (folder / "avatars").mkdir(parents=True)
    (folder / "avatars" / "abc.png").write_bytes(b"\x89PNG picture bytes")
    result = runner.invoke(args=["backup", str(tmp_path / "second.db")])
    assert result.exit_code == 0, result.output
    archive = tmp_path / "second.db.uploads.tar"
    assert "Backed up 1 uploaded picture(s)" in result.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as tar:
        assert tar.getnames() == ["avatars/abc.png"]
        assert tar.extractfile("avatars/abc.png").read() == b"\x89PNG picture bytes"


def test_restored_pictures_are_readable_by_the_apps_user_and_group_only(tmp_path):
    """An archive made before pictures were written 0640 (or by another tool) holds 0644
    files: restored, they get the modes the app writes, and so do the folders made for them."""
    import tarfile

    source = tmp_path / "old" / "avatars"
    source.mkdir(parents=True)
    (source / "abc.png").write_bytes(b"\x89PNG picture bytes")
    os.chmod(source / "abc.png", 0o644)
    archive = tmp_path / "old.uploads.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(source / "abc.png", arcname="avatars/abc.png")

    folder = tmp_path / "instance" / "uploads"
    previous = os.umask(0o022)
    try:
        assert restore_uploads(archive, folder) == 1
    finally:
        os.umask(previous)
    assert (folder / "avatars" / "abc.png").read_bytes() == b"\x89PNG picture bytes"
    assert stat.S_IMODE((folder / "avatars" / "abc.png").stat().st_mode) == 0o640
    for made in (tmp_path / "instance", folder, folder / "avatars"):
        assert stat.S_IMODE(made.stat().st_mode) == 0o750, made


@pytest.mark.parametrize("with_filter", [True, False], ids=["data filter", "Debian 12's 3.11.2"])
def test_restored_pictures_stay_inside_the_upload_folder(tmp_path, monkeypatch, with_filter):
    """Pictures come back where they were, on Pythons with ``extractall(filter=…)`` and on those
    without it (Debian 12's 3.11.2, which the one-server install uses); a name leading out of
    the folder is refused either way and writes nothing."""
    import tarfile

    if not with_filter:  # as on Python 3.11.2: no data_filter, and extractall takes no filter
        monkeypatch.delattr(tarfile, "data_filter", raising=False)
        extractall = tarfile.TarFile.extractall

        def without_filter(self, path=".", members=None, *, numeric_owner=False, **kwargs):
            if kwargs:
                raise TypeError(f"extractall() got an unexpected keyword argument {kwargs}")
            return extractall(self, path, members, numeric_owner=numeric_owner)

        monkeypatch.setattr(tarfile.TarFile, "extractall", without_filter)
    good = tmp_path / "good.tar"
    picture = tmp_path / "abc.png"
    picture.write_bytes(b"\x89PNG picture bytes")
    picture.chmod(0o640)
    with tarfile.open(good, "w") as tar:
        tar.add(picture, arcname="avatars/abc.png")
    folder = tmp_path / "uploads"
    assert restore_uploads(good, folder) == 1
    restored = folder / "avatars" / "abc.png"
    assert restored.read_bytes() == b"\x89PNG picture bytes"
    assert stat.S_IMODE(restored.stat().st_mode) == 0o640

    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as tar:
        tar.add(picture, arcname="../outside.png")
    with pytest.raises(Exception, match="outside"):
        restore_uploads(evil, tmp_path / "other")
    assert not (tmp_path / "outside.png").exists()


# --- restore, and the erasure ledger re-applied ------------------------------------------------

ANN_WORDS = "My zqxrestoremarker scan results came back today."


def add_ann() -> tuple[int, Path]:
    """A member with a post and a picture; her id and her picture's file."""
    ann = accounts.create_user("ann", "ann@example.org", PASSWORD, display_name="Ann")
    thread = db.session.scalars(select(Thread)).one()
    posting.reply(ann, thread, ANN_WORDS)
    key = avatars.write(b"\x89PNG ann's face")
    avatars.commit_new_key(ann, key)
    return ann.id, avatars.folder() / avatars.filename(key)


def ann_is_gone(ann_id: int, picture: Path) -> None:
    db.session.rollback()
    assert db.session.get(User, ann_id) is None
    assert accounts.authenticate("ann", PASSWORD) is None
    assert not any("zqxrestoremarker" in source for source in post_sources())
    assert not picture.exists()


def test_a_restore_erases_again_the_members_erased_since_the_backup(site, tmp_path):
    """Ann is erased after the backup was taken. Restoring the backup brings her back; the
    erasure ledger, kept outside the backups, erases her again: by hand with
    ``reapply-erasures``, and by ``restore`` on its own."""
    dest = tmp_path / site.backup_name
    with open_app(site.live_url, tmp_path) as app:
        upgrade()
        add_community()
        ann_id, picture = add_ann()
        runner = app.test_cli_runner()
        assert runner.invoke(args=["backup", str(dest)]).exit_code == 0
        uploads_tar = dest.with_name(dest.name + ".uploads.tar")
        assert uploads_tar.exists()

        delete_account(db.session.get(User, ann_id), PASSWORD, erase_posts=True)
        ann_is_gone(ann_id, picture)

    # An operator restores by hand, then re-applies the ledger.
    restored_url = site.restore(dest)
    with open_app(restored_url, tmp_path) as app:
        restore_uploads(uploads_tar, app.config["UPLOAD_FOLDER"])
        assert accounts.authenticate("ann", PASSWORD).id == ann_id
        assert ANN_WORDS in post_sources()
        assert picture.exists()

        result = app.test_cli_runner().invoke(args=["reapply-erasures"])

        assert result.exit_code == 0, result.output
        assert "deleted 1 account(s)" in result.output
        ann_is_gone(ann_id, picture)

    # ``restore`` does all of it, over the live database.
    with open_app(site.live_url, tmp_path) as app:
        runner = app.test_cli_runner()
        with logging_kept(), sqlite_limits_tolerated():
            refused = runner.invoke(args=["restore", str(dest)], input="n\n")
            result = runner.invoke(args=["restore", str(dest), "--yes"])

        assert refused.exit_code == 1 and "must be stopped" in refused.output
        assert result.exit_code == 0, result.output
        assert "Restored 1 uploaded picture(s)" in result.output
        assert "deleted 1 account(s)" in result.output
        ann_is_gone(ann_id, picture)
        assert counts()["User"] == 3
        assert flask_db_current(site.live_url, tmp_path).split() == [HEAD, "(head)"]
