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
The body now has `settings.HTTP_BODY_TIMEOUT` seconds to arrive (then 408) and may be no
larger than its form takes (else 413).

Bodies are read ahead for every request, by anyone, before any log-in: held whole in memory,
40 slow uploads of 2 MB grew the server by 82 MB (tests/e2e/test_serving.py), and a thousand
would have taken gigabytes. So a body stays in memory only while it is small and the process
holds few such bytes; past either bound it goes on in a temporary file, as Django's own
handler does with large bodies. A join or an answer is a few hundred bytes.
"""

import asyncio
import tempfile
import weakref
from io import BytesIO

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest, get_script_prefix
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext

# A form's body holds its fields (Django refuses more than DATA_UPLOAD_MAX_MEMORY_SIZE of
# them), a file on the routes below, and the multipart boundaries and part headers around them.
MULTIPART_HEADROOM = 64 * 1024
# The forms with a file field (decks/forms.py); no other route takes a file.
ROUTES_TAKING_A_DECK_FILE = {"decks:deck-import", "decks:cards-add-many"}

# A body past this many bytes is written to a temporary file, and so is any body once the
# bodies being read hold this many bytes of the process's memory between them.
BODY_IN_MEMORY = 64 * 1024
BODIES_IN_MEMORY = 4 * 1024 * 1024
# Django gets the body back in pieces of this size (it spools them to a file of its own).
REPLAYED_CHUNK = 64 * 1024


class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    pass


def declared_length(scope):
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def takes_a_deck_file(scope):
    path = scope["path"].removeprefix(get_script_prefix(scope))
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.view_name in ROUTES_TAKING_A_DECK_FILE


class BodyBound:
    """The largest body a request may send. Its route is looked up (some 60 µs on the event
    loop) only for a body past what a form without a file may send."""

    def __init__(self, scope):
        self.scope = scope
        self.bytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + MULTIPART_HEADROOM
        self.route_known = False

    def admits(self, size):
        if size > self.bytes and not self.route_known:
            self.route_known = True
            if takes_a_deck_file(self.scope):
                self.bytes += settings.DECK_IMPORT_MAX_BYTES
        return size <= self.bytes


class MemoryForBodies:
    """Bytes of request bodies that one process holds in memory, at most `limit`."""

    def __init__(self, limit):
        self.limit = limit
        self.held = 0

    def take(self, size):
        if self.held + size > self.limit:
            return False
        self.held += size
        return True

    def give_back(self, size):
        self.held -= size


class Body:
    """A request's body as it arrives: in memory while it is small and the process has room
    for it, then in a temporary file."""

    def __init__(self, memory):
        self.memory = memory
        # max_size=0: never rolled over to disk by itself; `write` decides. Closed by `close`.
        self.file = tempfile.SpooledTemporaryFile(  # noqa: SIM115
            max_size=0, dir=settings.FILE_UPLOAD_TEMP_DIR
        )
        self.in_memory = 0  # None once on disk
        self.size = 0

    def write(self, chunk):
        if self.in_memory is not None:
            if self.in_memory + len(chunk) <= BODY_IN_MEMORY and self.memory.take(len(chunk)):
                self.in_memory += len(chunk)
            else:
                self.file.rollover()
                self.memory.give_back(self.in_memory)
                self.in_memory = None
        self.file.write(chunk)
        self.size += len(chunk)

    def close(self):
        self.memory.give_back(self.in_memory or 0)
        self.in_memory = 0
        self.file.close()


async def read_body(receive, body, bound):
    """Read the request's body into `body`; the ASGI server reads it off the socket meanwhile."""
    more_body = True
    while more_body:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        if not bound.admits(body.size + len(chunk)):
            raise BodyTooLarge
        body.write(chunk)
        more_body = message.get("more_body", False)


def replay(body, receive):
    """A `receive` that gives Django the body read ahead, then the client's own messages
    (Django waits on them to learn that the client went away)."""
    body.file.seek(0)
    replayed = False

    async def receive_replayed():
        nonlocal replayed
        if replayed:
            return await receive()
        chunk = body.file.read(REPLAYED_CHUNK)
        replayed = body.file.tell() >= body.size
        return {"type": "http.request", "body": chunk, "more_body": not replayed}

    return receive_replayed


def too_large(limit):
    return gettext("This request is larger than the server accepts (%(limit)s).") % {
        "limit": filesizeformat(limit)
    }


def too_slow():
    return gettext("The request took too long to arrive.")


def language_of(scope):
    """The language Django's LocaleMiddleware would pick for this request."""
    try:
        request = ASGIRequest(scope, BytesIO())
    except UnicodeDecodeError:  # a query string that is not UTF-8
        return settings.LANGUAGE_CODE
    return translation.get_language_from_request(request)


async def answer_early(scope, send, status, message, *args):
    """Answer with `status` and `message(*args)`, a plain text in the client's language, and
    close the connection: for a request that Django never sees."""
    with translation.override(language_of(scope)):
        text = message(*args)
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
    await send({"type": "http.response.body", "body": text.encode()})


class LimitConcurrency:
    def __init__(self, app):
        self.app = app
        self.semaphores = weakref.WeakKeyDictionary()  # one per event loop
        self.memory = MemoryForBodies(BODIES_IN_MEMORY)

    async def __call__(self, scope, receive, send):
        bound = BodyBound(scope)
        if not bound.admits(declared_length(scope) or 0):
            await answer_early(scope, send, 413, too_large, bound.bytes)
            return
        body = Body(self.memory)
        try:
            try:
                async with asyncio.timeout(settings.HTTP_BODY_TIMEOUT):
                    await read_body(receive, body, bound)
            except TimeoutError:
                await answer_early(scope, send, 408, too_slow)
                return
            except BodyTooLarge:
                await answer_early(scope, send, 413, too_large, bound.bytes)
                return
            except ClientGone:
                return
            loop = asyncio.get_running_loop()
            semaphore = self.semaphores.get(loop)
            if semaphore is None:
                semaphore = self.semaphores[loop] = asyncio.Semaphore(settings.HTTP_CONCURRENCY)
            async with semaphore:
                await self.app(scope, replay(body, receive), send)
        finally:
            body.close()
