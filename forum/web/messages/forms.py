from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from forum.models import MessagePolicy
from forum.models.messages import MESSAGE_MAX, SUBJECT_MAX
from forum.models.moderation import REPORT_REASON_LABELS
from forum.services.reports import NOTE_MAX
from forum.web.forms import normalise_newlines

BODY_HELP = "Markdown works: **bold**, *italic*, lists and links."


class NewConversationForm(FlaskForm):
    recipients = StringField(
        "To",
        description="Usernames, separated by commas (up to 9 people).",
        validators=[InputRequired("Please choose who to write to.")],
    )
    subject = StringField(
        "Subject",
        validators=[InputRequired("Please give your message a subject."), Length(max=SUBJECT_MAX)],
    )
    body = TextAreaField(
        "Message",
        description=BODY_HELP,
        filters=[normalise_newlines],
        validators=[InputRequired("Please write a message."), Length(max=MESSAGE_MAX)],
    )
    submit = SubmitField("Send message")


class ReplyForm(FlaskForm):
    body = TextAreaField(
        "Your reply",
        description=BODY_HELP,
        filters=[normalise_newlines],
        validators=[InputRequired("Please write a message."), Length(max=MESSAGE_MAX)],
    )
    submit = SubmitField("Send reply")


class AddPersonForm(FlaskForm):
    username = StringField(
        "Add someone (username)", validators=[InputRequired("Please enter a username.")]
    )
    submit = SubmitField("Add to conversation")


class ButtonForm(FlaskForm):
    """A button that only needs CSRF protection."""


class ReportForm(FlaskForm):
    reason = RadioField(
        "Why are you reporting it?",
        choices=[
            SelectChoice(reason.value, label) for reason, label in REPORT_REASON_LABELS.items()
        ],
        validators=[InputRequired("Please choose a reason.")],
    )
    note = TextAreaField(
        "Anything the admins should know (optional)", validators=[Length(max=NOTE_MAX)]
    )
    submit = SubmitField("Send report")


class MessageSettingsForm(FlaskForm):
    message_policy = SelectField(
        "Who can start a conversation with me",
        description="Facilitators and admins can always reach you about moderation.",
        choices=[
            SelectChoice(MessagePolicy.EVERYONE.value, "Any member"),
            SelectChoice(
                MessagePolicy.KNOWN.value, "Only facilitators and people I already talk with"
            ),
            SelectChoice(MessagePolicy.NOBODY.value, "Nobody"),
        ],
    )
    submit = SubmitField("Save message settings")
