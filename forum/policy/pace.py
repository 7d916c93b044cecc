"""Slow mode and timeouts: who sets them, who they hold back, and until when (issue 18).

Both stop applying at their expiry instant by themselves: every rule here compares with ``now``,
so the scheduler's ``expiries`` job only writes the log and tidies the thread's columns."""

from __future__ import annotations

from datetime import datetime, timedelta

from forum.models import Board, BoardMembership, Thread
from forum.models.types import utcnow
from forum.policy import Viewer, can_moderate
from forum.policy.moderation import acts_as_moderator, moderates_anything
from forum.policy.transitions import Refusal, may_act_on_member

SLOW_MINUTES = (1, 1440)
SLOW_HOURS = (1, 7 * 24)
TIMEOUT_HOURS = (1, 72)


def slow_mode_on(thread: Thread, now: datetime | None = None) -> bool:
    """Is slow mode in force on ``thread`` at ``now``?"""
    return (
        thread.slow_mode_minutes is not None
        and thread.slow_mode_until is not None
        and thread.slow_mode_until > (now or utcnow())
    )


def can_set_slow_mode(viewer: Viewer, thread: Thread) -> bool:
    """The board's facilitators (training current) and admins."""
    return can_moderate(viewer, thread.board)


def exempt_from_slow_mode(viewer: Viewer, thread: Thread) -> bool:
    """Facilitators and admins keep the conversation going while members wait."""
    return can_moderate(viewer, thread.board)


def next_post_allowed_at(
    viewer: Viewer, thread: Thread, last_post_at: datetime | None, now: datetime | None = None
) -> datetime | None:
    """When ``viewer`` may next post in ``thread`` (None: now). ``last_post_at`` is the time of
    their latest post there."""
    now = now or utcnow()
    if not slow_mode_on(thread, now) or last_post_at is None:
        return None
    if exempt_from_slow_mode(viewer, thread):
        return None
    allowed = last_post_at + timedelta(minutes=thread.slow_mode_minutes or 0)
    return allowed if allowed > now else None


def may_time_out(
    viewer: Viewer, board: Board, membership: BoardMembership | None
) -> Refusal | None:
    """A timeout is a short mute: the same people may give it to the same people."""
    return may_act_on_member(viewer, board, membership)


def may_give_timeouts(viewer: Viewer) -> bool:
    """Open the timeout form at all: someone who moderates a board and may act (a facilitator
    whose training lapsed reads the queue but gives no timeouts)."""
    return moderates_anything(viewer) and acts_as_moderator(viewer)
