"""A socket opened by a page loaded a moment ago is not sent the whole state again (only an
message that changes nothing), unless
something was sent to the screens since the page was made, or the socket is opening again
(sessions/freshness.py). Through the real ASGI application, channel layer and cache."""

import html
import re

import pytest
from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from sessions import freshness
from tests.live_sessions.conftest import PROMPTS, start_session
from tests.live_sessions.test_sockets import command, connect, post

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

SOCKET = re.compile(r'ws-connect="([^"]+)"')


async def page_socket(browser, url):
    """The address the page at `url` opens its socket at, as its browser reads it."""
    response = await sync_to_async(browser.get)(url)
    assert response.status_code == 200
    return html.unescape(SOCKET.search(response.content.decode()).group(1))


async def phone_socket(session, phone):
    return await page_socket(phone, reverse("live_sessions:join", args=[session.join_code]))


@pytest.fixture
def live(facilitator):
    """A session with a card up (so updates have been sent), a phone that joined, and the
    facilitator's browser."""
    session = start_session(facilitator)
    host = Client()
    host.force_login(facilitator)
    host.post(command(session, "next"))
    phone = Client()
    phone.post(reverse("live_sessions:join", args=[session.join_code]), {"display_name": "Ana"})
    return session, phone, host


async def test_a_phone_page_just_loaded_opens_its_socket_without_being_sent_it_again(live):
    session, phone, host = live
    address = await phone_socket(session, phone)
    assert "?seen=" in address
    socket, connected = await connect(address, phone)
    assert connected
    assert (
        await socket.receive_from() == freshness.CURRENT
    )  # the page is the state: live, nothing to change
    assert await socket.receive_nothing(timeout=0.3)
    await post(host, command(session, "next"))  # and updates still arrive
    assert PROMPTS[1] in await socket.receive_from()
    await socket.disconnect()


async def test_an_update_between_the_page_and_its_socket_sends_the_whole_state(live):
    session, phone, host = live
    address = await phone_socket(session, phone)
    await post(host, command(session, "next"))  # after the page, before its socket
    socket, connected = await connect(address, phone)
    assert connected
    assert PROMPTS[1] in await socket.receive_from()
    await socket.disconnect()


async def test_a_socket_opening_again_is_always_sent_the_state(live):
    session, phone, _host = live
    address = await phone_socket(session, phone)
    first, _ = await connect(address, phone)
    assert await first.receive_from() == freshness.CURRENT
    await first.disconnect()
    again, connected = await connect(address, phone)  # a dropped connection, a worker restarted
    assert connected
    assert PROMPTS[0] in await again.receive_from()
    await again.disconnect()


async def test_a_count_the_cache_lost_sends_the_state(live):
    session, phone, _host = live
    address = await phone_socket(session, phone)
    await sync_to_async(cache.clear)()
    socket, _ = await connect(address, phone)
    assert PROMPTS[0] in await socket.receive_from()
    await socket.disconnect()


@pytest.mark.parametrize("screen", ["room", "console"])
async def test_the_room_and_the_console_skip_it_too_and_see_what_came_since(live, screen):
    session, phone, host = live
    page = reverse(f"live_sessions:{screen}", args=[session.pk])
    quiet = await page_socket(host, page)
    socket, _ = await connect(quiet, host)
    assert await socket.receive_from() == freshness.CURRENT
    await socket.disconnect()

    address = await page_socket(host, page)
    answer = reverse("live_sessions:answer", args=[session.join_code])
    await post(phone, answer, {"text": "Kind words at the desk"})
    socket, _ = await connect(address, host)
    assert "Kind words at the desk" in await socket.receive_from()
    await socket.disconnect()


async def test_a_made_up_page_number_or_count_only_gets_the_state(live):
    session, phone, _host = live
    base = f"/ws/join/{session.join_code}/"
    for query in ["?seen=1&page=x", "?seen=&page=abc", "?page=" + "a" * 200, "?seen=%00"]:
        socket, connected = await connect(base + query, phone)
        assert connected
        assert PROMPTS[0] in await socket.receive_from()
        await socket.disconnect()
