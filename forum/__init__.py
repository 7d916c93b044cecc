"""Kindred: a peer-support forum. ``create_app`` builds the Flask application."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from forum import config as settings
from forum.extensions import csrf, db, limiter, login_manager

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings from ``FORUM_*`` variables, then ``config`` on top (tests)."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(settings.from_environment(instance_path))
    if config:
        app.config.update(config)
    if app.config["PROXY_COUNT"]:
        # Behind nginx: the client's own address (for rate limits) and scheme (for cookies).
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]

    # Importing registers the tables, and the search index built with them, with SQLAlchemy.
    from forum import models, search  # noqa: F401

    db.init_app(app)
    from forum.database import init_migrations

    init_migrations(app, str(PROJECT_ROOT / "migrations"))
    from forum.web import request_guard

    request_guard.init_app(app)  # first: a cross-site request is refused before the CSRF check
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from forum import i18n, stored_texts

    i18n.init_app(app)
    stored_texts.init_app(app)  # after i18n: it wraps the gettext callables i18n installs

    from forum import database

    database.configure_engine(app)

    from forum.web import register_web

    register_web(app)

    from forum import page_cache

    page_cache.init_app(app)  # last: every other request hook runs first

    from forum.web import fragments

    fragments.init_app(app)

    from forum import member_pages

    member_pages.init_app(app)

    from forum.cli import register_cli

    register_cli(app)
    return app
