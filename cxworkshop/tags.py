"""Tags (django-taggit) everywhere in the product: one length limit, checked in every form and
import, so a long tag is a form error rather than a database error (PostgreSQL refuses tags
longer than taggit's column)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField

TAG_MAX_LENGTH = 50


class BoundedTagField(TagField):
    """taggit's comma-separated tag field, refusing tags over TAG_MAX_LENGTH characters."""

    def clean(self, value):
        tags = super().clean(value)
        if any(len(name) > TAG_MAX_LENGTH for name in tags):
            raise ValidationError(
                _("A tag can be at most %(limit)s characters long."),
                code="tag_too_long",
                params={"limit": TAG_MAX_LENGTH},
            )
        return tags
