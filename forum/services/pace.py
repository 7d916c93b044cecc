"""Slow mode on a heated thread, a short timeout on one board, and their ending by themselves
(issue 18). The rules are in :mod:`forum.policy.pace`; this module changes state and logs it."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from forum.extensions import db
from forum.i18n import local_time
from forum.models import ModerationAction, Post, Sanction, SanctionKind, Thread, User
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.policy import pace as rules
from forum.services import ServiceError, acting_user, modlog

_NO_SYNC = {"synchronize_session": False}


def _in_range(value: int | None, bounds: tuple[int, int], message: str, field: str) -> int:
    if value is None or not bounds[0] <= value <= bounds[1]:
        raise ServiceError(message, field)
    return value


def set_slow_mode(viewer: Viewer, thread: Thread, minutes: int | None, hours: int | None) -> None:
    """One post per member every ``minutes`` for the next ``hours``."""
    actor = acting_user(viewer)
    if not rules.can_set_slow_mode(viewer, thread):
        raise ServiceError(_("Only the board's facilitators and site admins can do that."))
    minutes = _in_range(
        minutes,
        rules.SLOW_MINUTES,
        _("Choose from %(low)d to %(high)d minutes.", low=1, high=rules.SLOW_MINUTES[1]),
        "minutes",
    )
    hours = _in_range(
        hours,
        rules.SLOW_HOURS,
        _("Choose from %(low)d to %(high)d hours.", low=1, high=rules.SLOW_HOURS[1]),
        "hours",
    )
    thread.slow_mode_minutes = minutes
    thread.slow_mode_until = utcnow() + timedelta(hours=hours)
    # The log keeps English.
    modlog.record(
        actor, "start_slow_mode", thread=thread, reason=f"every {minutes} min for {hours} h"
    )
    db.session.commit()


def end_slow_mode(viewer: Viewer, thread: Thread) -> None:
    actor = acting_user(viewer)
    if not rules.can_set_slow_mode(viewer, thread):
        raise ServiceError(_("Only the board's facilitators and site admins can do that."))
    if not rules.slow_mode_on(thread):
        raise ServiceError(_("Slow mode is not on in this thread."))
    thread.slow_mode_minutes = None
    thread.slow_mode_until = None
    modlog.record(actor, "end_slow_mode", thread=thread)
    db.session.commit()


def last_post_at(user: User, thread: Thread) -> datetime | None:
    return db.session.scalar(
        select(func.max(Post.created_at)).where(
            Post.thread_id == thread.id, Post.author_id == user.id
        )
    )


def timeout_on(viewer: Viewer, thread: Thread) -> Sanction | None:
    """The author's timeout on the thread's board, in force now."""
    sanction = viewer.mute_on(thread.board)
    return sanction if sanction is not None and sanction.kind == SanctionKind.TIMEOUT else None


def check_reply(viewer: Viewer, thread: Thread) -> None:
    """Refuse a reply from a member timed out on the board, or one that comes too soon after
    the author's last post in a thread in slow mode."""
    author = acting_user(viewer)
    held = timeout_on(viewer, thread)
    if held is not None:
        raise ServiceError(
            _("You are timed out on this board until %(when)s.", when=local_time(held.expires_at)),
            "body",
        )
    if not rules.slow_mode_on(thread):
        return
    allowed = rules.next_post_allowed_at(viewer, thread, last_post_at(author, thread))
    if allowed is not None:
        raise ServiceError(
            _(
                "This thread is in slow mode: one post every %(num)d minutes. You can post "
                "again at %(when)s. Your reply is kept below.",
                num=thread.slow_mode_minutes,
                when=local_time(allowed),
            ),
            "body",
        )


def _ended(action: str, actor_id: int | None, board_id: int | None, **refs: int | None) -> None:
    """The time ran out: logged under whoever started it (the log names an actor on every
    line; with none it would say "Former member")."""
    db.session.add(
        ModerationAction(actor_id=actor_id, action=action, board_id=board_id, reason="", **refs)
    )


def _slow_mode_starter(thread_id: int) -> int | None:
    return db.session.scalar(
        select(ModerationAction.actor_id)
        .where(
            ModerationAction.thread_id == thread_id,
            ModerationAction.action == "start_slow_mode",
        )
        .order_by(ModerationAction.id.desc())
        .limit(1)
    )


def log_expiries(now: datetime | None = None) -> int:
    """Write "slow mode ended" and "timeout ended" once each, whoever else runs this.

    Each ending is claimed by a conditional UPDATE (the row still shows the expired value);
    only the scheduler whose UPDATE matched writes the log entry."""
    now = now or utcnow()
    written = 0
    due_threads = db.session.execute(
        select(Thread.id, Thread.board_id, Thread.slow_mode_until).where(
            Thread.slow_mode_until.is_not(None), Thread.slow_mode_until <= now
        )
    ).all()
    for thread_id, board_id, until in due_threads:
        claimed = db.session.execute(
            update(Thread)
            .where(Thread.id == thread_id, Thread.slow_mode_until == until)
            .values(slow_mode_until=None, slow_mode_minutes=None),
            execution_options=_NO_SYNC,
        ).rowcount
        if claimed == 1:
            _ended("slow_mode_ended", _slow_mode_starter(thread_id), board_id, thread_id=thread_id)
            written += 1
        db.session.commit()
    due_timeouts = db.session.execute(
        select(Sanction.id, Sanction.created_by_id, Sanction.board_id, Sanction.user_id).where(
            Sanction.kind == SanctionKind.TIMEOUT,
            Sanction.expiry_logged_at.is_(None),
            Sanction.lifted_at.is_(None),
            Sanction.expires_at <= now,
        )
    ).all()
    for sanction_id, given_by, board_id, user_id in due_timeouts:
        claimed = db.session.execute(
            update(Sanction)
            .where(Sanction.id == sanction_id, Sanction.expiry_logged_at.is_(None))
            .values(expiry_logged_at=now),
            execution_options=_NO_SYNC,
        ).rowcount
        if claimed == 1:
            _ended("timeout_ended", given_by, board_id, target_user_id=user_id)
            written += 1
        db.session.commit()
    return written
