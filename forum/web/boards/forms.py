from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from forum.i18n import lazy_gettext as _l
from forum.models.posts import BODY_MAX, TITLE_MAX
from forum.web.forms import COMPOSE_HELP, body_validators, normalise_newlines


class NewThreadForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[
            InputRequired(_l("Please give your thread a title.")),
            Length(
                max=TITLE_MAX,
                message=_l("Titles can be at most %(limit)s characters.", limit=TITLE_MAX),
            ),
        ],
    )
    body = TextAreaField(
        _l("Your message"),
        description=COMPOSE_HELP,
        validators=body_validators(BODY_MAX),
        filters=[normalise_newlines],
    )
    anonymous = BooleanField(
        _l("Post anonymously"),
        description=_l("Others see “Anonymous member”. Site admins can still see it is you."),
    )
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Post thread"))
