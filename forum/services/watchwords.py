"""Watched words: screening a post's text before it is saved (DESIGN §5)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import Select, select

from forum import page_versions
from forum.data import at_risk_phrases
from forum.database import read_columns
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


#: Apostrophes people type: the plain one, and the typographic one phones put in its place.
APOSTROPHES = "'’"


def _word(word: str) -> str:
    parts = re.split(f"[{APOSTROPHES}]", word)
    return f"[{APOSTROPHES}]".join(re.escape(part).replace(r"\*", r"\w*") for part in parts)


@lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A word or phrase, case-insensitive, on word boundaries; ``*`` matches any letters; an
    apostrophe matches either apostrophe (``can't`` and ``can’t``)."""
    escaped = r"\s+".join(_word(word) for word in pattern.split())
    return re.compile(rf"(?<!\w){escaped}(?!\w)", re.IGNORECASE)


@functools.cache
def _select_words() -> Select[tuple[str, WatchedWordAction]]:
    return select(WatchedWord.pattern, WatchedWord.action)


@dataclass(frozen=True)
class _KeptWords:
    stamp: str
    words: tuple[tuple[str, WatchedWordAction], ...]


#: The watched words as this worker last read them, under the stamp they were read at.
_kept: _KeptWords | None = None


def watched_words() -> tuple[tuple[str, WatchedWordAction], ...]:
    """Every watched word and its action. Every post is screened against them and they seldom
    change, so a worker keeps them while their stamp (:data:`~forum.page_versions.WATCHED_WORDS`,
    moved by every write to them) stands: one small read instead of every row. The stamp is read
    first, so words read after a change are never kept under the stamp from before it."""
    global _kept  # noqa: PLW0603 - one copy per worker, replaced whole
    stamp = page_versions.current_stamp(page_versions.WATCHED_WORDS)
    kept = _kept
    if stamp is not None and kept is not None and kept.stamp == stamp:
        return kept.words
    words = tuple(
        (pattern, action) for pattern, action in read_columns(db.session, _select_words())
    )
    if stamp is not None:
        _kept = _KeptWords(stamp, words)
    return words


def screen(*texts: str) -> Screening:
    words = watched_words()
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
    refuse_silencing(pattern, action)
    word = WatchedWord(pattern=pattern, action=action)
    db.session.add(word)
    db.session.commit()
    return word


#: Actions that keep a post from being read: never for words a person at risk might write.
SILENCING = frozenset({WatchedWordAction.BLOCK, WatchedWordAction.HOLD})


def _literal(pattern: str) -> str:
    """A pattern as plain words (``feel* hopeless`` → ``feel hopeless``), to match others on."""
    return " ".join(pattern.replace("*", "").split())


def catches_at_risk(pattern: str, at_risk_patterns: Iterable[str]) -> str | None:
    """What a person at risk might write that ``pattern`` would catch: a sample sentence of the
    starter list, or one of ``at_risk_patterns`` it overlaps; None when it catches neither."""
    compiled = compile_pattern(pattern)
    for sample in at_risk_phrases.all_samples():
        if compiled.search(sample):
            return sample
    literal = _literal(pattern)
    for other in at_risk_patterns:
        if compiled.search(_literal(other)) or (literal and compile_pattern(other).search(literal)):
            return other
    return None


def at_risk_example(pattern: str) -> str | None:
    """:func:`catches_at_risk` against the site's "At risk" watched words."""
    at_risk = db.session.scalars(
        select(WatchedWord.pattern).where(WatchedWord.action == WatchedWordAction.AT_RISK)
    )
    return catches_at_risk(pattern, at_risk)


def refuse_silencing(pattern: str, action: WatchedWordAction) -> None:
    """Block and Hold are for spam and abuse: a pattern that would catch someone at risk may only
    be "At risk" or "Flag" (a person reaching out is never silenced)."""
    if action not in SILENCING:
        return
    example = at_risk_example(pattern)
    if example is not None:
        raise ServiceError(
            _(
                "“%(pattern)s” would catch someone who may be at risk (such as “%(example)s”). "
                "Choose “At risk” for it: the post is published, the writer is shown where to "
                "get help, and the facilitators get an urgent report. Block and Hold are for "
                "spam and abuse only.",
                pattern=pattern,
                example=example,
            ),
            "action",
        )


def remove(word: WatchedWord) -> None:
    db.session.delete(word)
    db.session.commit()
