"""Rate limits on what people (or scripts) can repeat: over the limit, a 429 page that says
why, never an error. Counts live in the cache (Redis with REDIS_URL, shared by workers)."""

import functools

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited


def too_many(request, message):
    return render(request, "too_many.html", {"message": message}, status=429)


def posted(field):
    """A rate-limit key: a posted field, trimmed and lower-cased (an e-mail address)."""
    return lambda group, request: request.POST.get(field, "").strip().lower()


def limit_posts(view, *, group, keys, message):
    """`view` with each POST counted under every key (`"ip"` or a callable) against the rate
    named `<GROUP>_RATE` in settings; over any of them, `too_many(message)`."""
    rate = getattr(settings, f"{group.upper()}_RATE")

    @functools.wraps(view)
    def limited(request, *args, **kwargs):
        if request.method == "POST":
            over = [
                is_ratelimited(
                    request, group=f"{group}-{number}", key=key, rate=rate, increment=True
                )
                for number, key in enumerate(keys)
            ]
            if any(over):
                return too_many(request, message)
        return view(request, *args, **kwargs)

    return limited
