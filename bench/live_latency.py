"""How long a revealed card takes to reach a room of phones.

Runs the real ASGI application and channel layer in this process, with N phone sockets,
and times each reveal (an HTTP POST through Django) until every phone has the new card.

    DJANGO_DEBUG=1 .venv/bin/python bench/live_latency.py [phones] [reveals]

Uses a throwaway SQLite file unless DATABASE_URL is set; REDIS_URL switches to Redis.
"""

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxworkshop.settings")
os.environ["CXW_JOIN_RATE"] = "100000/m"

import django  # noqa: E402

django.setup()

from asgiref.sync import sync_to_async  # noqa: E402
from channels.testing import WebsocketCommunicator  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from cxworkshop.asgi import application  # noqa: E402
from decks.models import Deck  # noqa: E402
from sessions.models import LiveSession  # noqa: E402


def setup(phones):
    call_command("migrate", verbosity=0)
    host = User.objects.create_user(f"bench{time.time()}@example.com", "bench-password-1")
    deck = Deck.objects.create(title="Bench", owner=host)
    for number in range(60):
        deck.add_card(prompt=f"Bench question {number}?")
    session = LiveSession.start(deck, host, is_shuffled=False)
    host_client = Client()
    host_client.force_login(host)
    browsers = []
    for number in range(phones):
        browser = Client(REMOTE_ADDR=f"127.0.{number // 250}.{number % 250 + 1}")
        browser.post(
            reverse("live_sessions:join", args=[session.join_code]), {"display_name": f"P{number}"}
        )
        browsers.append(browser)
    return session, host_client, browsers


async def run(phones, reveals):
    session, host_client, browsers = await sync_to_async(setup)(phones)
    sockets = []
    for browser in browsers:
        cookie = f"sessionid={browser.cookies['sessionid'].value}".encode()
        socket = WebsocketCommunicator(
            application,
            f"/ws/join/{session.join_code}/",
            headers=[(b"origin", b"http://testserver"), (b"cookie", cookie)],
        )
        connected, _ = await socket.connect()
        assert connected
        await socket.receive_from()
        sockets.append(socket)
    url = reverse("live_sessions:command", args=[session.pk, "next"])
    timings = []
    for number in range(reveals):
        started = time.perf_counter()
        await sync_to_async(host_client.post)(url)
        messages = await asyncio.gather(*(socket.receive_from(timeout=10) for socket in sockets))
        timings.append((time.perf_counter() - started) * 1000)
        assert all(f"Bench question {number}?" in message for message in messages)
    for socket in sockets:
        await socket.disconnect()
    return timings


def main():
    phones = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    reveals = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    timings = asyncio.run(run(phones, reveals))
    timings.sort()
    layer = "Redis" if os.environ.get("REDIS_URL") else "in-memory"
    print(
        f"{phones} phones, {reveals} reveals, {layer} layer: "
        f"median {statistics.median(timings):.0f} ms, "
        f"p95 {timings[int(len(timings) * 0.95) - 1]:.0f} ms, max {timings[-1]:.0f} ms "
        "(POST until every phone has the card)"
    )


if __name__ == "__main__":
    main()
