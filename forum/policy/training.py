"""Training as a condition of moderating: a facilitator whose required training is not current
(and who holds no current professional verification) keeps read access to the queue but may take
no moderation action until renewed. With no required module defined, nobody is held back."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, exists, not_, or_, select

from forum.extensions import db
from forum.models import ProfessionalVerification, TrainingModule, TrainingRecord, User
from forum.models.types import utcnow


def _current(expires_column, today: date) -> ColumnElement[bool]:
    return or_(expires_column.is_(None), expires_column >= today)


def lacks_training(user_id, today: date) -> ColumnElement[bool]:
    """True for a person (``user_id``: a value or a column) with no current professional
    verification and a required module with no current record."""
    verified = exists().where(
        ProfessionalVerification.user_id == user_id,
        _current(ProfessionalVerification.expires_on, today),
    )
    missing = exists().where(
        TrainingModule.required.is_(True),
        not_(
            exists()
            .where(
                TrainingRecord.module_id == TrainingModule.id,
                TrainingRecord.user_id == user_id,
                _current(TrainingRecord.expires_on, today),
            )
            .correlate_except(TrainingRecord)
        ),
    )
    return and_(not_(verified), missing)


def training_current(user_id: int, on: date | None = None) -> bool:
    """Has ``user_id`` every required module current on ``on`` (today), or a current
    professional verification? One query."""
    return not db.session.scalar(select(lacks_training(user_id, on or utcnow().date())))


def lapsed_among(user_ids: list[int], on: date | None = None) -> set[int]:
    """The people among ``user_ids`` whose required training is not current (one query)."""
    if not user_ids:
        return set()
    today = on or utcnow().date()
    return set(
        db.session.scalars(
            select(User.id).where(User.id.in_(user_ids), lacks_training(User.id, today))
        )
    )


def may_become_facilitator(user_id: int) -> bool:
    """A person is made facilitator only with the required modules current (or verified)."""
    return training_current(user_id)
