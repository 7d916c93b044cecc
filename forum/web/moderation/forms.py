from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from forum.services.moderation import MESSAGE_MAX, REASON_MAX


class RevealForm(FlaskForm):
    reason = TextAreaField(
        "Why do you need to know who wrote this?",
        description="Your reason is kept in the moderation log, which facilitators can read.",
        validators=[InputRequired("Please give a reason."), Length(max=REASON_MAX)],
    )
    submit = SubmitField("Reveal the author")


class MessageAuthorForm(FlaskForm):
    message = TextAreaField(
        "Your message",
        description="The author receives it without you learning who they are.",
        validators=[InputRequired("Please write a message."), Length(max=MESSAGE_MAX)],
    )
    submit = SubmitField("Send to the author")


class MoveThreadForm(FlaskForm):
    destination = SelectField("Move to board", coerce=int)
    confirm = BooleanField(
        "I confirm: people who cannot read this thread now will be able to read it there."
    )
    submit = SubmitField("Move thread")
