from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from forum.i18n import lazy_gettext as _l
from forum.models.posts import BODY_MAX, TITLE_MAX
from forum.web.forms import COMPOSE_HELP, body_validators, normalise_newlines

BODY_VALIDATORS = body_validators(BODY_MAX)
BODY_FILTERS = [normalise_newlines]


class ReplyForm(FlaskForm):
    body = TextAreaField(
        _l("Your reply"),
        description=COMPOSE_HELP,
        validators=BODY_VALIDATORS,
        filters=BODY_FILTERS,
    )
    parent_id = HiddenField(validators=[Length(max=20)])
    quoted_id = HiddenField(validators=[Length(max=20)])
    anonymous = BooleanField(
        _l("Post anonymously"),
        description=_l("Others see “Anonymous member”. Site admins can still see it is you."),
    )
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Post reply"))


class EditPostForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[
            Optional(),
            Length(
                max=TITLE_MAX,
                message=_l("Titles can be at most %(limit)s characters.", limit=TITLE_MAX),
            ),
        ],
    )
    body = TextAreaField(_l("Your message"), validators=BODY_VALIDATORS, filters=BODY_FILTERS)
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Save changes"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Remove my post"))
