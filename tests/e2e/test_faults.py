"""Faults in real Chromium against the app as a server process: the server killed and started
again mid-session, a phone losing its network, Redis going down, a burst of answers on SQLite.

The server here is the app as `make run` serves it, in a subprocess of its own on the test
database (tests/servers.py), so it can be killed and started again on the same port while
browsers hold pages.
"""

import re
import shutil
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sessions.models import Answer, LiveSession
from tests.e2e.conftest import join, screenshot
from tests.factories import PASSWORD, CardFactory, DeckFactory, UserFactory
from tests.servers import Phone, free_port
from tests.services import service_missing

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BACK_WITHIN = 20_000  # ms for every screen to be live again once the server is back
PROMPTS = ["What made you smile?", "Which customer memory would you share?", "What next?"]


@pytest.fixture
def workshop(live_app):
    owner = UserFactory(email="host@example.com")
    deck = DeckFactory(owner=owner, title="Monday kick-off")
    for number, prompt in enumerate(PROMPTS):
        CardFactory(deck=deck, prompt=prompt, kind="memory" if number == 1 else "question")
    return owner, deck


def start_session(server, owner, deck, new_page):
    """The facilitator logs in on `server`, starts the deck, and opens the room screen."""
    console = new_page(base_url=server.url)
    console.goto("/accounts/login/")
    console.get_by_label("E-mail address").fill(owner.email)
    console.get_by_label("Password").fill(PASSWORD)
    console.get_by_role("button", name="Log in").click()
    console.goto(reverse("live_sessions:session-start", args=[deck.slug]))
    console.get_by_label("Shuffle the cards").uncheck()
    console.get_by_role("button", name="Start the session").click()
    expect(console.get_by_text("Facilitator console")).to_be_visible()
    session = LiveSession.objects.get()
    room = console.context.new_page()
    room.goto(reverse("live_sessions:room", args=[session.pk]))
    expect(room.get_by_label("Join code")).to_have_text(session.join_code)
    return session, console, room


def send_answer(phone, text):
    phone.get_by_label(re.compile("^Your (answer|memory)")).fill(text)
    phone.get_by_role("button", name=re.compile("(Send|Update) my answer")).click()


def live_again(*pages):
    for page in pages:
        expect(page.locator("#live-paused")).to_be_hidden(timeout=BACK_WITHIN)


def test_a_server_restart_loses_no_answer_and_every_screen_reconnects(
    app_server, workshop, new_page
):
    owner, deck = workshop
    server = app_server()
    session, console, room = start_session(server, owner, deck, new_page)
    ana, bo = (
        join(partial(new_page, base_url=server.url), session.join_code, name)
        for name in ["Ana", "Bo"]
    )
    console.keyboard.press("ArrowRight")
    for screen in [ana, bo, room]:
        expect(screen.get_by_role("heading", name=PROMPTS[0])).to_be_visible()
    send_answer(ana, "A thank-you card")
    expect(ana.get_by_text("Saved.")).to_be_visible()  # acknowledged

    server.kill()
    for screen in [room, ana, bo]:
        expect(screen.get_by_text("Live updates paused")).to_be_visible()
    send_answer(bo, "Typed while the server was away")
    expect(bo.get_by_text("Not sent yet")).to_be_visible()
    screenshot(bo, "phone-not-sent")

    server.start()
    live_again(room, console, ana, bo)
    expect(bo.get_by_text("Saved.")).to_be_visible(timeout=BACK_WITHIN)  # sent by itself
    expect(room.locator("#room-answers")).to_contain_text("A thank-you card")
    expect(room.locator("#room-answers")).to_contain_text("Typed while the server was away")
    assert set(Answer.objects.values_list("text", flat=True)) == {
        "A thank-you card",
        "Typed while the server was away",
    }

    console.get_by_role("button", name="Next card →").click()  # events flow again
    for screen in [ana, bo, room]:
        expect(screen.get_by_role("heading", name=PROMPTS[1])).to_be_visible()


def test_an_answer_typed_offline_is_marked_and_sent_when_the_phone_is_back(
    app_server, workshop, new_page
):
    owner, deck = workshop
    server = app_server()
    session, console, room = start_session(server, owner, deck, new_page)
    phone = join(partial(new_page, base_url=server.url), session.join_code, "Ana")
    console.keyboard.press("ArrowRight")
    expect(phone.get_by_text(PROMPTS[0])).to_be_visible()

    phone.context.set_offline(True)
    send_answer(phone, "Typed in the lift")
    expect(phone.get_by_text("Not sent yet")).to_be_visible()
    expect(phone.get_by_label("Your answer")).to_have_value("Typed in the lift")
    assert not Answer.objects.exists()

    phone.context.set_offline(False)
    expect(phone.get_by_text("Saved.")).to_be_visible(timeout=BACK_WITHIN)
    expect(room.locator("#room-answers")).to_contain_text("Typed in the lift")
    assert Answer.objects.get().text == "Typed in the lift"


def redis_server_binary():
    binary = shutil.which("redis-server")
    if binary is None:
        service_missing("redis-server", "not installed", "apt-get install redis-server")
    return binary


class RedisProcess:
    def __init__(self):
        self.binary, self.port = redis_server_binary(), free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_process():
    redis = RedisProcess().start()
    yield redis
    redis.stop()


def test_with_redis_down_pages_work_and_say_live_updates_are_paused(
    app_server, redis_process, workshop, new_page
):
    owner, deck = workshop
    server = app_server(REDIS_URL=redis_process.url)
    session, console, room = start_session(server, owner, deck, new_page)
    phone = join(partial(new_page, base_url=server.url), session.join_code, "Ana")
    console.keyboard.press("ArrowRight")
    expect(phone.get_by_text(PROMPTS[0])).to_be_visible()

    redis_process.stop()
    phone.reload()  # a page (session, rate limits, everything) without Redis
    expect(phone.get_by_text(PROMPTS[0])).to_be_visible()
    expect(phone.get_by_text("Live updates paused")).to_be_visible()
    send_answer(phone, "Saved without Redis")
    expect(phone.get_by_text("Saved.")).to_be_visible()
    console.reload()
    expect(console.get_by_text("Saved without Redis")).to_be_visible()
    # The room's socket stays open, but the server notices its layer is gone and says so.
    expect(room.get_by_text("Live updates paused")).to_be_visible(timeout=BACK_WITHIN)
    screenshot(room, "room-redis-down")

    redis_process.start()  # the same port
    live_again(room, console, phone)
    expect(room.locator("#room-answers")).to_contain_text("Saved without Redis")
    console.get_by_role("button", name="Next card →").click()
    expect(phone.get_by_text(PROMPTS[1])).to_be_visible()
    expect(room.get_by_role("heading", name=PROMPTS[1])).to_be_visible()


def test_a_burst_of_answers_to_one_card_reaches_nobody_as_an_error(app_server, workshop):
    owner, deck = workshop
    server = app_server(CXW_JOIN_SESSION_RATE="10000/m")
    session = LiveSession.start(deck, owner, join_base_url=server.url, is_shuffled=False)
    session.reveal_next()
    join_path = reverse("live_sessions:join", args=[session.join_code])
    answer_path = reverse("live_sessions:answer", args=[session.join_code])
    people = 40

    def join_then_answer(number):
        phone = Phone(server.url)
        token = phone.csrf(join_path)
        status, _ = phone.post(
            join_path, {"csrfmiddlewaretoken": token, "display_name": f"P{number}"}
        )
        assert status == 200, status  # followed the redirect to the phone page
        token = phone.csrf(join_path)
        return phone, token

    with ThreadPoolExecutor(people) as pool:
        phones = list(pool.map(join_then_answer, range(people)))
        results = list(
            pool.map(
                lambda pair: pair[0].post(
                    answer_path, {"csrfmiddlewaretoken": pair[1], "text": "At the same moment"}
                ),
                phones,
            )
        )
    errors = [(status, page[:200]) for status, page in results if status != 200]
    assert errors == []
    assert not [page for _status, page in results if "database is locked" in page]
    assert Answer.objects.filter(text="At the same moment").count() == people
