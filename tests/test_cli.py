"""``flask --app forum …`` commands: each prints what it did, or fails with a clear message."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Board, BoardMembership, Category, Post, SiteRole, Thread, User, Visibility
from forum.models.boards import MembershipRole
from tests.conftest import PASSWORD

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def everything() -> dict[str, int]:
    models = (User, Category, Board, BoardMembership, Thread, Post)
    return {model.__name__: count(model) for model in models}


# --- create-user ----------------------------------------------------------------------------


def test_create_user_makes_an_admin_and_says_so(runner):
    result = runner.invoke(
        args=[
            "create-user",
            "ann",
            "--email",
            "ann@example.org",
            "--password",
            "long enough pw",
            "--admin",
            "--display-name",
            "Ann (admin)",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User)).one()
    assert result.output == f"Created admin 'ann' (id {user.id}).\n"
    assert (user.username, user.email, user.display_name, user.site_role) == (
        "ann",
        "ann@example.org",
        "Ann (admin)",
        SiteRole.ADMIN,
    )
    assert user.check_password("long enough pw")


def test_create_user_without_the_admin_flag_makes_a_member(runner):
    result = runner.invoke(
        args=["create-user", "bob", "--email", "bob@example.org", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User)).one()
    assert result.output == f"Created member 'bob' (id {user.id}).\n"
    assert user.site_role == SiteRole.MEMBER
    assert not user.is_admin


@pytest.mark.parametrize(
    ("username", "email", "message"),
    [
        ("ann", "other@example.org", "That username is taken"),
        ("ANN", "other@example.org", "That username is taken"),
        ("someone_else", "Ann@Example.org", "An account already uses that e-mail address"),
    ],
)
def test_create_user_refuses_a_taken_username_or_email(runner, username, email, message):
    first = runner.invoke(
        args=["create-user", "ann", "--email", "ann@example.org", "--password", PASSWORD]
    )
    assert first.exit_code == 0, first.output
    result = runner.invoke(
        args=["create-user", username, "--email", email, "--password", PASSWORD, "--admin"]
    )
    assert result.exit_code != 0
    assert f"Error: {message}" in result.output
    assert "Created" not in result.output
    assert count(User) == 1
    assert db.session.scalars(select(User)).one().site_role == SiteRole.MEMBER


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ann", "--email", "ann@example.org", "--password", "too short"], "at least 10"),
        (["a!", "--email", "ann@example.org", "--password", PASSWORD], "Usernames are 3 to"),
        (["ann", "--email", "not-an-address", "--password", PASSWORD], "valid e-mail"),
        (["ann", "--password", PASSWORD], "Missing option '--email'"),
    ],
)
def test_create_user_refuses_bad_input(runner, args, message):
    result = runner.invoke(args=["create-user", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert count(User) == 0


def test_create_user_asks_for_the_password_twice_hidden_on_a_terminal(runner, monkeypatch):
    from forum import cli

    monkeypatch.setattr(cli, "_stdin_is_a_terminal", lambda: True)
    result = runner.invoke(
        args=["create-user", "ann", "--email", "ann@example.org", "--admin"],
        input="a typed passphrase\nnot the same one\na typed passphrase\na typed passphrase\n",
    )
    assert result.exit_code == 0, result.output
    # Asked, asked to repeat, told they differ, asked again: the typing itself never shows.
    assert result.output.count("Password: ") == 2
    assert result.output.count("Repeat for confirmation: ") == 2
    assert "do not match" in result.output
    assert "a typed passphrase" not in result.output
    user = db.session.scalars(select(User)).one()
    assert user.is_admin and user.check_password("a typed passphrase")


def test_create_user_reads_the_password_from_the_first_line_of_a_pipe(runner):
    result = runner.invoke(
        args=["create-user", "bob", "--email", "bob@example.org"],
        input="a piped pass phrase \nsecond line ignored\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output == "Created member 'bob' (id 1).\n"  # no prompt in a script's output
    user = db.session.scalars(select(User)).one()
    assert user.check_password("a piped pass phrase ")  # only the line end is taken off
    assert not user.check_password("second line ignored")


@pytest.mark.parametrize("piped", ["", "\n"])
def test_create_user_without_any_password_says_how_to_give_one(runner, piped):
    result = runner.invoke(args=["create-user", "bob", "--email", "bob@example.org"], input=piped)
    assert result.exit_code != 0
    assert "No password" in result.output and "standard input" in result.output
    assert count(User) == 0


def test_create_user_help_warns_that_password_on_the_command_line_is_visible(runner):
    result = runner.invoke(args=["create-user", "--help"])
    assert result.exit_code == 0
    help_text = " ".join(result.output.split())
    assert "Visible to other users in `ps`" in help_text
    assert "shell's history" in help_text


# --- create-category and create-board --------------------------------------------------------


def test_create_category_says_what_it_made(runner):
    result = runner.invoke(
        args=["create-category", "Living with cancer", "--description", "Everyday life"]
    )
    assert result.exit_code == 0, result.output
    category = db.session.scalars(select(Category)).one()
    assert result.output == f"Created category 'Living with cancer' (id {category.id}).\n"
    assert (category.name, category.description) == ("Living with cancer", "Everyday life")


def test_create_category_refuses_a_duplicate(runner):
    assert runner.invoke(args=["create-category", "Living with cancer"]).exit_code == 0
    result = runner.invoke(args=["create-category", "living WITH cancer"])
    assert result.exit_code != 0
    assert "Error: A category called 'living WITH cancer' already exists." in result.output
    assert count(Category) == 1


@pytest.mark.parametrize("visibility", ["public", "members"])
def test_create_board_puts_it_in_the_named_category(runner, category, visibility):
    result = runner.invoke(
        args=[
            "create-board",
            "Scan results",
            "--category",
            "living with cancer",
            "--visibility",
            visibility,
            "--description",
            "Waiting, and what comes after",
        ]
    )
    assert result.exit_code == 0, result.output
    board = db.session.scalars(select(Board)).one()
    assert result.output.startswith(
        f"Created {visibility} board 'Scan results' (id {board.id}) in '{category.name}'"
    )
    assert result.output.count("\n") == 1
    assert (board.category_id, board.visibility, board.description) == (
        category.id,
        Visibility(visibility),
        "Waiting, and what comes after",
    )


def test_create_board_is_public_unless_told_otherwise(runner, category):
    result = runner.invoke(args=["create-board", "Open chat", "--category", category.name])
    assert result.exit_code == 0, result.output
    assert "Created public board 'Open chat'" in result.output
    assert db.session.scalars(select(Board)).one().visibility == Visibility.PUBLIC


def test_create_board_names_an_unknown_category(runner, category):
    result = runner.invoke(args=["create-board", "Scan results", "--category", "Carers"])
    assert result.exit_code != 0
    assert "No category called 'Carers'" in result.output
    assert count(Board) == 0


def test_create_board_refuses_an_unknown_visibility(runner, category):
    result = runner.invoke(
        args=["create-board", "Scan results", "--category", category.name, "--visibility", "secret"]
    )
    assert result.exit_code != 0
    assert "Invalid value for '--visibility'" in result.output
    assert "'secret'" in result.output
    assert count(Board) == 0


def test_create_board_refuses_a_duplicate_name(runner, category, board):
    result = runner.invoke(args=["create-board", board.name.upper(), "--category", category.name])
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert count(Board) == 1


# --- seed-demo --------------------------------------------------------------------------------


def test_seed_demo_loads_the_demo_community_once(runner):
    from forum.demo.content import DEMO_PASSWORD, USERS

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Loaded the demo community" in result.output
    assert f"Demo logins (password for all: {DEMO_PASSWORD}):" in result.output
    for spec in USERS:
        assert spec["username"] in result.output

    assert count(Category) == 3
    visibilities = set(db.session.scalars(select(Board.visibility)))
    assert visibilities == set(Visibility)
    admins = db.session.scalars(select(User).where(User.site_role == SiteRole.ADMIN)).all()
    assert [user.username for user in admins] == ["admin"]
    assert admins[0].check_password(DEMO_PASSWORD)
    facilitators = db.session.scalars(
        select(BoardMembership).where(BoardMembership.role == MembershipRole.FACILITATOR)
    ).all()
    facilitator_names = {membership.user.username for membership in facilitators}
    assert facilitator_names == {
        user["username"] for user in USERS if user["role"] == "facilitator"
    }
    assert max(post.depth for post in db.session.scalars(select(Post))) >= 2
    before = everything()

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code != 0
    assert "already has data" in again.output
    assert everything() == before

    kept = runner.invoke(args=["seed-demo", "--if-empty"])
    assert kept.exit_code == 0, kept.output
    assert "The site already has data; the demo community was not loaded again." in kept.output
    assert "Loaded" not in kept.output
    assert everything() == before


def test_seed_demo_works_on_a_site_without_a_configured_address(app, runner, monkeypatch):
    """``make run`` sets no FORUM_SERVER_NAME: the demo's notifications and their e-mail still
    get links (to localhost) instead of failing the whole load."""
    from forum.models import OutgoingMail

    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "Loaded the demo community" in result.output
    links = [mail.unsubscribe_url for mail in db.session.scalars(select(OutgoingMail))]
    assert links
    assert all(link.startswith("http://localhost/") for link in links)


def test_seed_demo_if_empty_loads_an_empty_site(runner):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "Loaded the demo community" in result.output
    assert "Demo logins" in result.output
    assert count(Category) == 3
    assert count(Post) > count(Thread) > 0


def test_seed_demo_refuses_a_site_that_already_has_accounts(runner, member):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "Error: The site already has data." in result.output
    assert everything() == {
        "User": 1,
        "Category": 0,
        "Board": 0,
        "BoardMembership": 0,
        "Thread": 0,
        "Post": 0,
    }


@pytest.mark.parametrize(
    "category_name",
    [pytest.param("Living with cancer", id="demo-name"), pytest.param("Our own", id="own-name")],
)
@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        pytest.param(["seed-demo"], 1, "Error: ", id="plain"),
        pytest.param(
            ["seed-demo", "--if-empty"],
            0,
            "The site already has data; the demo community was not loaded again.",
            id="if-empty",
        ),
    ],
)
def test_seed_demo_leaves_a_site_with_boards_but_no_accounts_alone(
    runner, args, exit_code, message, category_name
):
    """A site an admin began with create-category/create-board is not empty: seeding must not
    add the demo accounts (one an admin with a published password) or crash half-way.
    ("Living with cancer" is also the name of a demo category.)"""
    for command in (
        ["create-category", category_name],
        ["create-board", "Our first board", "--category", category_name],
    ):
        assert runner.invoke(args=command).exit_code == 0
    before = everything()
    result = runner.invoke(args=args)
    assert result.exit_code == exit_code, (result.output, result.exception)
    assert message in result.output
    assert everything() == before
    assert count(User) == 0


# --- the real command line ----------------------------------------------------------------------


def test_an_admin_sets_up_a_fresh_site_from_the_shell(tmp_path):
    database = tmp_path / "kindred.db"
    env = {
        **os.environ,
        "FORUM_DATABASE_URL": f"sqlite:///{database}",
        "FORUM_SECRET_KEY": "shell-test-secret-key",
        "FORUM_MAIL_OUTBOX": str(tmp_path / "outbox"),
    }
    flask = Path(sys.executable).parent / "flask"
    assert flask.exists(), flask

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
            [str(flask), "--app", "forum", *args],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    upgraded = run("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "Running upgrade" in upgraded.stderr

    created = run(
        "create-user",
        "ann",
        "--email",
        "ann@example.org",
        "--password",
        "long enough pw",
        "--admin",
    )
    assert created.returncode == 0, created.stderr
    assert created.stdout == "Created admin 'ann' (id 1).\n"

    duplicate = run(
        "create-user", "Ann", "--email", "ann2@example.org", "--password", "long enough pw"
    )
    assert duplicate.returncode == 1
    assert "Error: That username is taken; please choose another." in duplicate.stderr

    with closing(sqlite3.connect(database)) as connection:
        users = connection.execute("SELECT username, email, site_role FROM users").fetchall()
    assert users == [("ann", "ann@example.org", "admin")]
