"""The welcome: a member's optional answers, the suggestions made from them, and the admins'
map from answers to boards (issue 19).

Answers are the member's own (``policy.fit.may_read_welcome_answers``): this module reads them
only for their owner's suggestions and never shows them elsewhere. Every board, meeting and
directory group suggested comes through the viewer's own filters (``policy.listed_boards`` and
``readable_boards``, ``queries.meetings.upcoming``), so a suggestion never names what the viewer
may not see. Nothing is joined or followed here: the member clicks each suggestion.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select

from forum import queries
from forum.countries import COUNTRIES, country_name
from forum.extensions import db
from forum.models import Board, Category, User, Visibility
from forum.models.boards import MembershipStatus
from forum.models.directory import SupportGroup
from forum.models.fit import BoardFit, WelcomeAnswers
from forum.models.meetings import MeetingOccurrence
from forum.models.types import utcnow
from forum.policy import OPEN_TO_SIGNED_IN, Viewer, listed_boards, readable_boards
from forum.services import ServiceError
from forum.vocabulary import (
    CANCER_TYPES,
    JOURNEY_ROLES,
    LANGUAGES,
    TREATMENT_STAGES,
    contains,
    pack,
    unpack,
)

#: The questions a board can be mapped to, and the choices of each.
FIT_QUESTIONS: dict[str, Mapping[str, object]] = {
    "here_as": JOURNEY_ROLES,
    "cancer_types": CANCER_TYPES,
    "stage": TREATMENT_STAGES,
    "languages": LANGUAGES,
}

MEETINGS_SHOWN = 10
GROUPS_SHOWN = 10


# --- answers -----------------------------------------------------------------------------------


def _one(
    code: str | None, allowed: Mapping[str, object], field_name: str, message: str
) -> str | None:
    code = (code or "").strip()
    if not code:
        return None
    if code not in allowed:
        raise ServiceError(message, field_name)
    return code


def _many(
    codes: Iterable[str] | None, allowed: Mapping[str, object], field_name: str, message: str
) -> str | None:
    chosen = [code for code in (codes or ()) if code]
    if any(code not in allowed for code in chosen):
        raise ServiceError(message, field_name)
    return pack(chosen, allowed)


def answers_of(user: User) -> WelcomeAnswers | None:
    """The member's own answers (None: not answered yet). For the member's pages only."""
    return db.session.get(WelcomeAnswers, user.id)


def save_answers(
    user: User,
    here_as: str | None,
    cancer_types: Iterable[str] | None,
    stage: str | None,
    languages: Iterable[str] | None,
    country: str | None,
    wants_peer: bool,
) -> WelcomeAnswers:
    """Save the member's answers (every one optional). Nothing is saved if one is refused."""
    role = _one(here_as, JOURNEY_ROLES, "here_as", _("Please choose one of the answers offered."))
    types = _many(
        cancer_types, CANCER_TYPES, "cancer_types", _("Please choose cancer types from the list.")
    )
    stage_code = _one(
        stage, TREATMENT_STAGES, "stage", _("Please choose one of the stages offered.")
    )
    spoken = _many(languages, LANGUAGES, "languages", _("Please choose languages from the list."))
    place = _one(country, COUNTRIES, "country", _("Please choose a country from the list."))
    answers = answers_of(user)
    if answers is None:
        answers = WelcomeAnswers(user_id=user.id)
        db.session.add(answers)
    answers.here_as = role
    answers.cancer_types = types
    answers.stage = stage_code
    answers.languages = spoken
    answers.country = place
    answers.wants_peer = bool(wants_peer)
    answers.updated_at = utcnow()
    db.session.commit()
    return answers


def answers_data(answers: WelcomeAnswers) -> dict[str, object]:
    """The member's answers as the welcome form's data, to fill it in again."""
    return {
        "here_as": answers.here_as or "",
        "cancer_types": unpack(answers.cancer_types),
        "stage": answers.stage or "",
        "languages": unpack(answers.languages),
        "country": answers.country or "",
        "wants_peer": answers.wants_peer,
    }


def _given(answers: WelcomeAnswers) -> dict[str, list[str]]:
    """The member's answers by question, as lists of codes."""
    return {
        "here_as": [answers.here_as] if answers.here_as else [],
        "cancer_types": unpack(answers.cancer_types),
        "stage": [answers.stage] if answers.stage else [],
        "languages": unpack(answers.languages),
    }


# --- the "why" sentences -----------------------------------------------------------------------


def reason(question: str, code: str) -> str:
    """Why something was suggested, in the page's language, from one matched answer."""
    if question == "here_as":
        if code == "caregiver":
            return _("Because you said you are a family member or friend.")
        if code == "bereaved":
            return _("Because you said you have lost someone to cancer.")
        if code == "survivor":
            return _("Because you said you are a survivor.")
        return _("Because you said you are living with cancer.")
    if question == "cancer_types":
        if code == "other":
            return _("Because you said you are here about another type of cancer.")
        return _(
            "Because you said you are here about this type of cancer: %(type)s.",
            type=CANCER_TYPES.get(code, code),
        )
    if question == "stage":
        return _(
            "Because you said where you are in your journey: %(stage)s.",
            stage=TREATMENT_STAGES.get(code, code),
        )
    if question == "languages":
        return _("Because you said you speak %(language)s.", language=LANGUAGES.get(code, code))
    if question == "country":
        return _("Because you said you live in %(country)s.", country=country_name(code))
    return ""


# --- suggestions -------------------------------------------------------------------------------


@dataclass
class BoardSuggestion:
    board: Board
    reasons: list[str]


@dataclass
class MeetingSuggestion:
    occurrence: MeetingOccurrence
    reasons: list[str]


@dataclass
class GroupSuggestion:
    group: SupportGroup
    reasons: list[str]


@dataclass
class Suggestions:
    """What the welcome suggests to one member; each item says why."""

    answered: bool = False
    wants_peer: bool = False
    boards: list[BoardSuggestion] = field(default_factory=list)
    private_groups: list[BoardSuggestion] = field(default_factory=list)
    meetings: list[MeetingSuggestion] = field(default_factory=list)
    outside_groups: list[GroupSuggestion] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.boards or self.private_groups or self.meetings or self.outside_groups)


def _fitting_boards(viewer: Viewer, given: dict[str, list[str]]) -> list[tuple[Board, list[str]]]:
    """Boards listed to ``viewer`` that admins mapped to one of the answers, in index order,
    each with the reasons (one per matched answer)."""
    wanted = [
        (BoardFit.question == question) & BoardFit.code.in_(codes)
        for question, codes in given.items()
        if codes
    ]
    if not wanted:
        return []
    rows = db.session.execute(
        select(Board, BoardFit.question, BoardFit.code)
        .join(BoardFit, BoardFit.board_id == Board.id)
        .join(Category, Board.category_id == Category.id)
        .where(
            or_(*wanted),
            listed_boards(viewer),
            Board.visibility != Visibility.HIDDEN,
            Board.archived.is_(False),
            Category.archived.is_(False),
        )
        .order_by(Category.position, Category.id, Board.position, Board.id, BoardFit.id)
    ).all()
    found: dict[int, tuple[Board, list[str]]] = {}
    for board, question, code in rows:
        found.setdefault(board.id, (board, []))[1].append(reason(question, code))
    return list(found.values())


def _readable_ids(viewer: Viewer, board_ids: list[int]) -> set[int]:
    if not board_ids:
        return set()
    return set(
        db.session.scalars(select(Board.id).where(Board.id.in_(board_ids), readable_boards(viewer)))
    )


def _outside_groups(answers: WelcomeAnswers) -> list[GroupSuggestion]:
    """Directory groups matching the member's cancer types or languages, in their country or
    online for every country (only when they said one or the other)."""
    types = unpack(answers.cancer_types)
    spoken = unpack(answers.languages)
    if not (types or spoken):
        return []
    matches = [SupportGroup.cancer_types.like(contains(code)) for code in types] + [
        SupportGroup.languages.like(contains(code)) for code in spoken
    ]
    place = (
        or_(SupportGroup.country.is_(None), SupportGroup.country == answers.country)
        if answers.country
        else SupportGroup.country.is_(None)
    )
    groups = db.session.scalars(
        select(SupportGroup)
        .where(or_(*matches), place)
        .order_by(SupportGroup.name, SupportGroup.id)
        .limit(GROUPS_SHOWN)
    )
    found = []
    for group in groups:
        reasons = [reason("cancer_types", c) for c in types if c in unpack(group.cancer_types)]
        reasons += [reason("languages", c) for c in spoken if c in unpack(group.languages)]
        if answers.country and group.country == answers.country:
            reasons.append(reason("country", answers.country))
        found.append(GroupSuggestion(group, reasons))
    return found


def suggestions(viewer: Viewer) -> Suggestions:
    """Boards to follow, private groups to ask to join, upcoming meetings on boards the viewer
    may read, and outside groups from the directory, from the viewer's own answers."""
    if viewer.user is None:
        return Suggestions()
    answers = answers_of(viewer.user)
    if answers is None:
        return Suggestions()
    result = Suggestions(answered=True, wants_peer=answers.wants_peer)
    fitting = _fitting_boards(viewer, _given(answers))
    readable = _readable_ids(viewer, [board.id for board, _reasons in fitting])
    for board, reasons in fitting:
        if board.visibility in OPEN_TO_SIGNED_IN and board.id in readable:
            result.boards.append(BoardSuggestion(board, reasons))
        elif board.visibility == Visibility.PRIVATE and viewer.status_on(board) not in (
            MembershipStatus.MEMBER,
            MembershipStatus.BANNED,
        ):
            result.private_groups.append(BoardSuggestion(board, reasons))
    why = {board.id: reasons for board, reasons in fitting}
    # Only boards the viewer may read; queries.meetings applies the meeting rules on top.
    reachable = [board_id for board_id in why if board_id in readable]
    if reachable:
        for occurrence in queries.meetings.upcoming(
            viewer,
            utcnow(),
            board_ids=reachable,
            limit=MEETINGS_SHOWN,
            include_cancelled=False,
        ):
            result.meetings.append(MeetingSuggestion(occurrence, why[occurrence.meeting.board_id]))
    result.outside_groups = _outside_groups(answers)
    return result


# --- the admins' map ---------------------------------------------------------------------------


def fits_of(board: Board) -> dict[str, list[str]]:
    """The answers ``board`` suits, by question."""
    found: dict[str, list[str]] = {question: [] for question in FIT_QUESTIONS}
    for fit in db.session.scalars(
        select(BoardFit).where(BoardFit.board_id == board.id).order_by(BoardFit.id)
    ):
        found.setdefault(fit.question, []).append(fit.code)
    return found


def set_board_fits(admin: User, board: Board, fits: Mapping[str, Iterable[str]]) -> None:
    """Replace the answers ``board`` suits. Only admins (the view checks; this checks too)."""
    if not admin.is_admin:
        raise ServiceError(_("Only site admins can map answers to boards."))
    chosen: list[tuple[str, str]] = []
    for question, codes in fits.items():
        allowed = FIT_QUESTIONS.get(question)
        if allowed is None:
            raise ServiceError(_("Please choose answers from the lists."))
        codes = [code for code in (codes or ()) if code]
        if any(code not in allowed for code in codes):
            raise ServiceError(_("Please choose answers from the lists."), question)
        chosen += [(question, code) for code in sorted(set(codes))]
    db.session.execute(delete(BoardFit).where(BoardFit.board_id == board.id))
    db.session.add_all(BoardFit(board_id=board.id, question=q, code=c) for q, c in chosen)
    db.session.commit()


def boards_to_map(viewer: Viewer) -> list[Board]:
    """The boards listed to ``viewer`` (an admin: every one) that are not archived, in index
    order, for the admins' map."""
    return list(
        db.session.scalars(
            select(Board)
            .join(Category, Board.category_id == Category.id)
            .where(listed_boards(viewer), Board.archived.is_(False))
            .order_by(Category.position, Category.id, Board.position, Board.id)
        )
    )
