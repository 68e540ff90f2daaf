from django import template

from stories import search
from stories.models import Story

register = template.Library()


@register.filter
def highlight(excerpt):
    """A search excerpt as escaped HTML with its matches in <mark>."""
    return search.highlight(excerpt)


@register.simple_tag
def pending_story_count():
    """How many stories wait for moderation: for the staff's navigation."""
    return Story.objects.filter(status=Story.Status.PENDING).count()
