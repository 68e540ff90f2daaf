"""The front page, the health check, and the error pages (403, 404, 500; the 429 page is
cxworkshop/ratelimits.py's)."""

from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.functional import Promise

from decks.models import Deck

# A refusal's message is shown when it reads as one sentence written for people
# ("Join the session first."), not an object or a dump of details.
REASON_MAX_LENGTH = 200


def home(request):
    if request.user.is_authenticated:
        return redirect("decks:deck-list")
    featured = Deck.objects.in_library().filter(is_featured=True).with_card_count()[:3]
    return render(request, "home.html", {"featured": featured})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def refusal_reason(exception):
    """The message a PermissionDenied carries, if it is a short line of text; else None."""
    if exception is None or len(exception.args) != 1:
        return None
    message = exception.args[0]
    if not isinstance(message, str | Promise):
        return None
    message = str(message).strip()
    if not message or "\n" in message or len(message) > REASON_MAX_LENGTH:
        return None
    return message


def permission_denied(request, exception=None):
    context = {"reason": refusal_reason(exception)}
    return render(request, "403.html", context, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """The 500 page from the template alone: no context processors, so no session, user or
    database (the error may be the database)."""
    return HttpResponseServerError(loader.get_template("500.html").render())
