"""The front page and the health check."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from decks.models import Deck


def home(request):
    if request.user.is_authenticated:
        return redirect("decks:deck-list")
    featured = Deck.objects.in_library().filter(is_featured=True).with_card_count()[:3]
    return render(request, "home.html", {"featured": featured})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
