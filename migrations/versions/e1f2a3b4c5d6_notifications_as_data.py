"""Notifications as data: who did it and a few parameters instead of a frozen sentence; queued
notification e-mail refers to its notification (or, for a digest, its notifications) and is
written when it is sent.

Existing sentences are recognised one last time (in any of the site's languages, with the
catalogues under forum/translations) to find their variant and the words a facilitator wrote;
who did it comes from the references (a post's author unless anonymous, the conversation's
member of that name or its last writer, the moderation log). Rows that are not recognised are
deleted, and counted in the output. Queued notification e-mail, frozen with the old sentences,
is deleted. Downgrade writes English sentences again from the data (lossy).

Revision ID: e1f2a3b4c5d6
Revises: e5b1c7d9a2f4
Create Date: 2026-12-06 04:30:00
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "e1f2a3b4c5d6"
down_revision = "e5b1c7d9a2f4"
branch_labels = None
depends_on = None

TRANSLATIONS = Path(__file__).resolve().parents[2] / "forum" / "translations"

#: The sentences notifications were stored in, by kind, as the code wrote them until this
#: revision (a pair is singular and plural). Copied here: the application no longer has them.
SENTENCES: dict[str, tuple] = {
    "mention": (
        "Anonymous member mentioned you in “%(title)s”",
        "%(name)s mentioned you in “%(title)s”",
    ),
    "reply": (
        "Anonymous member replied to your post in “%(title)s”",
        "Anonymous member replied in your thread “%(title)s”",
        "%(name)s replied to your post in “%(title)s”",
        "%(name)s replied in your thread “%(title)s”",
    ),
    "watched": (
        "Anonymous member replied in “%(title)s”",
        "%(name)s replied in “%(title)s”",
    ),
    "new_thread": (
        "Anonymous member started “%(title)s” in %(board)s",
        "%(name)s started “%(title)s” in %(board)s",
    ),
    "message": (
        "%(name)s sent you a message: “%(subject)s”",
        "%(name)s added you to a conversation: “%(subject)s”",
    ),
    "facilitator_message": (
        'A facilitator of %(board)s wrote to you about your anonymous post in "%(title)s": '
        "%(message)s",
    ),
    "post_approved": ('Your post in "%(title)s" was approved and is now visible.',),
    "post_rejected": (
        'Your post in "%(title)s" was not approved. The facilitator wrote: %(reason)s',
        'Your post in "%(title)s" was not approved.',
    ),
    "post_hidden": ('A facilitator hid your post in "%(title)s". Their reason: %(reason)s',),
    "post_restored": ('A facilitator restored your post in "%(title)s".',),
    "sanction": (
        (
            "You can read %(board)s but not post there for %(num)d day(s). The reason: %(reason)s",
            "You can read %(board)s but not post there for %(num)d day(s). The reason: %(reason)s",
        ),
        "You can read %(board)s but not post there. The reason: %(reason)s",
        "Your mute has been lifted early.",
        "Your suspension has been lifted early.",
    ),
    "report_outcome": (
        "Thank you for your report: no action was needed. They wrote: %(note)s",
        "Thank you for your report: no action was needed.",
        "Thank you for your report: a facilitator took care of it. They wrote: %(note)s",
        "Thank you for your report: a facilitator took care of it.",
    ),
    "membership_request": ("%(name)s asked to join %(board)s.",),
    "membership_approved": (
        "Welcome: your request to join %(board)s was approved. The facilitator "
        'wrote: "%(message)s"',
        "Welcome: your request to join %(board)s was approved.",
    ),
    "membership_declined": (
        'Your request to join %(board)s was declined. The facilitator wrote: "%(message)s"',
        "Your request to join %(board)s was declined.",
    ),
    "membership_invited": ("You are invited to join %(board)s.",),
    "membership_role": (
        "You are now a member of %(board)s.",
        "You are now a facilitator of %(board)s.",
        "You are now a lead of %(board)s.",
    ),
}

#: What each sentence means as data: (kind, index in SENTENCES[kind]) → params.
_VARIANTS: dict[tuple[str, int], dict] = {
    ("reply", 0): {"variant": "reply_to_post"},
    ("reply", 1): {"variant": "reply_in_thread"},
    ("reply", 2): {"variant": "reply_to_post"},
    ("reply", 3): {"variant": "reply_in_thread"},
    ("message", 0): {"variant": "sent"},
    ("message", 1): {"variant": "added"},
    ("sanction", 0): {"variant": "mute"},
    ("sanction", 1): {"variant": "mute"},
    ("sanction", 2): {"variant": "mute_lifted"},
    ("sanction", 3): {"variant": "suspension_lifted"},
    ("report_outcome", 0): {"variant": "dismissed"},
    ("report_outcome", 1): {"variant": "dismissed"},
    ("report_outcome", 2): {"variant": "resolved"},
    ("report_outcome", 3): {"variant": "resolved"},
    ("membership_role", 0): {"role": "member"},
    ("membership_role", 1): {"role": "facilitator"},
    ("membership_role", 2): {"role": "lead"},
}
#: Values kept in params (the rest — titles, subjects, board and people's names — are not).
_KEPT = ("reason", "message", "note")
#: The moderation-log action that tells who did what a notification of this kind reports.
_LOGGED = {
    "facilitator_message": "message_anonymous_author",
    "post_approved": "approve_post",
    "post_rejected": "reject_post",
    "post_hidden": "hide_post",
    "post_restored": "restore_post",
    "membership_approved": "approve_member",
    "membership_declined": "decline_member",
    "membership_invited": "invite_member",
}

_PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])|%%")


def _pattern(sentence: str) -> re.Pattern[str]:
    """A sentence with placeholders as a pattern that finds their values (as forum.i18n did)."""
    parts, seen, end = [], set(), 0
    for match in _PLACEHOLDER.finditer(sentence):
        parts.append(re.escape(sentence[end : match.start()]))
        name, kind = match.group(1), match.group(2)
        if name is None:
            parts.append("%")
        elif name in seen:
            parts.append(f"(?P={name})")
        else:
            seen.add(name)
            parts.append(rf"(?P<{name}>\d+)" if kind == "d" else rf"(?P<{name}>.+?)")
        end = match.end()
    parts.append(re.escape(sentence[end:]))
    return re.compile("".join(parts), re.DOTALL)


def _catalogues() -> list[dict]:
    """Each language's translations (msgid or (singular, plural) → the forms it is written in),
    read from the .po catalogues; English is the code itself."""
    from babel.messages.pofile import read_po

    found = []
    for source in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        with source.open("rb") as po:
            catalogue = read_po(po, locale=source.parent.parent.name)
        table = {}
        for message in catalogue:
            if not message.id or not message.string:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            key = message.id if isinstance(message.id, str) else message.id[0]
            table[key] = [s for s in strings if s]
        found.append(table)
    return found


def _recognisers() -> dict[str, list[tuple[int, re.Pattern[str], int]]]:
    """kind → (index of the sentence, a way of writing it, the number that form is used for),
    most fixed words first (so "Anonymous member …" is tried before "%(name)s …")."""
    catalogues = _catalogues()
    by_kind: dict[str, list[tuple[int, re.Pattern[str], int]]] = {}
    for kind, sentences in SENTENCES.items():
        found = []
        for index, sentence in enumerate(sentences):
            english = sentence[0] if isinstance(sentence, tuple) else sentence
            forms = {english: 1}
            if isinstance(sentence, tuple):
                forms.setdefault(sentence[1], 2)
            for table in catalogues:
                for number, form in enumerate(table.get(english, []), start=1):
                    forms.setdefault(form, number)
            found += [(index, form, number) for form, number in forms.items()]
        found.sort(key=lambda item: -len(_PLACEHOLDER.sub("", item[1])))
        by_kind[kind] = [(index, _pattern(form), number) for index, form, number in found]
    return by_kind


def _recognise(recognisers, kind: str, text: str) -> tuple[int, dict, int] | None:
    for index, pattern, number in recognisers.get(kind, ()):
        match = pattern.fullmatch(text)
        if match is not None:
            return index, match.groupdict(), number
    return None


def _actor(connection, row, values: dict) -> int | None:
    """Who did what the notification tells, from the references."""
    kind = row.kind
    if kind in ("mention", "reply", "watched", "new_thread") and row.post_id is not None:
        post = connection.execute(
            sa.text("SELECT author_id, anonymous FROM posts WHERE id = :id"), {"id": row.post_id}
        ).first()
        return None if post is None or post.anonymous else post.author_id
    name = values.get("name")
    if kind == "message" and row.conversation_id is not None:
        if name:
            named = connection.execute(
                sa.text(
                    "SELECT u.id FROM participants p JOIN users u ON u.id = p.user_id "
                    "WHERE p.conversation_id = :c AND (u.display_name = :n OR "
                    "(u.display_name IS NULL AND u.username = :n))"
                ),
                {"c": row.conversation_id, "n": name},
            ).first()
            if named is not None:
                return named.id
        writer = connection.execute(
            sa.text(
                "SELECT author_id FROM messages WHERE conversation_id = :c AND author_id IS NOT "
                "NULL AND author_id != :u AND created_at <= :t ORDER BY created_at DESC LIMIT 1"
            ),
            {"c": row.conversation_id, "u": row.user_id, "t": row.created_at},
        ).first()
        return writer.author_id if writer is not None else None
    if kind == "membership_request" and name:
        named = connection.execute(
            sa.text(
                "SELECT id FROM users WHERE display_name = :n OR "
                "(display_name IS NULL AND username = :n) ORDER BY id LIMIT 1"
            ),
            {"n": name},
        ).first()
        return named.id if named is not None else None
    action = _LOGGED.get(kind)
    if action is not None:
        where = (
            "post_id = :p" if row.post_id is not None else "board_id = :b AND target_user_id = :u"
        )
        logged = connection.execute(
            sa.text(
                f"SELECT actor_id FROM moderation_actions WHERE action = :a AND {where} "  # noqa: S608
                "AND created_at <= :t ORDER BY created_at DESC LIMIT 1"
            ),
            {
                "a": action,
                "p": row.post_id,
                "b": row.board_id,
                "u": row.user_id,
                "t": row.created_at,
            },
        ).first()
        return logged.actor_id if logged is not None else None
    return None


def upgrade():
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("actor_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("params", sa.JSON(), nullable=True))
        batch.create_foreign_key(
            "fk_notifications_actor_id_users", "users", ["actor_id"], ["id"], ondelete="SET NULL"
        )
    connection = op.get_bind()
    recognisers = _recognisers()
    rows = connection.execute(
        sa.text(
            "SELECT id, user_id, kind, text, board_id, post_id, conversation_id, created_at "
            "FROM notifications"
        )
    ).all()
    unrecognised = []
    for row in rows:
        found = _recognise(recognisers, row.kind, row.text or "")
        if found is None:
            unrecognised.append(row.id)
            continue
        index, values, number = found
        params = dict(_VARIANTS.get((row.kind, index), {}))
        params.update({k: v for k, v in values.items() if k in _KEPT and v})
        if row.kind == "sanction" and index == 0:
            params["days"] = int(values.get("num") or number)
        connection.execute(
            sa.text(
                "UPDATE notifications SET actor_id = :a, params = :p WHERE id = :id"
            ).bindparams(sa.bindparam("p", type_=sa.JSON(none_as_null=True))),
            {"a": _actor(connection, row, values), "p": params or None, "id": row.id},
        )
    for start in range(0, len(unrecognised), 500):
        connection.execute(
            sa.text("DELETE FROM notifications WHERE id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"ids": unrecognised[start : start + 500]},
        )
    print(  # noqa: T201 - the operator should know
        f"notifications: {len(rows) - len(unrecognised)} converted to data, "
        f"{len(unrecognised)} not recognised and deleted"
    )
    # Queued notification e-mail still holds the old frozen sentences: it goes. Account mail
    # (reset and confirmation links, sent with queue_direct) has no unsubscribe link and stays.
    queued = connection.execute(
        sa.text("DELETE FROM outgoing_mail WHERE unsubscribe_url IS NOT NULL AND sent_at IS NULL")
    ).rowcount
    print(f"outgoing_mail: {queued} queued notification e-mail deleted")  # noqa: T201
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("text")
    with op.batch_alter_table("outgoing_mail") as batch:
        batch.add_column(sa.Column("notification_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("digest_of", sa.JSON(), nullable=True))
        batch.create_foreign_key(
            "fk_outgoing_mail_notification_id_notifications",
            "notifications",
            ["notification_id"],
            ["id"],
            ondelete="CASCADE",
        )


def _english(connection, row) -> str:
    """A notification's sentence in English, from its data (what downgrade stores)."""
    params = json.loads(row.params) if isinstance(row.params, str) else (row.params or {})
    name = "Former member"
    if row.actor_id is not None:
        user = connection.execute(
            sa.text("SELECT username, display_name FROM users WHERE id = :id"), {"id": row.actor_id}
        ).first()
        if user is not None:
            name = user.display_name or user.username
    title = board = subject = ""
    if row.post_id is not None:
        found = connection.execute(
            sa.text(
                "SELECT t.title, b.name, p.anonymous FROM posts p JOIN threads t ON t.id = "
                "p.thread_id JOIN boards b ON b.id = t.board_id WHERE p.id = :id"
            ),
            {"id": row.post_id},
        ).first()
        if found is not None:
            title, board = found.title, found.name
            if found.anonymous:
                name = "Anonymous member"
    if row.board_id is not None:
        found = connection.execute(
            sa.text("SELECT name FROM boards WHERE id = :id"), {"id": row.board_id}
        ).first()
        board = found.name if found is not None else board
    if row.conversation_id is not None:
        found = connection.execute(
            sa.text("SELECT subject FROM conversations WHERE id = :id"),
            {"id": row.conversation_id},
        ).first()
        subject = found.subject if found is not None else ""
    values = {"name": name, "title": title, "board": board, "subject": subject}
    values.update({k: params[k] for k in _KEPT if params.get(k)})
    values["num"] = params.get("days") or 0
    every = list(range(len(SENTENCES.get(row.kind, ()))))
    candidates = [
        index
        for (kind, index), wanted in _VARIANTS.items()
        if kind == row.kind and all(params.get(k) == v for k, v in wanted.items())
    ]
    anonymous = name == "Anonymous member"

    def fits(index: int) -> bool:
        sentence = SENTENCES[row.kind][index]
        sentence = sentence[0] if isinstance(sentence, tuple) else sentence
        return sentence.startswith("Anonymous member") == anonymous

    candidates = [i for i in candidates if fits(i)] + candidates
    for index in candidates + [i for i in every if fits(i)] + every:
        sentence = SENTENCES[row.kind][index]
        sentence = sentence[0] if isinstance(sentence, tuple) else sentence
        needed = set(re.findall(r"%\((\w+)\)", sentence))
        if all(values.get(key) not in (None, "") for key in needed - {"num"}):
            return sentence % values
    return "You have a new notification."


def downgrade():
    with op.batch_alter_table("outgoing_mail") as batch:
        batch.drop_constraint("fk_outgoing_mail_notification_id_notifications", type_="foreignkey")
        batch.drop_column("digest_of")
        batch.drop_column("notification_id")
    connection = op.get_bind()
    connection.execute(sa.text("DELETE FROM outgoing_mail WHERE body = ''"))
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("text", sa.Text(), nullable=True))
    rows = connection.execute(
        sa.text(
            "SELECT id, kind, actor_id, params, board_id, post_id, conversation_id "
            "FROM notifications"
        )
    ).all()
    for row in rows:
        connection.execute(
            sa.text("UPDATE notifications SET text = :t WHERE id = :id"),
            {"t": _english(connection, row), "id": row.id},
        )
    with op.batch_alter_table("notifications") as batch:
        batch.alter_column("text", existing_type=sa.Text(), nullable=False)
        batch.drop_constraint("fk_notifications_actor_id_users", type_="foreignkey")
        batch.drop_column("params")
        batch.drop_column("actor_id")
