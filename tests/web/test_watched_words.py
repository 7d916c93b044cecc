"""Watched words: admins list words and phrases; posts containing them are blocked, held for
approval, flagged to the facilitators, or — for words suggesting someone may be at risk —
posted, with crisis resources shown to the writer and an urgent report raised."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from forum import page_versions
from forum.extensions import db
from forum.models import (
    CrisisResource,
    Post,
    PostStatus,
    Report,
    ReportReason,
    Thread,
    WatchedWord,
    WatchedWordAction,
)
from forum.services import escalation, posting, reports, watchwords
from tests.helpers import count_queries, fresh, signed_in, text

DEFAULT_CRISIS_WORDS = "please call the emergency number 112 now"


def count(model: type) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def open_reports() -> list[Report]:
    db.session.expire_all()
    return list(db.session.scalars(select(Report).order_by(Report.id)))


def watch(pattern: str, action: str) -> WatchedWord:
    return watchwords.add(pattern, WatchedWordAction(action))


def reply(browser: FlaskClient, thread: Thread, body: str):
    return browser.post(f"/t/{thread.id}/reply", data={"body": body})


def newest_post() -> Post:
    db.session.expire_all()
    return db.session.scalars(select(Post).order_by(Post.id.desc()).limit(1)).one()


# --- managing the list ---------------------------------------------------------------------------


def test_admins_add_and_remove_watched_words(admin_client):
    page = admin_client.get("/admin/watched-words")
    assert page.status_code == 200 and "No words are watched." in text(page)

    response = admin_client.post(
        "/admin/watched-words", data={"pattern": "  miracle   cure ", "action": "flag"}
    )
    assert response.status_code == 302
    word = db.session.scalars(select(WatchedWord)).one()
    assert (word.pattern, word.action) == ("miracle cure", WatchedWordAction.FLAG)
    assert "miracle cure Flag" in text(admin_client.get("/admin/watched-words"))

    for pattern, message in (
        ("miracle cure", "“miracle cure” is already watched."),
        ("", "Please enter a word or phrase."),
        ("**", "A pattern needs at least one letter."),
    ):
        response = admin_client.post(
            "/admin/watched-words", data={"pattern": pattern, "action": "block"}
        )
        assert response.status_code == 422, pattern
        assert message in text(response), pattern
    assert count(WatchedWord) == 1

    response = admin_client.post(f"/admin/watched-words/{word.id}/delete", data={})
    assert response.status_code == 302
    assert count(WatchedWord) == 0


@pytest.mark.parametrize("action", ["block", "hold", "flag", "at_risk"])
def test_every_action_can_be_chosen(admin_client, action):
    response = admin_client.post(
        "/admin/watched-words", data={"pattern": f"word {action}", "action": action}
    )
    assert response.status_code == 302
    assert db.session.scalars(select(WatchedWord.action)).one() == WatchedWordAction(action)


def test_members_and_facilitators_cannot_manage_watched_words(app, member_client, fran):
    word = watch("quack", "flag")
    for browser in (member_client, fran):
        assert browser.get("/admin/watched-words").status_code == 403
        response = browser.post("/admin/watched-words", data={"pattern": "x", "action": "block"})
        assert response.status_code == 403
        response = browser.post(f"/admin/watched-words/{word.id}/delete", data={})
        assert response.status_code == 403
        assert browser.get("/admin/crisis").status_code == 403
        response = browser.post(
            "/admin/crisis/DE", data={"emergency_number": "110", "checked_on": "2026-12-06"}
        )
        assert response.status_code == 403
    guest = app.test_client().get("/admin/watched-words")
    assert guest.status_code == 302  # asked to sign in first
    assert "/login" in guest.headers["Location"]
    assert [w.pattern for w in db.session.scalars(select(WatchedWord))] == ["quack"]
    assert crisis_text_rows() == []


def crisis_text_rows() -> list[tuple[str, str]]:
    db.session.expire_all()
    return [
        (r.country, r.notes)
        for r in db.session.scalars(select(CrisisResource).order_by(CrisisResource.country))
    ]


# --- the list each worker keeps ------------------------------------------------------------------

REFUSED = "Your post contains words this community does not allow."


def test_a_word_the_admins_add_catches_the_next_post_after_the_list_was_kept(
    admin_client, member_client, thread
):
    watch("storm", "flag")
    assert reply(member_client, thread, "Calm seas today.").status_code == 302  # list kept

    response = admin_client.post(
        "/admin/watched-words", data={"pattern": "thunder", "action": "block"}
    )
    assert response.status_code == 302
    response = reply(member_client, thread, "Thunder all night, no sleep.")
    assert response.status_code == 422 and REFUSED in text(response)


def test_a_word_the_admins_remove_no_longer_catches_posts(admin_client, member_client, thread):
    word = watch("thunder", "block")
    assert REFUSED in text(reply(member_client, thread, "Thunder all night."))  # list kept

    response = admin_client.post(f"/admin/watched-words/{word.id}/delete", data={})
    assert response.status_code == 302
    assert reply(member_client, thread, "Thunder all night.").status_code == 302


def test_a_kept_list_is_read_again_only_once_its_stamp_moves(app):
    watch("storm", "flag")
    watchwords.screen("Calm seas.")
    with count_queries() as queries:
        assert watchwords.screen("A storm is coming.").flagged
    assert not any("watched_words" in statement for statement in queries.statements)

    # A change that bypasses the session moves no stamp: the kept list stands until one moves.
    db.session.execute(sa.text("DELETE FROM watched_words"))
    assert watchwords.screen("A storm is coming.").flagged
    page_versions.move_stamp(db.session, [page_versions.WATCHED_WORDS])
    with count_queries() as queries:
        assert not watchwords.screen("A storm is coming.").flagged
    assert any("watched_words" in statement for statement in queries.statements)
    db.session.rollback()


# --- what each action does -----------------------------------------------------------------------


def test_a_blocked_word_refuses_the_post_and_keeps_the_text(member_client, board, thread):
    watch("idiot", "block")
    posts, threads, reports_before = count(Post), count(Thread), count(Report)

    response = reply(member_client, thread, "Honestly, my oncologist is an IDIOT.")
    assert response.status_code == 422
    page = text(response)
    assert "Your post contains words this community does not allow." in page
    assert "Honestly, my oncologist is an IDIOT." in page  # kept in the form

    response = member_client.post(
        f"/b/{board.id}/new", data={"title": "Idiot doctors", "body": "Rant incoming."}
    )
    assert response.status_code == 422
    assert 'value="Idiot doctors"' in response.get_data(as_text=True)
    assert "Rant incoming." in text(response)
    assert (count(Post), count(Thread), count(Report)) == (posts, threads, reports_before)
    assert fresh(Thread, thread.id).reply_count == 0


def test_a_held_word_puts_the_post_in_the_approval_queue(member_client, sam, fran, board, thread):
    watch("dosage", "hold")
    response = reply(member_client, thread, "What dosage of melatonin works for you?")
    assert response.status_code == 302
    post = newest_post()
    assert post.status == PostStatus.PENDING
    assert "melatonin" not in text(sam.get(f"/t/{thread.id}"))
    assert "melatonin" in text(member_client.get(f"/t/{thread.id}"))  # the author sees it waiting
    assert "melatonin" in text(fran.get(f"/b/{board.id}/queue"))
    assert "Posts waiting for approval (1)" in text(fran.get("/moderation"))

    response = member_client.post(
        f"/b/{board.id}/new", data={"title": "Dosage question", "body": "Steroids?"}
    )
    assert response.status_code == 302
    held = db.session.scalars(select(Thread).where(Thread.title == "Dosage question")).one()
    assert held.approved is False
    assert "Dosage question" not in text(sam.get(f"/b/{board.id}"))


def test_a_flagged_word_posts_and_reports_to_the_boards_facilitators(
    member_client, sam, fran, board, thread
):
    watch("miracle cure", "flag")
    response = reply(member_client, thread, "Has anyone tried the Miracle Cure clinic?")
    assert response.status_code == 302
    assert "/crisis" not in response.headers["Location"]
    post = newest_post()
    assert post.status == PostStatus.VISIBLE
    assert "Miracle Cure clinic" in text(sam.get(f"/t/{thread.id}"))

    (report,) = open_reports()
    assert report.reason == ReportReason.OTHER and report.reporter_id is None
    assert report.reported_user_id == post.author_id
    assert (report.post_id, report.board_id) == (post.id, board.id)
    assert "miracle cure" in report.note
    page = text(fran.get("/moderation"))
    assert "Open reports (1)" in page and "raised by the watched words" in page


def test_an_at_risk_word_posts_shows_crisis_resources_and_raises_an_urgent_report(
    member_client, sam, fran, member, reader_report, board, thread
):
    watch("end it all", "at_risk")
    response = reply(member_client, thread, "Some days I just want to end it all.")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/crisis"
    post = newest_post()
    assert post.status == PostStatus.VISIBLE
    next_url = parse_qs(location.query)["next"][0]
    assert next_url.startswith(f"/t/{thread.id}") and next_url.endswith(f"#post-{post.id}")
    assert "I just want to end it all." in text(sam.get(f"/t/{thread.id}"))

    page = member_client.get("/crisis", query_string={"next": next_url})
    assert page.status_code == 200
    assert "You are not alone" in text(page)
    assert DEFAULT_CRISIS_WORDS in text(page)
    assert f'href="{html.escape(next_url)}"' in page.get_data(as_text=True)

    urgent = [r for r in open_reports() if r.reason == ReportReason.AT_RISK]
    assert len(urgent) == 1 and urgent[0].post_id == post.id and urgent[0].reporter_id is None
    dashboard = text(fran.get("/moderation"))
    # The urgent report comes before the older one a member filed.
    assert dashboard.index("I'm worried about this person") < dashboard.index("Spam or selling")


@pytest.fixture
def reader_report(make_user, member, thread) -> Report:
    """An older, ordinary report on the same board."""
    older = posting.reply(member, thread, "Visit my shop")
    report = reports.report_post(make_user("rita"), older, "spam", "")
    report.created_at = report.created_at - timedelta(days=365)
    db.session.commit()
    return report


def test_a_new_thread_with_an_at_risk_word_in_the_title_leads_to_crisis_resources(
    member_client, board
):
    watch("hopeless*", "at_risk")
    response = member_client.post(
        f"/b/{board.id}/new", data={"title": "Hopelessness", "body": "Third recurrence."}
    )
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    started = db.session.scalars(select(Thread).where(Thread.title == "Hopelessness")).one()
    assert location.path == "/crisis"
    assert parse_qs(location.query)["next"] == [f"/t/{started.id}"]
    assert started.approved is True
    assert [r.reason for r in open_reports()] == [ReportReason.AT_RISK]


def test_at_risk_wins_over_block(member_client, sam, thread):
    watch("damn", "block")
    watch("can't go on", "at_risk")
    response = reply(member_client, thread, "Damn it, I can't go on like this.")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/crisis"
    assert newest_post().status == PostStatus.VISIBLE
    assert "I can't go on like this." in text(sam.get(f"/t/{thread.id}"))
    assert [r.reason for r in open_reports()] == [ReportReason.AT_RISK]


# --- crisis resources ----------------------------------------------------------------------------


def save_crisis(admin_client, country: str, notes: str, **lines: str):
    data = {"emergency_number": "112", "notes": notes, "checked_on": "2026-12-06", **lines}
    return admin_client.post(f"/admin/crisis/{country}", data=data)


def test_crisis_resources_follow_the_members_country(app, admin_client, member_client, make_user):
    response = save_crisis(
        admin_client,
        "DE",
        "",
        crisis_line_name="TelefonSeelsorge",
        crisis_line_number="0800 111 0 111",
    )
    assert response.status_code == 302
    assert "TelefonSeelsorge" in text(admin_client.get("/admin/crisis"))

    assert DEFAULT_CRISIS_WORDS in text(member_client.get("/crisis"))
    response = member_client.post(
        "/settings",
        data={"display_name": "Jen", "locale": "en", "timezone": "Europe/Berlin", "country": "DE"},
    )
    assert response.status_code == 302
    page = text(member_client.get("/crisis"))
    assert "TelefonSeelsorge: 0800 111 0 111" in page and DEFAULT_CRISIS_WORDS not in page

    # Someone elsewhere gets the default, or the admins' numbers for "everywhere else".
    elsewhere = signed_in(app, make_user("pat"))
    assert DEFAULT_CRISIS_WORDS in text(elsewhere.get("/crisis"))
    save_crisis(admin_client, "*", "Call your local number.")
    assert "Call your local number." in text(elsewhere.get("/crisis"))
    assert "TelefonSeelsorge" in text(member_client.get("/crisis"))
    assert "Call your local number." in text(app.test_client().get("/crisis"))

    # Saving a country again replaces its resources.
    save_crisis(admin_client, "DE", "Neue Nummer")
    assert crisis_text_rows() == [("*", "Call your local number."), ("DE", "Neue Nummer")]
    assert "TelefonSeelsorge" not in text(member_client.get("/crisis"))


def test_the_crisis_page_never_sends_people_off_the_site(member_client, thread):
    watch("end it all", "at_risk")
    for target in ("https://evil.example/x", "//evil.example/x", "/\\evil.example/x"):
        assert reply(member_client, thread, "I want to end it all.").status_code == 302
        page = member_client.get("/crisis", query_string={"next": target})
        link = re.search(r'<a class="button" href="([^"]*)">Go to my post', page.get_data(True))
        assert link is not None
        href = html.unescape(link.group(1))
        assert href.startswith("/") and href[1:2] not in ("/", "\\"), (target, href)


def test_the_admins_crisis_text_must_name_a_listed_country(admin_client):
    assert save_crisis(admin_client, "XX", "Call 999").status_code == 404
    assert crisis_text_rows() == []


# --- how patterns match --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "words", "matches"),
    [
        ("hopeless*", "Feeling Hopelessness today", True),
        ("hopeless*", "so HOPELESS", True),
        ("hopeless*", "hope less", False),
        ("end it all", "I want to END IT ALL.", True),
        ("end it all", "my friend it all went well", False),
        ("end it all", "ending it all", False),
        ("die", "my diet is strict", False),
        ("die", "I don't want to die.", True),
        ("*cure", "a supercure for all", True),
        ("c.u.r.e", "cxuxrxe", False),  # no regular expressions: dots are dots
        ("(cure", "the (cure here", True),
    ],
)
def test_patterns_are_whole_words_or_phrases_ignoring_case(app, pattern, words, matches):
    watch(pattern, "flag")
    assert watchwords.screen(words).flagged is matches


def test_a_wildcard_pattern_flags_a_post_through_the_site(member_client, thread):
    watch("chemo brain*", "flag")
    response = reply(member_client, thread, "Chemo Brainfog is real")
    assert response.status_code == 302
    assert [r.reason for r in open_reports()] == [ReportReason.OTHER]
    assert reply(member_client, thread, "chemotherapy brain scans").status_code == 302
    assert len(open_reports()) == 1


# --- edits are screened too ----------------------------------------------------------------------


def test_an_edit_with_a_blocked_word_is_refused_and_the_post_unchanged(
    member_client, member, thread
):
    post = posting.reply(member, thread, "My doctor is kind.")
    watch("idiot", "block")
    response = member_client.post(f"/p/{post.id}/edit", data={"body": "My doctor is an idiot."})
    assert response.status_code == 422
    assert "Your post contains words this community does not allow." in text(response)
    assert "My doctor is an idiot." in text(response)
    assert fresh(Post, post.id).source == "My doctor is kind."
    assert fresh(Post, post.id).edit_count == 0


def test_an_edit_with_an_at_risk_word_leads_to_crisis_resources(member_client, sam, member, thread):
    post = posting.reply(member, thread, "Coping okay.")
    watch("no way out", "at_risk")
    response = member_client.post(f"/p/{post.id}/edit", data={"body": "I see no way out."})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/crisis"
    assert "I see no way out." in text(sam.get(f"/t/{thread.id}"))
    reports_now = open_reports()
    assert [(r.reason, r.post_id) for r in reports_now] == [(ReportReason.AT_RISK, post.id)]


def test_an_edit_with_a_flagged_word_is_reported(member_client, member, thread):
    post = posting.reply(member, thread, "Looking into options.")
    watch("laetrile", "flag")
    response = member_client.post(f"/p/{post.id}/edit", data={"body": "Looking into Laetrile."})
    assert response.status_code == 302
    assert [(r.reason, r.post_id) for r in open_reports()] == [(ReportReason.OTHER, post.id)]


def test_an_edit_cannot_slip_a_held_word_past_the_approval_queue(
    member_client, sam, member, thread
):
    """A word that holds a new post for approval must not appear unreviewed by editing an
    already visible post."""
    post = posting.reply(member, thread, "Good morning everyone.")
    watch("dosage", "hold")
    response = member_client.post(
        f"/p/{post.id}/edit", data={"body": "Good morning. Double the dosage, it works."}
    )
    assert response.status_code == 422  # the edit is refused, the post stays as it was
    assert "Double the dosage" not in text(sam.get(f"/t/{thread.id}"))


# --- one transaction: the words and the report they raise --------------------------------------


def _failing_escalation(monkeypatch) -> None:
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away while telling the facilitators")

    monkeypatch.setattr(escalation, "_escalate_report", fail)


def test_a_reply_whose_at_risk_report_fails_is_not_stored_unreported(
    monkeypatch, member, facilitator, thread
):
    """Words that show someone at risk are stored with their report, or not at all: never a
    post that nobody on duty was told about."""
    watch("end it all", "at_risk")
    _failing_escalation(monkeypatch)
    with pytest.raises(RuntimeError):
        posting.reply(member, thread, "Some days I just want to end it all.")
    db.session.rollback()
    assert count(Report) == 0
    assert "end it all" not in " ".join(p.source for p in db.session.scalars(select(Post)))


def test_a_new_thread_whose_at_risk_report_fails_is_not_stored(monkeypatch, member, board):
    watch("hopeless*", "at_risk")
    _failing_escalation(monkeypatch)
    with pytest.raises(RuntimeError):
        posting.start_thread(member, board, "Hopelessness", "Third recurrence.")
    db.session.rollback()
    assert db.session.scalars(select(Thread).where(Thread.title == "Hopelessness")).first() is None
    assert count(Report) == 0


def test_an_at_risk_reply_and_its_report_are_committed_once(member, facilitator, thread):
    watch("end it all", "at_risk")
    watch("laetrile", "flag")
    commits: list[object] = []

    def committed(connection) -> None:  # a real COMMIT, not a savepoint's release
        commits.append(connection)

    event.listen(db.engine, "commit", committed)
    try:
        post = posting.reply(member, thread, "I want to end it all. Is Laetrile worth it?")
    finally:
        event.remove(db.engine, "commit", committed)
    assert len(commits) == 1
    reasons = sorted(r.reason.value for r in open_reports() if r.post_id == post.id)
    assert reasons == sorted([ReportReason.AT_RISK.value, ReportReason.OTHER.value])
