"""Loads :mod:`forum.demo.content` through the same services members use."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Category, Post, Thread, User, Visibility
from forum.models.users import ConsentKind
from forum.services import accounts, boards, posting


def site_is_empty() -> bool:
    """No accounts and no categories: nothing an admin made would be mixed with the demo."""
    return not any(
        db.session.scalar(select(func.count()).select_from(model)) for model in (User, Category)
    )


def demo_is_loaded() -> bool:
    from forum.demo.content import USERS

    names = [spec["username"].lower() for spec in USERS]
    found = db.session.scalar(
        select(func.count()).select_from(User).where(func.lower(User.username).in_(names))
    )
    return found == len(names)


def _add_replies(
    users: dict[str, User], thread: Thread, parent: Post | None, replies: list[dict[str, Any]]
) -> None:
    for item in replies:
        post = posting.reply(
            users[item["author"]],
            thread,
            item["body"],
            parent=parent,
            anonymous=bool(item.get("anonymous")),
        )
        _add_replies(users, thread, post, item.get("replies", []))


def load_demo() -> None:
    from forum.demo.content import CATEGORIES, DEMO_PASSWORD, USERS

    users: dict[str, User] = {}
    for spec in USERS:
        users[spec["username"]] = accounts.create_user(
            spec["username"],
            f"{spec['username']}@example.org",
            DEMO_PASSWORD,
            admin=spec["role"] == "admin",
            display_name=spec.get("display_name"),
            consents=(ConsentKind.HEALTH_DATA, ConsentKind.GUIDELINES),
        )
    for category_spec in CATEGORIES:
        category = boards.create_category(
            category_spec["name"], category_spec.get("description", "")
        )
        for board_spec in category_spec["boards"]:
            board = boards.create_board(
                board_spec["name"],
                category,
                Visibility(board_spec["visibility"]),
                board_spec.get("description", ""),
                guidelines=board_spec.get("guidelines", ""),
                anonymous_allowed=bool(board_spec.get("anonymous_allowed")),
                professionally_led=bool(board_spec.get("professionally_led")),
            )
            for username in board_spec.get("facilitators", []):
                boards.add_member(board, users[username], facilitator=True)
            for username in board_spec.get("members", []):
                boards.add_member(board, users[username])
            for thread_spec in board_spec.get("threads", []):
                thread = posting.start_thread(
                    users[thread_spec["author"]],
                    board,
                    thread_spec["title"],
                    thread_spec["body"],
                    anonymous=bool(thread_spec.get("anonymous")),
                )
                _add_replies(users, thread, None, thread_spec.get("replies", []))
                thread.pinned = bool(thread_spec.get("pinned"))
                thread.locked = bool(thread_spec.get("locked"))
                db.session.commit()
    click.echo(
        f"Loaded the demo community: {len(USERS)} people, "
        f"{sum(len(c['boards']) for c in CATEGORIES)} boards in {len(CATEGORIES)} categories."
    )


def print_logins() -> None:
    from forum.demo.content import DEMO_PASSWORD, USERS

    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for spec in USERS:
        click.echo(f"  {spec['username']:<24} {spec['role']}")
