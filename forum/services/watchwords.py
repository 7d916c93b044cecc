"""Watched words: screening a post's text before it is saved (DESIGN §5)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import select

from forum.extensions import db
from forum.models import WatchedWord, WatchedWordAction
from forum.services import ServiceError

PATTERN_MAX = 200


@dataclass(frozen=True)
class Screening:
    """What the watched words found in a text."""

    matches: dict[WatchedWordAction, list[str]] = field(default_factory=dict)

    @property
    def at_risk(self) -> bool:
        return WatchedWordAction.AT_RISK in self.matches

    @property
    def blocked(self) -> bool:
        """An at-risk match never blocks: a person reaching out must be heard."""
        return WatchedWordAction.BLOCK in self.matches and not self.at_risk

    @property
    def held(self) -> bool:
        return WatchedWordAction.HOLD in self.matches

    @property
    def flagged(self) -> bool:
        return WatchedWordAction.FLAG in self.matches

    def words(self, action: WatchedWordAction) -> str:
        return ", ".join(self.matches.get(action, []))


@lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A word or phrase, case-insensitive, on word boundaries; ``*`` matches any letters."""
    words = [re.escape(word).replace(r"\*", r"\w*") for word in pattern.split()]
    escaped = r"\s+".join(words)
    return re.compile(rf"(?<!\w){escaped}(?!\w)", re.IGNORECASE)


def screen(*texts: str) -> Screening:
    words = db.session.execute(select(WatchedWord.pattern, WatchedWord.action)).all()
    if not words:
        return Screening()
    joined = "\n".join(texts)
    matches: dict[WatchedWordAction, list[str]] = {}
    for pattern, action in words:
        if compile_pattern(pattern).search(joined):
            matches.setdefault(action, []).append(pattern)
    return Screening(matches)


def refuse_if_blocked(screening: Screening) -> None:
    if screening.blocked:
        raise ServiceError(
            _(
                "Your post contains words this community does not allow. Please change them; "
                "your text is kept below."
            )
        )


def add(pattern: str, action: WatchedWordAction) -> WatchedWord:
    pattern = " ".join((pattern or "").split())
    if not pattern:
        raise ServiceError(_("Please enter a word or phrase."), "pattern")
    if len(pattern) > PATTERN_MAX:
        raise ServiceError(
            _("Patterns can be at most %(limit)s characters.", limit=PATTERN_MAX), "pattern"
        )
    if pattern.replace("*", "") == "":
        raise ServiceError(_("A pattern needs at least one letter."), "pattern")
    exists = db.session.scalar(select(WatchedWord.id).where(WatchedWord.pattern == pattern))
    if exists is not None:
        raise ServiceError(_("“%(pattern)s” is already watched.", pattern=pattern), "pattern")
    word = WatchedWord(pattern=pattern, action=action)
    db.session.add(word)
    db.session.commit()
    return word


def remove(word: WatchedWord) -> None:
    db.session.delete(word)
    db.session.commit()
