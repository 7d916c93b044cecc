"""``flask --app forum backup DEST``: a consistent copy of the configured database.

SQLite is copied with SQLite's online backup API (what the ``sqlite3`` shell's ``.backup`` does),
so the site can keep running; PostgreSQL is dumped with ``pg_dump --format=custom``. Either way
the copy is written next to DEST first and renamed into place only once it is complete. Members'
uploaded pictures (``FORUM_UPLOAD_FOLDER``), when there are any, go into ``DEST.uploads.tar``
beside it.

``flask --app forum restore SRC`` puts such a backup back (with the site stopped): the database,
the pictures, the migrations up to the code's head, and then the erasure ledger
(``forum.services.ledger``), so that members erased and posts purged since the backup was taken
are erased again (``flask --app forum reapply-erasures`` runs that last step alone).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tarfile
from contextlib import closing
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import URL, make_url


def libpq_target(url: str | URL) -> tuple[str, dict[str, str]]:
    """A SQLAlchemy PostgreSQL URL as the URL libpq tools take (no ``+psycopg`` driver part),
    and the environment to run them with: the password goes in ``PGPASSWORD``, not argv."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    plain = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return plain.render_as_string(hide_password=False), env


def _size(path: Path) -> str:
    size = path.stat().st_size
    text = f"{size:,} bytes"
    return text + (f", {size / 2**20:,.1f} MiB" if size >= 2**20 else "")


def backup_sqlite(database: str, partial: Path, busy_timeout_ms: int) -> None:
    source = Path(database)
    if not source.is_file():
        raise click.ClickException(f"The SQLite database {source} does not exist.")
    with (
        closing(sqlite3.connect(source, timeout=busy_timeout_ms / 1000)) as live,
        closing(sqlite3.connect(partial)) as copy,
    ):
        live.backup(copy)
        # One self-contained file: the app turns WAL on again when it opens a restored copy.
        copy.execute("PRAGMA journal_mode=DELETE")


#: Where the database's connection string goes in a libpq tool's arguments.
_TARGET = "<database>"


def run_libpq_tool(program: str, url: URL, arguments: list[str]) -> None:
    """Run ``pg_dump`` or ``pg_restore`` against the database at ``url`` (the password in the
    environment, not argv), failing with what the tool said."""
    found = shutil.which(program)
    if found is None:
        raise click.ClickException(
            f"{program} was not found on PATH. Install the PostgreSQL client tools "
            "(the server's major version or newer) and try again."
        )
    target, env = libpq_target(url)
    result = subprocess.run(  # noqa: S603 - a fixed program with our own arguments
        [found, *(target if argument == _TARGET else argument for argument in arguments)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        detail = result.stderr.strip() or f"exit status {result.returncode}"
        raise click.ClickException(f"{program} failed: {detail}")


def backup_postgresql(url: URL, partial: Path) -> None:
    run_libpq_tool("pg_dump", url, ["--format=custom", "--file", str(partial), _TARGET])


def backup_uploads(folder: Path, dest: Path) -> int:
    """Archive the upload folder into ``dest`` (written aside, then renamed); returns the number
    of files, 0 (and no archive) when there are none."""
    files = sorted(path for path in folder.rglob("*") if path.is_file()) if folder.is_dir() else []
    if not files:
        return 0
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    try:
        with tarfile.open(partial, "w") as archive:
            for path in files:
                archive.add(path, arcname=str(path.relative_to(folder)))
        partial.replace(dest)
    finally:
        partial.unlink(missing_ok=True)
    return len(files)


@click.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace DEST if it already exists.")
@with_appcontext
def backup(dest: Path, force: bool) -> None:
    """Write a consistent backup of the database to DEST (SQLite: a database file;
    PostgreSQL: a pg_dump custom-format archive, restored with pg_restore)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if dest.exists() and not force:
        raise click.ClickException(f"{dest} already exists; pass --force to replace it.")
    if not dest.parent.is_dir():
        raise click.ClickException(f"The directory {dest.parent} does not exist.")
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)  # members' words: readable by this account only
    backend = url.get_backend_name()
    try:
        if backend == "sqlite":
            database = url.database or ""
            if database in ("", ":memory:") or database.startswith("file:"):
                raise click.ClickException("Only a SQLite database in a file can be backed up.")
            if dest.resolve() == Path(database).resolve():
                raise click.ClickException("DEST is the live database itself; choose another path.")
            backup_sqlite(database, partial, int(current_app.config["SQLITE_BUSY_TIMEOUT_MS"]))
            what = f"SQLite database {database}"
        elif backend == "postgresql":
            backup_postgresql(url, partial)
            what = f"PostgreSQL database {url.database} (pg_dump custom format)"
        else:
            raise click.ClickException(f"Cannot back up a {backend} database.")
        partial.replace(dest)
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"Backed up the {what} to {dest} ({_size(dest)}).")
    uploads = dest.with_name(dest.name + ".uploads.tar")
    count = backup_uploads(Path(current_app.config["UPLOAD_FOLDER"]), uploads)
    if count:
        click.echo(f"Backed up {count} uploaded picture(s) to {uploads} ({_size(uploads)}).")


# --- restore -----------------------------------------------------------------------------------

SQLITE_HEADER = b"SQLite format 3\x00"


def restore_sqlite(src: Path, database: str, busy_timeout_ms: int) -> None:
    """Copy the backup over the live database with SQLite's backup API, which replaces every
    page of it and its write-ahead log consistently (copying the file would leave the old log
    beside it, to be replayed over the restored pages)."""
    with src.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise click.ClickException(f"{src} is not a SQLite database.")
    with (
        closing(sqlite3.connect(f"file:{src}?mode=ro", uri=True)) as backup_copy,
        closing(sqlite3.connect(database, timeout=busy_timeout_ms / 1000)) as live,
    ):
        backup_copy.backup(live)


def restore_postgresql(url: URL, src: Path) -> None:
    run_libpq_tool(
        "pg_restore",
        url,
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            _TARGET,
            str(src),
        ],
    )


def restore_uploads(archive: Path, folder: Path) -> int:
    """Unpack a backup's pictures into the upload folder; returns how many files. Only plain
    files with relative names are taken (``tarfile``'s "data" filter); they and the folders
    made for them get the modes the app writes uploads with (0640, 0750)."""
    from forum.services.avatars import FILE_MODE, FOLDER_MODE, make_folder

    make_folder(folder)
    with tarfile.open(archive) as tar:
        members = [member for member in tar.getmembers() if member.isfile()]
        if hasattr(tarfile, "data_filter"):
            tar.extractall(folder, members=members, filter="data")
        else:
            _extract_plain_files(tar, members, folder)
    for member in members:
        path = folder / member.name
        os.chmod(path, FILE_MODE)
        for parent in path.relative_to(folder).parents[:-1]:
            os.chmod(folder / parent, FOLDER_MODE)
    return len(members)


def _extract_plain_files(
    tar: tarfile.TarFile, members: list[tarfile.TarInfo], folder: Path
) -> None:
    """The "data" filter's checks, for Pythons without it (Debian 12's 3.11.2 has no
    ``extractall(filter=…)``): a name must stay inside ``folder``; permissions lose group and
    other write, set-id and executable bits."""
    root = folder.resolve()
    for member in members:
        target = (root / member.name).resolve()
        if member.name.startswith("/") or not target.is_relative_to(root) or target == root:
            raise click.ClickException(f"The backup holds a file outside the folder: {member.name}")
    for member in members:
        target = (root / member.name).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        source = tar.extractfile(member)
        if source is None:
            continue
        with source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy)
        target.chmod(member.mode & 0o644)


@click.command("restore")
@click.argument("src", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore(src: Path, yes: bool) -> None:
    """Replace the database (and uploaded pictures) with the backup SRC, upgrade it to the
    current migrations and erase again what the erasure ledger lists. Stop the site first."""
    import flask_migrate

    from forum.extensions import db
    from forum.services import ledger_replay

    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    backend = url.get_backend_name()
    if not yes:
        click.confirm(
            f"This replaces everything in the {backend} database {url.database} with {src}. "
            "The site must be stopped (no app server, no cron jobs) while it runs. Go on?",
            abort=True,
        )
    db.session.remove()
    db.engine.dispose()  # no connection of ours may hold the old database open
    if backend == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            raise click.ClickException("Only a SQLite database in a file can be restored.")
        if src.resolve() == Path(database).resolve():
            raise click.ClickException("SRC is the live database itself.")
        restore_sqlite(src, database, int(current_app.config["SQLITE_BUSY_TIMEOUT_MS"]))
    elif backend == "postgresql":
        restore_postgresql(url, src)
    else:
        raise click.ClickException(f"Cannot restore a {backend} database.")
    click.echo(f"Restored the {backend} database {url.database} from {src}.")
    uploads = src.with_name(src.name + ".uploads.tar")
    if uploads.is_file():
        count = restore_uploads(uploads, Path(current_app.config["UPLOAD_FOLDER"]))
        click.echo(f"Restored {count} uploaded picture(s) from {uploads}.")
    flask_migrate.upgrade()
    db.session.remove()
    db.engine.dispose()
    click.echo("Upgraded the database to the current migrations.")
    click.echo(str(ledger_replay.reapply()))


@click.command("reapply-erasures")
@with_appcontext
def reapply_erasures() -> None:
    """Erase again the accounts and posts the erasure ledger lists (after restoring a backup
    by hand; ``restore`` does this itself)."""
    from forum.services import ledger_replay

    click.echo(str(ledger_replay.reapply()))
