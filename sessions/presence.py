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
