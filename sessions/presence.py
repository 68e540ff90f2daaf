"""Who is connected: the live sockets open in this server process, counted per participant and
per client address, so that no phone (nor a script with its cookie) holds more than its share.

A phone needs one socket; a second or third may be open for a while when it reconnects before
the server has noticed the old one is gone (Uvicorn pings every 20 s), or in a second tab. So
a participant may hold `SOCKETS_PER_PARTICIPANT` (5); one more is refused at the handshake,
which the page treats as a dropped connection and retries a few seconds later, by when the
stale socket has usually gone: a reconnecting phone is delayed, never locked out. A whole room
often shares one public address, so the address cap (`SOCKETS_PER_ADDRESS`, 3,000) leaves room
for a thousand phones, the screens and their reconnects.

Counted in this process, not in the cache (Redis). What an open socket costs (memory, a file
descriptor, a place in every broadcast) is this process's, so this process's count is the one
that bounds it; with N workers a participant may hold N times the cap in all, still a bound.
The count is exact without a lock (one event loop, nothing awaited between checking and
adding), costs no round trip to Redis on each of a thousand reconnects after a restart, works
while Redis is down, and cannot leak: sockets are held weakly, so a consumer that died without
saying goodbye drops out, and a worker that dies takes its counts with it, where a counter in
Redis would keep counting a crashed worker's sockets and lock their phones out.
"""

import weakref
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache

from cxworkshop import languages

open_sockets = defaultdict(weakref.WeakSet)  # ("participant", pk) or ("address", ip) -> sockets


def holders(scope, participant=None):
    """Whom a socket counts against, each with its cap: its client address, its participant."""
    client = scope.get("client") or ("",)
    counted = [(("address", client[0]), settings.SOCKETS_PER_ADDRESS)]
    if participant is not None:
        counted.append((("participant", participant.pk), settings.SOCKETS_PER_PARTICIPANT))
    return counted


def admit(socket, counted):
    """Count `socket` against each of `counted`; False, counting nothing, if one is full."""
    if any(len(open_sockets.get(holder, ())) >= cap for holder, cap in counted):
        return False
    for holder, _cap in counted:
        open_sockets[holder].add(socket)
    return True


def leave(socket, counted):
    for holder, _cap in counted:
        sockets = open_sockets.get(holder)
        if sockets is not None:
            sockets.discard(socket)
            if not sockets:
                del open_sockets[holder]


# Which languages a session's phones and consoles are read in, so that each pushed fragment is
# rendered once per language in use (sessions/broadcast.py), never once per socket.
#
# Phones: their people's languages, from the database (a phone's language is its participant's).
# Consoles: a console follows its user's browser when their account sets no language, which only
# the socket knows; each console socket marks its language in the cache (Redis with several
# workers: an event is rendered by whichever worker handled the request) when it connects and
# again at every heartbeat (consumers.py), one key per language so that two consoles marking two
# languages at once cannot lose one. Should the cache lose every mark (evicted, or Redis
# restarted), the consoles get the facilitator's language until the next heartbeat marks theirs.
LANGUAGE_IN_USE_SECONDS = 24 * 60 * 60


def language_key(session_pk, audience, language):
    return f"live-{session_pk}-{audience}-language-{language}"


async def mark_language(session_pk, audience, language):
    await cache.aset(language_key(session_pk, audience, language), 1, LANGUAGE_IN_USE_SECONDS)


def languages_in_use(session, audience):
    """The languages `audience` ("phones", "host") of `session` is read in, in a stable order."""
    if audience == "phones":
        present = session.people().order_by().values_list("language", flat=True).distinct()
        return sorted(present)
    keys = {language_key(session.pk, audience, code): code for code in languages.shipped()}
    found = cache.get_many(list(keys))
    marked = [code for key, code in keys.items() if key in found]
    return marked or [languages.for_facilitator(session.facilitator, languages.of_room(session))]
