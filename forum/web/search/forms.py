from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from forum.i18n import lazy_gettext as _l

QUERY_MAX = 200


class SearchForm(FlaskForm):
    """A GET form: nothing to protect with CSRF, and its address can be bookmarked or shared."""

    class Meta:
        csrf = False

    q = StringField(_l("Search for"), validators=[Length(max=QUERY_MAX)])
    board = SelectField(_l("In board"), coerce=str, validate_choice=False)
    author = StringField(
        _l("By member (username)"),
        validators=[Optional(), Length(max=30)],
        filters=[lambda value: value.strip() if value else value],
    )
    since = DateField(_l("From date"), validators=[Optional()])
    until = DateField(_l("To date (inclusive)"), validators=[Optional()])
