"""Rules about accounts themselves: whose failed sign-ins count against whom, and who may be
sent e-mail.

Pure rules, like the rest of :mod:`forum.policy`: the web layer passes in what it read from the
request (the typed name, the device's signed note).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_

from forum.models import User

#: Longest identifier a throttle key keeps (an e-mail address is at most 254 characters).
IDENTIFIER_MAX = 254


@dataclass(frozen=True)
class KnownDevice:
    """A browser where ``user_id`` signed in before (from its signed cookie)."""

    user_id: int
    device_id: str


def normalised_identifier(typed: str) -> str:
    """The name or address typed to sign in, as the accounts lookup reads it."""
    return typed.strip().lower()[:IDENTIFIER_MAX]


def sign_in_throttle_key(typed: str, account_id: int | None, device: KnownDevice | None) -> str:
    """Which count a failed sign-in adds to.

    Strangers' failures count against the identifier typed, whether or not it names an account
    (so the pause answers alike for both, and a username's count is not an address's); a
    member's own known device counts on its own, so strangers cannot keep them out of their
    account, while guessing from it stays bounded too. ``account_id`` is the account the
    identifier names (None for none).
    """
    if device is not None and account_id is not None and device.user_id == account_id:
        return f"device:{account_id}:{device.device_id}"
    return f"name:{normalised_identifier(typed)}"


# --- memorial accounts: nobody signs in to them, nothing is sent to them -----------------------


def is_memorial(user: User | None) -> bool:
    """An admin confirmed that the member has died (see :mod:`forum.policy.fit`)."""
    return user is not None and user.memorialised_at is not None


def not_memorial() -> ColumnElement[bool]:
    """WHERE clause on :class:`User`: the living accounts (every list that offers people)."""
    return User.memorialised_at.is_(None)


def may_sign_in(user: User) -> bool:
    """A memorial account cannot sign in, and a session it had ends."""
    return not is_memorial(user)


# --- e-mail goes only to confirmed addresses ---------------------------------------------------


def may_receive_mail(user: User) -> bool:
    """Whether the forum may e-mail ``user``'s address: only once its owner has confirmed it
    (else whoever typed someone else's address would have the forum write to them). The one
    exception, the confirmation link itself, is sent by ``services.accounts``."""
    return user.email_confirmed_at is not None and not is_memorial(user)


def may_be_notified(user: User) -> bool:
    """A memorial account is sent no notification (nor the mail one would bring)."""
    return not is_memorial(user)


def mail_receivers() -> ColumnElement[bool]:
    """:func:`may_receive_mail` as a filter on ``User``."""
    return and_(User.email_confirmed_at.is_not(None), not_memorial())
