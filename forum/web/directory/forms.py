"""Forms of the "Find groups" directory: the public filter and the admins' group form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from forum.countries import COUNTRIES
from forum.services.directory import (
    DESCRIPTION_MAX,
    LED_BY_LABELS,
    MEETING_FORMAT_LABELS,
    NAME_MAX,
    SEARCH_MAX,
)
from forum.vocabulary import CANCER_TYPES, LANGUAGES
from forum.web.forms import normalise_newlines

ANY = SelectChoice("", "Any")


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(str(code), label) for code, label in labels.items()]


def _by_label(labels: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in sorted(labels.items(), key=lambda i: i[1])]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (easier than a multiple select, and each has its own label)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class GroupFilterForm(FlaskForm):
    """The public search form, sent by GET: no CSRF token, nothing changes."""

    class Meta:
        csrf = False

    q = StringField(
        "Words to look for",
        description="In the group's name, town or description.",
        validators=[Optional(), Length(max=SEARCH_MAX)],
    )
    meeting_format = SelectField(
        "How it meets",
        description="Groups that meet both online and in person are shown for either.",
        choices=[ANY, *_choices(MEETING_FORMAT_LABELS)],
        default="",
    )
    led_by = SelectField("Led by", choices=[ANY, *_choices(LED_BY_LABELS)], default="")
    country = SelectField(
        "Country",
        description="Online groups open to every country are included.",
        choices=[ANY, *_by_label(COUNTRIES)],
        default="",
    )
    language = SelectField("Language", choices=[ANY, *_by_label(LANGUAGES)], default="")
    cancer_type = SelectField("Cancer type", choices=[ANY, *_choices(CANCER_TYPES)], default="")


class SupportGroupForm(FlaskForm):
    """What admins fill in. The service checks everything again and explains refusals."""

    name = StringField("Name", description=f"At most {NAME_MAX} characters.")
    description = TextAreaField(
        "Description",
        description="Plain text: who the group is for and how it works "
        f"(at most {DESCRIPTION_MAX:,} characters).",
        filters=[normalise_newlines],
    )
    meeting_format = SelectField("How it meets", choices=_choices(MEETING_FORMAT_LABELS))
    led_by = SelectField("Led by", choices=_choices(LED_BY_LABELS))
    country = SelectField(
        "Country",
        description="Leave as “Any country” for an online group open to people everywhere.",
        choices=[SelectChoice("", "Any country (online groups only)"), *_by_label(COUNTRIES)],
    )
    city = StringField("Town or city", description="Leave empty for an online group.")
    languages = MultiCheckboxField("Languages", choices=_by_label(LANGUAGES))
    cancer_types = MultiCheckboxField("Cancer types", choices=_choices(CANCER_TYPES))
    website = StringField(
        "Website",
        description="The full address, starting with https://",
    )
    submit = SubmitField("Save group")


class DeleteGroupForm(FlaskForm):
    """A delete button: CSRF only."""
