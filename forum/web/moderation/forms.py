from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from forum.models.posts import CONTENT_WARNING_MAX, TITLE_MAX
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


class HideForm(FlaskForm):
    reason = TextAreaField(
        "Reason (the author will read it)",
        validators=[InputRequired("Please give a reason for the author."), Length(max=REASON_MAX)],
    )
    submit = SubmitField("Hide this post")


class NoteForm(FlaskForm):
    note = TextAreaField(
        "Facilitator's note shown under the post",
        description="For example, context on a medical claim. Leave empty to remove the note.",
        validators=[Length(max=MESSAGE_MAX)],
    )
    submit = SubmitField("Save the note")


class WarningForm(FlaskForm):
    warning = StringField(
        "Content warning",
        description="For example: describes the death of a child. Leave empty to remove it.",
        validators=[Length(max=CONTENT_WARNING_MAX)],
    )
    submit = SubmitField("Save the content warning")


class SplitForm(FlaskForm):
    title = StringField(
        "Title of the new thread",
        validators=[InputRequired("Please give the new thread a title."), Length(max=TITLE_MAX)],
    )
    posts = SelectMultipleField("Replies to move", coerce=int, validate_choice=False)
    submit = SubmitField("Move the chosen replies to a new thread")


class MergeForm(FlaskForm):
    target = SelectField("Merge into", coerce=int, validate_choice=False)
    submit = SubmitField("Merge the threads")


class CloseReportForm(FlaskForm):
    note = TextAreaField("What you did (the reporter is told)", validators=[Length(max=REASON_MAX)])
    resolve = SubmitField("Resolve")
    dismiss = SubmitField("Dismiss")


class WarnForm(FlaskForm):
    reason = TextAreaField(
        "Reason", validators=[InputRequired("Please give a reason."), Length(max=2000)]
    )
    submit = SubmitField("Send a warning")


class MuteForm(FlaskForm):
    board = SelectField("Board", coerce=int, validate_choice=False)
    days = IntegerField("For how many days (empty: until lifted)", validators=[Optional()])
    reason = TextAreaField(
        "Reason", validators=[InputRequired("Please give a reason."), Length(max=2000)]
    )
    submit = SubmitField("Mute on this board")


class SuspendForm(FlaskForm):
    days = IntegerField("For how many days (empty: until lifted)", validators=[Optional()])
    reason = TextAreaField(
        "Reason", validators=[InputRequired("Please give a reason."), Length(max=2000)]
    )
    submit = SubmitField("Suspend from the site")


class MemberNoteForm(FlaskForm):
    text = TextAreaField(
        "Note about this member (only facilitators and admins see it)",
        validators=[InputRequired("Please write the note."), Length(max=2000)],
    )
    submit = SubmitField("Add the note")


class ButtonOnlyForm(FlaskForm):
    """A button that only needs CSRF protection."""
