"""Sign-up. Log in, log out and the password pages are Django's own views."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.forms import SignUpForm
from cxworkshop.ratelimits import SIGNUP, limit_posts


@limit_posts(SIGNUP)
def signup(request):
    if request.user.is_authenticated:
        return redirect("decks:deck-list")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account is ready. Start with a deck."))
        return redirect("decks:deck-list")
    return render(request, "registration/signup.html", {"form": form})
