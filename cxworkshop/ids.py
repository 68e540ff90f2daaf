"""Database ids typed into a URL or a form: one bound for every id a request names.

Every table's key is a 64-bit integer (`DEFAULT_AUTO_FIELD`); SQLite raises OverflowError for
a larger one in a query, so an id past the bound, below 1 or not a number is a form error
before any query is built.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ID_MAX = 2**63 - 1
# An id in a `re_path`: longer is no id, and past 4,300 digits Python refuses to read it as a
# number at all. (`<int:>` routes are safe without it: past 4,300 digits the route does not
# match, and Django finds no row for a number out of the column's range; test_ids_in_urls.)
ID_PATTERN = "[0-9]{1,19}"


class IdField(forms.IntegerField):
    """One id, as a filter form takes it."""

    default_error_messages = {
        "invalid": _("This is not the number of anything here."),
        "min_value": _("This is not the number of anything here."),
        "max_value": _("This is not the number of anything here."),
    }

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=ID_MAX, **kwargs)


def is_id(value):
    """Whether a value from a request could be an id at all."""
    try:
        IdField().clean(value)
    except ValidationError:
        return False
    return True


class IdChoicesField(forms.ModelMultipleChoiceField):
    """Objects chosen by id (ticked boxes); an id out of bounds is a choice that is not there."""

    def clean(self, value):
        if isinstance(value, list | tuple):
            for pk in value:
                if not is_id(pk):
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": str(pk)[:20]},
                    )
        return super().clean(value)
