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

from forum.i18n import lazy_gettext as _l
from forum.models import Board, JoinPolicy, Visibility
from forum.models.users import USERNAME_MAX
from forum.policy import transitions
from forum.services.boards import PREMODERATE_MAX, RETENTION_MAX_DAYS
from forum.services.membership import NOTE_MAX
from forum.web.admin.forms import VISIBILITY_CHOICES
from forum.web.forms import ComposeHelp

ACCEPT_LABEL = _l(
    "I have read this agreement and I will keep what is said in this group within it."
)


class JoinForm(FlaskForm):
    note = TextAreaField(
        _l("A note to the facilitators (optional)"),
        description=_l("For example, what brings you to this group. Only the facilitators see it."),
        validators=[Length(max=NOTE_MAX)],
    )
    accept = BooleanField(ACCEPT_LABEL)
    submit = SubmitField(_l("Ask to join this group"))


class AcceptForm(FlaskForm):
    accept = BooleanField(ACCEPT_LABEL)
    submit = SubmitField(_l("Accept the agreement"))


class LeaveForm(FlaskForm):
    submit = SubmitField(_l("Leave this group"))


class DecisionForm(FlaskForm):
    message = TextAreaField(
        _l("Message to the person (optional)"), validators=[Length(max=NOTE_MAX)]
    )
    approve = SubmitField(_l("Approve"))
    decline = SubmitField(_l("Decline"))


class InviteForm(FlaskForm):
    username = StringField(
        _l("Username to invite"),
        validators=[InputRequired(_l("Please enter a username.")), Length(max=USERNAME_MAX + 1)],
    )
    note = TextAreaField(
        _l("A note with the invitation (optional)"), validators=[Length(max=NOTE_MAX)]
    )
    submit = SubmitField(_l("Send invitation"))


class RemoveForm(FlaskForm):
    reason = StringField(
        _l("Reason (kept in the moderation log)"), validators=[Length(max=NOTE_MAX)]
    )
    remove = SubmitField(_l("Remove from group"))
    ban = SubmitField(_l("Ban from group"))


JOIN_CHOICES = [
    SelectChoice(
        JoinPolicy.OPEN.value, _l("Open: members join at once after accepting the agreement")
    ),
    SelectChoice(JoinPolicy.REQUEST.value, _l("By request: a facilitator approves each member")),
    SelectChoice(JoinPolicy.INVITE.value, _l("By invitation from a facilitator only")),
]


class BoardSettingsForm(FlaskForm):
    visibility = SelectField(_l("Who can see it"), choices=VISIBILITY_CHOICES)
    join_policy = SelectField(_l("How people join"), choices=JOIN_CHOICES)
    guidelines = TextAreaField(
        _l("The group's agreement"),
        description=ComposeHelp(
            _l("Members accept it before joining, and again whenever you change it.")
        ),
    )
    anonymous_allowed = BooleanField(_l("Members may post anonymously"))
    professionally_led = BooleanField(_l("Led by verified professionals (shown with a badge)"))
    exclude_from_search = BooleanField(_l("Leave this board out of site-wide search"))
    email_without_text = BooleanField(_l("E-mails about this board carry no post text"))
    noindex = BooleanField(_l("Tell search engines not to index this board"))
    retention_days = IntegerField(
        _l("Remove posts older than this many days"),
        description=_l("Leave empty to keep posts."),
        validators=[Optional(), NumberRange(min=1, max=RETENTION_MAX_DAYS)],
    )
    premoderate_posts = IntegerField(
        _l("New members' first posts that wait for approval"),
        description=_l("0 turns approval off."),
        default=0,
        validators=[
            InputRequired(_l("Please give a number (0 turns it off).")),
            NumberRange(min=0, max=PREMODERATE_MAX),
        ],
    )
    confirm_widening = BooleanField(
        _l("I confirm: more people may read everything already written on this board.")
    )
    submit = SubmitField(_l("Save settings"))


ADMIN_ONLY_CHOICE = _l("Only a site admin can make this board more open.")
ADMIN_ONLY_SWITCH = _l(
    "Only a site admin can turn this off: it would let more people read what is already "
    "written here."
)


def lock_widening(form: BoardSettingsForm, board: Board) -> list[str]:
    """For a facilitator who is not a site admin: offer only the choices that keep ``board`` at
    least as closed, and lock the switches only a site admin may turn off. Returns the names of
    the locked switches (a disabled box is not sent, so the caller keeps the board's value)."""
    for name, kind in (("visibility", Visibility), ("join_policy", JoinPolicy)):
        select = getattr(form, name)
        kept = [c for c in select.choices if not transitions.widens(board, name, kind(c.value))]
        if len(kept) < len(select.choices):
            select.choices = kept
            select.description = ADMIN_ONLY_CHOICE
    locked = [name for name in transitions.KEEPING if transitions.widens(board, name, False)]
    for name in locked:
        switch = getattr(form, name)
        switch.render_kw = {**(switch.render_kw or {}), "disabled": True}
        switch.description = ADMIN_ONLY_SWITCH
    return locked
