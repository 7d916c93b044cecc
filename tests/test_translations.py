"""Every user-facing string is marked for translation, and the German, French and Spanish
catalogues translate every one of them, keeping their placeholders and markup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from forum.i18n import LANGUAGES, TRANSLATIONS
from tests.i18n_check import ROOT, unmarked

TRANSLATED = sorted(set(LANGUAGES) - {"en"})
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdf]")


def _searched(path: str) -> bool:
    """Every folder but hidden ones and caches (Babel's default also skips ``_macros``)."""
    name = Path(path).name
    return not name.startswith(".") and name != "__pycache__"


def extracted_ids() -> set[str]:
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=_searched
    )
    return {messages if isinstance(messages, str) else messages[0] for *_, messages, _, _ in found}


def catalogue(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def test_no_user_facing_string_is_left_unmarked():
    report = unmarked([ROOT / "templates", ROOT / "forum"])
    listing = [f"{file}:{line}: {text}" for file, items in report.items() for line, text in items]
    assert not report, "Mark these for translation:\n" + "\n".join(listing)


def test_the_unmarked_check_finds_plain_text_and_unmarked_messages(tmp_path: Path):
    """So that an empty report above means something."""
    template = tmp_path / "page.html"
    template.write_text(
        '{% block title %}{{ _("Fine") }}{% endblock %}<p>Plain words</p>'
        '<input type="submit" value="Send it"><p>{{ x or "Former member" }}</p>'
    )
    module = tmp_path / "views.py"
    module.write_text(
        "from flask import flash\n"
        "from wtforms import StringField\n"
        "name = StringField('Display name')\n"
        "def view():\n    flash('Your settings are saved.')\n"
    )
    found = unmarked([template, module])
    texts = " ".join(text for items in found.values() for _, text in items)
    for text in ("Plain words", "Send it", "Former member", "Display name", "settings are saved"):
        assert text in texts
    assert "Fine" not in texts


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_translates_every_string_of_the_code(language: str):
    messages = catalogue(language)
    in_code = extracted_ids()
    in_catalogue = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in messages
        if message.id
    }
    missing = sorted(in_code - in_catalogue)
    untranslated = sorted(
        str(message.id)
        for message in messages
        if message.id
        and (
            not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
            or message.fuzzy
        )
    )
    assert not messages.fuzzy, "A catalogue marked fuzzy as a whole is skipped by pybabel compile"
    assert not missing, f"Not in the {language} catalogue (run `make messages`): {missing}"
    assert not untranslated, f"Untranslated or fuzzy in {language}: {untranslated}"
    assert not sorted(in_catalogue - in_code), "Strings no longer in the code (`make messages`)"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_their_placeholders_and_markup(language: str):
    wrong = []
    for message in catalogue(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected_tags = sorted(TAG.findall(ids[0]))
        expected_placeholders = set(PLACEHOLDER.findall(" ".join(ids)))
        for string in strings:
            if sorted(TAG.findall(string)) != expected_tags:
                wrong.append(f"markup differs: {ids[0]!r} → {string!r}")
            # A plural form may say "one" in words instead of %(num)d.
            if not set(PLACEHOLDER.findall(string)) <= expected_placeholders or (
                len(ids) == 1 and set(PLACEHOLDER.findall(string)) != expected_placeholders
            ):
                wrong.append(f"placeholders differ: {ids[0]!r} → {string!r}")
    assert not wrong, "\n".join(wrong)


#: Wording that misled readers (issue 16), as patterns no translation may use again: a name that
#: reads as the reader's own, "left" that reads as "passed away", a report that sounds like a
#: complaint to the police, locking a thread said like suspending or blocking a member.
MISLEADING = {
    "de": [r"nicht mehr dabei", r"Ihr Name bleibt privat", r"Sie erfahren davon nichts"],
    "fr": [r"\(parti·e\)", r"^En danger\b", r"bann(i|ir|issement)"],
    "es": [r"denunci", r"\bvet(ar|o|os|ad[oa]s?)\b", r"Bloquear tema", r"dejado atrás"],
}
#: For the English words on the left, a translation must not use the words on the right (one
#: term per idea: the glossary in docs/translation-glossary.md).
WRONG_TERM = {
    "de": [(r"\block(ed)?\b|\bunlock", r"sperr"), (r"privacy notice", r"Datenschutzerklärung")],
    "fr": [(r"\bat risk\b", r"danger"), (r"\bban(ned|s)?\b", r"bann")],
    "es": [(r"\block(ed)?\b|\bunlock", r"bloque"), (r"\bban(ned|s)?\b", r"vet")],
}


def _pairs(language: str):
    for message in catalogue(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            yield " ".join(ids), string


@pytest.mark.parametrize("language", TRANSLATED)
def test_misleading_wording_does_not_come_back(language: str):
    found = [
        f"{english!r} → {string!r}"
        for english, string in _pairs(language)
        for pattern in MISLEADING[language]
        if re.search(pattern, string, re.IGNORECASE)
    ]
    found += [
        f"{english!r} → {string!r}"
        for english, string in _pairs(language)
        for said, wrong in WRONG_TERM[language]
        if re.search(said, english, re.IGNORECASE) and re.search(wrong, string, re.IGNORECASE)
    ]
    assert not found, "\n".join(found)


def test_the_misleading_wording_check_finds_what_it_bans():
    """So that an empty list above means something."""
    for language, string in (
        ("de", "%(name)s (nicht mehr dabei)"),
        ("fr", "%(name)s (parti·e)"),
        ("es", "Denunciar este tema"),
        ("es", "Vetar al miembro"),
    ):
        assert any(re.search(p, string, re.IGNORECASE) for p in MISLEADING[language])
