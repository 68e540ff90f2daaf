"""Files the app hands out: exports of decks and sessions."""

from django.http import HttpResponse


def attachment(content, content_type, filename):
    """A UTF-8 text file the browser saves instead of showing."""
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
