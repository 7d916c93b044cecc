"""Conversation event lines and merge/split log entries hold ids, not names and titles.

- ``messages``: ``event_kind``, ``event_actor_id``, ``event_target_id``. Existing event lines
  ("Ann left the conversation.", "Ann added Bob to the conversation.", stored in English) are
  converted where each name is found among the conversation's people (their name, username or an
  earlier display name; "Former member" becomes no one), and their frozen sentence is emptied.
  A line whose names can't be matched keeps its sentence: erasure scrubs it by name
  (``forum.services.scrub``).
- ``moderation_actions``: ``to_thread_id`` and ``post_count``. Merge and split entries written
  before this keep their composed reason ("“A” merged into “B”"): the titles they quote can't be
  told apart from the words around them reliably, so they are left as written, and erasure
  clears such a reason when it quotes one of the erased member's thread titles.

Revision ID: e5b1c7d9a2f4
Revises: e3b7c1d9a2f6
Create Date: 2026-12-06 04:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "e5b1c7d9a2f4"
down_revision = "e3b7c1d9a2f6"
branch_labels = None
depends_on = None

FORMER_MEMBER = "Former member"
LEFT = " left the conversation."
ADDED = " added "
TO_CONVERSATION = " to the conversation."


def upgrade():
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_kind", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("event_actor_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("event_target_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_messages_event_actor_id_users"),
            "users",
            ["event_actor_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_messages_event_target_id_users"),
            "users",
            ["event_target_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("moderation_actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("to_thread_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("post_count", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_moderation_actions_to_thread_id_threads"),
            "threads",
            ["to_thread_id"],
            ["id"],
            ondelete="SET NULL",
        )
    _convert_event_lines(op.get_bind())


def _people(bind, conversation_id: int) -> dict[str, int | None]:
    """Every name the conversation's people were shown under, to their id (a name two of them
    share is left out: it can't say who)."""
    rows = bind.execute(
        sa.text(
            "SELECT u.id, u.username, u.display_name FROM participants p "
            "JOIN users u ON u.id = p.user_id WHERE p.conversation_id = :c"
        ),
        {"c": conversation_id},
    ).all()
    found: dict[str, set[int]] = {}
    for user_id, username, display_name in rows:
        earlier = bind.execute(
            sa.text("SELECT name FROM previous_names WHERE user_id = :u"), {"u": user_id}
        ).scalars()
        for name in {username, display_name, *earlier}:
            if name:
                found.setdefault(name, set()).add(user_id)
    names: dict[str, int | None] = {n: ids.pop() for n, ids in found.items() if len(ids) == 1}
    names[FORMER_MEMBER] = None
    return names


def _parse(text: str, names: dict[str, int | None]):  # noqa: ANN202
    """(kind, actor id, target id), or None when a name is not one of the people's."""
    if text.endswith(LEFT) and text[: -len(LEFT)] in names:
        return "left", names[text[: -len(LEFT)]], None
    if text.endswith(TO_CONVERSATION):
        middle = text[: -len(TO_CONVERSATION)]
        for adder, adder_id in names.items():
            prefix = adder + ADDED
            if middle.startswith(prefix) and middle[len(prefix) :] in names:
                return "added", adder_id, names[middle[len(prefix) :]]
    return None


def _convert_event_lines(bind) -> None:  # noqa: ANN001
    events = bind.execute(
        sa.text(
            "SELECT id, conversation_id, source FROM messages "
            "WHERE is_event = :yes AND event_kind IS NULL"
        ),
        {"yes": True},
    ).all()
    people: dict[int, dict[str, int | None]] = {}
    for message_id, conversation_id, source in events:
        if conversation_id not in people:
            people[conversation_id] = _people(bind, conversation_id)
        parsed = _parse(source, people[conversation_id])
        if parsed is None:
            continue
        kind, actor_id, target_id = parsed
        bind.execute(
            sa.text(
                "UPDATE messages SET event_kind = :kind, event_actor_id = :actor, "
                "event_target_id = :target, source = '' WHERE id = :id"
            ),
            {"kind": kind, "actor": actor_id, "target": target_id, "id": message_id},
        )


def downgrade():
    """Converted event lines are written back as English sentences, as they were stored."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT m.id, m.event_kind, a.display_name, a.username, t.display_name, t.username "
            "FROM messages m LEFT JOIN users a ON a.id = m.event_actor_id "
            "LEFT JOIN users t ON t.id = m.event_target_id WHERE m.event_kind IS NOT NULL"
        )
    ).all()
    for message_id, kind, actor_display, actor_user, target_display, target_user in rows:
        actor = actor_display or actor_user or FORMER_MEMBER
        target = target_display or target_user or FORMER_MEMBER
        text = f"{actor}{LEFT}" if kind == "left" else f"{actor}{ADDED}{target}{TO_CONVERSATION}"
        bind.execute(
            sa.text("UPDATE messages SET source = :s WHERE id = :id"),
            {"s": text, "id": message_id},
        )
    with op.batch_alter_table("moderation_actions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_moderation_actions_to_thread_id_threads"), type_="foreignkey"
        )
        batch_op.drop_column("post_count")
        batch_op.drop_column("to_thread_id")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_messages_event_target_id_users"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_messages_event_actor_id_users"), type_="foreignkey")
        batch_op.drop_column("event_target_id")
        batch_op.drop_column("event_actor_id")
        batch_op.drop_column("event_kind")
