"""Whether a screen's page is still current when its socket opens, so that the socket need not
be sent the whole state again.

A socket used to be sent every screen's whole state as it opened: a page loaded a moment ago
was rendered twice, and a join cost a tenth more than it needed to (bench/results). Now each
session counts the live updates sent to its screens, in the cache (shared by every worker with
Redis), and a page says in its socket's address how many had been sent when it started to be
made (`?seen=`). The socket is sent the state only if the count has moved since, or if either
count is unknown (no `seen`, the cache emptied or unreachable): then it is sent, as before.

Why nothing is missed:
- A page reads the count before it reads anything else (its view's first line), and an update
  is counted after its change is committed: whatever a counted update changed, the page shows.
- An update is counted before it is sent, and a socket joins its groups before it reads the
  count: an update sent before the socket could receive it was counted before the socket read
  the count, so the socket sends the state.
The count starts at a random number, so a count lost from the cache and started again cannot
come back to the number a page saw. Only a page's first socket may skip the state: the address
also carries a number of the page's own (`&page=`), and a socket that opens again (a dropped
connection, a worker restarted) is always sent the state, as every reconnect was before.

Left as it was before: an update whose moment Redis could not be reached is neither counted
nor sent, and a screen learns of it with the next update (sessions/broadcast.py `send`).
"""

import secrets
from urllib.parse import parse_qs

from django.core.cache import cache

# What a socket whose page is current is sent instead of the state: htmx swaps nothing (no
# element in it), and the page still hears from its socket (the room lays itself out again).
# A comment, not an empty message: Daphne does not send an empty one.
CURRENT = "<!-- current -->"
KEEP = 24 * 60 * 60  # a session's count outlives any workshop; unknown after that (safe)
# A page's first socket is remembered this long: a reconnect later than that, with the count
# still the page's, has nothing new to be sent anyway.
PAGE_KEPT = 10 * 60


def _key(audience, pk, code):
    # Each audience counts what it is sent: a join, pushed to the room and the consoles, leaves
    # the phones' pages current. Phones know their session's join code before they read
    # anything; the room and the consoles know its id.
    return f"live-sent-code-{code}" if audience == "phones" else f"live-sent-{pk}-{audience}"


def count_update(audience, pk, code):
    """Count one more live update to an audience ("phones", "room" or "host") of session `pk`
    (join code `code`): after its change is committed, before it is sent."""
    key = _key(audience, pk, code)
    try:
        if not cache.add(key, secrets.randbits(48), KEEP):
            cache.incr(key)
    except ValueError:  # expired between the two
        cache.add(key, secrets.randbits(48), KEEP)


def socket_query(audience, pk=None, code=None):
    """`?seen=<count>&page=<number>` for the socket address of a page of `audience`, read as
    the page starts to be made (its view's first read); "" if the count is unknown (the socket
    is then sent the state)."""
    key = _key(audience, pk, code)
    # Not counted yet (a new session), or lost: counting starts here. A page open before has
    # seen another number, so its socket is sent the state.
    cache.add(key, secrets.randbits(48), KEEP)
    value = cache.get(key)
    if value is None:  # the cache unreachable
        return ""
    return f"?seen={value}&page={secrets.token_hex(8)}"


def page_is_current(scope, audience, session):
    """Whether the page that opened this socket showed every update sent to its audience so
    far, and this is its first socket."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    page_saw, page = (query.get("seen") or [""])[0], (query.get("page") or [""])[0]
    if not page_saw or not page.isalnum() or len(page) > 32:
        return False
    if not cache.add(f"live-page-{page}", 1, PAGE_KEPT):  # opened before: a reconnect
        return False
    return str(cache.get(_key(audience, session.pk, session.join_code))) == page_saw
