from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from forum.models.posts import BODY_MAX, TITLE_MAX
from forum.web.forms import body_validators, normalise_newlines


class NewThreadForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[
            InputRequired("Please give your thread a title."),
            Length(max=TITLE_MAX, message=f"Titles can be at most {TITLE_MAX} characters."),
        ],
    )
    body = TextAreaField(
        "Your message",
        description="Markdown works: **bold**, *italic*, lists, > quotes and links.",
        validators=body_validators(BODY_MAX),
        filters=[normalise_newlines],
    )
    anonymous = BooleanField(
        "Post anonymously",
        description="Others see “Anonymous member”. Site admins can still see it is you.",
    )
    preview = SubmitField("Preview")
    submit = SubmitField("Post thread")
