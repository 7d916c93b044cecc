"""A safe, clear first hour (issue 16): an at-risk report looks urgent and its first action is to
reach out to the person; confirmations appear inside the post the page jumps to; the moderation
log numbers posts as the thread shows them, says what a report entry was on, and names the group
of an approval."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from forum.extensions import db
from forum.models import Board, Post, User, Visibility, WatchedWordAction
from forum.policy import Viewer
from forum.services import boards, membership, moderation, modlog, posting, reports, watchwords
from tests.helpers import signed_in, text


def article(page: str, post_id: int) -> str:
    found = re.search(rf'<article[^>]*id="post-{post_id}"[^>]*>.*?</article>', page, re.S)
    assert found, f"post {post_id} is not on the page"
    return found.group(0)


def top_flashes(page: str) -> str:
    """The flashes at the top of <main>, before any post."""
    main = page[page.index('<main id="main"') :]
    before_posts = main.split("<article", 1)[0]
    found = re.search(r'<div class="flashes" role="status">.*?</div>', before_posts, re.S)
    return text(found.group(0)) if found else ""


def report_cards(page: str) -> list[str]:
    section = page[page.index('id="reports-heading"') : page.index('id="pending-heading"')]
    return re.findall(r'<article [^>]*class="request[^"]*".*?</article>', section, re.S)


@pytest.fixture
def open_board(category, facilitator) -> Board:
    """A board where members may post anonymously, facilitated by Fran."""
    place = boards.create_board(
        "Low days", category, Visibility.MEMBERS, "When it is hard", anonymous_allowed=True
    )
    boards.add_member(place, facilitator, facilitator=True)
    return place


def at_risk_words() -> None:
    watchwords.add("no way out", WatchedWordAction.AT_RISK)


# --- 1. the dashboard: at-risk reports urgent, first, with who, where, the words, reach out ----


def test_an_at_risk_report_is_first_marked_urgent_with_who_where_and_the_words(
    app, board, thread, member, make_user, facilitator
):
    reporter = make_user("sam", display_name="Sam")
    spam = posting.reply(member, thread, "Buy my miracle tea")
    reports.report_post(reporter, spam, "spam", "")
    at_risk_words()
    worrying = posting.reply(member, thread, "I feel there is no way out any more.")

    page = signed_in(app, facilitator).get("/moderation").get_data(as_text=True)
    cards = report_cards(page)
    assert len(cards) == 2  # the spam report and the at-risk one
    first = text(cards[0])
    assert first.startswith("Urgent: may be at risk")
    assert "Who Jen" in first
    assert f"Where post #{worrying.number} in “{thread.title}” , {board.name} Why" in first
    assert f'href="/p/{worrying.id}"' in cards[0]
    assert "no way out" in first and "I feel there is no way out any more." in first
    assert "Reach out to Jen" in first
    # The reach-out comes before the secondary actions.
    assert first.index("Reach out to Jen") < first.index("Open the report")
    assert all("Urgent" not in text(card) for card in cards[1:])
    assert any("Buy my miracle tea" in text(card) for card in cards[1:])


def test_an_anonymous_authors_report_names_them_as_facilitators_see_them(
    app, open_board, member, facilitator, admin
):
    at_risk_words()
    opening = posting.start_thread(member, open_board, "Tonight", "Fine.")
    post = posting.reply(member, opening, "There is no way out for me.", anonymous=True)

    card = text(report_cards(signed_in(app, facilitator).get("/moderation").get_data(True))[0])
    assert "Urgent: may be at risk" in card
    assert "Who Anonymous member" in card and "Jen" not in card
    assert "Reach out to the anonymous member" in card
    # An admin may know who wrote it, as everywhere else.
    card = text(report_cards(signed_in(app, admin).get("/moderation").get_data(True))[0])
    assert "Who Jen" in card
    assert f'href="/p/{post.id}"' in report_cards(signed_in(app, admin).get("/moderation").text)[0]


def reach_out_link(card: str) -> str:
    found = re.search(r'<a class="button" href="([^"]+)">Reach out', card)
    assert found, card
    return html.unescape(found.group(1))


def test_reaching_out_opens_a_message_to_the_person_with_the_crisis_page_for_their_country(
    app, board, thread, member, facilitator
):
    member.country, member.show_country = "DE", True
    db.session.commit()
    at_risk_words()
    post = posting.reply(member, thread, "I see no way out.")
    fran = signed_in(app, facilitator)
    card = report_cards(fran.get("/moderation").get_data(as_text=True))[0]
    link = reach_out_link(card)
    assert urlsplit(link).path == "/messages/new"

    form = fran.get(link).get_data(as_text=True)
    assert 'value="jen"' in form  # to the author
    body = html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", form, re.S).group(1)).strip()
    assert body.startswith("Hello Jen,")
    crisis = re.search(r"https?://\S+/crisis\S*", body).group(0)
    assert parse_qs(urlsplit(crisis).query) == {"country": ["DE"]}
    assert "/crisis?country=DE" in card  # the resources to share, on the dashboard too

    sent = fran.post(
        "/messages/new", data={"recipients": "jen", "subject": "Checking in", "body": body}
    )
    assert sent.status_code == 302 and "/messages/" in sent.headers["Location"]
    inbox = signed_in(app, member).get("/messages").get_data(as_text=True)
    assert "Checking in" in inbox
    assert f'href="/p/{post.id}"' in card


def test_the_report_page_of_an_at_risk_report_leads_with_reaching_out(
    app, board, thread, member, facilitator
):
    at_risk_words()
    posting.reply(member, thread, "I see no way out.")
    fran = signed_in(app, facilitator)
    card = report_cards(fran.get("/moderation").get_data(as_text=True))[0]
    detail = re.search(r'href="(/moderation/reports/\d+)"', card).group(1)
    page = fran.get(detail).get_data(as_text=True)
    main = text(page[page.index("<h1") :])
    assert main.startswith("Urgent: may be at risk I'm worried about this person Reach out to Jen")
    assert reach_out_link(page) == reach_out_link(card)


def test_a_newcomers_words_held_for_approval_can_be_answered_at_once(
    app, board, make_user, facilitator
):
    """The first hour: a new member's first thread waits for approval, and says they are at
    risk. The facilitator sees who and where, and can write to them before approving."""
    board.premoderate_posts = 2
    db.session.commit()
    at_risk_words()
    nia = make_user("nia", display_name="Nia")
    posting.start_thread(nia, board, "Hello", "There is no way out for me")
    fran = signed_in(app, facilitator)
    card = report_cards(fran.get("/moderation").get_data(as_text=True))[0]
    assert "Who Nia" in text(card)
    assert f'href="/b/{board.id}/queue"' in card
    form = fran.get(reach_out_link(card)).get_data(as_text=True)
    assert 'value="nia"' in form and "Hello Nia," in html.unescape(form)


def test_a_hidden_country_is_not_put_in_the_link(app, board, thread, member, facilitator):
    member.country, member.show_country = "FR", False
    db.session.commit()
    at_risk_words()
    posting.reply(member, thread, "No way out, really.")
    fran = signed_in(app, facilitator)
    link = reach_out_link(report_cards(fran.get("/moderation").get_data(as_text=True))[0])
    body = html.unescape(fran.get(link).get_data(as_text=True))
    assert "/crisis" in body and "country=FR" not in body


def test_reaching_out_to_an_anonymous_author_goes_through_the_relay(
    app, open_board, member, facilitator
):
    member.country, member.show_country = "ES", True
    db.session.commit()
    at_risk_words()
    opening = posting.start_thread(member, open_board, "Tonight", "Fine.")
    post = posting.reply(member, opening, "There is no way out for me.", anonymous=True)
    fran = signed_in(app, facilitator)
    link = reach_out_link(report_cards(fran.get("/moderation").get_data(as_text=True))[0])
    assert urlsplit(link).path == f"/p/{post.id}/message-author"

    form = fran.get(link).get_data(as_text=True)
    body = html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", form, re.S).group(1)).strip()
    assert body.startswith("Hello,") and "Jen" not in body
    assert "/crisis" in body and "country=ES" not in body  # no clue to who wrote it
    assert fran.post(link, data={"message": body}).status_code == 302


def test_a_plain_message_form_is_not_prefilled_for_a_post_one_does_not_moderate(
    app, make_board, make_user, member, facilitator
):
    elsewhere = make_board("Elsewhere")
    post = posting.start_thread(member, elsewhere, "Hello", "Hi all").last_post_id
    form = signed_in(app, facilitator).get(f"/messages/new?to=jen&reach_out={post}")
    assert "Checking in with you" not in form.get_data(as_text=True)


# --- 2. confirmations where the person is looking ---------------------------------------------


def long_thread(member: User, board: Board, replies: int = 6):
    thread = posting.start_thread(member, board, "A long week", "Opening words")
    posts = [posting.reply(member, thread, f"Reply number {n}") for n in range(replies)]
    return thread, posts


def test_the_report_confirmation_is_inside_the_reported_post(app, board, member, make_user):
    thread, posts = long_thread(member, board)
    target = posts[-2]
    sam = signed_in(app, make_user("sam"))
    page = sam.post(
        f"/p/{target.id}/report", data={"reason": "spam", "note": ""}, follow_redirects=True
    ).get_data(as_text=True)
    inside = article(page, target.id)
    assert '<div class="flashes" role="status">' in inside
    assert "Thank you. The facilitators will look at it" in text(inside)
    # The sign-in's own greeting, about no post, stays at the top.
    assert top_flashes(page) == "Welcome, sam."
    others = [text(article(page, p.id)) for p in posts if p is not target]
    assert all("Thank you. The facilitators" not in other for other in others)


def test_the_reaction_confirmation_is_inside_the_post(app, board, member, make_user):
    thread, posts = long_thread(member, board)
    sam = signed_in(app, make_user("sam"))
    page = sam.post(
        f"/p/{posts[3].id}/react", data={"kind": "hug"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "You reacted" in text(article(page, posts[3].id))
    assert "You reacted" not in top_flashes(page)
    # Shown once: the next page has no stale confirmation.
    again = sam.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "You reacted" not in text(again)


def test_hiding_and_restoring_confirm_inside_the_post(app, board, member, facilitator):
    thread, posts = long_thread(member, board)
    fran = signed_in(app, facilitator)
    target = posts[2]
    page = fran.post(
        f"/p/{target.id}/hide", data={"reason": "Please keep it kind"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "The post is hidden" in text(article(page, target.id))
    assert "The post is hidden" not in top_flashes(page)
    page = fran.post(f"/p/{target.id}/restore", data={}, follow_redirects=True).get_data(True)
    assert "The post is visible again." in text(article(page, target.id))
    assert top_flashes(page) == ""


def test_a_confirmation_about_a_post_not_on_the_page_stays_at_the_top(
    app, board, member, make_user
):
    """A thread with a content warning shows the warning first, not the posts."""
    thread, posts = long_thread(member, board, replies=2)
    thread.content_warning = "Talk of dying"
    db.session.commit()
    sam = signed_in(app, make_user("sam"))
    page = sam.post(
        f"/p/{posts[0].id}/report", data={"reason": "spam", "note": ""}, follow_redirects=True
    ).get_data(as_text=True)
    assert "This thread has a content warning" in page
    assert "Thank you. The facilitators will look at it" in top_flashes(page)


def test_other_confirmations_stay_at_the_top(app, board, member, facilitator):
    thread, _ = long_thread(member, board, replies=1)
    page = signed_in(app, facilitator).post(
        f"/t/{thread.id}/state", data={"action": "lock"}, follow_redirects=True
    )
    assert "The thread is locked" in top_flashes(page.get_data(as_text=True))


# --- 3. the moderation log ---------------------------------------------------------------------


def log_rows(client: FlaskClient) -> list[str]:
    page = client.get("/moderation/log").get_data(as_text=True)
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return [text(row) for row in re.findall(r"<tr>.*?</tr>", body, re.S)]


def test_the_log_numbers_posts_as_the_thread_shows_them(app, board, member, facilitator):
    posting.start_thread(member, board, "Another thread", "Its own posts come first")
    thread, posts = long_thread(member, board, replies=4)
    target = posts[2]
    assert target.number == 4 and target.id != 4
    moderation.hide_post(Viewer(facilitator), target, "Please keep it kind")
    row = log_rows(signed_in(app, facilitator))[0]
    assert "Hide post" in row
    assert f"post #4 in “{thread.title}”" in row


def test_report_entries_say_what_was_reported(app, board, member, make_user, facilitator):
    thread, posts = long_thread(member, board, replies=2)
    report = reports.report_post(make_user("sam"), posts[1], "spam", "")
    reports.claim(facilitator, report)
    reports.close(facilitator, report, dismiss=True, note="Not spam")
    rows = log_rows(signed_in(app, facilitator))
    dismissed = next(r for r in rows if "Dismiss report" in r)
    claimed = next(r for r in rows if "Claim report" in r)
    for row in (dismissed, claimed):
        assert f"post #3 in “{thread.title}” in {board.name}" in row


def test_report_entries_written_before_the_log_stored_the_post_are_filled_too(
    app, board, make_board, member, make_user, facilitator
):
    thread, posts = long_thread(member, board, replies=2)
    report = reports.report_post(make_user("sam"), posts[0], "spam", "")
    far = posting.start_thread(member, make_board("Elsewhere"), "Far", "Away")
    stray = reports.report_post(
        make_user("ola"), db.session.get(Post, far.last_post_id), "spam", ""
    )
    # As the log wrote them before: the board and "Report #N", nothing more.
    modlog.record(facilitator, "claim_report", board_id=board.id, reason=f"Report #{report.id}")
    modlog.record(facilitator, "claim_report", board_id=board.id, reason=f"Report #{stray.id}")
    db.session.commit()
    rows = [r for r in log_rows(signed_in(app, facilitator)) if "Claim report" in r]
    assert f"post #2 in “{thread.title}” in {board.name}" in rows[1]
    # A reason naming another board's report fills nothing.
    assert "Far" not in rows[0] and "post #" not in rows[0]


def test_a_report_entry_does_not_name_a_thread_out_of_the_readers_sight(
    app, board, make_board, member, make_user, facilitator, admin
):
    """The thread moved since to a hidden group Fran is not in: the entry stays hers (it is
    her board's report), but it names neither the thread nor the group."""
    thread, posts = long_thread(member, board, replies=1)
    report = reports.report_post(make_user("sam"), posts[0], "spam", "")
    reports.claim(facilitator, report)
    secret = make_board("Secret circle", Visibility.HIDDEN)
    moderation.move_thread(Viewer(admin), thread, secret, confirmed=True)
    rows = log_rows(signed_in(app, facilitator))
    claimed = next(r for r in rows if "Claim report" in r)
    assert "a post you can no longer see" in claimed
    assert thread.title not in claimed and "Secret circle" not in claimed


def test_approvals_name_the_group(app, make_board, make_user, member, facilitator):
    group = make_board("Young adults circle", Visibility.PRIVATE)
    boards.add_member(group, facilitator, facilitator=True)
    asking = membership.request_to_join(member, group, "Hello", accepted_guidelines=True)
    membership.decide_request(Viewer(facilitator), group, asking.id, approve=True)
    rows = log_rows(signed_in(app, facilitator))
    approved = next(r for r in rows if "Approve member" in r)
    assert "Jen in Young adults circle" in approved


def test_post_approvals_name_the_group(app, make_board, make_user, facilitator):
    group = make_board("Careful circle", Visibility.MEMBERS)
    group.premoderate_posts = 1
    db.session.commit()
    boards.add_member(group, facilitator, facilitator=True)
    newcomer = make_user("newcomer", display_name="Nia")
    thread = posting.start_thread(newcomer, group, "First post", "Hello everyone")
    post = db.session.get(Post, thread.last_post_id)
    moderation.approve_post(Viewer(facilitator), post)
    rows = log_rows(signed_in(app, facilitator))
    approved = next(r for r in rows if "Approve post" in r)
    assert "post #1 in “First post” in Careful circle" in approved


def test_the_watched_words_reason_is_said_in_the_readers_language(app, board, make_user):
    """The at-risk report's "why" is stored once, in English with the patterns; a German
    facilitator reads it in German, with the same words."""
    watchwords.add("no way out", WatchedWordAction.AT_RISK)
    writer = make_user("wren")
    boards.add_member(board, writer)
    posting.start_thread(writer, board, "Tonight", "I see no way out of this.")
    lead = make_user("lena")
    lead.locale = "de"
    boards.add_member(board, lead, facilitator=True)
    db.session.commit()
    page = signed_in(app, lead).get("/moderation").get_data(as_text=True)
    assert "no way out" in page
    assert "Watched words suggest" not in page


def test_an_anonymous_newcomer_held_for_approval_can_be_reached_through_the_relay(
    app, open_board, make_user, facilitator
):
    """The first hour, anonymously: the at-risk words wait in the queue, and the facilitator can
    still write to their author before approving, without learning who they are."""
    open_board.premoderate_posts = 2
    db.session.commit()
    at_risk_words()
    nia = make_user("nia", display_name="Nia")
    thread = posting.start_thread(nia, open_board, "Hello", "There is no way out for me", True)
    post_id = db.session.scalar(select(Post.id).where(Post.thread_id == thread.id))
    fran = signed_in(app, facilitator)
    card = report_cards(fran.get("/moderation").get_data(as_text=True))[0]
    assert "Nia" not in text(card)
    link = reach_out_link(card)
    assert urlsplit(link).path == f"/p/{post_id}/message-author"
    form = fran.get(link)
    assert form.status_code == 200
    sent = fran.post(link, data={"message": "We are here for you."})
    assert sent.status_code == 302 and sent.location.endswith(f"/b/{open_board.id}/queue")
    assert "We are here for you." in signed_in(app, nia).get("/notifications").get_data(
        as_text=True
    )
