"""What the mentoring pages read: a member's latest request, a mentor's proposals and active
matches, and welcome answers written out as labels (issue 19).

Only reads; the changes are :mod:`forum.services.matching`'s. Which answers a page may show is
:func:`forum.policy.fit.shared_questions`'s decision; these functions only write them out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from forum.countries import country_name
from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.models import MatchState, PeerMatch, PeerMentor, User, WelcomeAnswers
from forum.models.fit import QUESTIONS
from forum.vocabulary import CANCER_TYPES, JOURNEY_ROLES, LANGUAGES, TREATMENT_STAGES, labels

#: How each welcome question is named next to its answer ("Share my answer about …").
QUESTION_LABELS = {
    "here_as": _l("who I am here as"),
    "cancer_types": _l("the cancer type(s)"),
    "stage": _l("the stage of the journey"),
    "languages": _l("languages"),
    "country": _l("country"),
}
#: How each answer is headed where it is listed (to the member, to their mentor).
QUESTION_HEADINGS = {
    "here_as": _l("Here as"),
    "cancer_types": _l("Cancer type(s)"),
    "stage": _l("Stage of the journey"),
    "languages": _l("Languages"),
    "country": _l("Country"),
}


@dataclass(frozen=True)
class Answer:
    question: str
    label: str
    heading: str
    text: str


def _answer_text(answers: WelcomeAnswers, question: str) -> str:
    if question == "here_as":
        return ", ".join(labels(f",{answers.here_as}," if answers.here_as else None, JOURNEY_ROLES))
    if question == "cancer_types":
        return ", ".join(labels(answers.cancer_types, CANCER_TYPES))
    if question == "stage":
        return ", ".join(labels(f",{answers.stage}," if answers.stage else None, TREATMENT_STAGES))
    if question == "languages":
        return ", ".join(labels(answers.languages, LANGUAGES))
    if question == "country":
        return country_name(answers.country) if answers.country else ""
    return ""


def answers_of(member_id: int, questions: Iterable[str] = QUESTIONS) -> list[Answer]:
    """The member's answers to ``questions`` (those they gave), as labels, in the form's order.
    The caller decides which questions the reader may see."""
    wanted = set(questions)
    answers = db.session.get(WelcomeAnswers, member_id)
    if answers is None:
        return []
    shown = []
    for question in QUESTIONS:
        if question in wanted and (text := _answer_text(answers, question)):
            shown.append(
                Answer(
                    question,
                    str(QUESTION_LABELS[question]),
                    str(QUESTION_HEADINGS[question]),
                    text,
                )
            )
    return shown


def latest_match_of(member: User) -> PeerMatch | None:
    """The member's most recent request or match, whatever its state."""
    return db.session.scalar(
        select(PeerMatch)
        .options(joinedload(PeerMatch.mentor))
        .where(PeerMatch.member_id == member.id)
        .order_by(PeerMatch.created_at.desc(), PeerMatch.id.desc())
        .limit(1)
    )


def mentor_row(user: User | None) -> PeerMentor | None:
    return db.session.get(PeerMentor, user.id) if user is not None else None


def matches_of_mentor(mentor: User, state: MatchState) -> list[PeerMatch]:
    """The mentor's matches in ``state`` (proposals waiting, or active), oldest first."""
    return list(
        db.session.scalars(
            select(PeerMatch)
            .options(joinedload(PeerMatch.member))
            .where(PeerMatch.mentor_id == mentor.id, PeerMatch.state == state)
            .order_by(PeerMatch.proposed_at, PeerMatch.id)
        )
    )


def active_count(mentor: User) -> int:
    return db.session.scalar(
        select(func.count(PeerMatch.id)).where(
            PeerMatch.mentor_id == mentor.id, PeerMatch.state == MatchState.ACTIVE
        )
    )
