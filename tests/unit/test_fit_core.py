"""The core of matching and memorial accounts, as services: a request walks to a match and an
end, and a memorialised member can no longer sign in or be reached."""

from __future__ import annotations

import pytest

from forum.extensions import db
from forum.models import MatchState, PeerMatchEvent, WelcomeAnswers
from forum.policy import Viewer, fit
from forum.services import ServiceError, accounts, matching, memorial, messaging
from tests.conftest import PASSWORD


def test_a_request_becomes_a_match_with_a_conversation_and_ends(make_user, admin) -> None:
    member, mentor = make_user("rosa"), make_user("mentor_mo")
    db.session.add(WelcomeAnswers(user_id=member.id, cancer_types=",breast,", languages=",en,"))
    db.session.commit()
    matching.make_mentor(admin, mentor)
    match = matching.request_mentor(Viewer(member), ["cancer_types"], "Someone who had surgery")
    assert fit.shared_questions(Viewer(mentor), match) == []
    matching.propose(Viewer(admin), match, mentor)
    assert fit.shared_questions(Viewer(mentor), match) == ["cancer_types"]
    assert not fit.mentor_named_to_member(match)
    matching.accept(
        Viewer(mentor), match, "Hello from your peer mentor", "Hi Rosa, glad to meet you."
    )
    assert match.state == MatchState.ACTIVE and match.conversation_id
    assert fit.mentor_named_to_member(match)
    matching.end(Viewer(member), match, "Thank you, I am fine now")
    assert match.state == MatchState.ENDED
    assert fit.shared_questions(Viewer(mentor), match) == []
    kinds = [
        e.kind for e in db.session.scalars(db.select(PeerMatchEvent).order_by(PeerMatchEvent.id))
    ]
    assert kinds == ["requested", "proposed", "accepted", "ended"]


def test_a_memorial_account_cannot_sign_in_nor_be_written_to(make_user, admin) -> None:
    friend, gone = make_user("friend"), make_user("gone")
    request = memorial.ask(Viewer(friend), gone, "Her sister", "")
    memorial.confirm(Viewer(admin), request)
    assert accounts.authenticate("gone", PASSWORD) is None
    with pytest.raises(ServiceError):
        messaging.start(Viewer(friend), [gone], "Hello", "Thinking of you")
    memorial.undo(Viewer(admin), gone, "Made in error")
    assert accounts.authenticate("gone", PASSWORD) is not None
