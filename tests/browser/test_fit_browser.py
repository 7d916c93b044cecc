"""Finding the right fit (issue 19) in Chromium: a newcomer confirms their address, answers the
welcome questions and follows a suggested board; a member asks for a peer mentor, a coordinator
proposes one, the mentor accepts with a greeting, the member opens the conversation and ends the
match with a note; a member's account is memorialised and their legacy contact keeps the posts —
each with and without JavaScript. axe-core finds no WCAG 2.2 A/AA violation on any new page (on
a desktop, and in the dark theme on a small phone, and with a form's error shown), and the new
pages speak German, French and Spanish.

One live server serves the whole module; each test builds its own data (emptied after it).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    BoardSubscription,
    LegacyChoice,
    MatchState,
    ModerationAction,
    PeerMatch,
    User,
    Visibility,
    WelcomeAnswers,
)
from forum.policy import Viewer
from forum.services import accounts, boards, matching, memorial, posting, welcome
from tests.browser.conftest import DESKTOP, SMALL_PHONE, sign_in, signed_in_tabs
from tests.browser.test_accessibility import violations
from tests.browser.test_design import MEASURE
from tests.helpers import PASSWORD, served_app, serving
from tests.web.test_languages import _catalogue

NOTE = "I am scared of the first chemo week."
GREETING = "Hello Mara, I am Bea. I had my chemo two years ago; write whenever you like."
END_NOTE = "Thank you both; I feel steadier now."

MODES = pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])


@pytest.fixture(scope="module")
def served(_schema: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real server for the module, as production runs it (CSRF on, limits off)."""
    tmp = tmp_path_factory.mktemp("fit-browser")
    app = served_app(_schema, tmp, ERASURE_LEDGER=tmp / "ledger.jsonl")
    with serving(app) as address:
        yield address


@pytest.fixture
def live_server(app, served: str) -> str:  # noqa: ANN001
    """The module's server, over this test's data (``app`` empties it afterwards)."""
    return served


def settled() -> None:
    """End the test process's read, so that the server may write (SQLite's lock) and the next
    read sees what the server wrote."""
    db.session.commit()
    db.session.expire_all()


def person(name: str, **options) -> User:  # noqa: ANN003
    return accounts.create_user(
        name, f"{name}@example.org", PASSWORD, display_name=name.capitalize(), **options
    )


def answers(user: User, **given) -> None:  # noqa: ANN003
    db.session.add(WelcomeAnswers(user_id=user.id, **given))
    db.session.commit()


def no_surprises(*tabs) -> None:  # noqa: ANN002
    for tab in tabs:
        assert not tab.errors and not tab.dialogs, (tab.errors, tab.dialogs)


# --- 1. the welcome --------------------------------------------------------------------------


@MODES
def test_a_newcomer_is_welcomed_to_the_boards_that_fit(open_page, app, category, javascript):
    ada = person("ada", admin=True)
    fitting = boards.create_board("Breast cancer together", category, Visibility.PUBLIC, "")
    boards.create_board("Prostate corner", category, Visibility.PUBLIC, "")
    welcome.set_board_fits(ada, fitting, {"cancer_types": ["breast"]})
    nora = accounts.register("nora", "nora@example.org", PASSWORD)
    token = accounts.confirmation_token(nora)
    nora_id, board_id = nora.id, fitting.id
    settled()

    tab = open_page(javascript=javascript)
    page = tab.page
    tab.go(f"/confirm/{token}")
    page.get_by_role("button", name="Confirm my address and sign in").click()
    page.get_by_role("heading", name="Welcome: find the groups that fit you", level=1).wait_for()
    assert page.get_by_text("your address is confirmed and you are signed in").is_visible()
    page.get_by_label("Caregiver, family or friend", exact=True).check()
    page.get_by_label("Breast", exact=True).check()
    page.get_by_label("In treatment", exact=True).check()
    page.get_by_label("English", exact=True).check()
    page.get_by_label("Country", exact=True).select_option(label="Germany")
    page.get_by_label("I would like a one-to-one peer mentor").check()
    page.get_by_role("button", name="Save and see suggestions").click()
    page.get_by_role("heading", name="Suggestions for you", level=1).wait_for()
    suggestion = page.locator(".suggestion").filter(has_text="Breast cancer together")
    assert suggestion.get_by_text(
        "Because you said you are here about this type of cancer: Breast."
    ).is_visible()
    assert page.get_by_text("Prostate corner").count() == 0
    assert page.get_by_role("link", name="Ask for a peer mentor").is_visible()
    follows = select(BoardSubscription).where(BoardSubscription.user_id == nora_id)
    assert db.session.scalars(follows).all() == [], "followed before the newcomer chose it"
    settled()

    suggestion.get_by_role("button", name="Follow Breast cancer together").click()
    page.get_by_text("You will hear of every new post in Breast cancer together.").wait_for()
    settled()
    followed = db.session.scalars(follows).all()
    assert [s.board_id for s in followed] == [board_id]
    settled()

    # The answers can be changed later: the form comes back filled in.
    tab.go("/welcome")
    assert page.get_by_label("Breast", exact=True).is_checked()
    assert page.get_by_label("Caregiver, family or friend", exact=True).is_checked()
    no_surprises(tab)


# --- 2. matching -----------------------------------------------------------------------------


@pytest.fixture
def circle(app) -> dict:  # noqa: ANN001
    """Ada (an admin, so a coordinator), Bea and Carl (peer mentors), Mara (who answered the
    welcome questions and will ask for a mentor)."""
    ada = person("ada", admin=True)
    bea, carl, mara = person("bea"), person("carl"), person("mara")
    answers(mara, here_as="patient", stage="treatment", languages=",en,", country="IE")
    for mentor in (bea, carl):
        matching.make_mentor(ada, mentor)
    found = {"ada": ada.id, "bea": bea.id, "mara": mara.id}
    settled()
    return found


def the_match(mara_id: int) -> PeerMatch:
    settled()
    match = db.session.scalar(select(PeerMatch).where(PeerMatch.member_id == mara_id))
    assert match is not None
    return match


@MODES
def test_a_member_is_matched_with_a_peer_mentor(open_page, circle, javascript):
    tab_of = signed_in_tabs(open_page, PASSWORD, javascript=javascript)

    mara = tab_of("mara")
    mara.go("/peer-mentor")
    page = mara.page
    page.get_by_label("Share my answer about the stage of the journey: In treatment").check()
    page.get_by_label("Share my answer about languages: English").check()
    page.get_by_label("What would help you?").fill(NOTE)
    page.get_by_role("button", name="Ask for a peer mentor").click()
    page.get_by_text("Your request is with a coordinator.").wait_for()
    assert page.get_by_text("Your request is waiting for a coordinator").is_visible()
    match_id = the_match(circle["mara"]).id
    settled()

    ada = tab_of("ada")
    ada.go("/coordinator")
    ada.page.get_by_role("link", name="Request from Mara").click()
    ada.page.get_by_role("heading", name="Peer match of Mara", level=1).wait_for()
    shared = ada.page.locator("section").filter(has_text="What the member shared")
    assert shared.get_by_text("In treatment").is_visible()
    assert shared.get_by_text(NOTE).is_visible()
    assert ada.page.get_by_text("Ireland").count() == 0  # not shared: nobody else reads it
    ada.page.get_by_role("button", name="Propose Bea").click()
    ada.page.get_by_text("Bea has been asked to be the mentor.").wait_for()

    mara.go("/peer-mentor")
    assert page.get_by_text("A mentor has been asked and will answer soon.").is_visible()
    assert page.get_by_text("Bea").count() == 0  # named only once she accepts

    bea = tab_of("bea")
    bea.go("/mentoring")
    proposal = bea.page.locator("article.proposal").filter(has_text="Mara would like a peer mentor")
    assert proposal.get_by_text("In treatment").is_visible()
    assert proposal.get_by_text("Ireland").count() == 0
    proposal.get_by_label("Your first message").fill(GREETING)
    proposal.get_by_role("button", name="Accept and write to Mara").click()
    bea.page.get_by_text("You are now Mara's peer mentor.").wait_for()
    assert bea.page.get_by_text(GREETING).first.is_visible()

    mara.go("/peer-mentor")
    assert page.get_by_text("You are matched with Bea.").is_visible()
    page.get_by_role("link", name="Open your conversation").click()
    page.get_by_text(GREETING).first.wait_for()
    mara.go("/peer-mentor")
    page.get_by_label("A note for the coordinator").fill(END_NOTE)
    page.get_by_role("button", name="End this match").click()
    page.get_by_text("The match has ended. Thank you for taking part.").wait_for()
    assert page.get_by_text("Your last match has ended.").is_visible()
    assert the_match(circle["mara"]).state == MatchState.ENDED
    settled()

    ada.go(f"/coordinator/requests/{match_id}")
    assert ada.page.get_by_text(END_NOTE).is_visible()
    assert ada.page.get_by_text(GREETING).count() == 0  # the conversation's words are theirs
    bea.go("/mentoring")
    assert bea.page.get_by_text("You have no active match.").is_visible()
    assert bea.page.get_by_text(END_NOTE).count() == 0  # the note is for the coordinator
    no_surprises(mara, ada, bea)


# --- 3. memorial -----------------------------------------------------------------------------


@MODES
def test_a_member_who_died_is_remembered(open_page, app, category, javascript):
    person("ada", admin=True)
    hugh = person("hugh")
    person("jen")
    board = boards.create_board("Living with it", category, Visibility.PUBLIC, "")
    posting.start_thread(hugh, board, "What helped me sleep", "A warm bath and the radio.")
    settled()
    tab_of = signed_in_tabs(open_page, PASSWORD, javascript=javascript)

    hugh_tab = tab_of("hugh")
    hugh_tab.go("/settings/legacy")
    hugh_tab.page.get_by_label("Legacy contact (their username)").fill("jen")
    hugh_tab.page.get_by_label("Keep my posts, or make them anonymous", exact=True).check()
    hugh_tab.page.get_by_role("button", name="Save my legacy contact").click()
    hugh_tab.page.get_by_text("Your legacy contact is saved.").wait_for()
    assert hugh_tab.page.get_by_text("Your legacy contact now: Jen.").is_visible()

    jen_tab = tab_of("jen")
    page = jen_tab.page
    jen_tab.go("/u/hugh")
    page.get_by_role("link", name="Has Hugh died? Ask to memorialise this account").click()
    page.get_by_role("heading", name="Ask to memorialise Hugh's account", level=1).wait_for()
    page.get_by_label("How did you know them?").fill("I am his daughter")
    page.get_by_role("button", name="Send the request to the administrators").click()
    page.get_by_text("The administrators will look at your request with care.").wait_for()

    ada = tab_of("ada")
    ada.go("/admin/memorials")
    request = ada.page.locator(".memorial-request").filter(has_text="Hugh")
    assert request.get_by_text("I am his daughter").is_visible()
    request.get_by_role("button", name="Confirm: memorialise Hugh").click()
    ada.page.get_by_text("Hugh's account is memorialised.").wait_for()
    assert ada.page.get_by_text("No requests are waiting.").is_visible()

    hugh_tab.go("/settings/legacy")  # a memorial account's session has ended
    hugh_tab.page.get_by_role("button", name="Sign in").wait_for()

    jen_tab.go("/u/hugh")
    assert page.get_by_text("Remembered", exact=True).is_visible()
    assert page.get_by_role("link", name="Has Hugh died?").count() == 0
    assert page.get_by_role("link", name="Send Hugh a message").count() == 0
    jen_tab.go("/u/hugh/legacy")
    choices = page.get_by_role("group", name="What should happen to the posts?")
    assert choices.get_by_label("Erase the posts with the account").count() == 0  # not allowed
    choices.get_by_label("Keep the posts as they are").check()
    page.get_by_role("button", name="Record my decision").click()
    page.get_by_role("heading", name="Your decision is recorded", level=1).wait_for()
    assert page.get_by_text("The posts stay as they were written.").is_visible()
    jen_tab.go("/u/hugh")
    assert page.get_by_text("Remembered", exact=True).is_visible()
    assert page.get_by_role("link", name="What helped me sleep").is_visible()
    settled()
    hugh = db.session.scalar(select(User).where(User.username == "hugh"))
    logged = select(ModerationAction.action).where(ModerationAction.target_user_id == hugh.id)
    assert hugh.is_memorial
    assert "legacy_keep" in db.session.scalars(logged).all()
    settled()
    no_surprises(hugh_tab, jen_tab, ada)


# --- 4. axe on every new page, in every state ------------------------------------------------


def world(category) -> dict[str, tuple[str, str]]:  # noqa: ANN001
    """Something on every new page, and /peer-mentor in each state: Nina has answered and not
    asked, Rita's request waits, Paul's is proposed to Bea, Maya is matched with Bea, Eddie's
    match with Carl has ended; Hugh is remembered (Jen is his legacy contact) and Ivan's
    memorialisation is asked for. Returns name → (who is signed in, path)."""
    ada = person("ada", admin=True)
    bea, carl, jen = person("bea"), person("carl"), person("jen")
    hugh, ivan = person("hugh"), person("ivan")
    members = {name: person(name) for name in ("nina", "rita", "paul", "maya", "eddie")}
    fitting = boards.create_board("Breast cancer together", category, Visibility.PUBLIC, "Talk")
    closed = boards.create_board("Young mothers", category, Visibility.PRIVATE, "A small group")
    boards.create_board("Everyone", category, Visibility.PUBLIC, "All welcome")
    for board in (fitting, closed):
        welcome.set_board_fits(ada, board, {"cancer_types": ["breast"], "here_as": ["patient"]})
    for who in members.values():
        answers(
            who,
            here_as="patient",
            cancer_types=",breast,",
            stage="treatment",
            languages=",en,de,",
            country="DE",
            wants_peer=True,
        )
    for mentor in (bea, carl):
        matching.make_mentor(ada, mentor)
    shared = ["here_as", "cancer_types", "stage"]
    requests = {
        name: matching.request_mentor(Viewer(members[name]), shared, f"{name.capitalize()}'s note")
        for name in ("rita", "paul", "maya", "eddie")
    }
    matching.propose(Viewer(ada), requests["paul"], bea)
    matching.propose(Viewer(ada), requests["maya"], bea)
    matching.accept(Viewer(bea), requests["maya"], "Hello from your peer mentor", "Hello Maya.")
    matching.propose(Viewer(ada), requests["eddie"], carl)
    matching.accept(Viewer(carl), requests["eddie"], "Hello from your peer mentor", "Hello Eddie.")
    matching.end(Viewer(members["eddie"]), requests["eddie"], "It helped.")
    memorial.set_legacy_contact(hugh, jen, LegacyChoice.ERASE)
    memorial.confirm(
        Viewer(ada), memorial.ask(Viewer(jen), hugh, "I am his daughter", "He died last week.")
    )
    memorial.ask(Viewer(jen), ivan, "I facilitate his group", "")
    paths = {
        "welcome-questions": ("nina", "/welcome"),
        "welcome-suggestions": ("nina", "/welcome/suggestions"),
        "admin-welcome": ("ada", "/admin/welcome"),
        "peer-mentor-none": ("nina", "/peer-mentor"),
        "peer-mentor-requested": ("rita", "/peer-mentor"),
        "peer-mentor-proposed": ("paul", "/peer-mentor"),
        "peer-mentor-active": ("maya", "/peer-mentor"),
        "peer-mentor-ended": ("eddie", "/peer-mentor"),
        "mentoring": ("bea", "/mentoring"),
        "coordinator": ("ada", "/coordinator"),
        "coordinator-request": ("ada", f"/coordinator/requests/{requests['rita'].id}"),
        "coordinator-active": ("ada", f"/coordinator/requests/{requests['maya'].id}"),
        "coordinator-ended": ("ada", f"/coordinator/requests/{requests['eddie'].id}"),
        "admin-mentors": ("ada", "/admin/mentors"),
        "admin-mentor": ("ada", f"/admin/mentors/{bea.id}"),
        "memorialise": ("jen", "/u/ivan/memorialise"),
        "admin-memorials": ("ada", "/admin/memorials"),
        "settings-legacy": ("jen", "/settings/legacy"),
        "legacy": ("jen", "/u/hugh/legacy"),
        "profile-remembered": ("jen", "/u/hugh"),
    }
    settled()
    return paths


@pytest.mark.parametrize(
    "options",
    [{"viewport": DESKTOP}, {"viewport": SMALL_PHONE, "color_scheme": "dark"}],
    ids=["desktop", "dark-360"],
)
def test_no_wcag_violations_on_the_fit_pages(open_page, app, category, options):
    tab_of = signed_in_tabs(open_page, PASSWORD, **options)
    found: dict[str, list[str]] = {}
    for name, (who, path) in world(category).items():
        tab = tab_of(who)
        response = tab.go(path)
        problems = [] if response.status == 200 else [f"HTTP {response.status}"]
        problems += violations(tab)
        measured = tab.page.evaluate(MEASURE)
        if measured["scrollWidth"] > measured["width"]:  # WCAG 1.4.10: no sideways scrolling
            problems.append(f"{measured['scrollWidth']}px wide: {measured['wide']}")
        if name == "memorialise":  # the request with its error shown: no relationship given
            tab.page.get_by_role("button", name="Send the request to the administrators").click()
            tab.page.get_by_text("Please say how you knew them.").wait_for()
            tab.page.wait_for_load_state("load")  # styles in place before axe measures
            problems += violations(tab)
        if problems:
            found[name] = problems
    assert not found, "\n".join(f"{n}: {p}" for n, ps in found.items() for p in ps)


# --- 5. in German, French and Spanish --------------------------------------------------------


def translated(language: str, msgid: str) -> str:
    """``msgid`` as the catalogue says it, and only when the translation is final (a fuzzy
    guess is not compiled, so the page would still say the English)."""
    message = _catalogue(language).get(msgid)
    assert message is not None and message.string, f"{msgid!r} is not translated to {language}"
    assert not message.fuzzy, f"{msgid!r} in {language} is marked fuzzy: {message.string!r}"
    return message.string


HEADINGS = {
    "/welcome": ("nina", "Welcome: find the groups that fit you"),
    "/peer-mentor": ("nina", "A peer mentor"),
    "/admin/memorials": ("ada", "Memorial accounts"),
}


@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_the_new_pages_speak_the_members_language(open_page, app, language):
    person("ada", admin=True)
    person("nina")
    settled()
    tabs = {}
    wrong = []
    for path, (who, english) in HEADINGS.items():
        if who not in tabs:
            tabs[who] = open_page(locale=language)
            sign_in(tabs[who], who, PASSWORD, language)
        tab = tabs[who]
        assert tab.go(path).status == 200
        heading = tab.page.get_by_role("heading", level=1).inner_text().strip()
        if heading == english:
            wrong.append(f"{path}: the heading is still English ({english!r})")
            continue
        try:
            expected = translated(language, english)
        except AssertionError as error:
            wrong.append(f"{path}: {error}")
            continue
        if heading != expected:
            wrong.append(f"{path}: {heading!r}, not {expected!r}")
        assert tab.page.locator("html").get_attribute("lang") == language
    assert not wrong, f"in {language}:\n" + "\n".join(wrong)
