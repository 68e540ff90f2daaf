"""A live session through nginx in front of two workers, on PostgreSQL and Redis, as
`make serve-cluster` runs it (cxworkshop/cluster.py, deploy/nginx/cxworkshop.conf).

The console, the room and the phones hold their sockets on different workers (nginx says which
in X-Served-By, read from each socket's handshake). One worker is killed mid-session, as a crash
does, and started again: every screen it served reconnects through the other, nothing a phone
was told was saved is lost, and an answer sent meanwhile is saved once.
"""

import os
import shutil
import time
import urllib.request
from functools import partial

import pytest
from django.db import connection
from playwright.sync_api import expect

from cxworkshop.cluster import Cluster
from sessions.models import Answer
from tests.e2e import test_faults
from tests.e2e.conftest import PHONE, join, screenshot
from tests.e2e.test_faults import BACK_WITHIN, PROMPTS, live_again, send_answer, start_session
from tests.servers import free_port, server_environment
from tests.services import service_missing

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

workshop = test_faults.workshop  # the same fixture: a facilitator and a deck of PROMPTS
NAMES = ["Ana", "Bo", "Chen", "Dee", "Eli", "Fay", "Gus", "Hana"]


@pytest.fixture
def cluster(live_app, tmp_path):
    if connection.vendor != "postgresql":
        service_missing("PostgreSQL", "this run is on SQLite", "set DATABASE_URL")
    if not os.environ.get("REDIS_URL"):
        service_missing("Redis", "REDIS_URL is not set", "set REDIS_URL")
    if not shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin"):
        service_missing("nginx", "not installed", "apt-get install nginx-light")
    env = server_environment(REDIS_URL=os.environ["REDIS_URL"])
    with open(tmp_path / "cluster.log", "w") as output:
        running = Cluster(
            free_port(), 2, env=env, prefix=tmp_path / "nginx", output=output,
            ports=[free_port(), free_port()],
        )  # fmt: skip
        try:
            yield running.start()
        finally:
            running.stop()


class Sockets:
    """The worker (its port) that served each WebSocket `page` opened since it was watched, in
    order, as nginx's X-Served-By header on the handshake says (the last address if nginx tried
    two). A page watched after it loaded is reloaded, so that its socket is seen."""

    def __init__(self, page, reload=False):
        self.page, self.workers, self.pending = page, [], set()
        cdp = page.context.new_cdp_session(page)
        cdp.on("Network.webSocketCreated", lambda event: self.pending.add(event["requestId"]))
        cdp.on("Network.webSocketHandshakeResponseReceived", self.note)
        cdp.on("Network.webSocketClosed", lambda event: self.pending.discard(event["requestId"]))
        cdp.send("Network.enable")
        if reload:
            page.reload()

    def note(self, event):
        self.pending.discard(event["requestId"])
        headers = {name.lower(): value for name, value in event["response"]["headers"].items()}
        self.workers.append(int(headers["x-served-by"].split(",")[-1].rsplit(":", 1)[1]))

    def settled(self, count):
        """Once `count` sockets have been answered and none is still opening (Playwright delivers
        CDP events while it waits)."""
        for _ in range(BACK_WITHIN // 100):
            if len(self.workers) >= count and not self.pending:
                return self.workers[-1]
            self.page.wait_for_timeout(100)
        raise AssertionError(f"{self.page.url}: no socket answered (seen: {self.workers})")

    @property
    def worker(self):
        """The worker holding the page's socket now."""
        return self.settled(1)

    def reconnected(self, after):
        """The worker of a socket opened after the first `after` ones."""
        return self.settled(after + 1)


def watched(new_page, screens, name):
    """`new_page` for `join`: the phone's sockets are watched from its first page on."""

    def open_page(**options):
        screens[name] = Sockets(new_page(**options))
        return screens[name].page

    return open_page


def test_a_session_spread_over_two_workers_survives_one_of_them_crashing(
    cluster, workshop, new_page
):
    owner, deck = workshop
    session, console, room = start_session(cluster, owner, deck, new_page)
    screens = {"console": Sockets(console, reload=True), "room": Sockets(room, reload=True)}
    doomed = screens["room"].worker  # the worker that will crash serves the room
    survivor = next(port for port in cluster.ports if port != doomed)

    # Phones join until each worker holds one. nginx takes the workers in turn, request by
    # request, and every join makes the same requests: one more request shifts the turn.
    phones = {}
    for name in NAMES:
        opener = watched(partial(new_page, base_url=cluster.url), screens, name)
        phones[name] = join(opener, session.join_code, name)
        if {doomed, survivor} <= {screens[n].worker for n in phones}:
            break
        urllib.request.urlopen(f"{cluster.url}/healthz").close()
    on_doomed = next(n for n in phones if screens[n].worker == doomed)
    on_survivor = next(n for n in phones if screens[n].worker == survivor)
    assert {screen.worker for screen in screens.values()} == {doomed, survivor}

    console.keyboard.press("ArrowRight")  # a card, from the console's worker to every screen
    for page in [room, *phones.values()]:
        expect(page.get_by_role("heading", name=PROMPTS[0])).to_be_visible()
    send_answer(phones[on_doomed], "Said before the crash")
    send_answer(phones[on_survivor], "Said on the other worker")
    for name in (on_doomed, on_survivor):
        expect(phones[name].get_by_text("Saved.")).to_be_visible()  # acknowledged

    hit = {name: len(screen.workers) for name, screen in screens.items() if screen.worker == doomed}
    cluster.kill_worker(doomed)
    for name, sockets_before in hit.items():  # each screen it served has a socket elsewhere
        assert screens[name].reconnected(after=sockets_before) == survivor, name
    live_again(console, room, *phones.values())
    # Someone joins and answers meanwhile: nginx passes their requests to the worker left.
    late = new_page(viewport=PHONE, base_url=cluster.url)
    screens["Ivo"] = Sockets(late)
    late.goto(session.join_path)
    late.get_by_label("Your name").fill("Ivo")
    late.get_by_role("button", name="Join the session").click()
    expect(late.get_by_role("heading", name=PROMPTS[0])).to_be_visible()
    send_answer(late, "Sent while a worker was down")
    expect(late.get_by_text("Saved.")).to_be_visible()
    phones["Ivo"] = late
    assert screens["Ivo"].worker == survivor

    answers = room.locator("#room-answers")
    said = ["Said before the crash", "Said on the other worker", "Sent while a worker was down"]
    for text in said:
        expect(answers).to_contain_text(text)
    screenshot(room, "cluster-room-after-a-worker-crashed")

    cluster.start_worker(doomed)  # back; nginx sends it requests again after its 5 s pause
    console.get_by_role("button", name="Next card →").click()
    for page in [room, *phones.values()]:
        expect(page.get_by_role("heading", name=PROMPTS[1])).to_be_visible()

    assert sorted(Answer.objects.values_list("text", flat=True)) == sorted(said)
    assert Answer.objects.filter(participant__display_name="Ivo").count() == 1  # once
    assert back_in_turn(cluster, doomed)


def back_in_turn(cluster, port, within_s=20):
    """Whether nginx sends `port`'s worker requests again (after its pause of fail_timeout)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{cluster.url}/healthz") as response:
            if response.headers["X-Served-By"].endswith(f":{port}"):
                return True
        time.sleep(0.2)
    return False
