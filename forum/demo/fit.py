"""Issue 19 in the demo: finding the right fit.

After ``make run``: some members answered the welcome questions, and the boards are mapped to
answers (so that a newcomer is suggested the breast cancer group, the carers' board...); Kwame
coordinates peer matching; Jen and Maria are peer mentors (trained, with what they can speak
to); Priya has asked for a mentor, sharing some of her answers, and waits for Kwame to propose
one; and Helen, who lived with ovarian cancer, has died: her daughter asked, the admin
confirmed, her posts stay, and Jen is the legacy contact Helen named.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from forum.extensions import db
from forum.models import Board, BoardFit, LegacyChoice, Thread, User, WelcomeAnswers
from forum.models.facilitation import TrainingModule, TrainingRecord
from forum.models.types import utcnow
from forum.models.users import ConsentKind
from forum.policy import Viewer
from forum.services import accounts, matching, memorial, messaging, posting
from forum.vocabulary import CANCER_TYPES, JOURNEY_ROLES, LANGUAGES, TREATMENT_STAGES, pack

#: The training set up for mentors (not required to facilitate): name, description, days valid.
MENTOR_MODULE = (
    "Peer mentor training",
    "One-to-one support: listening, boundaries, endings, and when to ask the coordinator.",
    730,
)

#: Welcome answers: here as, cancer types, stage, languages, country, wants a peer.
WELCOME: dict[str, tuple[str, list[str], str | None, list[str], str | None, bool]] = {
    "jen_survivor": ("survivor", ["breast"], "remission", ["en", "es"], "GB", False),
    "priya_k": ("patient", ["breast"], "diagnosed", ["en"], "GB", True),
    "noor_h": ("survivor", ["breast"], "after", ["en"], "GB", False),
    "dave_r": ("patient", ["colorectal"], "treatment", ["en"], "GB", False),
    "linda_caregiver": ("caregiver", ["colorectal"], "treatment", ["en"], "IE", False),
    "sam_daughter": ("caregiver", ["ovarian"], "treatment", ["en"], None, False),
    "tom_b": ("bereaved", ["pancreatic"], None, ["en"], "GB", False),
}

#: Which answers each demo board suits: board → [(question, code)].
BOARD_FITS: dict[str, list[tuple[str, str]]] = {
    "Newly diagnosed: where do I start?": [("stage", "waiting"), ("stage", "diagnosed")],
    "Treatment & side effects": [("here_as", "patient"), ("stage", "treatment")],
    "Scans, results & scanxiety": [
        ("stage", "waiting"),
        ("stage", "remission"),
        ("stage", "recurrence"),
    ],
    "Life after treatment": [("here_as", "survivor"), ("stage", "after"), ("stage", "remission")],
    "Young adults with breast cancer": [("cancer_types", "breast")],
    "Supporting someone with cancer": [("here_as", "caregiver")],
    "Bereavement circle": [("here_as", "bereaved")],
}

COORDINATOR = "kwame_facilitator"

#: The mentors and what they can speak to: journey roles, cancer types, stages, languages,
#: country, cap on active matches.
MENTORS: dict[str, tuple[list[str], list[str], list[str], list[str], str, int]] = {
    "jen_survivor": (
        ["patient", "survivor"],
        ["breast"],
        ["diagnosed", "treatment", "after", "remission"],
        ["en", "es"],
        "GB",
        2,
    ),
    "maria_facilitator": (
        ["patient", "survivor"],
        ["colorectal"],
        ["treatment", "after", "remission"],
        ["en"],
        "GB",
        1,
    ),
}

#: Priya's request: what she shares (never her country), and her note.
REQUEST = (
    "priya_k",
    ["here_as", "cancer_types", "stage", "languages"],
    "I'd love to talk to someone who had breast cancer young and got through chemo. "
    "Mostly about the practical side, and how to tell people at work.",
)

#: The member who died, her posts (thread title, words), who asked and the legacy contact.
MEMORIAL_USER = ("helen_w", "Helen")
MEMORIAL_POSTS = (
    (
        "How do you handle the wait for results?",
        "Dave, I've lived with ovarian cancer for three years now, and I still hate the wait. "
        "What helps me is booking something small for the day after the appointment, whatever "
        "the news: a walk, a coffee with my daughter. It gives the week an end.",
    ),
    (
        "What actually helped me, from the patient's side",
        "Number 3, yes. My daughter Claire sits with me on chemo days and does the crossword. "
        "We hardly talk about the cancer, and it's the best part of my week.",
    ),
)
MEMORIAL_CONVERSATION = (
    "Thank you",
    "Jen, thank you for checking in on me this week. I've put you down as the person who can "
    "decide about my posts here, if it comes to that. I hope that's all right. Helen x",
)
MEMORIAL_FAMILY = ("claire_w", "Claire")
MEMORIAL_RELATIONSHIP = "Her daughter"
MEMORIAL_NOTE = (
    "Mum died last month. She loved this place and the people here. Please keep what she "
    "wrote; Jen knew her best here."
)
LEGACY_CONTACT = "jen_survivor"


def _codes(codes: list[str], allowed: dict) -> str | None:
    return pack(codes, allowed)


def _thread(title: str) -> Thread:
    return db.session.scalars(select(Thread).where(Thread.title == title)).one()


def add_welcome(users: dict[str, User]) -> int:
    """Welcome answers for some members, and the boards' fits (as an admin maps them)."""
    for username, (here_as, types, stage, languages, country, wants_peer) in WELCOME.items():
        db.session.add(
            WelcomeAnswers(
                user_id=users[username].id,
                here_as=here_as if here_as in JOURNEY_ROLES else None,
                cancer_types=_codes(types, CANCER_TYPES),
                stage=stage if stage in TREATMENT_STAGES else None,
                languages=_codes(languages, LANGUAGES),
                country=country,
                wants_peer=wants_peer,
            )
        )
    for name, fits in BOARD_FITS.items():
        board = db.session.scalars(select(Board).where(Board.name == name)).one()
        for question, code in fits:
            db.session.add(BoardFit(board_id=board.id, question=question, code=code))
    db.session.commit()
    return len(WELCOME)


def add_mentoring(users: dict[str, User], now: datetime | None = None) -> None:
    """A coordinator, the training for mentors, two mentors and one open request."""
    today = (now or utcnow()).date()
    admin = users["admin"]
    matching.set_coordinator(admin, users[COORDINATOR], True)
    name, description, days = MENTOR_MODULE
    module = TrainingModule(
        name=name, description=description, validity_days=days, required=False, for_mentors=True
    )
    db.session.add(module)
    db.session.flush()
    for offset, username in enumerate(MENTORS):
        completed = today - timedelta(days=120 + 30 * offset)
        db.session.add(
            TrainingRecord(
                user_id=users[username].id,
                module_id=module.id,
                completed_on=completed,
                expires_on=completed + timedelta(days=days),
                signed_off_by_id=admin.id,
            )
        )
    db.session.commit()
    for username, (roles, types, stages, languages, country, cap) in MENTORS.items():
        row = matching.make_mentor(admin, users[username])
        row.journey_roles = _codes(roles, JOURNEY_ROLES)
        row.cancer_types = _codes(types, CANCER_TYPES)
        row.stages = _codes(stages, TREATMENT_STAGES)
        row.languages = _codes(languages, LANGUAGES)
        row.country = country
        row.max_active = cap
    db.session.commit()
    member, shared, note = REQUEST
    matching.request_mentor(Viewer(users[member]), shared, note)


def _member_long_since(username: str, display_name: str) -> User:
    """A member who is not one of the demo's logins (the password is thrown away)."""
    user = accounts.create_user(
        username,
        f"{username}@example.org",
        secrets.token_urlsafe(24),
        display_name=display_name,
        consents=(ConsentKind.HEALTH_DATA, ConsentKind.GUIDELINES),
    )
    user.created_at = utcnow() - timedelta(days=400)  # past a new account's first limits
    db.session.commit()
    return user


def add_memorial(users: dict[str, User]) -> User:
    """Helen's account, memorialised at her daughter's request: her posts stay, Jen is the
    legacy contact she named (allowing her posts to be kept or made anonymous)."""
    username, display_name = MEMORIAL_USER
    helen = _member_long_since(username, display_name)
    for title, words in MEMORIAL_POSTS:
        posting.reply(helen, _thread(title), words)
    # A conversation with Jen that stays open: it shows that Helen has died, and Jen may leave.
    messaging.start(Viewer(helen), [users[LEGACY_CONTACT]], *MEMORIAL_CONVERSATION)
    memorial.set_legacy_contact(helen, users[LEGACY_CONTACT], LegacyChoice.ANONYMISE)
    family_name, family_display = MEMORIAL_FAMILY
    claire = _member_long_since(family_name, family_display)
    request = memorial.ask(Viewer(claire), helen, MEMORIAL_RELATIONSHIP, MEMORIAL_NOTE)
    memorial.confirm(Viewer(users["admin"]), request)
    return helen


def add_all(users: dict[str, User]) -> None:
    """Everything of issue 19, after the boards, threads and training exist."""
    add_welcome(users)
    add_mentoring(users)
    add_memorial(users)
