"""A member's profile: who they are, the journey details they choose to show, and "Find peers".

Each journey detail (role, cancer types, treatment stage, languages, country) has its own
``show_*`` switch: True shows it to signed-in members, False to nobody but the member. Finding
peers filters only on details a member shows, so a search can never reveal a hidden one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func, or_, select

from forum import vocabulary
from forum.countries import COUNTRIES
from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.models import Block, Sanction, SanctionKind, User
from forum.models.types import utcnow
from forum.models.users import DISPLAY_NAME_MAX
from forum.policy import Viewer
from forum.policy.accounts import not_memorial
from forum.policy.profiles import detail_shown_to, details_shown
from forum.queries import Page, clamp_page
from forum.services import ServiceError, acting_user, avatars, clean_text, names
from forum.vocabulary import CANCER_TYPES, JOURNEY_ROLES, LANGUAGES, TREATMENT_STAGES

ABOUT_MAX = 1000


@dataclass(frozen=True)
class Detail:
    """One journey detail as a viewer sees it; ``only_you``: hidden from everyone else."""

    label: str
    values: list[str]
    only_you: bool = False


def _choice(
    code: str | None, allowed: Mapping[str, object], field: str, message: str
) -> str | None:
    code = (code or "").strip()
    if not code:
        return None
    if code not in allowed:
        raise ServiceError(message, field)
    return code


def _choices(
    codes: Iterable[str] | None, allowed: Mapping[str, object], field: str, message: str
) -> str | None:
    codes = [code for code in (codes or ()) if code]
    if any(code not in allowed for code in codes):
        raise ServiceError(message, field)
    return vocabulary.pack(codes, allowed)


def update_profile(
    user: User,
    display_name: str | None,
    about: str | None,
    journey_role: str | None,
    cancer_types: Iterable[str] | None,
    treatment_stage: str | None,
    languages: Iterable[str] | None,
    country: str | None,
    *,
    show_journey_role: bool = False,
    show_cancer_types: bool = False,
    show_treatment_stage: bool = False,
    show_languages: bool = False,
    show_country: bool = False,
    findable: bool = False,
    avatar: bytes | None = None,
) -> None:
    """Save a member's profile; ``avatar`` is a picture from :func:`avatars.prepare` that
    replaces the current one (None keeps it). Nothing is saved if anything is refused."""
    name = " ".join((display_name or "").split())
    if len(name) > DISPLAY_NAME_MAX:
        raise ServiceError(
            _("Display names can be at most %(limit)s characters.", limit=DISPLAY_NAME_MAX),
            "display_name",
        )
    about_text = clean_text(
        about,
        limit=ABOUT_MAX,
        field="about",
        too_long=_l("What you write about yourself can be at most %(limit)s characters."),
    )
    role = _choice(
        journey_role, JOURNEY_ROLES, "journey_role", _("Please choose one of the roles offered.")
    )
    types = _choices(
        cancer_types, CANCER_TYPES, "cancer_types", _("Please choose cancer types from the list.")
    )
    stage = _choice(
        treatment_stage,
        TREATMENT_STAGES,
        "treatment_stage",
        _("Please choose one of the treatment stages offered."),
    )
    spoken = _choices(
        languages, LANGUAGES, "languages", _("Please choose languages from the list.")
    )
    place = _choice(country, COUNTRIES, "country", _("Please choose a country from the list."))

    names.record_rename(user, name or None)
    user.display_name = name or None
    user.about = about_text or None
    user.journey_role = role
    user.cancer_types = types
    user.treatment_stage = stage
    user.languages = spoken
    user.country = place
    user.show_journey_role = bool(show_journey_role)
    user.show_cancer_types = bool(show_cancer_types)
    user.show_treatment_stage = bool(show_treatment_stage)
    user.show_languages = bool(show_languages)
    user.show_country = bool(show_country)
    user.findable = bool(findable)
    new_key = avatars.write(avatar) if avatar is not None else user.avatar_key
    avatars.commit_new_key(user, new_key)


def journey_details(member: User, looking: Viewer) -> list[Detail]:
    """The journey details of ``member`` that ``looking`` (perhaps a guest) may see.

    Signed-in members see the details ``member`` shows; guests see none; the member sees all of
    their own, with those hidden from everyone else marked.
    """
    if looking.is_guest:
        return []
    own = looking.id == member.id
    rows = [
        (_("I am"), "journey_role", _label(member.journey_role, JOURNEY_ROLES)),
        (
            _("Cancer types"),
            "cancer_types",
            vocabulary.labels(member.cancer_types, CANCER_TYPES),
        ),
        (
            _("Treatment stage"),
            "treatment_stage",
            _label(member.treatment_stage, TREATMENT_STAGES),
        ),
        (_("Languages"), "languages", vocabulary.labels(member.languages, LANGUAGES)),
        (_("Country"), "country", _label(member.country, COUNTRIES)),
    ]
    return [
        Detail(label, values, only_you=own and not getattr(member, f"show_{detail}"))
        for label, detail, values in rows
        if values and detail_shown_to(looking, member, detail)
    ]


def _label(code: str | None, allowed: Mapping[str, object]) -> list[str]:
    return [str(allowed[code])] if code in allowed else []


# --- find peers -----------------------------------------------------------------------------


def _suspended_ids():
    now = utcnow()
    return select(Sanction.user_id).where(
        Sanction.kind == SanctionKind.SUSPENSION,
        Sanction.lifted_at.is_(None),
        or_(Sanction.expires_at.is_(None), Sanction.expires_at > now),
    )


def find_peers(
    looking: Viewer,
    role: str | None = None,
    cancer_type: str | None = None,
    stage: str | None = None,
    language: str | None = None,
    country: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page[User]:
    """Members who opted in to be found, matching every filter given on details they show.

    Leaves out the viewer, anyone either of them blocked and suspended accounts. Raises
    :class:`ServiceError` for a code that is not in the lists.
    """
    viewer = acting_user(looking)
    rules: list[ColumnElement[bool]] = [
        User.findable.is_(True),
        not_memorial(),
        User.id != viewer.id,
        User.id.not_in(select(Block.blocked_id).where(Block.blocker_id == viewer.id)),
        User.id.not_in(select(Block.blocker_id).where(Block.blocked_id == viewer.id)),
        User.id.not_in(_suspended_ids()),
    ]
    if code := _choice(role, JOURNEY_ROLES, "role", _("Please choose a role from the list.")):
        rules += [details_shown(looking, "journey_role"), User.journey_role == code]
    if code := _choice(cancer_type, CANCER_TYPES, "cancer_type", _("Please choose a cancer type.")):
        rules += [
            details_shown(looking, "cancer_types"),
            User.cancer_types.like(vocabulary.contains(code)),
        ]
    if code := _choice(stage, TREATMENT_STAGES, "stage", _("Please choose a treatment stage.")):
        rules += [details_shown(looking, "treatment_stage"), User.treatment_stage == code]
    if code := _choice(language, LANGUAGES, "language", _("Please choose a language.")):
        rules += [
            details_shown(looking, "languages"),
            User.languages.like(vocabulary.contains(code)),
        ]
    if code := _choice(country, COUNTRIES, "country", _("Please choose a country from the list.")):
        rules += [details_shown(looking, "country"), User.country == code]

    total = db.session.scalar(select(func.count()).select_from(User).where(*rules)) or 0
    number = clamp_page(page, total, per_page)
    name = func.lower(func.coalesce(User.display_name, User.username))
    members = db.session.scalars(
        select(User)
        .where(*rules)
        .order_by(name, User.id)
        .offset((number - 1) * per_page)
        .limit(per_page)
    )
    return Page(list(members), number, per_page, total)
