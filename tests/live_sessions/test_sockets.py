"""WebSockets through the real ASGI application and channel layer: who may connect, what a
screen gets on (re)connect, and which events reach which audience."""

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

from cxworkshop.asgi import application
from sessions import broadcast, screens
from sessions.models import Answer
from tests.factories import UserFactory
from tests.live_sessions.conftest import PROMPTS, start_session

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def batched_updates_sent():
    """Until the updates batched by the requests so far (sessions.broadcast.Coalesced) have
    gone out: a screen that connects then gets its state first, and after it only what the
    test does next."""
    loop = asyncio.get_running_loop()
    while pending := [
        task for task in broadcast.Coalesced.tasks if not task.done() and task.get_loop() is loop
    ]:
        await asyncio.gather(*pending, return_exceptions=True)


async def connect(path, browser=None):
    await batched_updates_sent()
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if browser is not None and browser.cookies:
        cookies = "; ".join(f"{name}={cookie.value}" for name, cookie in browser.cookies.items())
        headers.append((b"cookie", cookies.encode()))
    socket = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await socket.connect()
    return socket, connected


async def update_with(socket, text, within=5):
    """The next update that holds `text` (updates are batched: those of the joins or answers
    of a moment ago may come first, sessions.broadcast.Coalesced)."""
    async with asyncio.timeout(within):
        while text not in (frame := await socket.receive_from(timeout=within)):
            pass
    return frame


async def update_of(socket, part, within=5):
    """The next update that carries the element `part`."""
    return await update_with(socket, f'id="{part}"', within)


async def logged_in(user):
    browser = Client()
    await sync_to_async(browser.force_login)(user)
    return browser


async def joined(session, name):
    browser = Client()
    response = await sync_to_async(browser.post)(
        reverse("live_sessions:join", args=[session.join_code]), {"display_name": name}
    )
    assert response.status_code == 302
    return browser


async def post(browser, url, data=None):
    return await sync_to_async(browser.post)(url, data or {})


def command(session, name):
    return reverse("live_sessions:command", args=[session.pk, name])


@pytest.fixture
def session(facilitator):
    return start_session(facilitator)


@pytest.fixture
def stranger():
    return UserFactory()


async def test_the_host_socket_is_for_the_facilitator_only(session, facilitator, stranger):
    socket, connected = await connect(f"/ws/live/{session.pk}/host/", await logged_in(facilitator))
    assert connected
    assert 'id="host-state"' in await socket.receive_from()
    await socket.disconnect()
    for browser in [Client(), await logged_in(stranger), await joined(session, "Ana")]:
        socket, connected = await connect(f"/ws/live/{session.pk}/host/", browser)
        assert not connected


async def test_the_room_socket_takes_the_facilitator_or_the_private_links_cookie(
    session, facilitator
):
    path = f"/ws/live/{session.pk}/room/"
    socket, connected = await connect(path, await logged_in(facilitator))
    assert connected
    assert session.join_code in await socket.receive_from()
    await socket.disconnect()
    projector = Client()
    room_url = reverse("live_sessions:room", args=[session.pk])
    await sync_to_async(projector.get)(room_url, {"key": session.room_key})
    socket, connected = await connect(path, projector)
    assert connected
    await socket.disconnect()
    ana = await joined(session, "Ana")
    for attempt in [f"{path}?key={session.room_key}", f"{path}?key=wrong", path]:
        _socket, connected = await connect(attempt, ana)
        assert not connected, attempt  # a key in the socket's URL opens nothing
    ana.cookies["room_socket_key"] = "wrong"
    _socket, connected = await connect(path, ana)
    assert not connected


async def test_a_phone_joins_only_its_own_sessions_socket(session, other_facilitator):
    other = await sync_to_async(start_session)(other_facilitator)
    ana = await joined(session, "Ana")
    socket, connected = await connect(f"/ws/join/{session.join_code}/", ana)
    assert connected
    await socket.disconnect()
    _socket, connected = await connect(f"/ws/join/{other.join_code}/", ana)
    assert not connected
    _socket, connected = await connect(f"/ws/join/{session.join_code}/", Client())
    assert not connected


async def test_a_revealed_card_reaches_every_screen(session, facilitator):
    host = await logged_in(facilitator)
    room, _ = await connect(f"/ws/live/{session.pk}/room/", host)
    ana_phone, _ = await connect(f"/ws/join/{session.join_code}/", await joined(session, "Ana"))
    await room.receive_from()
    await ana_phone.receive_from()
    assert "Ana" in await room.receive_from()  # Ana's own join reached the room

    await post(host, command(session, "next"))
    assert PROMPTS[0] in await room.receive_from()
    phone_update = await ana_phone.receive_from()
    assert PROMPTS[0] in phone_update and 'id="phone-card"' in phone_update
    for socket in (room, ana_phone):
        await socket.disconnect()


async def test_a_reconnecting_phone_first_gets_the_current_card(session, facilitator):
    ana = await joined(session, "Ana")
    await post(await logged_in(facilitator), command(session, "next"))
    socket, connected = await connect(f"/ws/join/{session.join_code}/", ana)
    assert connected
    assert PROMPTS[0] in await socket.receive_from()
    await socket.disconnect()


async def test_answers_reach_the_room_but_private_ones_only_the_host(session, facilitator):
    host = await logged_in(facilitator)
    await post(host, command(session, "next"))
    ana, bo = await joined(session, "Ana"), await joined(session, "Bo")
    room, _ = await connect(f"/ws/live/{session.pk}/room/", host)
    console, _ = await connect(f"/ws/live/{session.pk}/host/", host)
    bo_phone, _ = await connect(f"/ws/join/{session.join_code}/", bo)
    for socket in (room, console, bo_phone):
        await socket.receive_from()

    answer_url = reverse("live_sessions:answer", args=[session.join_code])
    await post(ana, answer_url, {"text": "Only for you", "is_private": "on"})
    assert "Only for you" not in await update_of(room, "room-answers")
    assert "Only for you" in await update_of(console, "host-answers")
    assert "Only for you" not in await update_of(bo_phone, "phone-wall")  # to react on
    await post(ana, answer_url, {"text": "For everyone"})
    room_update = await update_of(room, "room-answers")
    assert "For everyone" in room_update and "Only for you" not in room_update
    phone_update = await update_of(bo_phone, "phone-wall")
    assert "For everyone" in phone_update and "Only for you" not in phone_update
    for socket in (room, console, bo_phone):
        await socket.disconnect()


async def test_a_hidden_answer_leaves_the_room_at_once(session, facilitator):
    host = await logged_in(facilitator)
    await post(host, command(session, "next"))
    ana = await joined(session, "Ana")
    await post(ana, reverse("live_sessions:answer", args=[session.join_code]), {"text": "Oops"})
    room, _ = await connect(f"/ws/live/{session.pk}/room/", host)
    assert "Oops" in await room.receive_from()
    answer_id = await sync_to_async(lambda: session.cards.first().answers.get().pk)()
    await post(host, reverse("live_sessions:answer-moderate", args=[session.pk, answer_id, "hide"]))
    assert "Oops" not in await room.receive_from()
    await room.disconnect()


async def test_ending_thanks_every_phone(session, facilitator):
    ana = await joined(session, "Ana")
    socket, _ = await connect(f"/ws/join/{session.join_code}/", ana)
    await socket.receive_from()
    await post(await logged_in(facilitator), command(session, "end"))
    assert "Thank you for taking part!" in await socket.receive_from()
    await socket.disconnect()


async def console_on_first_card(session, facilitator):
    """The facilitator's console socket, once the first card is up and it has heard so; and
    that card."""
    browser = await logged_in(facilitator)
    host, _connected = await connect(f"/ws/live/{session.pk}/host/", browser)
    await host.receive_from()
    await post(browser, command(session, "next"))
    await host.receive_from()
    await sync_to_async(session.refresh_from_db)()
    return host, await sync_to_async(lambda: session.current_card)()


async def test_answers_that_arrive_while_the_console_renders_follow_in_one_more_update(
    session, facilitator
):
    """A burst of answers is batched (sessions.broadcast.Coalesced): those that arrive while
    a render is under way reach the console in one later update, none is left out."""
    host, card = await console_on_first_card(session, facilitator)

    def answer(name):
        participant, _created = session.join(name)
        return Answer.objects.create(session_card=card, participant=participant, text=name)

    in_render, release, renders = threading.Event(), threading.Event(), []

    def render(live_session):
        renders.append(card.answers.count())
        context = screens.host_context(live_session)
        html = broadcast.render_parts(broadcast.HOST, ["host-answers"], context)
        if len(renders) == 1:  # the first render is slow: the others arrive meanwhile
            in_render.set()
            release.wait(10)
        broadcast.send(live_session.group("host", "en"), html)

    batched = broadcast.Coalesced(render)
    await sync_to_async(answer)("Ana")
    first = asyncio.ensure_future(sync_to_async(batched, thread_sensitive=False)(session))
    await asyncio.get_running_loop().run_in_executor(None, in_render.wait, 10)
    for name in ["Bo", "Cy"]:
        await sync_to_async(answer)(name)
        await sync_to_async(batched, thread_sensitive=False)(session)  # returns at once
    release.set()
    await first
    frames = [await host.receive_from(timeout=5), await host.receive_from(timeout=5)]
    assert frames[0].count('class="host-answer__text"') == 1
    assert frames[1].count('class="host-answer__text"') == 3
    assert all(name in frames[1] for name in ["Ana", "Bo", "Cy"])
    assert renders == [1, 3]
    assert await host.receive_nothing(timeout=0.6)
    await host.disconnect()


async def test_answers_one_after_another_are_pushed_a_few_times_a_second_not_once_each(
    session, facilitator
):
    """Calls that come after a render is done, within its pause, are batched too: a room
    answering steadily does not push every screen once per answer (sessions.broadcast)."""
    host, card = await console_on_first_card(session, facilitator)
    renders = []

    def render(live_session):
        renders.append(card.answers.count())
        context = screens.host_context(live_session)
        broadcast.send(
            live_session.group("host", "en"),
            broadcast.render_parts(broadcast.HOST, ["host-answers"], context),
        )

    batched = broadcast.Coalesced(render, pause=0.5)
    for name in ["Ana", "Bo", "Cy"]:  # each after the one before has been rendered
        participant, _created = await sync_to_async(session.join)(name)
        await sync_to_async(Answer.objects.create)(
            session_card=card, participant=participant, text=f"{name} says hi"
        )
        await sync_to_async(batched, thread_sensitive=False)(session)
    frames = [await host.receive_from(timeout=5), await host.receive_from(timeout=5)]
    assert renders == [1, 3]
    assert frames[1].count('class="host-answer__text"') == 3
    assert await host.receive_nothing(timeout=0.8)  # the pause over with nothing new: quiet
    await host.disconnect()
