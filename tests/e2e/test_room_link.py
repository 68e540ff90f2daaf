"""The room screen's private link in real Chromium: opened on another computer, it shows the
room live, and the room's key is in no URL the browser asks for after the first."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import join
from tests.factories import UserFactory
from tests.live_sessions.conftest import start_session

pytestmark = pytest.mark.e2e


def test_the_private_link_shows_the_room_live_with_the_key_in_cookies_only(new_page):
    session = start_session(UserFactory())
    projector = new_page()  # another computer: nobody is logged in there
    requested = []
    projector.on("request", lambda request: requested.append(request.url))
    projector.on("websocket", lambda socket: requested.append(socket.url))

    projector.goto(f"/live/{session.pk}/room/?key={session.room_key}")
    expect(projector.get_by_label("Join code")).to_have_text(session.join_code)
    assert projector.url.endswith(f"/live/{session.pk}/room/")
    join(new_page, session.join_code, "Ana")
    expect(projector.locator("#room-people")).to_contain_text("Ana")  # over the room's socket

    assert any(f"/ws/live/{session.pk}/room/" in url for url in requested)
    assert [url for url in requested if session.room_key in url] == [requested[0]]
    cookies = {cookie["name"]: cookie for cookie in projector.context.cookies()}
    assert cookies["room_key"]["path"] == f"/live/{session.pk}/room/"
    assert cookies["room_socket_key"]["path"] == f"/ws/live/{session.pk}/room/"
    assert all(cookies[name]["httpOnly"] for name in ["room_key", "room_socket_key"])
    assert all(cookies[name]["sameSite"] == "Lax" for name in ["room_key", "room_socket_key"])
