"""Issue 18 in the demo: the facilitators' rota, their training and a realistic queue.

After ``make run`` the moderation dashboard shows who is on duty, one facilitator whose
training lapses in about ten days, a nurse who facilitates on her professional verification,
and open reports of each kind: an at-risk one raised by the watched words, a member's report of
a post, and a report of a private message."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from forum.extensions import db
from forum.models import Board, Message, Thread, User, WatchedWordAction
from forum.models.facilitation import (
    DutyChange,
    DutySlot,
    ProfessionalVerification,
    TrainingModule,
    TrainingRecord,
)
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.services import accounts, messaging, posting, reports, watchwords

#: Name, what it covers, validity in days; all required.
MODULES = (
    ("Peer facilitation basics", "Listening, boundaries, the guidelines and the tools.", 365),
    (
        "Responding to suicidal content",
        "Recognising risk, responding with care, escalating, and looking after yourself.",
        365,
    ),
    ("Safeguarding", "Protecting adults and children at risk; when and how to refer.", 730),
)

#: Weekly duty slots: facilitator, board, weekday (0 = Monday), from, to, their time zone.
ROTA = (
    ("maria_facilitator", "Treatment & side effects", 0, (18, 0), (21, 0), "Europe/London"),
    ("maria_facilitator", "Treatment & side effects", 2, (18, 0), (21, 0), "Europe/London"),
    ("ana_nurse", "Treatment & side effects", 1, (9, 0), (12, 0), "Europe/London"),
    ("ana_nurse", "Treatment & side effects", 3, (9, 0), (12, 0), "Europe/London"),
    ("maria_facilitator", "Introductions", 4, (12, 0), (14, 0), "Europe/London"),
    ("maria_facilitator", "Life after treatment", 5, (10, 0), (12, 0), "Europe/London"),
    ("kwame_facilitator", "Supporting someone with cancer", 1, (19, 0), (22, 0), "Africa/Accra"),
    ("kwame_facilitator", "Supporting someone with cancer", 3, (19, 0), (22, 0), "Africa/Accra"),
    ("kwame_facilitator", "Bereavement circle", 6, (17, 0), (19, 0), "Africa/Accra"),
)

#: Whose training lapses soon, and in how many days (the dashboard warns ahead of time).
LAPSING = ("kwame_facilitator", "Responding to suicidal content", 10)

AT_RISK_WORDS = "no point going on"


def _board(name: str) -> Board:
    return db.session.scalars(select(Board).where(Board.name == name)).one()


def _first_thread(board_name: str) -> Thread:
    return db.session.scalars(
        select(Thread).where(Thread.board_id == _board(board_name).id).order_by(Thread.id)
    ).first()


def add_training(users: dict[str, User], now: datetime | None = None) -> int:
    """The three modules, and a current record of each for every demo facilitator except the
    nurse (verified instead); one record lapses in about ten days."""
    today = (now or utcnow()).date()
    admin = users["admin"]
    modules = []
    for name, description, days in MODULES:
        module = TrainingModule(
            name=name, description=description, validity_days=days, required=True
        )
        db.session.add(module)
        modules.append(module)
    db.session.flush()
    lapsing_user, lapsing_module, lapsing_in = LAPSING
    written = 0
    for username in ("maria_facilitator", "kwame_facilitator"):
        for offset, module in enumerate(modules):
            if username == lapsing_user and module.name == lapsing_module:
                completed = today - timedelta(days=module.validity_days - lapsing_in)
            else:
                completed = today - timedelta(days=60 + 20 * offset)
            db.session.add(
                TrainingRecord(
                    user_id=users[username].id,
                    module_id=module.id,
                    completed_on=completed,
                    expires_on=completed + timedelta(days=module.validity_days),
                    signed_off_by_id=admin.id,
                )
            )
            written += 1
    nurse = users["ana_nurse"]
    nurse.verified_professional = True
    db.session.add(
        ProfessionalVerification(
            user_id=nurse.id,
            profession="Registered oncology nurse",
            registration="NMC 12A3456E",
            verified_on=today - timedelta(days=90),
            expires_on=today + timedelta(days=275),
            verified_by_id=admin.id,
        )
    )
    db.session.commit()
    return written


def add_rota(users: dict[str, User], now: datetime | None = None) -> int:
    """Weekly slots, and one swap: Maria gives next Wednesday evening to Ana."""
    now = now or utcnow()
    for username, board_name, weekday, start, end, zone in ROTA:
        db.session.add(
            DutySlot(
                board_id=_board(board_name).id,
                user_id=users[username].id,
                weekday=weekday,
                starts_minute=start[0] * 60 + start[1],
                ends_minute=end[0] * 60 + end[1],
                timezone=zone,
            )
        )
    london = ZoneInfo("Europe/London")
    today = now.astimezone(london).date()
    wednesday = today + timedelta(days=(2 - today.weekday()) % 7 or 7)
    starts = datetime.combine(wednesday, time(18, 0), tzinfo=london)
    ends = datetime.combine(wednesday, time(21, 0), tzinfo=london)
    board = _board("Treatment & side effects")
    note = "Swap: Maria is at a hospital appointment"
    for username, on_duty in (("maria_facilitator", False), ("ana_nurse", True)):
        db.session.add(
            DutyChange(
                board_id=board.id,
                user_id=users[username].id,
                starts_at=starts,
                ends_at=ends,
                on_duty=on_duty,
                note=note,
            )
        )
    db.session.commit()
    return len(ROTA)


def add_open_reports(users: dict[str, User]) -> int:
    """Three open reports of different kinds, written the way members would cause them."""
    watchwords.add(AT_RISK_WORDS, WatchedWordAction.AT_RISK)
    posting.reply(
        users["dave_r"],
        _first_thread("Newly diagnosed: where do I start?"),
        "Another scan moved back a week. Honestly, some nights I feel there's no point going "
        "on with any of this. Sorry, I know that's heavy.",
    )
    advert = posting.reply(
        users["tom_b"],
        _first_thread("Treatment & side effects"),
        "My neighbour stopped her chemo and took apricot kernels instead. Worth asking about?",
    )
    reports.report_post(
        users["priya_k"],
        advert,
        "misinformation",
        "Stopping chemo for apricot kernels could really hurt someone.",
    )
    # A stranger selling a "cure", as happens on every health forum; not one of the demo's
    # characters, and with no demo login (the password is thrown away).
    seller = accounts.create_user(
        "wellness_shop_4u",
        "wellness-shop@example.org",
        secrets.token_urlsafe(24),
        display_name="Wellness Shop",
    )
    seller.created_at = utcnow() - timedelta(days=60)  # past a new account's first limits
    db.session.commit()
    conversation = messaging.start(
        Viewer(seller),
        [users["grace_m"]],
        "A herbal tea",
        "Hi Grace, I sell a herbal tea that clears cancer in weeks. Can I send you the link?",
    )
    message = db.session.scalars(
        select(Message).where(Message.conversation_id == conversation.id)
    ).first()
    messaging.report(
        Viewer(users["grace_m"]),
        conversation,
        message,
        "spam",
        "Selling a cure by private message.",
    )
    return 3
