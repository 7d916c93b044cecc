"""Forms of the "Find groups" directory: the public filter and the admins' group form."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from forum.countries import country_choices
from forum.i18n import lazy_gettext as _l
from forum.i18n import number
from forum.services.directory import (
    DESCRIPTION_MAX,
    LED_BY_LABELS,
    MEETING_FORMAT_LABELS,
    NAME_MAX,
    SEARCH_MAX,
)
from forum.vocabulary import CANCER_TYPES, LANGUAGES, by_label
from forum.web.forms import normalise_newlines

ANY = SelectChoice("", _l("Any"))


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(str(code), label) for code, label in labels.items()]


def _languages() -> list[SelectChoice]:
    """Languages named and sorted in the page's language (built for each form)."""
    return [SelectChoice(code, label) for code, label in by_label(LANGUAGES)]


def language_filter_choices(in_use: set[str], wanted: str | None) -> list[SelectChoice]:
    """ "Any", then only the languages some group has (and the one asked for, so that a link
    with a language no group has any more still shows the form, with no groups found)."""
    return [ANY, *(c for c in _languages() if c.value in in_use or c.value == wanted)]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (easier than a multiple select, and each has its own label)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class GroupFilterForm(FlaskForm):
    """The public search form, sent by GET: no CSRF token, nothing changes."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Words to look for"),
        description=_l("In the name, town or description of a group or meeting."),
        validators=[Optional(), Length(max=SEARCH_MAX)],
    )
    meeting_format = SelectField(
        _l("How it meets"),
        description=_l("Groups that meet both online and in person are shown for either."),
        choices=[ANY, *_choices(MEETING_FORMAT_LABELS)],
        default="",
    )
    led_by = SelectField(_l("Led by"), choices=[ANY, *_choices(LED_BY_LABELS)], default="")
    country = SelectField(
        _l("Country"),
        description=_l("Online groups open to every country are included."),
        choices=lambda: [ANY, *country_choices()],
        default="",
    )
    language = SelectField(_l("Language"), choices=lambda: [ANY, *_languages()], default="")
    cancer_type = SelectField(
        _l("Cancer type"),
        description=_l(
            "Only for the groups outside: our own groups' meetings are listed whatever the "
            "cancer type."
        ),
        choices=[ANY, *_choices(CANCER_TYPES)],
        default="",
    )


class SupportGroupForm(FlaskForm):
    """What admins fill in. The service checks everything again and explains refusals."""

    name = StringField(_l("Name"), description=_l("At most %(limit)s characters.", limit=NAME_MAX))
    description = TextAreaField(
        _l("Description"),
        description=_l(
            "Plain text: who the group is for and how it works (at most %(limit)s characters).",
            limit=number(DESCRIPTION_MAX),
        ),
        filters=[normalise_newlines],
    )
    meeting_format = SelectField(_l("How it meets"), choices=_choices(MEETING_FORMAT_LABELS))
    led_by = SelectField(_l("Led by"), choices=_choices(LED_BY_LABELS))
    country = SelectField(
        _l("Country"),
        description=_l("Leave as “Any country” for an online group open to people everywhere."),
        choices=lambda: [
            SelectChoice("", _("Any country (online groups only)")),
            *country_choices(),
        ],
    )
    city = StringField(_l("Town or city"), description=_l("Leave empty for an online group."))
    languages = MultiCheckboxField(_l("Languages"), choices=_languages)
    cancer_types = MultiCheckboxField(_l("Cancer types"), choices=_choices(CANCER_TYPES))
    website = StringField(
        _l("Website"),
        description=_l("The full address, starting with https://"),
    )
    submit = SubmitField(_l("Save group"))
