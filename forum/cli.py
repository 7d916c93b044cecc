"""``flask --app forum …`` commands for admins, cron jobs and tests.

Each prints what it did, and fails with a clear message and a non-zero exit on bad input.
"""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from forum.models import JoinPolicy, Visibility
from forum.services import ServiceError, accounts, boards
from forum.site_context import site_context


def _fail(message: str) -> None:
    raise click.ClickException(message)


@click.command("create-user")
@click.argument("username")
@click.option("--email", required=True, help="The account's e-mail address.")
@click.option(
    "--password",
    default=None,
    help="At least 10 characters. Visible to other users in `ps` and kept in your shell's "
    "history: leave it out to be asked for it (hidden, twice), or pipe it on standard input.",
)
@click.option("--admin", is_flag=True, help="Make the account a site admin.")
@click.option("--display-name", default=None, help="The name shown on posts.")
@click.option(
    "--trusted",
    is_flag=True,
    help="Past the limits on new accounts (for communities moving in, and for tests).",
)
@with_appcontext
def create_user(
    username: str,
    email: str,
    password: str | None,
    admin: bool,
    display_name: str | None,
    trusted: bool,
) -> None:
    """Create an account. Without --password, asks for the password (hidden, twice) on a
    terminal, or reads it from the first line of standard input:

    \b
    printf '%s\\n' "$PW" | flask --app forum create-user ann --email ann@example.org
    """
    if password is None:
        password = _read_password()
    try:
        user = accounts.create_user(
            username, email, password, admin=admin, display_name=display_name, trusted=trusted
        )
    except ServiceError as error:
        _fail(error.message)
    role = "admin" if user.is_admin else "member"
    trust = ", trusted" if user.trusted else ""
    click.echo(f"Created {role} '{user.username}' (id {user.id}{trust}).")


def _stdin_is_a_terminal() -> bool:
    return sys.stdin.isatty()


def _read_password() -> str:
    """The password, asked for twice with the typing hidden on a terminal, else the first line
    of standard input (a script's pipe), never from the command line."""
    if _stdin_is_a_terminal():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        _fail(
            "No password: give it on the first line of standard input, or run the command "
            "in a terminal to be asked for it."
        )
    return line


@click.command("create-category")
@click.argument("name")
@click.option("--description", default="", help="Shown under the category's name.")
@with_appcontext
def create_category(name: str, description: str) -> None:
    """Create a category of boards."""
    try:
        category = boards.create_category(name, description)
    except ServiceError as error:
        _fail(error.message)
    click.echo(f"Created category '{category.name}' (id {category.id}).")


@click.command("create-board")
@click.argument("name")
@click.option("--category", "category_name", required=True, help="The category's name.")
@click.option(
    "--visibility",
    type=click.Choice([v.value for v in Visibility]),
    default=Visibility.PUBLIC.value,
    show_default=True,
    help="Who can see and read the board.",
)
@click.option("--description", default="", help="Shown under the board's name.")
@click.option(
    "--join",
    "join_policy",
    type=click.Choice([j.value for j in JoinPolicy]),
    default=None,
    help="How people join: open, request (private default) or invite (hidden default).",
)
@click.option("--anonymous", is_flag=True, help="Allow anonymous posts.")
@click.option("--no-search", is_flag=True, help="Leave the board out of site-wide search.")
@click.option("--no-email-text", is_flag=True, help="E-mails carry no post text.")
@click.option(
    "--retention-days", type=click.IntRange(min=1), default=None, help="Purge older posts."
)
@click.option(
    "--premoderate",
    type=click.IntRange(min=0),
    default=0,
    help="A new member's first N posts wait for approval.",
)
@click.option("--guidelines", default="", help="The group's agreement, accepted before joining.")
@with_appcontext
def create_board(
    name: str,
    category_name: str,
    visibility: str,
    description: str,
    join_policy: str | None,
    anonymous: bool,
    no_search: bool,
    no_email_text: bool,
    retention_days: int | None,
    premoderate: int,
    guidelines: str,
) -> None:
    """Create a board in a category."""
    category = boards.find_category(category_name)
    if category is None:
        _fail(f"No category called '{category_name}'. Create it first with create-category.")
    try:
        board = boards.create_board(
            name,
            category,
            Visibility(visibility),
            description,
            JoinPolicy(join_policy) if join_policy else None,
            guidelines,
            anonymous_allowed=anonymous,
            exclude_from_search=no_search,
            email_without_text=True if no_email_text else None,
            retention_days=retention_days,
            premoderate_posts=premoderate,
        )
    except ServiceError as error:
        _fail(error.message)
    click.echo(
        f"Created {board.visibility.value} board '{board.name}' (id {board.id}) "
        f"in '{category.name}', joined {board.join_policy.value}."
    )


@click.command("add-member")
@click.argument("board_name")
@click.argument("username")
@click.option("--facilitator", is_flag=True, help="Make them a facilitator of the board.")
@with_appcontext
def add_member(board_name: str, username: str, facilitator: bool) -> None:
    """Make a member (or facilitator) of a board, as if they had accepted its agreement."""
    board = boards.find_board(board_name)
    if board is None:
        _fail(f"No board called '{board_name}'.")
    user = accounts.find_by_login(username)
    if user is None or user.username.lower() != username.strip().lower():
        _fail(f"No member is called '{username}'.")
    try:
        membership = boards.add_member(board, user, facilitator=facilitator)
    except ServiceError as error:
        _fail(error.message)
    click.echo(f"{user.username} is now a {membership.role.value} of '{board.name}'.")


@click.command("purge")
@with_appcontext
def purge() -> None:
    """Remove posts older than each board's retention period, and old client addresses kept
    for security (run it daily from cron)."""
    from flask import current_app

    from forum.services.retention import purge as run_purge

    report = run_purge()
    click.echo(
        f"Checked {report.boards} board(s) with a retention period: deleted "
        f"{report.threads_deleted} thread(s) and erased {report.posts_erased} older post(s)."
    )
    click.echo(
        f"Dropped the client address of {report.addresses_dropped} security event(s) older than "
        f"{current_app.config['SECURITY_ADDRESS_DAYS']} day(s)."
    )


@click.command("send-digests")
@with_appcontext
def send_digests() -> None:
    """Send the daily digests and any notification e-mail still waiting (run it from cron: the
    digests hourly or daily, it sends each member at most one a day)."""
    from flask import current_app

    from forum.services import notify, outbox

    with site_context(current_app._get_current_object()):
        digests = notify.send_digests()
        sent = outbox.deliver_pending(limit=10_000)
    click.echo(f"Queued {digests} digest(s); sent {sent} e-mail(s).")


@click.command("tick")
@click.option(
    "--every",
    type=click.FloatRange(min=1),
    default=None,
    help="Run a pass every N seconds until stopped (a service); without it, one pass (cron).",
)
@click.option(
    "--job",
    "names",
    multiple=True,
    help="Run only this job (repeatable); the others wait for their next pass.",
)
@with_appcontext
def tick(every: float | None, names: tuple[str, ...]) -> None:
    """Run the timed work that is due: meeting reminders, queued e-mail, digests, retention,
    meeting series. From cron every minute, or as a service with --every 60; several
    machines may run it at once (each job is leased in the database, so nothing runs twice)."""
    import logging
    import signal
    import sys

    from flask import current_app

    from forum import scheduler

    unknown = [name for name in names if name not in scheduler.JOBS]
    if unknown:
        _fail(f"No timed job called {unknown[0]!r}. Jobs: {', '.join(scheduler.JOBS)}.")
    if every is not None:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        click.echo(f"Running the timed work every {every:g} seconds (Ctrl+C stops it).")
        app = current_app._get_current_object()
        # systemd and `make run` stop it with SIGTERM: finish cleanly (a job's lease is given
        # back on the way out) rather than die mid-job.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            scheduler.run_forever(app, every, names=list(names) or None)
        except KeyboardInterrupt:
            click.echo("Stopped the timed work.")
        return
    outcomes = scheduler.tick(names=list(names) or None)
    for outcome in outcomes:
        if outcome.status == "done":
            click.echo(f"{outcome.name}: done")
        elif outcome.status == "failed":
            click.echo(f"{outcome.name}: FAILED (see the log)")
    if not any(outcome.status != "skipped" for outcome in outcomes):
        click.echo("Nothing was due.")
    if any(outcome.status == "failed" for outcome in outcomes):
        raise SystemExit(1)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the site already has accounts.")
@with_appcontext
def seed_demo(if_empty: bool) -> None:
    """Load the demo community (people, boards and conversations) and print the logins."""
    from forum.demo.loader import demo_is_loaded, load_demo, print_logins, site_is_empty

    if not site_is_empty():
        if if_empty:
            click.echo("The site already has data; the demo community was not loaded again.")
            if demo_is_loaded():
                print_logins()
            return
        _fail("The site already has data. Seed the demo only into an empty database.")
    from flask import current_app

    # The demo's reports and messages notify people, and their e-mail carries links.
    with site_context(current_app._get_current_object(), writes=True):
        load_demo()
    print_logins()


class _Commands(AppGroup):
    """``app.cli``, whose commands from modules a web worker never needs (backups and their
    ``tarfile``, ``bench-seed``, Flask-Migrate's ``db`` and Alembic: about 11 MiB a worker) are
    added the first time the command line looks for a command or lists them."""

    def __init__(self, app_cli: click.Group) -> None:
        super().__init__(app_cli.name, commands=app_cli.commands)
        self._added = False

    def _add_the_rest(self) -> None:
        if self._added:
            return
        self._added = True
        from flask_migrate.cli import db as migration_commands

        from forum.backup import backup, reapply_erasures, restore
        from forum.benchseed import bench_seed

        for command in (bench_seed, backup, restore, reapply_erasures):
            self.add_command(command)
        self.add_command(migration_commands, name="db")

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._add_the_rest()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._add_the_rest()
        return super().list_commands(ctx)


def register_cli(app: Flask) -> None:
    app.cli = _Commands(app.cli)
    for command in (
        create_user,
        create_category,
        create_board,
        add_member,
        purge,
        send_digests,
        tick,
        seed_demo,
    ):
        app.cli.add_command(command)
