"""Peer mentoring through the pages (issue 19): a member asks for a mentor, a coordinator
proposes one, the mentor declines or accepts, either side ends; at each step the member, the
mentor, another mentor, another member and a guest see only what is theirs to see."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import MatchState, Notification, PeerMatch, PeerMentor, WelcomeAnswers
from forum.policy import Viewer
from forum.policy import fit as fit_policy
from forum.services import matching, notification_mail, notification_text, notify
from tests.helpers import signed_in, text

NOTE = "I am scared of the first chemo week"
END_NOTE = "They stopped writing back after two weeks"


@pytest.fixture
def people(app, make_user, admin):
    """Mara asks; Bea and Carl are mentors; Olga another member; the admin coordinates."""
    mara = make_user("mara", display_name="Mara")
    bea = make_user("bea", display_name="Bea")
    carl = make_user("carl", display_name="Carl")
    olga = make_user("olga", display_name="Olga")
    db.session.add(
        WelcomeAnswers(
            user_id=mara.id, here_as="patient", stage="treatment", languages=",en,", country="IE"
        )
    )
    db.session.commit()
    matching.make_mentor(admin, bea)
    matching.make_mentor(admin, carl)
    return {"mara": mara, "bea": bea, "carl": carl, "olga": olga, "admin": admin}


def views(app, people, match):
    """Each viewer's /peer-mentor, /mentoring and conversation page."""
    db.session.expire_all()
    match = db.session.get(PeerMatch, match.id)
    seen = {}
    for name in ("mara", "bea", "carl", "olga", None):
        client = signed_in(app, people[name] if name else None)
        pages = {"peer": client.get("/peer-mentor"), "mentoring": client.get("/mentoring")}
        if match.conversation_id:
            pages["conversation"] = client.get(f"/messages/{match.conversation_id}")
        seen[name] = pages
    return match, seen


def assert_outsiders(seen) -> None:
    """Carl (another mentor), Olga (another member) and a guest see nothing of Mara's match."""
    for name in ("carl", "olga"):
        assert "Ireland" not in text(seen[name]["peer"])
        assert NOTE not in text(seen[name]["peer"])
        assert "Mara" not in text(seen[name]["mentoring"])
        assert NOTE not in text(seen[name]["mentoring"])
        if "conversation" in seen[name]:
            assert seen[name]["conversation"].status_code == 404
    assert seen["olga"]["mentoring"].status_code == 404
    assert seen[None]["peer"].status_code == 302
    assert seen[None]["mentoring"].status_code == 302
    if "conversation" in seen[None]:
        assert seen[None]["conversation"].status_code == 302


def test_the_walk_through_every_state(app, people):
    mara, bea, carl, admin = people["mara"], people["bea"], people["carl"], people["admin"]
    as_mara = signed_in(app, mara)

    page = as_mara.get("/peer-mentor")
    assert page.status_code == 200
    assert "Share my answer about country: Ireland" in text(page)
    response = as_mara.post(
        "/peer-mentor", data={"share": ["stage", "languages"], "note": NOTE, "ask": "1"}
    )
    assert response.status_code == 302
    match = matching.open_match_of(mara)

    # requested: Mara sees her request; no mentor sees it
    match, seen = views(app, people, match)
    assert match.state == MatchState.REQUESTED
    assert "waiting for a coordinator" in text(seen["mara"]["peer"])
    assert "In treatment" in text(seen["mara"]["peer"])
    for name in ("bea", "carl"):
        assert "Mara" not in text(seen[name]["mentoring"])
    assert_outsiders(seen)
    # the coordinator is shown the shared answers only, never the unshared country
    assert fit_policy.shared_questions(Viewer(admin), match) == ["stage", "languages"]

    # proposed to Bea: she sees what was shared and the note, not the country;
    # Mara is not told her name
    matching.propose(Viewer(admin), match, bea)
    match, seen = views(app, people, match)
    bea_page = text(seen["bea"]["mentoring"])
    assert "Mara would like a peer mentor" in bea_page
    assert "In treatment" in bea_page and "English" in bea_page and NOTE in bea_page
    assert "Ireland" not in bea_page and "Living with cancer" not in bea_page
    assert "A mentor has been asked" in text(seen["mara"]["peer"])
    assert "Bea" not in text(seen["mara"]["peer"])
    assert_outsiders(seen)

    # Bea declines: back to requested, she no longer sees it
    assert (
        signed_in(app, bea)
        .post(f"/mentoring/{match.id}/decline", data={"decline": "1"})
        .status_code
        == 302
    )
    match, seen = views(app, people, match)
    assert match.state == MatchState.REQUESTED
    assert "Mara" not in text(seen["bea"]["mentoring"])
    assert "waiting for a coordinator" in text(seen["mara"]["peer"])
    assert signed_in(app, bea).post(f"/mentoring/{match.id}/accept", data={}).status_code == 404

    # proposed to Carl, who accepts: a conversation opens between the two
    matching.propose(Viewer(admin), match, carl)
    as_carl = signed_in(app, carl)
    response = as_carl.post(
        f"/mentoring/{match.id}/accept",
        data={
            f"accept-{match.id}-subject": "Hello Mara",
            f"accept-{match.id}-body": "Hi, I am Carl.",
        },
    )
    assert response.status_code == 302
    match, seen = views(app, people, match)
    assert match.state == MatchState.ACTIVE
    mara_page = text(seen["mara"]["peer"])
    assert "You are matched with Carl" in mara_page and "Open your conversation" in mara_page
    assert seen["mara"]["conversation"].status_code == 200
    assert seen["carl"]["conversation"].status_code == 200
    assert "Hi, I am Carl." in text(seen["carl"]["conversation"])
    assert seen["bea"]["conversation"].status_code == 404
    assert seen["olga"]["conversation"].status_code == 404
    carl_page = text(seen["carl"]["mentoring"])
    assert "Mara" in carl_page and "Open your conversation with Mara" in carl_page
    assert "Ireland" not in carl_page and "Living with cancer" not in carl_page
    # the coordinator knows the match exists, never reads its words
    as_admin = signed_in(app, admin)
    assert as_admin.get(f"/messages/{match.conversation_id}").status_code == 404
    assert "Mara" not in text(seen["bea"]["mentoring"])
    assert_outsiders({k: v for k, v in seen.items() if k != "carl"} | {"carl": seen["bea"]})

    # Mara ends it with a note for the coordinator: Carl never reads it
    response = as_mara.post("/peer-mentor/end", data={"note": END_NOTE, "end": "1"})
    assert response.status_code == 302
    match, seen = views(app, people, match)
    assert match.state == MatchState.ENDED and match.end_note == END_NOTE
    for name in ("mara", "bea", "carl", "olga"):
        for page in seen[name].values():
            if name != "mara":
                assert END_NOTE not in text(page)
    assert "Your last match has ended" in text(seen["mara"]["peer"])
    assert not fit_policy.may_read_end_note(Viewer(carl), match)
    assert fit_policy.may_read_end_note(Viewer(admin), match)
    notes = db.session.scalars(
        select(Notification).where(
            Notification.user_id == carl.id, Notification.kind == "match_ended"
        )
    ).all()
    assert [notification_text.render(n) for n in notes] == ["Mara ended your peer mentoring match."]


def test_a_withdrawn_request_ends_and_the_proposed_mentor_stops_seeing_it(app, people):
    mara, bea = people["mara"], people["bea"]
    as_mara = signed_in(app, mara)
    as_mara.post("/peer-mentor", data={"share": ["stage"], "note": NOTE, "ask": "1"})
    match = matching.open_match_of(mara)
    matching.propose(Viewer(people["admin"]), match, bea)
    assert as_mara.post("/peer-mentor/withdraw", data={"withdraw": "1"}).status_code == 302
    match, seen = views(app, people, match)
    assert match.state == MatchState.ENDED
    assert "Your last request was withdrawn" in text(seen["mara"]["peer"])
    assert "Mara" not in text(seen["bea"]["mentoring"])
    assert NOTE not in text(seen["bea"]["mentoring"])
    [note] = db.session.scalars(
        select(Notification).where(
            Notification.user_id == bea.id, Notification.kind == "match_ended"
        )
    ).all()
    assert notification_text.render(note) == "A member withdrew their request for a peer mentor."
    # and she may ask again
    assert "Ask for a peer mentor" in text(seen["mara"]["peer"])


def test_a_paused_or_full_mentor_cannot_be_proposed_and_the_page_says_so(app, people):
    mara, bea, admin = people["mara"], people["bea"], people["admin"]
    as_bea = signed_in(app, bea)
    response = as_bea.post("/mentoring/pause", data={"pause": "1"}, follow_redirects=True)
    assert "Paused: no new matches will be proposed to you." in text(response)
    assert 'value="Resume"' in response.get_data(as_text=True)
    match = matching.request_mentor(Viewer(mara), [], "")
    with pytest.raises(matching.ServiceError, match="paused"):
        matching.propose(Viewer(admin), match, bea)
    response = as_bea.post("/mentoring/pause", data={"resume": "1"}, follow_redirects=True)
    assert "Resumed" in text(response)
    db.session.get(PeerMentor, bea.id).max_active = 1
    db.session.commit()
    matching.propose(Viewer(admin), match, bea)
    page = as_bea.get("/mentoring")
    assert "You take up to 1 match at a time." in text(page)
    olga_match = matching.request_mentor(Viewer(people["olga"]), [], "")
    with pytest.raises(matching.ServiceError, match="limit"):
        matching.propose(Viewer(admin), olga_match, bea)


def test_a_refused_accept_is_shown_and_nothing_changes(app, people):
    mara, bea = people["mara"], people["bea"]
    match = matching.request_mentor(Viewer(mara), [], "")
    matching.propose(Viewer(people["admin"]), match, bea)
    matching.withdraw(Viewer(mara), match)
    response = signed_in(app, bea).post(
        f"/mentoring/{match.id}/accept",
        data={f"accept-{match.id}-subject": "Hi", f"accept-{match.id}-body": "Hello"},
        follow_redirects=True,
    )
    assert "This proposal is no longer waiting for your answer." in text(response)
    db.session.expire_all()
    assert db.session.get(PeerMatch, match.id).state == MatchState.ENDED


def test_bad_input_keeps_what_was_typed(app, people):
    mara, bea = people["mara"], people["bea"]
    as_mara = signed_in(app, mara)
    long_note = "My words " + "x" * 2100
    response = as_mara.post(
        "/peer-mentor", data={"share": ["stage"], "note": long_note, "ask": "1"}
    )
    assert response.status_code == 422
    assert "Notes can be at most" in text(response)
    assert long_note in response.get_data(as_text=True)
    assert matching.open_match_of(mara) is None

    response = as_mara.post("/peer-mentor", data={"share": ["nonsense"], "note": NOTE, "ask": "1"})
    assert response.status_code == 422
    assert NOTE in text(response)

    match = matching.request_mentor(Viewer(mara), ["stage"], NOTE)
    matching.propose(Viewer(people["admin"]), match, bea)
    response = signed_in(app, bea).post(
        f"/mentoring/{match.id}/accept",
        data={
            f"accept-{match.id}-subject": "",
            f"accept-{match.id}-body": "My careful first words",
        },
    )
    assert response.status_code == 422
    assert "Please give your message a subject." in text(response)
    assert "My careful first words" in text(response)
    db.session.expire_all()
    assert db.session.get(PeerMatch, match.id).state == MatchState.PROPOSED


def test_asking_twice_is_refused_and_the_first_request_stays(app, people):
    as_mara = signed_in(app, people["mara"])
    as_mara.post("/peer-mentor", data={"share": ["stage"], "note": NOTE, "ask": "1"})
    response = as_mara.post(
        "/peer-mentor", data={"share": [], "note": "again", "ask": "1"}, follow_redirects=True
    )
    assert "You have already asked for a peer mentor." in text(response)
    match = matching.open_match_of(people["mara"])
    assert match.member_note == NOTE


def test_the_member_changes_what_they_share_and_the_mentor_sees_the_change(app, people):
    mara, bea = people["mara"], people["bea"]
    match = matching.request_mentor(Viewer(mara), ["stage", "country"], NOTE)
    matching.propose(Viewer(people["admin"]), match, bea)
    assert "Ireland" in text(signed_in(app, bea).get("/mentoring"))
    response = signed_in(app, mara).post(
        "/peer-mentor/share", data={"share": ["stage"], "note": NOTE, "ask": "1"}
    )
    assert response.status_code == 302
    page = text(signed_in(app, bea).get("/mentoring"))
    assert "Ireland" not in page and "In treatment" in page


def test_a_member_without_welcome_answers_is_sent_to_the_welcome(app, people):
    page = signed_in(app, people["olga"]).get("/peer-mentor")
    assert page.status_code == 200
    assert 'href="/welcome"' in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("kind", "reader", "actor", "expected", "url"),
    [
        (
            "mentor_requested",
            "admin",
            "mara",
            "A member asked for a peer mentor.",
            "/coordinator/requests/",
        ),
        (
            "mentor_proposed",
            "bea",
            "admin",
            "A coordinator asked you to mentor a member.",
            "/mentoring",
        ),
        (
            "mentor_declined",
            "admin",
            "bea",
            "Bea declined to mentor a member: the request is waiting for another mentor.",
            "/coordinator/requests/",
        ),
        (
            "mentor_accepted",
            "mara",
            "bea",
            "Bea accepted: your peer mentor is waiting for you.",
            "/peer-mentor",
        ),
        (
            "mentor_accepted",
            "admin",
            "bea",
            "Bea accepted to mentor a member.",
            "/coordinator/requests/",
        ),
        ("match_ended", "bea", "mara", "Mara ended your peer mentoring match.", "/mentoring"),
        (
            "match_ended",
            "admin",
            "mara",
            "Mara ended a peer mentoring match.",
            "/coordinator/requests/",
        ),
        (
            "match_check_in_due",
            "admin",
            None,
            "A peer mentoring match is due for a check-in.",
            "/coordinator/requests/",
        ),
        (
            "memorial_requested",
            "admin",
            "olga",
            "Someone asked to memorialise an account.",
            "/admin/memorials",
        ),
    ],
)
def test_notification_texts(app, people, kind, reader, actor, expected, url):  # noqa: PLR0913
    mara, bea, admin = people["mara"], people["bea"], people["admin"]
    match = matching.request_mentor(Viewer(mara), [], NOTE)
    matching.propose(Viewer(admin), match, bea)
    matching.accept(Viewer(bea), match, "Hello", "Hi")
    db.session.execute(Notification.__table__.delete())
    db.session.commit()
    params = {"user": mara.id} if kind == "memorial_requested" else {"match": match.id}
    notify.notify(
        people[reader].id, kind, actor_id=people[actor].id if actor else None, params=params
    )
    db.session.commit()
    [note] = db.session.scalars(select(Notification)).all()
    with app.test_request_context():
        assert notification_text.render(note) == expected
        assert url in notification_mail.target_url(note)
        line = notification_mail.email_line(note)
    assert NOTE not in line and "Hello" not in line


def test_the_mentor_is_not_named_to_the_member_before_accepting(app, people):
    """A notification read while the match is only proposed names no mentor."""
    mara, bea = people["mara"], people["bea"]
    match = matching.request_mentor(Viewer(mara), [], "")
    matching.propose(Viewer(people["admin"]), match, bea)
    notify.notify(mara.id, "mentor_accepted", actor_id=bea.id, params={"match": match.id})
    db.session.commit()
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == mara.id)).all()
    assert (
        notification_text.render(note) == "A mentor accepted: your peer mentor is waiting for you."
    )


def test_mentoring_is_404_for_non_mentors_and_a_match_one_may_not_see(app, people):
    match = matching.request_mentor(Viewer(people["mara"]), [], NOTE)
    matching.propose(Viewer(people["admin"]), match, people["bea"])
    as_olga = signed_in(app, people["olga"])
    assert as_olga.get("/mentoring").status_code == 404
    assert as_olga.post(f"/mentoring/{match.id}/decline", data={"decline": "1"}).status_code == 404
    as_carl = signed_in(app, people["carl"])
    assert as_carl.post(f"/mentoring/{match.id}/decline", data={"decline": "1"}).status_code == 404
    assert as_carl.post("/mentoring/999999/end", data={}).status_code == 404
