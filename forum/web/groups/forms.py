from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from forum.models import JoinPolicy
from forum.services.boards import PREMODERATE_MAX, RETENTION_MAX_DAYS
from forum.services.membership import NOTE_MAX
from forum.web.admin.forms import VISIBILITY_CHOICES

ACCEPT_LABEL = "I have read this agreement and I will keep what is said in this group within it."


class JoinForm(FlaskForm):
    note = TextAreaField(
        "A note to the facilitators (optional)",
        description="For example, what brings you to this group. Only the facilitators see it.",
        validators=[Length(max=NOTE_MAX)],
    )
    accept = BooleanField(ACCEPT_LABEL)
    submit = SubmitField("Ask to join this group")


class AcceptForm(FlaskForm):
    accept = BooleanField(ACCEPT_LABEL)
    submit = SubmitField("Accept the agreement")


class LeaveForm(FlaskForm):
    submit = SubmitField("Leave this group")


class DecisionForm(FlaskForm):
    message = TextAreaField("Message to the person (optional)", validators=[Length(max=NOTE_MAX)])
    approve = SubmitField("Approve")
    decline = SubmitField("Decline")


class InviteForm(FlaskForm):
    username = StringField(
        "Username to invite", validators=[InputRequired("Please enter a username.")]
    )
    note = TextAreaField("A note with the invitation (optional)", validators=[Length(max=NOTE_MAX)])
    submit = SubmitField("Send invitation")


class RemoveForm(FlaskForm):
    reason = StringField("Reason (kept in the moderation log)", validators=[Length(max=NOTE_MAX)])
    remove = SubmitField("Remove from group")
    ban = SubmitField("Ban from group")


class SimpleForm(FlaskForm):
    """A button that only needs CSRF protection."""


JOIN_CHOICES = [
    SelectChoice(JoinPolicy.OPEN.value, "Open: members join at once after accepting the agreement"),
    SelectChoice(JoinPolicy.REQUEST.value, "By request: a facilitator approves each member"),
    SelectChoice(JoinPolicy.INVITE.value, "By invitation from a facilitator only"),
]


class BoardSettingsForm(FlaskForm):
    visibility = SelectField("Who can see it", choices=VISIBILITY_CHOICES)
    join_policy = SelectField("How people join", choices=JOIN_CHOICES)
    guidelines = TextAreaField(
        "The group's agreement",
        description="Members accept it before joining, and again whenever you change it.",
    )
    anonymous_allowed = BooleanField("Members may post anonymously")
    professionally_led = BooleanField("Led by verified professionals (shown with a badge)")
    exclude_from_search = BooleanField("Leave this board out of site-wide search")
    email_without_text = BooleanField("E-mails about this board carry no post text")
    noindex = BooleanField("Tell search engines not to index this board")
    retention_days = IntegerField(
        "Remove posts older than this many days",
        description="Leave empty to keep posts.",
        validators=[Optional(), NumberRange(min=1, max=RETENTION_MAX_DAYS)],
    )
    premoderate_posts = IntegerField(
        "New members' first posts that wait for approval",
        description="0 turns approval off.",
        default=0,
        validators=[
            InputRequired("Please give a number (0 turns it off)."),
            NumberRange(min=0, max=PREMODERATE_MAX),
        ],
    )
    confirm_widening = BooleanField(
        "I confirm: more people may read everything already written on this board."
    )
    submit = SubmitField("Save settings")
