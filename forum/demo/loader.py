"""Loads :mod:`forum.demo.content` through the same services members use."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import click
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Board, Category, Post, SupportGroup, Thread, User, Visibility
from forum.models.meetings import MeetingMode, Recurrence, RsvpAnswer
from forum.models.types import utcnow
from forum.models.users import ConsentKind
from forum.services import accounts, boards, directory, meetings, posting, profiles


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


def add_support_groups() -> int:
    """The demo's "Find groups" directory; groups already listed (by name) are left alone."""
    from forum.demo.content import SUPPORT_GROUPS

    listed = set(db.session.scalars(select(func.lower(SupportGroup.name))))
    added = 0
    for spec in SUPPORT_GROUPS:
        if spec["name"].lower() not in listed:
            directory.create(directory.GroupDetails(**spec))
            added += 1
    return added


def first_day(today: date, weekday: int, weeks_ahead: int = 0) -> date:
    """The next ``weekday`` after ``today`` (never today: a newcomer has time to answer), then
    ``weeks_ahead`` weeks later."""
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7, weeks=weeks_ahead)


def add_meetings(
    users: dict[str, User], boards_by_name: dict[str, Board], now: datetime | None = None
) -> int:
    """The demo groups' meetings, dated from ``now``, and some members' answers."""
    from forum.demo.content import MEETINGS

    now = now or utcnow()
    for spec in MEETINGS:
        today = now.astimezone(ZoneInfo(spec["timezone"])).date()
        day = first_day(today, spec["weekday"], spec.get("weeks_ahead", 0))
        details = meetings.MeetingDetails(
            title=spec["title"],
            description=spec["description"],
            timezone=spec["timezone"],
            starts_local=datetime.combine(day, time(*spec["time"])),
            duration_minutes=spec["duration_minutes"],
            mode=MeetingMode(spec["mode"]),
            recurrence=Recurrence(spec.get("recurrence", "none")),
            repeat_count=spec.get("repeat_count"),
            link=spec.get("link", ""),
            place=spec.get("place", ""),
            address=spec.get("address", ""),
            country=spec.get("country"),
            capacity=spec.get("capacity"),
            professionally_led=bool(spec.get("professionally_led")),
        )
        meeting = meetings.schedule(
            users[spec["organiser"]], boards_by_name[spec["board"]], details, now
        )
        first = meeting.occurrences[0]
        for username, answer, show_name in spec["answers"]:
            meetings.answer(users[username], first, RsvpAnswer(answer), show_name, now)
        db.session.commit()
    return len(MEETINGS)


def _fill_profile(user: User, spec: dict[str, Any]) -> None:
    """Journey details, shown to members as the spec says, and listed on "Find peers"."""
    shown = set(spec["shown"])
    profiles.update_profile(
        user,
        user.display_name,
        spec["about"],
        spec["journey_role"],
        spec["cancer_types"],
        spec["treatment_stage"],
        spec["languages"],
        spec["country"],
        show_journey_role="journey_role" in shown,
        show_cancer_types="cancer_types" in shown,
        show_treatment_stage="treatment_stage" in shown,
        show_languages="languages" in shown,
        show_country="country" in shown,
        findable=True,
    )


def load_demo() -> None:
    from forum.demo.content import CATEGORIES, DEMO_PASSWORD, USERS

    users: dict[str, User] = {}
    boards_by_name: dict[str, Board] = {}
    for spec in USERS:
        users[spec["username"]] = accounts.create_user(
            spec["username"],
            f"{spec['username']}@example.org",
            DEMO_PASSWORD,
            admin=spec["role"] == "admin",
            display_name=spec.get("display_name"),
            consents=(ConsentKind.HEALTH_DATA, ConsentKind.GUIDELINES),
        )
        if "profile" in spec:
            _fill_profile(users[spec["username"]], spec["profile"])
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
                noindex=board_spec.get("noindex"),
                professionally_led=bool(board_spec.get("professionally_led")),
            )
            boards_by_name[board.name] = board
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
    from forum.demo import timeline  # six weeks of history instead of the minute of seeding

    now = utcnow()
    timeline.spread(now)
    timeline.add_conversations(users, now)
    meeting_count = add_meetings(users, boards_by_name)
    groups = add_support_groups()
    from forum.demo import facilitation  # issue 18: rota, training, an open queue

    facilitation.add_training(users)
    slots = facilitation.add_rota(users)
    open_reports = facilitation.add_open_reports(users)
    from forum.demo import fit  # issue 19: welcome answers, mentoring, a memorial account

    fit.add_all(users)
    click.echo(
        f"Loaded the demo community: {len(USERS)} people, "
        f"{sum(len(c['boards']) for c in CATEGORIES)} boards in {len(CATEGORIES)} categories, "
        f"{meeting_count} group meetings, {groups} support groups in the directory, "
        f"{slots} duty slots and {open_reports} open reports."
    )


def print_logins() -> None:
    from forum.demo.content import DEMO_PASSWORD, USERS

    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for spec in USERS:
        click.echo(f"  {spec['username']:<24} {spec['role']}")
