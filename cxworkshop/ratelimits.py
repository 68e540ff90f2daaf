"""Rate limits on what people (or scripts) can repeat: over the limit, a 429 page that says
why, never an error. Counts live in the cache (Redis with REDIS_URL, shared by workers)."""

import functools

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_ratelimit.core import is_ratelimited


def too_many(request, message):
    """The 429 page; its "Go back" link goes to the page the visitor came from on this site."""
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("home")
    return render(request, "too_many.html", {"message": message, "back": back}, status=429)


def posted(field):
    """A rate-limit key: a posted field, trimmed and lower-cased (an e-mail address)."""
    return lambda group, request: request.POST.get(field, "").strip().lower()


def everyone(group, request):
    """A rate-limit key shared by every client: a budget for all of them together."""
    return "all"


def over_limits(request, *limits):
    """Count this request against every `(group, key, rate)` (key `"ip"` or a callable);
    true when any of them is over. Each is counted, so no limit is skipped by another."""
    over = [
        is_ratelimited(request, group=group, key=key, rate=rate, increment=True)
        for group, key, rate in limits
    ]
    return any(over)


def limit_posts(view, *, group, keys, message):
    """`view` with each POST counted under every key (`"ip"` or a callable) against the rate
    named `<GROUP>_RATE` in settings; over any of them, `too_many(message)`."""
    rate = getattr(settings, f"{group.upper()}_RATE")

    @functools.wraps(view)
    def limited(request, *args, **kwargs):
        limits = [(f"{group}-{number}", key, rate) for number, key in enumerate(keys)]
        if request.method == "POST" and over_limits(request, *limits):
            return too_many(request, message)
        return view(request, *args, **kwargs)

    return limited
