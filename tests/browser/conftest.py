"""Browser tests: Debian's Chromium, driven by Playwright, against a live Kindred.

Each test gets the suite's database (SQLite or PostgreSQL, emptied afterwards by the ``app``
fixture) and a real server for it on a free port in a thread of this process, with CSRF and
everything else as in production (started by the first test that asks for its settings, then
kept for the worker's later tests: :class:`_LiveServers`). The browser is Chromium from Debian's
``chromium`` package (``make test`` installs it when missing), started with the flags the issue
names.
With ``FORUM_TEST_SCREENSHOTS=1``, screenshots go to ``tests/browser/screenshots/`` (not
committed).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from flask import Flask

from forum import page_cache
from forum.extensions import db
from forum.member_pages import member_pages
from tests.helpers import served_app, serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
TAKE_SCREENSHOTS = os.environ.get("FORUM_TEST_SCREENSHOTS", "") not in ("", "0")
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError("Chromium is missing: `make test` installs the chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_config() -> dict:
    """Settings a test module may change for its server (override this fixture)."""
    return {}


class _LiveServers:
    """The real servers of this test worker, one for each set of settings, kept for the session.

    Building an app and compiling its templates costs more than many browser tests: a test
    gets the server an earlier test with the same ``live_config`` started, with its own mail
    and upload folders and without the pages the earlier test's server kept."""

    def __init__(self) -> None:
        self.running: dict[str, tuple[Flask, str]] = {}
        self._stack = ExitStack()

    def take(self, database_url: str, folder: Path, settings: dict) -> tuple[Flask, str]:
        key = repr((database_url, sorted((k, repr(v)) for k, v in settings.items())))
        if key not in self.running:
            app = served_app(database_url, folder, **settings)
            self.running[key] = (app, self._stack.enter_context(serving(app)))
        app, address = self.running[key]
        app.config.update(
            {
                "MAIL_OUTBOX": settings.get("MAIL_OUTBOX", folder / "outbox"),
                "UPLOAD_FOLDER": settings.get("UPLOAD_FOLDER", folder / "uploads"),
            }
        )
        with app.app_context():
            page_cache.clear()
            member_pages.clear()
        return app, address

    @staticmethod
    def give_back(app: Flask) -> None:
        """Let go of the connections: the next test's database may be a new file (a restore)."""
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

    def close(self) -> None:
        self._stack.close()
        self.running.clear()


@pytest.fixture(scope="session")
def _live_servers() -> Iterator[_LiveServers]:
    servers = _LiveServers()
    yield servers
    servers.close()


@pytest.fixture
def live_server(
    app: Flask, _schema: str, tmp_path: Path, live_config: dict, _live_servers: _LiveServers
) -> Iterator[str]:
    """A real server for the test's database, as production runs it (CSRF on, limits off)."""
    served, address = _live_servers.take(_schema, tmp_path, live_config)
    try:
        yield address
    finally:
        _live_servers.give_back(served)


class Page:
    """A browser tab that records what must never happen: dialogs (alert, confirm, prompt) and
    uncaught script errors."""

    def __init__(self, context, base: str) -> None:  # noqa: ANN001
        self.context = context
        self.base = base
        self.page = context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _dialog(self, dialog) -> None:  # noqa: ANN001
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def go(self, path: str):  # noqa: ANN201
        return self.page.goto(self.base + path)

    def shot(self, name: str) -> None:
        """A full-page picture, when asked for (``FORUM_TEST_SCREENSHOTS=1``): 0.1 s a page."""
        if not TAKE_SCREENSHOTS:
            return
        SCREENSHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def open_page(browser, live_server):  # noqa: ANN001, ANN201
    """``open_page(javascript=True, viewport=DESKTOP)`` → a fresh signed-out tab."""
    contexts = []

    def open_(javascript: bool = True, viewport: dict | None = None, **options) -> Page:  # noqa: ANN003
        context = browser.new_context(
            java_script_enabled=javascript, viewport=viewport or DESKTOP, **options
        )
        contexts.append(context)
        return Page(context, live_server)

    yield open_
    for context in contexts:
        context.close()


def sign_in(tab: Page, username: str, password: str, language: str = "en") -> None:
    from tests.web.test_languages import said_in

    tab.go("/login")
    tab.page.get_by_label(said_in(language, "Username or e-mail address")).fill(username)
    tab.page.get_by_label(said_in(language, "Password"), exact=True).fill(password)
    tab.page.get_by_role("button", name=said_in(language, "Sign in")).click()
    # Signed in: the header has "Sign out" (on a phone, inside the closed menu).
    tab.page.get_by_role(
        "button", name=said_in(language, "Sign out"), include_hidden=True
    ).wait_for(state="attached")
    # and laid out: until the stylesheet has loaded, a desktop header shows the phone's menu
    tab.page.wait_for_load_state("load")


CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def signed_in_quietly(tab: Page, username: str, password: str) -> None:
    """``tab`` signed in without showing the sign-in page: the form sent from the tab's own
    cookie jar, as the page would send it, and nothing drawn. For walks over other pages (two
    page loads less for each person); the sign-in page is walked by the tests of its own."""
    request = tab.context.request
    form = request.get(f"{tab.base}/login")
    token = CSRF_FIELD.search(form.text())
    assert token, f"no CSRF token on the sign-in page ({form.status})"
    answer = request.post(
        f"{tab.base}/login",
        form={"login": username, "password": password, "csrf_token": token.group(1)},
        max_redirects=0,
    )
    assert answer.status == 302, f"{username} was not signed in: {answer.status}"


def signed_in_tabs(open_page, password: str, **options):  # noqa: ANN001, ANN201
    """For a walk over pages as several people: ``tab(who)`` → that person's tab, opened with
    ``options`` (CSP bypassed, so that axe can be added to the page) and signed in on first use."""
    tabs: dict[str, Page] = {}

    def tab(who: str) -> Page:
        if who not in tabs:
            tabs[who] = open_page(bypass_csp=True, **options)
            signed_in_quietly(tabs[who], who, password)
        return tabs[who]

    return tab
