from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from forum.models.posts import BODY_MAX, TITLE_MAX
from forum.web.forms import body_validators, normalise_newlines

BODY_VALIDATORS = body_validators(BODY_MAX)
BODY_FILTERS = [normalise_newlines]


class ReplyForm(FlaskForm):
    body = TextAreaField(
        "Your reply",
        description="Markdown works: **bold**, *italic*, lists, > quotes and links.",
        validators=BODY_VALIDATORS,
        filters=BODY_FILTERS,
    )
    parent_id = HiddenField()
    quoted_id = HiddenField()
    anonymous = BooleanField(
        "Post anonymously",
        description="Others see “Anonymous member”. Site admins can still see it is you.",
    )
    preview = SubmitField("Preview")
    submit = SubmitField("Post reply")


class EditPostForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[
            Optional(),
            Length(max=TITLE_MAX, message=f"Titles can be at most {TITLE_MAX} characters."),
        ],
    )
    body = TextAreaField("Your message", validators=BODY_VALIDATORS, filters=BODY_FILTERS)
    preview = SubmitField("Preview")
    submit = SubmitField("Save changes")


class ConfirmForm(FlaskForm):
    submit = SubmitField("Remove my post")
