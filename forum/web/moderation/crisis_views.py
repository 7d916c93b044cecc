"""The crisis page: where to get help now, for the viewer's country (linked from every page)."""

from __future__ import annotations

from flask import render_template, request, session
from flask_login import current_user

from forum import queries
from forum.countries import country_choices, country_name
from forum.i18n import page_language
from forum.services import crisis as crisis_service
from forum.web.forms import safe_next
from forum.web.moderation import bp
from forum.web.pages import AFTER_POST


@bp.get("/crisis")
def crisis():
    """Calm help for someone who may be at risk: the resources of their country (their setting,
    the one asked for, or the usual countries of the page's language for guests). Right after a
    post that matched an "at risk" word it also says where the post is and that a facilitator
    will look in; opened any other way it says nothing about a post."""
    after_post = session.pop(AFTER_POST, None)
    if not isinstance(after_post, dict):
        after_post = None
    chosen = request.args.get("country", "")
    member_country = current_user.country if current_user.is_authenticated else None
    countries = crisis_service.countries_to_show(chosen, member_country, page_language())
    entries = queries.crisis_resources_for(countries)
    return render_template(
        "moderation/crisis.html",
        entries=entries,
        any_known=bool(entries),
        # One "last checked" sentence when every entry shown was checked the same day.
        checked_days=sorted({r.checked_on for _c, r in entries if r.checked_on}),
        country_name=country_name,
        chosen=countries[0] if len(countries) == 1 else "",
        country_choices=country_choices(),
        default_crisis_text=crisis_service.DEFAULT_TEXT,
        tel_href=crisis_service.tel_href,
        after_post=after_post is not None,
        held=bool(after_post and after_post.get("held")),
        next_url=safe_next(after_post.get("next")) if after_post else None,
    )
