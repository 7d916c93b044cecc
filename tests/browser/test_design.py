"""The visual design, measured in Chromium on every main page: readable type (16px body text and
form fields, which also keeps phones from zooming into a field), nothing wider than a 360px
phone, a dark theme when the system asks for one, and a focus indicator that can be seen."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, SMALL_PHONE, Page, signed_in_quietly
from tests.browser.test_accessibility import community, pages  # noqa: F401 - community: fixture
from tests.conftest import PASSWORD

MEASURE = """() => {
  const px = (el) => parseFloat(getComputedStyle(el).fontSize);
  const reading = [...document.querySelectorAll(
    'main p:not(.stats):not(.help):not(.description):not(.page-count):not(.excerpt), ' +
    '.post-body, main li, label, textarea, select, button, ' +
    'input:not([type=hidden]):not([type=checkbox]):not([type=radio])')];
  const small = reading.filter((el) => el.offsetParent !== null && px(el) < 16 &&
                               !el.closest('.stats, .post-meta, .reactions, .badge, .small'))
                       .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${px(el)}px`);
  const wide = [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                    && getComputedStyle(el).position !== 'absolute')
    .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + el.className);
  return {
    body: px(document.body),
    scrollWidth: document.documentElement.scrollWidth,
    width: document.documentElement.clientWidth,
    small: small.slice(0, 5),
    wide: wide.slice(0, 5),
  };
}"""

LUMINANCE = """(selector) => {
  const colour = (value) => value.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const channel = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const lum = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const style = getComputedStyle(document.querySelector(selector));
  return {background: lum(colour(style.backgroundColor)), text: lum(colour(style.color))};
}"""


def _tabs(open_page, options: dict) -> dict:  # noqa: ANN001
    tabs: dict[str | None, Page] = {}

    def tab_for(who: str | None) -> Page:
        if who not in tabs:
            tabs[who] = open_page(**options)
            if who:
                signed_in_quietly(tabs[who], who, PASSWORD)
        return tabs[who]

    return tab_for


def test_every_main_page_fits_a_360px_phone_with_16px_text(open_page, community):  # noqa: F811
    tab_for = _tabs(open_page, {"viewport": SMALL_PHONE})
    problems = []
    for name, (who, path) in pages(community).items():
        tab = tab_for(who)
        tab.go(path)
        measured = tab.page.evaluate(MEASURE)
        if measured["body"] < 16:
            problems.append(f"{name}: body text {measured['body']}px")
        if measured["small"]:
            problems.append(f"{name}: text under 16px: {measured['small']}")
        if measured["scrollWidth"] > measured["width"]:
            problems.append(
                f"{name}: {measured['scrollWidth']}px wide on a {measured['width']}px screen: "
                f"{measured['wide']}"
            )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("scheme", "dark"), [("light", False), ("dark", True)])
def test_the_theme_follows_the_system_setting(open_page, community, scheme, dark):  # noqa: F811
    tab = open_page(viewport=DESKTOP, color_scheme=scheme)
    tab.go("/")
    body = tab.page.evaluate(LUMINANCE, "body")
    header = tab.page.evaluate(LUMINANCE, ".site-header")
    if dark:
        assert body["background"] < 0.05 and header["background"] < 0.05, (body, header)
        assert body["text"] > 0.6, body
    else:
        assert body["background"] > 0.8 and body["text"] < 0.05, body
    tab.shot(f"theme-{scheme}-home")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_focus_is_always_visible(open_page, community, scheme):  # noqa: F811
    """Tab through the home page: each focused control shows a solid outline of 3px or more,
    on screen."""
    tab = open_page(viewport=DESKTOP, color_scheme=scheme)
    tab.go("/")
    seen = []
    for _ in range(8):
        tab.page.keyboard.press("Tab")
        focus = tab.page.evaluate(
            """() => {
              const el = document.activeElement;
              const style = getComputedStyle(el);
              const box = el.getBoundingClientRect();
              return {name: el.textContent.trim().slice(0, 30), style: style.outlineStyle,
                      width: parseFloat(style.outlineWidth), colour: style.outlineColor,
                      onScreen: box.bottom > 0 && box.right > 0 && box.top < innerHeight};
            }"""
        )
        seen.append(focus)
        assert focus["style"] not in ("none", "") and focus["width"] >= 3, focus
        assert focus["onScreen"], focus
    assert seen[0]["name"] == "Skip to main content"
    assert len({item["name"] for item in seen}) == len(seen)
