"""A page of results: the items, which page, how many in all."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from forum.extensions import db
from forum.policy import Viewer, kept

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def clamp_page(page: int, total: int, per_page: int) -> int:
    return min(max(page, 1), max(1, math.ceil(total / per_page)))


def kept_page(
    name: str,
    viewer: Viewer,
    build: Callable[[Any], Any],
    *,
    number: int,
    per_page: int,
    total: int,
    **parameters: Any,
) -> Page[Any]:
    """Page ``number`` of the rows of a statement kept per worker (:mod:`forum.policy.kept`)
    whose ``:offset`` and ``:limit`` are bound parameters."""
    statement, params = kept.statement(
        name, viewer, build, offset=(number - 1) * per_page, limit=per_page, **parameters
    )
    return Page(list(db.session.scalars(statement, params).all()), number, per_page, total)
