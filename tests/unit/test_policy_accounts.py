"""Account rules: the object check and the query filter agree, and the sign-in throttle keys."""

from __future__ import annotations

from sqlalchemy import select

from forum.extensions import db
from forum.models import User
from forum.models.types import utcnow
from forum.policy.accounts import (
    KnownDevice,
    mail_receivers,
    may_receive_mail,
    sign_in_throttle_key,
)


def test_who_may_be_e_mailed_is_the_same_as_an_object_check_and_as_a_filter(make_user):
    confirmed = make_user("confirmed")
    unconfirmed = make_user("unconfirmed")
    unconfirmed.email_confirmed_at = None
    reconfirmed = make_user("reconfirmed")
    reconfirmed.email_confirmed_at = utcnow()
    db.session.commit()

    by_filter = set(db.session.scalars(select(User.id).where(mail_receivers())))
    by_check = {user.id for user in db.session.scalars(select(User)) if may_receive_mail(user)}

    assert by_filter == by_check == {confirmed.id, reconfirmed.id}


def test_strangers_count_against_the_identifier_typed_known_or_not():
    assert sign_in_throttle_key(" JEN ", 7, None) == sign_in_throttle_key("jen", None, None)
    assert sign_in_throttle_key("jen", 7, None) == "name:jen"
    assert sign_in_throttle_key("jen@example.org", 7, None) != "name:jen"


def test_only_the_members_own_device_counts_apart():
    own = KnownDevice(user_id=7, device_id="abc")
    someone_elses = KnownDevice(user_id=8, device_id="def")

    assert sign_in_throttle_key("jen", 7, own) == "device:7:abc"
    assert sign_in_throttle_key("jen", 7, someone_elses) == "name:jen"
    assert sign_in_throttle_key("ghost", None, own) == "name:ghost"
