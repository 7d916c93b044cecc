"""The version stamp of what guests see: the guest page cache keys its pages by it."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db


class PageVersion(db.Model):
    """One row per scope (today only ``site``): a random token that every write changing what a
    guest may read replaces, in the same transaction (``forum.page_cache``). A random token, not
    a counter, so that a database restored from a backup never meets pages cached for its
    earlier life."""

    __tablename__ = "page_versions"

    scope: Mapped[str] = mapped_column(String(20), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
