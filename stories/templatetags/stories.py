from django import template

from stories import search

register = template.Library()


@register.filter
def highlight(excerpt):
    """A search excerpt as escaped HTML with its matches in <mark>."""
    return search.highlight(excerpt)
