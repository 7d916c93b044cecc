"""Statements built once per worker for every viewer of one kind, instead of once per request.

A signed-in page asks the same few questions on every request (the viewer's sanctions,
memberships and blocks; the header's unread counts). Building each SQLAlchemy statement anew
costs far more Python than the database spends answering it (a policy filter is dozens of
expression objects, and a new statement must have its cache key worked out again), so a member's
page used to spend about half its CPU on a site header and checks that answer in 0.4 ms of SQL.

The filters these statements use depend on the viewer only through ``is_guest``, ``is_admin``
and ``id`` (the viewer's memberships and blocks are subqueries on that id). So a statement is
built once, for a :class:`StandIn` of the viewer's kind whose ``id`` is the bound parameter
``:viewer_id``, kept, and executed with the real viewer's id: :func:`statement` returns both.
A filter that needs anything else of the viewer (its loaded memberships, its blocked ids)
raises ``AttributeError`` on a stand-in, so it can never be kept with one member's answers and
served to another.

Hot statements that do not depend on the viewer at all (a board's facilitators, a page's
reactions, the viewer's own sanctions, memberships and blocks looked up by a plain
``:user_id``) are simply built once with ``functools.cache`` beside the function that runs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import BindParameter, Integer, bindparam

from forum.policy import Viewer

VIEWER_ID: BindParameter[int] = bindparam("viewer_id", type_=Integer)

Statement = TypeVar("Statement")

_kept: dict[tuple[str, bool, bool], Any] = {}


@dataclass(frozen=True)
class StandIn:
    """A viewer of one kind (guest, member or admin) whose id is ``:viewer_id``."""

    is_admin: bool
    is_guest: bool

    @property
    def id(self) -> BindParameter[int] | None:
        return None if self.is_guest else VIEWER_ID

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(
            f"a kept statement may depend on the viewer's kind and id only, not on {name!r}"
        )


def statement(
    name: str, viewer: Viewer, build: Callable[[Any], Statement], **parameters: Any
) -> tuple[Statement, dict[str, Any]]:
    """The statement ``build`` makes for viewers of ``viewer``'s kind (built on first use in
    this worker), and the parameters that make it ``viewer``'s, with ``parameters`` added (the
    values of the other bound parameters ``build`` put in it)."""
    key = (name, viewer.is_admin, viewer.is_guest)
    kept = _kept.get(key)
    if kept is None:
        kept = _kept[key] = build(StandIn(viewer.is_admin, viewer.is_guest))
    if not viewer.is_guest:
        parameters["viewer_id"] = viewer.id
    return kept, parameters
