from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from forum.i18n import lazy_gettext as _l
from forum.models import MessagePolicy
from forum.models.messages import MESSAGE_MAX, SUBJECT_MAX
from forum.services.addressing import NAME_MAX
from forum.web.forms import COMPOSE_HELP, normalise_newlines

BODY_HELP = COMPOSE_HELP


class NewConversationForm(FlaskForm):
    recipients = StringField(
        _l("To"),
        description=_l(
            "Usernames or display names, separated by commas (up to 9 people). "
            "A username can start with @."
        ),
        validators=[InputRequired(_l("Please choose who to write to.")), Length(max=400)],
    )
    subject = StringField(
        _l("Subject"),
        validators=[
            InputRequired(_l("Please give your message a subject.")),
            Length(max=SUBJECT_MAX),
        ],
    )
    body = TextAreaField(
        _l("Message"),
        description=BODY_HELP,
        filters=[normalise_newlines],
        validators=[InputRequired(_l("Please write a message.")), Length(max=MESSAGE_MAX)],
    )
    submit = SubmitField(_l("Send message"))


class ReplyForm(FlaskForm):
    body = TextAreaField(
        _l("Your reply"),
        description=BODY_HELP,
        filters=[normalise_newlines],
        validators=[InputRequired(_l("Please write a message.")), Length(max=MESSAGE_MAX)],
    )
    submit = SubmitField(_l("Send reply"))


class AddPersonForm(FlaskForm):
    username = StringField(
        _l("Add someone (their name or username)"),
        validators=[
            InputRequired(_l("Please enter a name or a username.")),
            Length(max=NAME_MAX),
        ],
    )
    submit = SubmitField(_l("Add to conversation"))


class MessageSettingsForm(FlaskForm):
    message_policy = SelectField(
        _l("Who can start a conversation with me"),
        description=_l("Facilitators and admins can always reach you about moderation."),
        choices=[
            SelectChoice(MessagePolicy.EVERYONE.value, _l("Any member")),
            SelectChoice(
                MessagePolicy.KNOWN.value, _l("Only facilitators and people I already talk with")
            ),
            SelectChoice(MessagePolicy.NOBODY.value, _l("Nobody")),
        ],
    )
    submit = SubmitField(_l("Save message settings"))
