"""The calendar settings page's two forms: the feed's address, and reminder times."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from forum.i18n import lazy_gettext as _l
from forum.services.calendars import REMINDER_CHOICES


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes (none ticked is a choice too)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: FlaskForm) -> None:
        # The service names a value off the list in plain words; no ticks at all is fine.
        return None


class CalendarAddressForm(FlaskForm):
    """Create the private feed address, or replace it with a new one."""

    reset_address = SubmitField(_l("Reset my calendar address"))


class ReminderForm(FlaskForm):
    reminders = CheckboxesField(
        _l("When to remind me of a meeting"),
        choices=[SelectChoice(str(minutes), label) for minutes, label in REMINDER_CHOICES.items()],
    )
    save_reminders = SubmitField(_l("Save reminder times"))
