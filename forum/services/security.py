"""Security records and rules: security events, signing out everywhere, site security settings
(the password rules are in :mod:`forum.services.passwords`).

``record`` is the one service that reads the request: an event is only useful with the client
address and browser it came from, and every caller would otherwise have to pass them along.
Outside a request (the command line) both stay empty.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, has_request_context, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.i18n import speaking_to
from forum.models import User
from forum.models.security import SecurityEvent, SiteSetting
from forum.models.types import utcnow
from forum.policy.accounts import may_receive_mail
from forum.queries import Page, clamp_page, find_by_login
from forum.services import outbox

USER_AGENT_MAX = 200
REQUIRE_STAFF_2FA = "require_two_factor_for_staff"
EVENTS_PER_PAGE = 50

#: What each kind of event is called on the pages that list them.
EVENT_LABELS = {
    "sign_in": _l("Signed in"),
    "sign_in_failed": _l("Failed sign-in"),
    "sign_out": _l("Signed out"),
    "password_changed": _l("Password changed"),
    "password_reset": _l("Password reset by e-mail link"),
    "two_factor_enabled": _l("Two-step sign-in turned on"),
    "two_factor_disabled": _l("Two-step sign-in turned off"),
    "recovery_codes_regenerated": _l("New recovery codes made"),
    "recovery_code_used": _l("Signed in with a recovery code"),
    "signed_out_everywhere": _l("Signed out everywhere"),
    "author_revealed": _l("Anonymous author revealed"),
    "staff_two_factor_setting": _l("Two-step sign-in requirement for staff changed"),
    "sign_in_paused": _l("Signing in paused after many wrong passwords"),
}
#: Kinds a member sees without the client address: a failed sign-in on their account may come
#: from someone else who mistyped their own name (admins see the address).
ADDRESS_HIDDEN_KINDS = frozenset({"sign_in_failed", "sign_in_paused"})
#: How long signing in with one name or address pauses after ten wrong passwords.
SIGN_IN_PAUSE = timedelta(minutes=15)


# --- events -------------------------------------------------------------------------------------


def record(
    kind: str,
    user: User | None,
    actor: User | None = None,
    detail: str | None = None,
    *,
    commit: bool = True,
) -> SecurityEvent:
    """Note a security event about ``user`` (None: a sign-in failed for a name that is no account).

    With ``commit=False`` the event joins the caller's transaction.
    """
    event = SecurityEvent(
        user_id=user.id if user is not None else None,
        actor_id=actor.id if actor is not None else None,
        kind=kind,
        detail=detail,
    )
    if has_request_context():
        event.ip_address = (request.remote_addr or "")[:45] or None
        event.user_agent = (request.user_agent.string or "")[:USER_AGENT_MAX] or None
    db.session.add(event)
    if commit:
        db.session.commit()
    return event


def signed_in_before(user: User) -> bool:
    """Whether ``user`` had signed in before the sign-in just recorded (confirming the e-mail
    address signs a newcomer in, and counts)."""
    earlier = db.session.scalars(
        select(SecurityEvent.id)
        .where(SecurityEvent.user_id == user.id, SecurityEvent.kind == "sign_in")
        .limit(2)
    ).all()
    return len(earlier) > 1


def own_events(user: User, limit: int = 20) -> list[SecurityEvent]:
    """A member's own recent sign-ins and security changes, newest first."""
    return list(
        db.session.scalars(
            select(SecurityEvent)
            .where(SecurityEvent.user_id == user.id)
            .order_by(SecurityEvent.created_at.desc(), SecurityEvent.id.desc())
            .limit(limit)
        )
    )


def all_events(
    page: int = 1, username: str | None = None
) -> Page[tuple[SecurityEvent, User | None, User | None]]:
    """Every security event for admins, newest first, optionally of one member."""
    subject = aliased(User)
    actor = aliased(User)
    where = []
    if username:
        where.append(func.lower(subject.username) == username.strip().lower())
    total = db.session.scalar(
        select(func.count(SecurityEvent.id))
        .outerjoin(subject, subject.id == SecurityEvent.user_id)
        .where(*where)
    )
    page = clamp_page(page, total or 0, EVENTS_PER_PAGE)
    rows = db.session.execute(
        select(SecurityEvent, subject, actor)
        .outerjoin(subject, subject.id == SecurityEvent.user_id)
        .outerjoin(actor, actor.id == SecurityEvent.actor_id)
        .where(*where)
        .order_by(SecurityEvent.created_at.desc(), SecurityEvent.id.desc())
        .limit(EVENTS_PER_PAGE)
        .offset((page - 1) * EVENTS_PER_PAGE)
    ).all()
    return Page([tuple(row) for row in rows], page, EVENTS_PER_PAGE, total or 0)


# --- sessions -----------------------------------------------------------------------------------


def sign_out_everywhere(user: User) -> None:
    """End every session of ``user`` (their session version goes stale)."""
    user.session_version = user.session_version + 1
    record("signed_out_everywhere", user, commit=False)
    db.session.commit()


# --- site settings ------------------------------------------------------------------------------


def setting(key: str, default: str = "") -> str:
    row = db.session.get(SiteSetting, key)
    return row.value if row is not None else default


def staff_must_use_two_factor() -> bool:
    return setting(REQUIRE_STAFF_2FA, "0") == "1"


def set_staff_must_use_two_factor(admin: User, required: bool) -> None:
    row = db.session.get(SiteSetting, REQUIRE_STAFF_2FA)
    value = "1" if required else "0"
    if row is None:
        db.session.add(SiteSetting(key=REQUIRE_STAFF_2FA, value=value))
    else:
        row.value = value
    record(
        "staff_two_factor_setting",
        admin,
        actor=admin,
        detail="required" if required else "not required",
        commit=False,
    )
    db.session.commit()


def record_failed_sign_in(login: str, detail: str) -> None:
    """A failed sign-in, tied to the account it named when there is one (admins alone see it)."""
    record("sign_in_failed", find_by_login(login or ""), detail=detail)


def sign_in_paused(user: User) -> None:
    """Wrong passwords for ``user``'s name or address paused signing in with it: note it, and
    tell the member by e-mail, once a pause (the mail goes after the response, so the pause
    page is the same as for a name that is no account)."""
    already = db.session.scalar(
        select(SecurityEvent.id).where(
            SecurityEvent.user_id == user.id,
            SecurityEvent.kind == "sign_in_paused",
            SecurityEvent.created_at > utcnow() - SIGN_IN_PAUSE,
        )
    )
    if already is not None:
        return
    record("sign_in_paused", user, commit=False)
    if may_receive_mail(user):
        site = current_app.config["SITE_NAME"]
        with speaking_to(user.locale):
            subject = _("Wrong passwords were tried on your %(site)s account", site=site)
            hello = _("Hello %(name)s,", name=user.name)
            what = _(
                "Someone tried to sign in to your account '%(username)s' with wrong passwords "
                "many times, so signing in with that name or address is paused for a while. "
                "On a device where you have signed in before, you can still sign in as usual.",
                username=user.username,
            )
            advice = _(
                "If this was not you, your password kept them out. To be safer, choose a long "
                "password and turn on two-step sign-in: %(url)s",
                url=url_for("account.security", _external=True),
            )
        outbox.queue_direct(user, user.email, subject, f"{hello}\n\n{what}\n\n{advice}\n")
    db.session.commit()
