"""Settings an operator gives as ``FORUM_*`` variables: read as documented, refused when wrong."""

from __future__ import annotations

import pytest

from forum import create_app
from forum.config import from_environment


@pytest.mark.parametrize(("given", "language"), [(None, "en"), ("", "en"), ("de", "de")])
def test_the_default_language_is_english_unless_set(monkeypatch, tmp_path, given, language):
    if given is None:
        monkeypatch.delenv("FORUM_DEFAULT_LANGUAGE", raising=False)
    else:
        monkeypatch.setenv("FORUM_DEFAULT_LANGUAGE", given)
    assert from_environment(tmp_path)["BABEL_DEFAULT_LOCALE"] == language


@pytest.mark.parametrize("given", ["it", "de-DE", "DE", "german"])
def test_a_default_language_the_site_lacks_stops_the_app_at_start(monkeypatch, given):
    monkeypatch.setenv("FORUM_DEFAULT_LANGUAGE", given)
    with pytest.raises(ValueError, match="FORUM_DEFAULT_LANGUAGE must be one of en, de, fr, es"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_the_mail_server_certificate_is_checked_against_the_system_unless_a_file_is_given(
    monkeypatch, tmp_path
):
    monkeypatch.delenv("FORUM_MAIL_CA_FILE", raising=False)
    assert from_environment(tmp_path)["MAIL_CA_FILE"] is None
    monkeypatch.setenv("FORUM_MAIL_CA_FILE", "/etc/kindred/relay-ca.pem")
    assert from_environment(tmp_path)["MAIL_CA_FILE"] == "/etc/kindred/relay-ca.pem"
