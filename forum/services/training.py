"""The training programme: modules, who completed which (and who signed it off), professional
verifications, each facilitator's standing, and the reminders sent before and after a lapse.

Whether someone may moderate or be appointed stays in :mod:`forum.policy.training`; this module
keeps the records that rule reads and says, in words, what is missing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.models import (
    BoardMembership,
    MembershipStatus,
    ProfessionalVerification,
    SiteRole,
    TrainingModule,
    TrainingNotice,
    TrainingRecord,
    User,
)
from forum.models.boards import FACILITATOR_ROLES
from forum.models.facilitation import MODULE_NAME_MAX, PROFESSION_MAX, REGISTRATION_MAX
from forum.models.types import utcnow
from forum.services import ServiceError, clean_text, facilitation_settings

DESCRIPTION_MAX = 2000
#: The longest validity an admin may give (about fifty years).
VALIDITY_MAX_DAYS = 50 * 366
LAPSING = "training_lapsing"
LAPSED = "training_lapsed"
KINDS = (LAPSING, LAPSED)

CURRENT = "current"
STATE_LAPSING = "lapsing"
STATE_LAPSED = "lapsed"


def _today(today: date | None) -> date:
    return today or utcnow().date()


# --- modules -----------------------------------------------------------------------------------


def modules() -> list[TrainingModule]:
    """Every module, required ones first, by name."""
    return list(
        db.session.scalars(
            select(TrainingModule).order_by(TrainingModule.required.desc(), TrainingModule.name)
        )
    )


def get_module(module_id: int) -> TrainingModule | None:
    return db.session.get(TrainingModule, module_id)


def _clean_module(
    name: str | None, validity_days: int | None, description: str | None, module_id: int | None
) -> tuple[str, int | None, str]:
    name = clean_text(
        name,
        limit=MODULE_NAME_MAX,
        field="name",
        too_long=_l("A module's name can be at most %(limit)s characters."),
    )
    if not name:
        raise ServiceError(_("Please give the module a name."), "name")
    same = db.session.scalar(
        select(TrainingModule.id).where(func.lower(TrainingModule.name) == name.lower())
    )
    if same is not None and same != module_id:
        raise ServiceError(_("There is already a module called “%(name)s”.", name=name), "name")
    if validity_days is not None and not 1 <= validity_days <= VALIDITY_MAX_DAYS:
        raise ServiceError(
            _(
                "The validity is a number of days from 1 to %(limit)s; leave it empty if the "
                "module never lapses.",
                limit=VALIDITY_MAX_DAYS,
            ),
            "validity_days",
        )
    description = clean_text(
        description,
        limit=DESCRIPTION_MAX,
        field="description",
        too_long=_l("A description can be at most %(limit)s characters."),
    )
    return name, validity_days, description


def add_module(
    name: str | None,
    validity_days: int | None,
    required: bool,
    description: str | None = "",
    *,
    for_mentors: bool = False,
) -> TrainingModule:
    """A new module; ``validity_days`` None: it never lapses. ``for_mentors``: peer mentors
    need it current (issue 19)."""
    name, validity_days, description = _clean_module(name, validity_days, description, None)
    module = TrainingModule(
        name=name,
        validity_days=validity_days,
        required=required,
        description=description,
        for_mentors=bool(for_mentors),
    )
    db.session.add(module)
    db.session.commit()
    return module


def edit_module(
    module: TrainingModule,
    name: str | None,
    validity_days: int | None,
    required: bool,
    description: str | None = "",
    *,
    for_mentors: bool | None = None,
) -> TrainingModule:
    """Change a module. Records already made keep the expiry they were given.
    ``for_mentors`` None leaves that mark as it is."""
    name, validity_days, description = _clean_module(name, validity_days, description, module.id)
    module.name, module.validity_days = name, validity_days
    module.required, module.description = required, description
    if for_mentors is not None:
        module.for_mentors = bool(for_mentors)
    db.session.commit()
    return module


def remove_module(module: TrainingModule) -> None:
    """Retire a module, with its records: nobody needs it any more."""
    db.session.delete(module)
    db.session.commit()


# --- records -----------------------------------------------------------------------------------


def record_completion(
    actor: User,
    user: User,
    module: TrainingModule | None,
    completed_on: date | None,
    today: date | None = None,
) -> TrainingRecord:
    """``user`` completed ``module`` on ``completed_on``, signed off by ``actor`` (an admin)."""
    if module is None:
        raise ServiceError(_("Please choose the module that was completed."), "module_id")
    if completed_on is None:
        raise ServiceError(_("Please give the day the module was completed."), "completed_on")
    if completed_on > _today(today):
        raise ServiceError(_("The day of completion can't be in the future."), "completed_on")
    expires_on = (
        None
        if module.validity_days is None
        else completed_on + timedelta(days=module.validity_days)
    )
    record = TrainingRecord(
        user_id=user.id,
        module_id=module.id,
        completed_on=completed_on,
        expires_on=expires_on,
        signed_off_by_id=actor.id,
    )
    db.session.add(record)
    db.session.commit()
    return record


def record_verification(
    actor: User,
    user: User,
    profession: str | None,
    registration: str | None,
    verified_on: date | None,
    expires_on: date | None = None,
    today: date | None = None,
) -> ProfessionalVerification:
    """A professional's registration, checked by ``actor`` on ``verified_on``; it stands in for
    the training modules until ``expires_on`` (None: for good)."""
    profession = clean_text(
        profession,
        limit=PROFESSION_MAX,
        field="profession",
        too_long=_l("A profession can be at most %(limit)s characters."),
    )
    if not profession:
        raise ServiceError(_("Please give the profession (for example “Nurse”)."), "profession")
    registration = clean_text(
        registration,
        limit=REGISTRATION_MAX,
        field="registration",
        too_long=_l("A registration number can be at most %(limit)s characters."),
    )
    if verified_on is None:
        raise ServiceError(_("Please give the day the registration was checked."), "verified_on")
    if verified_on > _today(today):
        raise ServiceError(_("The day it was checked can't be in the future."), "verified_on")
    if expires_on is not None and expires_on <= verified_on:
        raise ServiceError(
            _("The registration must run out after the day it was checked."), "expires_on"
        )
    verification = ProfessionalVerification(
        user_id=user.id,
        profession=profession,
        registration=registration,
        verified_on=verified_on,
        expires_on=expires_on,
        verified_by_id=actor.id,
    )
    db.session.add(verification)
    db.session.commit()
    return verification


def records_of(user_id: int) -> list[TrainingRecord]:
    """One person's training records, newest first."""
    return list(
        db.session.scalars(
            select(TrainingRecord)
            .where(TrainingRecord.user_id == user_id)
            .order_by(TrainingRecord.completed_on.desc(), TrainingRecord.id.desc())
        )
    )


def verifications_of(user_id: int) -> list[ProfessionalVerification]:
    return list(
        db.session.scalars(
            select(ProfessionalVerification)
            .where(ProfessionalVerification.user_id == user_id)
            .order_by(ProfessionalVerification.verified_on.desc())
        )
    )


# --- standing ----------------------------------------------------------------------------------


@dataclass
class Standing:
    """Where one person's required training stands on a day."""

    user: User
    #: "current", "lapsing" (within the warning days) or "lapsed".
    state: str
    #: Required modules with no current record.
    missing: list[str] = field(default_factory=list)
    #: Required modules (or the verification) lapsing within the warning days, with the day.
    lapsing: list[tuple[str, date]] = field(default_factory=list)
    #: The last day everything required is current (None: for good, or already lapsed).
    good_until: date | None = None
    verified: bool = False


def _latest(expiries: list[date | None]) -> date | None | bool:
    """The latest of some expiry days (None: never lapses); False when there is none."""
    if not expiries:
        return False
    return None if None in expiries else max(e for e in expiries if e is not None)


def _standing(
    user: User,
    required: list[TrainingModule],
    records: dict[int, list[date | None]],
    verifications: list[tuple[str, date | None]],
    today: date,
    horizon: date,
) -> Standing:
    missing, lapsing = [], []
    ends: list[date] = []
    for module in required:
        until = _latest(records.get(module.id, []))
        if until is False or (until is not None and until < today):
            missing.append(module.name)
        elif until is not None:
            ends.append(until)
            if until <= horizon:
                lapsing.append((module.name, until))
    modules_until: date | None | bool = False if missing else (min(ends) if ends else None)
    verified_until = _latest([e for _p, e in verifications if e is None or e >= today])
    verified = verified_until is not False
    # The verification counts where it covers longer than the modules (or they are missing).
    outlasts = verified and (
        modules_until is False
        or verified_until is None
        or (modules_until is not None and verified_until > modules_until)
    )
    if outlasts:
        good_until = verified_until
        lapsing = []
        if verified_until is not None and verified_until <= horizon:
            lapsing = [(verifications[0][0], verified_until)]
        missing = []
    else:
        good_until = modules_until if modules_until is not False else None
    if missing:
        state = STATE_LAPSED
    elif good_until is not None and good_until <= horizon:
        state = STATE_LAPSING
    else:
        state = CURRENT
    return Standing(user, state, missing, lapsing, good_until, verified)


def _load(user_ids: list[int], today: date):
    """Required modules, record expiries and current verifications of ``user_ids``: 3 queries."""
    required = list(
        db.session.scalars(
            select(TrainingModule)
            .where(TrainingModule.required.is_(True))
            .order_by(TrainingModule.name)
        )
    )
    records: dict[int, dict[int, list[date | None]]] = defaultdict(lambda: defaultdict(list))
    verifications: dict[int, list[tuple[str, date | None]]] = defaultdict(list)
    if user_ids:
        for user_id, module_id, expires_on in db.session.execute(
            select(TrainingRecord.user_id, TrainingRecord.module_id, TrainingRecord.expires_on)
            .join(TrainingModule, TrainingModule.id == TrainingRecord.module_id)
            .where(TrainingRecord.user_id.in_(user_ids), TrainingModule.required.is_(True))
        ):
            records[user_id][module_id].append(expires_on)
        for user_id, profession, expires_on in db.session.execute(
            select(
                ProfessionalVerification.user_id,
                ProfessionalVerification.profession,
                ProfessionalVerification.expires_on,
            )
            .where(ProfessionalVerification.user_id.in_(user_ids))
            .order_by(ProfessionalVerification.verified_on.desc())
        ):
            verifications[user_id].append((profession, expires_on))
    return required, records, verifications


def _horizon(today: date) -> date:
    return today + timedelta(days=facilitation_settings.load().training_warning_days)


def standing_of(user: User, today: date | None = None) -> Standing:
    """One person's standing (a fixed number of queries)."""
    today = _today(today)
    required, records, verifications = _load([user.id], today)
    return _standing(
        user, required, records[user.id], verifications[user.id], today, _horizon(today)
    )


_ORDER = {STATE_LAPSED: 0, STATE_LAPSING: 1, CURRENT: 2}


def facilitator_standings(today: date | None = None) -> list[Standing]:
    """Every facilitator's standing, lapsed first, then lapsing, then current (five queries,
    however many facilitators and records)."""
    today = _today(today)
    people = list(
        db.session.scalars(
            select(User)
            .where(
                User.id.in_(
                    select(BoardMembership.user_id).where(
                        BoardMembership.status == MembershipStatus.MEMBER,
                        BoardMembership.role.in_(FACILITATOR_ROLES),
                    )
                )
            )
            .order_by(User.username)
        )
    )
    required, records, verifications = _load([u.id for u in people], today)
    horizon = _horizon(today)
    standings = [
        _standing(u, required, records[u.id], verifications[u.id], today, horizon) for u in people
    ]
    return sorted(standings, key=lambda s: _ORDER[s.state])


def is_facilitator(user: User) -> bool:
    return (
        db.session.scalar(
            select(BoardMembership.id)
            .where(
                BoardMembership.user_id == user.id,
                BoardMembership.status == MembershipStatus.MEMBER,
                BoardMembership.role.in_(FACILITATOR_ROLES),
            )
            .limit(1)
        )
        is not None
    )


def appointment_refusal(user: User) -> str:
    """Why ``user`` can't be made facilitator yet, naming the modules that are not current."""
    missing = standing_of(user).missing
    return _(
        "%(name)s can't be made a facilitator yet: their required training is not current "
        "(%(modules)s). An admin can record it on the training page.",
        name=user.name,
        modules=", ".join(missing) if missing else _("no current record"),
    )


# --- reminders ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueNotice:
    user_id: int
    record_key: str
    kind: str
    what: str
    on: date


def _due(today: date) -> list[DueNotice]:
    """The notices each facilitator should have by ``today``: for each required module, its
    latest record, and for a professional their latest verification, once it lapses within
    the warning days ("lapsing") and once it has lapsed ("lapsed"). What the other kind of
    record covers for longer is left alone; notices already sent are left out."""
    horizon = _horizon(today)
    facilitators = select(BoardMembership.user_id).where(
        BoardMembership.status == MembershipStatus.MEMBER,
        BoardMembership.role.in_(FACILITATOR_ROLES),
    )
    user_ids = list(
        db.session.scalars(
            select(User.id).where(User.id.in_(facilitators), User.site_role != SiteRole.ADMIN)
        )
    )
    if not user_ids:
        return []
    required = {
        m.id: m.name
        for m in db.session.scalars(select(TrainingModule).where(TrainingModule.required.is_(True)))
    }
    latest: dict[tuple[int, int], TrainingRecord] = {}
    for record in db.session.scalars(
        select(TrainingRecord).where(
            TrainingRecord.user_id.in_(user_ids), TrainingRecord.module_id.in_(list(required))
        )
    ):
        key = (record.user_id, record.module_id)
        held = latest.get(key)
        if held is None or (
            held.expires_on is not None
            and (record.expires_on is None or record.expires_on > held.expires_on)
        ):
            latest[key] = record
    verification: dict[int, ProfessionalVerification] = {}
    for row in db.session.scalars(
        select(ProfessionalVerification).where(ProfessionalVerification.user_id.in_(user_ids))
    ):
        held = verification.get(row.user_id)
        if held is None or (
            held.expires_on is not None
            and (row.expires_on is None or row.expires_on > held.expires_on)
        ):
            verification[row.user_id] = row
    sent = {
        (key, kind)
        for key, kind in db.session.execute(
            select(TrainingNotice.record_key, TrainingNotice.kind).where(
                TrainingNotice.user_id.in_(user_ids)
            )
        )
    }

    def beyond(expires_on: date | None) -> bool:
        return expires_on is None or expires_on > horizon

    due: list[DueNotice] = []
    for user_id in user_ids:
        held = verification.get(user_id)
        modules_cover = bool(required) and all(
            (user_id, module_id) in latest and beyond(latest[(user_id, module_id)].expires_on)
            for module_id in required
        )
        found: list[tuple[str, str, date]] = []
        if not (held is not None and beyond(held.expires_on)):
            for (owner, module_id), record in latest.items():
                if owner == user_id and record.expires_on is not None:
                    found.append((f"training:{record.id}", required[module_id], record.expires_on))
        if held is not None and held.expires_on is not None and not modules_cover:
            found.append((f"verification:{held.id}", held.profession, held.expires_on))
        for key, what, on in found:
            if on < today:
                kind = LAPSED
            elif on <= horizon:
                kind = LAPSING
            else:
                continue
            if (key, kind) not in sent:
                due.append(DueNotice(user_id, key, kind, what, on))
    return due


def send_reminders(now: datetime | None = None) -> int:
    """Tell each facilitator of what lapses soon and what has lapsed, once each: every notice
    is its own transaction holding its unique ``TrainingNotice`` key, so two schedulers (or a
    run repeated) send it once. Returns how many were sent."""
    from forum.services.notify import notify

    now = now or utcnow()
    items = _due(now.date())
    db.session.commit()
    sent = 0
    for item in items:
        try:
            db.session.add(
                TrainingNotice(
                    record_key=item.record_key, kind=item.kind, user_id=item.user_id, sent_at=now
                )
            )
            db.session.flush()
            note = notify(
                item.user_id, item.kind, params={"what": item.what, "on": item.on.isoformat()}
            )
            note.created_at = now
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            continue
        sent += 1
    return sent
