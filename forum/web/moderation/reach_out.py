"""What the dashboard shows of an open report, and a facilitator reaching out to someone who may
be at risk: through the relay for an anonymous author, a private message for a named one, with a
kind first message that links to the crisis resources for the person's country when known."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _

from forum import policy
from forum.models import Post, PostStatus, Report, ReportStatus
from forum.policy import Action, Viewer
from forum.policy.moderation import (
    can_act_on_report,
    can_see_queued_post,
    may_message_author,
    reach_out_country,
)

#: How much of the reported words the dashboard shows.
EXCERPT_LENGTH = 280


@dataclass(frozen=True)
class ReportCard:
    report: Report
    #: The author as the viewer may know them; None: "Anonymous member" (or a former member).
    author_name: str | None
    anonymous: bool
    board_name: str | None
    title: str | None
    post: Post | None
    #: Where the viewer finds the post: in its thread, or in the approval queue.
    post_url: str | None
    words: str
    reach_out_url: str | None
    crisis_url: str | None
    #: A private message report: the conversation's subject and who wrote the reported message
    #: (the snapshot's name; these reports reach admins only).
    subject: str | None = None
    snapshot_author: str | None = None
    #: A profile report: the name and username reported.
    profile: dict | None = None
    #: May the viewer claim, hide, resolve or dismiss (a lapsed facilitator only reads).
    can_act: bool = False
    #: The reported post may be hidden from here.
    can_hide: bool = False
    reply_url: str | None = None


def _snapshot(report: Report) -> dict:
    try:
        snapshot = json.loads(report.snapshot or "{}")
    except ValueError:
        return {}
    return snapshot if isinstance(snapshot, dict) else {}


def _reported_item(snapshot: dict) -> dict:
    messages = snapshot.get("messages") or []
    return next((m for m in messages if isinstance(m, dict) and m.get("reported")), {})


def _reported_words(report: Report) -> tuple[str | None, str]:
    """The thread title and the reported words as they were when reported."""
    snapshot = _snapshot(report)
    text = " ".join((_reported_item(snapshot).get("text") or "").split())
    if len(text) > EXCERPT_LENGTH:
        text = text[: EXCERPT_LENGTH - 1].rstrip() + "…"
    return snapshot.get("title"), text


def reach_out_url(viewer: Viewer, post: Post) -> str | None:
    """Where a facilitator writes to the author of ``post``, the first message written for them."""
    if post.author_id is None or post.author_id == viewer.id:
        return None
    if post.anonymous:
        if not may_message_author(viewer, post):
            return None
        return url_for("moderation.message_author", post_id=post.id, reach_out=1)
    author = policy.author_shown_to(viewer, post)
    if author is None or not policy.can_moderate(viewer, post.thread.board):
        return None
    return url_for("messages.new", to=author.username, reach_out=post.id)


def report_card(viewer: Viewer, report: Report) -> ReportCard:
    """A report as the dashboard shows it to ``viewer``, who handles it."""
    snapshot_title, words = _reported_words(report)
    post, post_url = report.post, None
    if post is not None and policy.can(viewer, Action.READ, post):
        post_url = url_for("threads.permalink", post_id=post.id)
    elif post is not None and can_see_queued_post(viewer, post):
        # A newcomer's words held for approval: where they wait, in the board's queue.
        post_url = url_for("groups.queue", board_id=post.thread.board_id)
    else:
        post = None  # moved out of the viewer's sight since: only the snapshot is theirs
    author = policy.author_shown_to(viewer, post) if post is not None else None
    board = post.thread.board if post is not None else report.board
    snapshot = _snapshot(report)
    profile = snapshot.get("profile") if isinstance(snapshot.get("profile"), dict) else None
    can_act = report.status == ReportStatus.OPEN and can_act_on_report(viewer, report)
    return ReportCard(
        report=report,
        author_name=author.name if author is not None else None,
        anonymous=post.anonymous if post is not None else False,
        board_name=board.name if board is not None else None,
        title=post.thread.title if post is not None else snapshot_title,
        post=post,
        post_url=post_url,
        words=words,
        reach_out_url=reach_out_url(viewer, post) if post is not None and report.at_risk else None,
        crisis_url=crisis_link(viewer, post, external=False)
        if post is not None and report.at_risk
        else None,
        subject=snapshot.get("subject") if report.message_id is not None else None,
        snapshot_author=_reported_item(snapshot).get("author") if report.post_id is None else None,
        profile=profile,
        can_act=can_act,
        can_hide=can_act
        and post is not None
        and post.status == PostStatus.VISIBLE
        and policy.can(viewer, Action.MODERATE, post),
        reply_url=url_for("threads.thread", thread_id=post.thread_id, _anchor="reply-heading")
        if post is not None and policy.can(viewer, Action.REPLY, post.thread)
        else None,
    )


def crisis_link(viewer: Viewer, post: Post, external: bool = True) -> str:
    """The crisis page for the author's country when the viewer may know it; else the page
    itself, which shows a signed-in reader their own country's resources."""
    country = reach_out_country(viewer, post)
    args = {"country": country} if country else {}
    return url_for("moderation.crisis", _external=external, **args)


def starter_subject() -> str:
    return _("Checking in with you")


def starter_text(viewer: Viewer, post: Post) -> str:
    """A kind first message, in the facilitator's words to edit before sending."""
    author = policy.author_shown_to(viewer, post)
    greeting = _("Hello %(name)s,", name=author.name) if author is not None else _("Hello,")
    body = _(
        "I'm one of the facilitators of %(board)s. I read what you wrote and wanted to check in "
        "with you. How are you doing right now?\n\n"
        "If you are thinking about ending your life, or feel you might not be safe, please "
        "contact someone who can help straight away. This page lists who you can call or write "
        "to, day and night: %(link)s\n\n"
        "You are not alone. I'm here if you would like to talk.",
        board=post.thread.board.name,
        link=crisis_link(viewer, post),
    )
    return f"{greeting}\n\n{body}"
