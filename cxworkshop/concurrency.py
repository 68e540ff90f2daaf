"""A first-come, first-served queue in front of Django's HTTP handling.

Django's ASGI handler runs each request's view in a thread of its own. A room of phones that
all answer at once became a thousand threads sharing one GIL and, on SQLite, one write lock:
every request progressed a little at a time, all of them finished near the end, and writers
queued past the lock's 30 s bound answered 500 (bench/answer_burst.py, 1,000 phones: 111
errors). Here at most `settings.HTTP_CONCURRENCY` requests per process run in threads; the
rest wait in arrival order as coroutines on the event loop, which costs next to nothing.
WebSockets are not queued.

A request joins the queue only once its whole body has arrived. Django reads the body inside
its turn, so four uploads that sent part of a body and then nothing held every turn for as
long as they kept their connections open, and no page, join or answer was served (issue 12).
The body now has `settings.HTTP_BODY_TIMEOUT` seconds to arrive (then 408) and may be as
large as the largest legitimate request (else 413); it reaches Django as one message.
"""

import asyncio
import weakref

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

# A deck import is the largest request a form takes: the file next to Django's bound on the
# other fields, plus the multipart boundaries and part headers around them.
MULTIPART_HEADROOM = 64 * 1024


def body_limit():
    return (
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE + settings.DECK_IMPORT_MAX_BYTES + MULTIPART_HEADROOM
    )


class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    pass


def declared_length(scope):
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


async def read_body(receive, limit):
    """The request's body, whole; the ASGI server reads it off the socket meanwhile."""
    chunks, size, more_body = [], 0, True
    while more_body:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        more_body = message.get("more_body", False)
    return b"".join(chunks)


def replay(body, receive):
    """A `receive` that gives Django the body read ahead, then the client's own messages
    (Django waits on them to learn that the client went away)."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive_replayed():
        return pending.pop() if pending else await receive()

    return receive_replayed


def too_large(limit):
    return gettext("This request is larger than the server accepts (%(limit)s).") % {
        "limit": filesizeformat(limit)
    }


async def refuse(send, status, message):
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": message.encode()})


class LimitConcurrency:
    def __init__(self, app):
        self.app = app
        self.semaphores = weakref.WeakKeyDictionary()  # one per event loop

    async def __call__(self, scope, receive, send):
        limit = body_limit()
        if (declared_length(scope) or 0) > limit:
            await refuse(send, 413, too_large(limit))
            return
        try:
            async with asyncio.timeout(settings.HTTP_BODY_TIMEOUT):
                body = await read_body(receive, limit)
        except TimeoutError:
            await refuse(send, 408, gettext("The request took too long to arrive."))
            return
        except BodyTooLarge:
            await refuse(send, 413, too_large(limit))
            return
        except ClientGone:
            return
        loop = asyncio.get_running_loop()
        semaphore = self.semaphores.get(loop)
        if semaphore is None:
            semaphore = self.semaphores[loop] = asyncio.Semaphore(settings.HTTP_CONCURRENCY)
        async with semaphore:
            await self.app(scope, replay(body, receive), send)
