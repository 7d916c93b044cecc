"""Full-text search: what a member finds, how it is filtered, and that it never returns, counts
or hints at what the searcher may not read. Runs on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from forum.extensions import db
from forum.models import Post, Visibility
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.services import boards, messaging, moderation, posting
from tests.helpers import login, markup, without_tokens


def search(client, **params) -> str:
    response = client.get("/search", query_string=params)
    assert response.status_code == 200, markup(response)[:2000]
    return markup(response)


def result_count(page: str) -> int:
    found = re.search(r"(\d+) results? for", page)
    if found:
        return int(found.group(1))
    assert "No results" in page, page[:2000]
    return 0


@pytest.fixture
def writer(make_user):
    return make_user("writer", display_name="Wren Writer")


@pytest.fixture
def reader(make_user):
    return make_user("reader", display_name="Rae Reader")


@pytest.fixture
def as_reader(client, reader):
    assert login(client, reader).status_code == 302
    return client


def test_finds_words_in_posts_and_titles_with_highlighted_snippets(as_reader, board, writer):
    thread = posting.start_thread(writer, board, "Fatigue after radiotherapy", "Week three now.")
    posting.reply(writer, thread, "My oncologist suggested gentle walking for the fatigue.")
    posting.start_thread(writer, board, "Hair loss", "Nothing about tiredness here.")

    page = search(as_reader, q="fatigue")
    assert result_count(page) == 2
    assert "<mark>fatigue</mark>" in page
    assert "<mark>Fatigue</mark> after radiotherapy" in page
    assert "Hair loss" not in page


def test_every_word_must_match_and_the_start_of_a_word_is_enough(as_reader, board, writer):
    posting.start_thread(writer, board, "Chemotherapy day", "The chemotherapy nurse was kind.")
    posting.start_thread(writer, board, "Nurses", "A kind word from a nurse.")
    assert result_count(search(as_reader, q="chemo")) == 1
    assert result_count(search(as_reader, q="kind nurse")) == 2
    assert result_count(search(as_reader, q="kind chemo nurse")) == 1
    assert result_count(search(as_reader, q="unrelatedword")) == 0


def test_query_syntax_and_punctuation_are_only_words(as_reader, board, writer):
    posting.start_thread(writer, board, "Port flush", "Port flush every four weeks.")
    for query in ('"port', "port*", "(port)", "port:*", "port & !", "-port", "port'; --", "port)"):
        page = search(as_reader, q=query)
        assert result_count(page) == 1, query
    assert result_count(search(as_reader, q="port OR nothing")) == 0  # OR is just a word
    assert "Search the boards" in search(as_reader, q="!!! ***")


OLDER = re.compile(r'<a href="([^"]*)" rel="next">Older results</a>')
NEWER = re.compile(r'<a href="([^"]*)" rel="prev">Newer results</a>')


def follow(client, page: str, link: re.Pattern[str]) -> str:
    found = link.search(page)
    assert found, page[-3000:]
    response = client.get(found.group(1).replace("&amp;", "&"))
    assert response.status_code == 200, markup(response)[:2000]
    return markup(response)


def test_results_are_newest_first_and_paged_with_older_and_newer_links(as_reader, board, writer):
    thread = posting.start_thread(writer, board, "Walking group", "Pagination marker zero")
    for n in range(1, 25):
        posting.reply(writer, thread, f"Pagination marker {n}")
    first = search(as_reader, q="pagination marker")
    assert result_count(first) == 25
    assert "<mark>Pagination</mark> <mark>marker</mark> 24" in first
    assert "<mark>Pagination</mark> <mark>marker</mark> 4<" not in first
    assert NEWER.search(first) is None

    second = follow(as_reader, first, OLDER)
    assert result_count(second) == 25
    assert "<mark>Pagination</mark> <mark>marker</mark> 4<" in second
    assert "<mark>Pagination</mark> <mark>marker</mark> zero" in second
    assert "<mark>Pagination</mark> <mark>marker</mark> 24" not in second
    assert OLDER.search(second) is None
    assert 'aria-label="Search result pages"' in second

    back = follow(as_reader, second, NEWER)
    assert "<mark>Pagination</mark> <mark>marker</mark> 24" in back
    assert "<mark>Pagination</mark> <mark>marker</mark> 5<" in back
    assert "<mark>Pagination</mark> <mark>marker</mark> 4<" not in back
    assert NEWER.search(back) is None and OLDER.search(back)


def test_page_numbers_of_old_links_still_work(as_reader, board, writer):
    thread = posting.start_thread(writer, board, "Walking group", "Pagination marker zero")
    for n in range(1, 25):
        posting.reply(writer, thread, f"Pagination marker {n}")
    second = search(as_reader, q="pagination marker", page=2)
    assert "<mark>Pagination</mark> <mark>marker</mark> 4<" in second
    assert "<mark>Pagination</mark> <mark>marker</mark> 24" not in second
    assert NEWER.search(second)
    for page in ("999999", "0", "-3", "two"):
        assert result_count(search(as_reader, q="pagination marker", page=page)) == 25
    for cursor in ("1", "99999999999999999999", "x"):
        assert result_count(search(as_reader, q="pagination marker", before=cursor)) == 25
        assert result_count(search(as_reader, q="pagination marker", after=cursor)) == 25


def test_counts_stop_at_a_cap_and_say_more_than(as_reader, board, writer, monkeypatch):
    from forum import queries

    monkeypatch.setattr(queries.search, "SEARCH_COUNT_CAP", 5)
    thread = posting.start_thread(writer, board, "Cap thread", "Capybara 0")
    for n in range(1, 8):
        posting.reply(writer, thread, f"Capybara {n}")
    page = search(as_reader, q="capybara")
    assert "More than 5 results for “capybara”" in page
    assert "<mark>Capybara</mark> 7" in page and "<mark>Capybara</mark> 0" in page
    assert "More than 5 results for “capybara” in Treatment" in search(
        as_reader, q="capybara", board=board.id
    )
    posting.start_thread(writer, board, "Other", "Capybara once")
    monkeypatch.setattr(queries.search, "SEARCH_COUNT_CAP", 1000)
    assert result_count(search(as_reader, q="capybara")) == 9


def test_filters_by_board_author_and_date(as_reader, make_board, writer, reader):
    lymph = make_board("Lymphoedema")
    other = make_board("Other")
    old = posting.start_thread(writer, lymph, "Compression sleeve", "Sleeve fitting tips.")
    posting.start_thread(reader, lymph, "My sleeve", "Sleeve is itchy.")
    posting.start_thread(writer, other, "Sleeve elsewhere", "Sleeve on another board.")
    db.session.execute(
        update(Post)
        .where(Post.thread_id == old.id)
        .values(created_at=utcnow() - timedelta(days=40))
    )
    db.session.commit()

    assert result_count(search(as_reader, q="sleeve")) == 3
    assert result_count(search(as_reader, q="sleeve", board=lymph.id)) == 2
    assert result_count(search(as_reader, q="sleeve", author="writer")) == 2
    assert result_count(search(as_reader, q="sleeve", author="@Writer")) == 2
    since = (utcnow() - timedelta(days=10)).date().isoformat()
    assert result_count(search(as_reader, q="sleeve", since=since)) == 2
    until = (utcnow() - timedelta(days=30)).date().isoformat()
    page = search(as_reader, q="sleeve", until=until)
    assert result_count(page) == 1 and "Compression" in page


def test_bad_filters_get_a_clear_message_and_keep_what_was_typed(as_reader, board):
    response = as_reader.get("/search", query_string={"q": "scan", "author": "nobody_here"})
    assert response.status_code == 422
    assert "No member is called “nobody_here”." in markup(response)
    assert 'value="scan"' in markup(response)
    response = as_reader.get(
        "/search", query_string={"q": "scan", "since": "2026-05-01", "until": "2026-04-01"}
    )
    assert response.status_code == 422
    assert "before the “from” date" in markup(response)
    response = as_reader.get("/search", query_string={"q": "scan", "since": "not a date"})
    assert response.status_code == 422
    assert 'value="scan"' in markup(response)


# --- confidentiality ------------------------------------------------------------------------------


@pytest.fixture
def private_board(make_board, writer, admin):
    board = make_board("Partners", Visibility.PRIVATE)
    boards.add_member(board, writer)
    return board


def test_private_words_are_never_found_counted_or_hinted_by_outsiders(
    client, private_board, board, writer, reader, make_user
):
    posting.start_thread(writer, private_board, "Secret title", "Confidential zebra words.")
    posting.start_thread(writer, board, "Public title", "Ordinary zebra words.")
    outsider_pages = []
    assert login(client, reader).status_code == 302
    for query in ("zebra", "confidential", "secret"):
        outsider_pages.append(search(client, q=query))
    assert result_count(outsider_pages[0]) == 1
    assert "Confidential" not in outsider_pages[0] and "Partners" not in outsider_pages[0]
    # Pages are compared without their CSRF tokens, which carry the second they were made in.
    nothing = without_tokens(search(client, q="wordthatisnowhere"))
    for page in outsider_pages[1:]:
        assert result_count(page) == 0
        assert (
            without_tokens(page)
            .replace("confidential", "wordthatisnowhere")
            .replace("secret", "wordthatisnowhere")
            == nothing
        )
    # Searching inside the board (listed, not readable) finds nothing either.
    assert result_count(search(client, q="zebra", board=private_board.id)) == 0

    member = make_user("insider")
    boards.add_member(private_board, member)
    client.post("/logout")
    assert login(client, member).status_code == 302
    page = search(client, q="zebra")
    assert result_count(page) == 2 and "Confidential <mark>zebra</mark> words." in page


def test_private_words_are_never_found_on_any_page_of_results(
    client, private_board, board, writer, reader, make_user
):
    """Private and public posts with the same word, interleaved: a guest and an outsider walk
    every page of results (older and newer links) and meet only the public ones."""
    public = posting.start_thread(writer, board, "Public walrus", "Walrus public 0.")
    private = posting.start_thread(writer, private_board, "Private walrus", "Walrus secret 0.")
    for n in range(1, 30):
        posting.reply(writer, public, f"Walrus public {n}.")
        posting.reply(writer, private, f"Walrus secret {n}.")

    def every_page(client) -> list[str]:
        pages = [search(client, q="walrus")]
        while OLDER.search(pages[-1]):
            pages.append(follow(client, pages[-1], OLDER))
        pages.append(follow(client, pages[-1], NEWER))
        return pages

    for who in (None, reader):
        client.post("/logout")
        if who is not None:
            assert login(client, who).status_code == 302
        pages = every_page(client)
        assert len(pages) == 3
        seen = without_tokens("".join(pages))
        assert result_count(pages[0]) == 30
        assert "secret" not in seen and "Partners" not in seen and "Private" not in seen
        assert seen.count('<article class="search-hit">') == 50  # 20 + 10 + the first 20 again

    insider = make_user("insider")
    boards.add_member(private_board, insider)
    client.post("/logout")
    assert login(client, insider).status_code == 302
    pages = every_page(client)
    assert result_count(pages[0]) == 60
    assert "<mark>Walrus</mark> secret 0." in "".join(pages)


def test_boards_left_out_of_search_are_searched_only_from_inside_by_members(
    client, make_board, writer, reader, admin
):
    quiet = make_board("Quiet room", Visibility.MEMBERS)
    quiet.exclude_from_search = True
    db.session.commit()
    posting.start_thread(writer, quiet, "Quiet thread", "Heron words inside.")
    boards.add_member(quiet, writer)

    assert login(client, writer).status_code == 302
    assert result_count(search(client, q="heron")) == 0
    page = search(client, q="heron", board=quiet.id)
    assert result_count(page) == 1
    board_page = markup(client.get(f"/b/{quiet.id}"))
    assert "Search this board" in board_page

    client.post("/logout")
    assert login(client, reader).status_code == 302  # can read a members board, not a member
    assert result_count(search(client, q="heron")) == 0
    assert result_count(search(client, q="heron", board=quiet.id)) == 0
    assert "Search this board" not in markup(client.get(f"/b/{quiet.id}"))


def test_hidden_removed_pending_and_anonymous_posts(client, make_board, writer, reader, admin):
    board = make_board("Open board")
    board.anonymous_allowed = True
    db.session.commit()
    thread = posting.start_thread(writer, board, "Otter thread", "Otter opening.")
    hidden = posting.reply(writer, thread, "Otter hidden words.")
    moderation.hide_post(Viewer(admin), hidden, "Off topic")
    removed = posting.reply(writer, thread, "Otter removed words.")
    posting.remove_own(writer, removed)
    posting.reply(writer, thread, "Otter anonymous words.", anonymous=True)
    db.session.commit()

    assert login(client, reader).status_code == 302
    page = search(client, q="otter")
    assert result_count(page) == 2
    assert "hidden words" not in page and "removed words" not in page
    assert "Otter anonymous words" not in page.replace("<mark>", "").replace("</mark>", "") or (
        "Anonymous member" in page and "Wren Writer" in page
    )
    anonymous_hit = page.split("anonymous words")[0].rsplit("<article", 1)[-1]
    assert "Anonymous member" in anonymous_hit and "Wren Writer" not in anonymous_hit
    # Searching by the author never finds their anonymous posts.
    by_author = search(client, q="otter", author="writer")
    assert result_count(by_author) == 1 and "anonymous words" not in by_author

    client.post("/logout")
    assert login(client, writer).status_code == 302
    assert result_count(search(client, q="otter", author="writer")) == 2  # their own


def test_posts_of_people_i_blocked_are_left_out(client, board, writer, reader):
    posting.start_thread(writer, board, "Badger thread", "Badger words.")
    messaging.block(reader, writer)
    assert login(client, reader).status_code == 302
    assert result_count(search(client, q="badger")) == 0


def test_edits_and_erasure_reach_the_index(as_reader, board, writer):
    thread = posting.start_thread(writer, board, "Lupin", "Lupin words first.")
    opening = db.session.get(Post, thread.last_post_id)
    posting.edit(writer, opening, "Marigold words now.", title="Marigold")
    assert result_count(search(as_reader, q="lupin")) == 0
    assert result_count(search(as_reader, q="marigold")) == 1
    db.session.delete(db.session.get(Post, opening.id))
    db.session.commit()
    assert result_count(search(as_reader, q="marigold")) == 0


def test_guests_search_public_boards_only(client, board, make_board, writer):
    members_board = make_board("Members only", Visibility.MEMBERS)
    posting.start_thread(writer, board, "Puffin public", "Puffin.")
    posting.start_thread(writer, members_board, "Puffin members", "Puffin.")
    page = search(client, q="puffin")
    assert result_count(page) == 1 and "Puffin public" in page.replace("<mark>", "").replace(
        "</mark>", ""
    )


def test_xss_payloads_typed_as_searches_come_back_inert(as_reader, board, writer):
    """Search echoes what was typed (in the box, the heading and the page title) and highlights
    it in results: every sampled payload stays text."""
    from tests.test_xss import PAYLOADS, assert_page_is_inert

    sample = PAYLOADS[:: max(1, len(PAYLOADS) // 300)]
    holder = posting.start_thread(writer, board, "Payloads as posts", "The sample follows.")
    for payload in sample[:30]:
        posting.reply(writer, holder, payload)
    found_any = False
    for payload in sample:
        response = as_reader.get("/search", query_string={"q": payload[:200], "author": ""})
        assert response.status_code == 200, payload  # any text may be searched for
        page = markup(response)
        assert_page_is_inert(f"search for {payload!r}", page)
        found_any = found_any or "<mark>" in page
    assert found_any  # some payloads' words matched, so highlighting was exercised too
