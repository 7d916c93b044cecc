"""``flask --app forum …`` commands for admins, cron jobs and tests.

Each prints what it did, and fails with a clear message and a non-zero exit on bad input.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from forum.models import Visibility
from forum.services import ServiceError, accounts, boards


def _fail(message: str) -> None:
    raise click.ClickException(message)


@click.command("create-user")
@click.argument("username")
@click.option("--email", required=True, help="The account's e-mail address.")
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--admin", is_flag=True, help="Make the account a site admin.")
@click.option("--display-name", default=None, help="The name shown on posts.")
@with_appcontext
def create_user(
    username: str, email: str, password: str, admin: bool, display_name: str | None
) -> None:
    """Create an account."""
    try:
        user = accounts.create_user(
            username, email, password, admin=admin, display_name=display_name
        )
    except ServiceError as error:
        _fail(error.message)
    role = "admin" if user.is_admin else "member"
    click.echo(f"Created {role} '{user.username}' (id {user.id}).")


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
@with_appcontext
def create_board(name: str, category_name: str, visibility: str, description: str) -> None:
    """Create a board in a category."""
    category = boards.find_category(category_name)
    if category is None:
        _fail(f"No category called '{category_name}'. Create it first with create-category.")
    try:
        board = boards.create_board(name, category, Visibility(visibility), description)
    except ServiceError as error:
        _fail(error.message)
    click.echo(
        f"Created {board.visibility.value} board '{board.name}' (id {board.id}) "
        f"in '{category.name}'."
    )


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
    load_demo()
    print_logins()


def register_cli(app: Flask) -> None:
    for command in (create_user, create_category, create_board, seed_demo):
        app.cli.add_command(command)
