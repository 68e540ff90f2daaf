"""A first-come, first-served queue in front of Django's HTTP handling.

Django's ASGI handler runs each request's view in a thread of its own. A room of phones that
all answer at once became a thousand threads sharing one GIL and, on SQLite, one write lock:
every request progressed a little at a time, all of them finished near the end, and writers
queued past the lock's 30 s bound answered 500 (bench/answer_burst.py, 1,000 phones: 111
errors). Here at most `settings.HTTP_CONCURRENCY` requests per process run in threads; the
rest wait in arrival order as coroutines on the event loop, which costs next to nothing.
WebSockets are not queued.
"""

import asyncio
import weakref

from django.conf import settings


class LimitConcurrency:
    def __init__(self, app):
        self.app = app
        self.semaphores = weakref.WeakKeyDictionary()  # one per event loop

    async def __call__(self, scope, receive, send):
        loop = asyncio.get_running_loop()
        semaphore = self.semaphores.get(loop)
        if semaphore is None:
            semaphore = self.semaphores[loop] = asyncio.Semaphore(settings.HTTP_CONCURRENCY)
        async with semaphore:
            await self.app(scope, receive, send)
