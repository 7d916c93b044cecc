"""The report queue on the moderation dashboard (issue 18): each open report's card tells the
facilitator what was reported, where, by whom as they may know it, why, how long it has waited
and who claimed it, and carries its actions (claim, hide, reply, resolve, dismiss) as plain form
posts that come back to the card with a flash, with or without JavaScript. A facilitator whose
training lapsed reads the cards but acts on none; the admin's cap on claimed reports holds."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from forum.extensions import db
from forum.models import (
    Board,
    Message,
    ModerationAction,
    Post,
    PostStatus,
    Report,
    ReportStatus,
    TrainingModule,
    TrainingRecord,
    User,
)
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.services import boards, facilitation_settings, messaging, posting, reports
from tests.helpers import PASSWORD, count_queries, fresh, login, signed_in, text

#: A submit input shows its value as its words.
SUBMIT = re.compile(
    r'<input\b[^>]*type="submit"[^>]*value="([^"]*)"[^>]*>|<input\b[^>]*value="([^"]*)"[^>]*type="submit"[^>]*>'
)


def card(page: str, report_id: int) -> str:
    """The words of one report's card on the dashboard."""
    match = re.search(rf'<article id="card-{report_id}".*?</article>', page, flags=re.DOTALL)
    assert match, f"no card for report {report_id}"
    words = SUBMIT.sub(lambda m: f" {m.group(1) or m.group(2)} ", match.group(0))
    return text(words)


def flashes(browser: FlaskClient) -> str:
    return text(browser.get("/moderation"))


@pytest.fixture
def anonymous_board(board: Board) -> Board:
    board.anonymous_allowed = True
    db.session.commit()
    return board


def set_claim_cap(cap: int) -> None:
    facilitation_settings.save(facilitation_settings.FacilitationSettings(claim_cap=cap))
    db.session.commit()


def lapse_training_of_everyone_but(*current: User) -> None:
    """A required module: whoever holds no record of it is lapsed (admins never are)."""
    module = TrainingModule(name="Responding to suicidal content", validity_days=365)
    db.session.add(module)
    db.session.flush()
    today = utcnow().date()
    for user in current:
        db.session.add(
            TrainingRecord(
                user_id=user.id,
                module_id=module.id,
                completed_on=today,
                expires_on=today + timedelta(days=300),
            )
        )
    db.session.commit()


# --- what each card shows ---------------------------------------------------------------------


def test_each_card_shows_where_what_who_why_how_long_and_who_claimed_it(
    app, fran, facilitator, reader, member, anonymous_board, admin
):
    thread = posting.start_thread(member, anonymous_board, "Scan day", "Tomorrow is scan day.")
    named = posting.reply(member, thread, "Nobody would miss me if I stopped treatment.")
    hidden_name = posting.reply(member, thread, "I can't go on like this.", anonymous=True)
    at_risk = reports.report_post(reader, hidden_name, "at_risk", "Please check on them")
    rude = reports.report_post(reader, named, "harassment", "Upsetting")
    db.session.execute(
        update(Report).where(Report.id == rude.id).values(created_at=utcnow() - timedelta(hours=5))
    )
    db.session.commit()
    reports.claim(facilitator, rude)

    page = fran.get("/moderation").get_data(as_text=True)
    # "Worried about this person" comes first, though newer.
    assert page.index(f'id="card-{at_risk.id}"') < page.index(f'id="card-{rude.id}"')
    first = card(page, at_risk.id)
    assert "Urgent: may be at risk" in first
    assert "Anonymous member" in first and "Jen" not in first
    assert "I can't go on like this." in first
    assert "Scan day" in first and "Treatment and side effects" in first
    assert "Please check on them" in first
    assert "reported by Sam" in first and "not claimed yet" in first
    assert "Claim this report" in first and "Resolve" in first and "Dismiss" in first
    assert "Hide the post" in first and "Reply in the thread" in first

    second = card(page, rude.id)
    assert "Jen" in second and "Nobody would miss me" in second and "Upsetting" in second
    assert "Waiting 5 hours" in second
    assert "handled by Fran, claimed less than an hour ago" in second
    assert "Claim this report" not in second  # Fran holds it already

    # An admin may know who wrote anonymously (policy.author_shown_to); the card says so.
    assert "Jen" in card(
        signed_in(app, admin).get("/moderation").get_data(as_text=True), at_risk.id
    )


def test_message_and_profile_reports_show_their_snapshot_to_admins(app, admin, reader, member):
    db.session.execute(update(User).values(created_at=utcnow() - timedelta(days=30)))
    db.session.commit()
    conversation = messaging.start(Viewer(member), [reader], "Hello", "Send me your bank details.")
    message = db.session.scalars(
        select(Message).where(Message.conversation_id == conversation.id)
    ).first()
    about_message = messaging.report(Viewer(reader), conversation, message, "spam", "Scam")
    about_profile = reports.report_user(reader, member, "spam", "Advert in the bio")
    page = signed_in(app, admin).get("/moderation").get_data(as_text=True)
    words = card(page, about_message.id)
    assert "Send me your bank details." in words and "jen" in words and "Hello" in words
    profile = card(page, about_profile.id)
    assert "Jen" in profile and "@jen" in profile and "Advert in the bio" in profile


# --- the actions, from the card ---------------------------------------------------------------


def test_claim_hide_and_resolve_from_the_card_come_back_to_it_with_a_flash(
    fran, facilitator, reader, member, thread
):
    reply = posting.reply(member, thread, "Buy miracle pills at example.com")
    report = reports.report_post(reader, reply, "spam", "")
    back = f"/moderation#report-{report.id}"

    response = fran.post(f"/moderation/reports/{report.id}/claim", data={})
    assert response.status_code == 302 and response.location.endswith(back)
    assert "You are handling this report." in flashes(fran)
    assert fresh(Report, report.id).handled_by_id == facilitator.id

    response = fran.post(
        f"/moderation/reports/{report.id}/hide",
        data={f"hide-{report.id}-reason": "Advertising is not allowed here."},
    )
    assert response.location.endswith(back)
    assert "The post is hidden; its author has been told why." in flashes(fran)
    post = fresh(Post, reply.id)
    assert post.status == PostStatus.HIDDEN
    assert post.hidden_reason == "Advertising is not allowed here."

    response = fran.post(
        f"/moderation/reports/{report.id}/close",
        data={f"close-{report.id}-note": "Hidden as spam.", f"close-{report.id}-resolve": "1"},
    )
    assert response.location.endswith(back)
    assert "The report is resolved and the reporter has been told." in flashes(fran)
    closed = fresh(Report, report.id)
    assert closed.status == ReportStatus.RESOLVED and closed.resolution == "Hidden as spam."


def test_hiding_needs_a_reason_and_changes_nothing_without_one(fran, reader, member, thread):
    reply = posting.reply(member, thread, "Some words")
    report = reports.report_post(reader, reply, "spam", "")
    response = fran.post(f"/moderation/reports/{report.id}/hide", data={})
    assert response.status_code == 302
    assert "Please give a reason for the author" in flashes(fran)
    assert fresh(Post, reply.id).status == PostStatus.VISIBLE


def test_dismissing_from_the_card_needs_no_note(fran, reader, member, thread):
    reply = posting.reply(member, thread, "I'd ask for a second opinion.")
    report = reports.report_post(reader, reply, "misinformation", "")
    response = fran.post(
        f"/moderation/reports/{report.id}/close", data={f"close-{report.id}-dismiss": "1"}
    )
    assert response.location.endswith(f"/moderation#report-{report.id}")
    assert "The report is dismissed and the reporter has been told." in flashes(fran)
    assert fresh(Report, report.id).status == ReportStatus.DISMISSED
    assert "No open reports." in flashes(fran)


def test_the_reply_link_leads_to_the_threads_reply_form(fran, reader, member, thread):
    reply = posting.reply(member, thread, "Is anyone there?")
    report = reports.report_post(reader, reply, "at_risk", "")
    page = fran.get("/moderation").get_data(as_text=True)
    assert f'href="/t/{thread.id}#reply-heading"' in page
    assert 'id="reply-heading"' in fran.get(f"/t/{thread.id}").get_data(as_text=True)
    assert report.id


# --- a lapsed facilitator reads but does not act ----------------------------------------------


def test_a_lapsed_facilitator_reads_the_queue_but_every_action_is_refused(
    app, fran, facilitator, reader, member, thread, admin
):
    reply = posting.reply(member, thread, "Words someone reported")
    report = reports.report_post(reader, reply, "harassment", "")
    lapse_training_of_everyone_but()
    page = fran.get("/moderation")
    assert page.status_code == 200
    words = card(page.get_data(as_text=True), report.id)
    assert "Words someone reported" in words
    assert "Claim this report" not in words and "Resolve" not in words
    assert "acting on it waits until your required training is current again" in words
    for path, data in (
        ("claim", {}),
        ("hide", {f"hide-{report.id}-reason": "No"}),
        ("close", {f"close-{report.id}-resolve": "1"}),
    ):
        assert fran.post(f"/moderation/reports/{report.id}/{path}", data=data).status_code == 403
    assert fran.post(f"/moderation/reports/{report.id}", data={"resolve": "1"}).status_code == 403
    assert fran.post(f"/u/{member.username}/moderation", data={"which": "note"}).status_code == 403
    unchanged = fresh(Report, report.id)
    assert unchanged.status == ReportStatus.OPEN and unchanged.handled_by_id is None
    assert fresh(Post, reply.id).status == PostStatus.VISIBLE
    assert db.session.query(ModerationAction).count() == 0
    # The admin is never lapsed.
    assert "Claim this report" in card(
        signed_in(app, admin).get("/moderation").get_data(as_text=True), report.id
    )


# --- the claim cap ----------------------------------------------------------------------------


def test_claiming_beyond_the_cap_is_refused_with_a_clear_message(
    fran, facilitator, reader, member, thread
):
    held = [
        reports.report_post(reader, posting.reply(member, thread, f"Reply {n}"), "spam", "")
        for n in range(3)
    ]
    set_claim_cap(2)
    for report in held[:2]:
        assert fran.post(f"/moderation/reports/{report.id}/claim", data={}).status_code == 302
    fran.post(f"/moderation/reports/{held[2].id}/claim", data={})
    assert (
        "You already have 2 open reports claimed; resolve one or ask another facilitator."
        in flashes(fran)
    )
    assert fresh(Report, held[2].id).handled_by_id is None
    # Resolving one makes room again.
    reports.close(facilitator, fresh(Report, held[0].id), False, "")
    fran.post(f"/moderation/reports/{held[2].id}/claim", data={})
    assert fresh(Report, held[2].id).handled_by_id == facilitator.id


def test_no_cap_by_default(fran, facilitator, reader, member, thread):
    for n in range(4):
        report = reports.report_post(reader, posting.reply(member, thread, f"R{n}"), "spam", "")
        fran.post(f"/moderation/reports/{report.id}/claim", data={})
        assert fresh(Report, report.id).handled_by_id == facilitator.id


# --- the page costs the same whatever the number of reports -----------------------------------


def test_the_dashboard_costs_the_same_with_3_and_12_varied_reports(
    app, client, facilitator, make_user, make_board, anonymous_board, member, admin
):
    other = make_board("Carers")
    boards.add_member(other, facilitator, facilitator=True)
    colleague = make_user("cole", display_name="Cole")
    boards.add_member(anonymous_board, colleague, facilitator=True)
    writers = [make_user(f"writer{n}") for n in range(4)]
    threads = [
        posting.start_thread(writers[0], anonymous_board, "First", "Opening"),
        posting.start_thread(writers[1], other, "Second", "Opening"),
    ]

    def add_reports(count: int, start: int) -> None:
        for n in range(start, start + count):
            post = posting.reply(
                writers[n % 4], threads[n % 2], f"Reply {n}", anonymous=n % 2 == 0 and n % 4 == 0
            )
            report = reports.report_post(member, post, "at_risk" if n % 3 == 0 else "spam", "x")
            if n % 3 == 1:
                reports.claim(colleague if n % 2 else facilitator, report)

    add_reports(3, 0)
    for who in (facilitator, admin):
        browser = app.test_client()
        login(browser, who)
        with count_queries() as counter:
            assert browser.get("/moderation").status_code == 200
        few = counter.count
        if who is facilitator:
            add_reports(9, 3)
        with count_queries() as counter:
            page = browser.get("/moderation")
        assert page.get_data(as_text=True).count('class="request report-card') == 12
        assert counter.count == few, who.username


# --- CSRF on, as a browser without JavaScript sends the forms ---------------------------------


class TestWithCsrfOn:
    @pytest.fixture
    def app_config(self, app_config: dict) -> dict:
        return {**app_config, "WTF_CSRF_ENABLED": True}

    @staticmethod
    def token(page: str, name: str) -> str:
        match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]+)"', page)
        assert match, name
        return match.group(1)

    def test_each_card_form_posts_with_its_token_and_without_one_changes_nothing(
        self, app, facilitator, reader, member, thread
    ):
        fran = app.test_client()
        page = fran.get("/login").get_data(as_text=True)
        signed = fran.post(
            "/login",
            data={
                "login": facilitator.username,
                "password": PASSWORD,
                "csrf_token": self.token(page, "csrf_token"),
            },
        )
        assert signed.status_code == 302
        reply = posting.reply(member, thread, "Spam spam spam")
        report = reports.report_post(reader, reply, "spam", "")
        page = fran.get("/moderation").get_data(as_text=True)
        for path in ("claim", "hide", "close"):
            refused = fran.post(f"/moderation/reports/{report.id}/{path}", data={})
            assert refused.status_code == 400
        assert fresh(Report, report.id).handled_by_id is None

        claimed = fran.post(
            f"/moderation/reports/{report.id}/claim",
            data={"csrf_token": self.token(page, "csrf_token")},
        )
        assert claimed.status_code == 302
        hide = f"hide-{report.id}-"
        fran.post(
            f"/moderation/reports/{report.id}/hide",
            data={
                hide + "csrf_token": self.token(page, hide + "csrf_token"),
                hide + "reason": "Spam",
            },
        )
        close = f"close-{report.id}-"
        fran.post(
            f"/moderation/reports/{report.id}/close",
            data={
                close + "csrf_token": self.token(page, close + "csrf_token"),
                close + "resolve": "Resolve",
            },
        )
        done = fresh(Report, report.id)
        assert done.handled_by_id == facilitator.id and done.status == ReportStatus.RESOLVED
        assert fresh(Post, reply.id).status == PostStatus.HIDDEN
