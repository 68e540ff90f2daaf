"""Hostile WebSockets against the app as `make run` serves it (cxworkshop/serve.py in a
subprocess, with its WebSocket options): sockets opened by a page of another origin, a huge
compressed frame, many sockets of one participant or one address, a socket that sends.

Screens only listen, so the server takes nothing from a socket but its handshake.
"""

import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.frames import CloseCode
from websockets.sync.client import connect

from tests.live_sessions.conftest import start_session

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BIG = 15_000_000  # characters in one frame: about 15 KB on the wire once deflated


@pytest.fixture
def session(facilitator):
    return start_session(facilitator)


def cookie_header(browser):
    return "; ".join(f"{name}={cookie.value}" for name, cookie in browser.cookies.items())


def open_socket(server, path, browser, origin=None, **headers):
    """A socket as a browser opens it: the page's origin, its cookies, compression on."""
    return connect(
        server.url.replace("http", "ws", 1) + path,
        origin=origin or server.url,
        additional_headers={"Cookie": cookie_header(browser), **headers},
        compression="deflate",
        max_size=None,
        open_timeout=20,
        legacy=True,  # the connection itself: tests hold several open at once
    )


def refused(opening):
    try:
        socket = opening()
    except InvalidStatus as refusal:
        assert refusal.response.status_code == 403
        return True
    socket.close()
    return False


def closed_by_server(socket):
    """The close code the server sent; the socket must not stay open."""
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            socket.recv(timeout=30)
    return closed.value.rcvd.code


def peak_memory_kb(server):
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def test_a_page_on_another_port_or_scheme_cannot_open_the_console_socket(
    app_server, session, facilitator_client
):
    server = app_server()
    path = f"/ws/live/{session.pk}/host/"
    port = server.port

    def console(origin, **headers):
        return lambda: open_socket(server, path, facilitator_client, origin, **headers)

    with console(f"http://127.0.0.1:{port}")() as socket:
        assert 'id="host-state"' in socket.recv(timeout=20)
    assert refused(console("http://127.0.0.1:9999"))  # another port: the same site
    assert refused(console(f"https://127.0.0.1:{port}"))  # another scheme
    assert refused(console(f"http://localhost:{port}"))  # another host name
    # Behind a TLS proxy (trusted: it connects from 127.0.0.1, Uvicorn's default) the page's
    # origin is https, as Django's request.is_secure() would have it.
    with console(f"https://127.0.0.1:{port}", **{"X-Forwarded-Proto": "https"})() as socket:
        assert 'id="host-state"' in socket.recv(timeout=20)
    assert refused(console(f"http://127.0.0.1:{port}", **{"X-Forwarded-Proto": "https"}))


def test_an_origin_in_the_trusted_origins_may_open_sockets(app_server, session, phone):
    server = app_server(DJANGO_CSRF_TRUSTED_ORIGINS="https://workshop.example.com")
    ana = phone(session, "Ana")
    path = f"/ws/join/{session.join_code}/"
    with open_socket(server, path, ana, "https://workshop.example.com") as socket:
        assert 'id="phone-card"' in socket.recv(timeout=20)
    assert refused(lambda: open_socket(server, path, ana, "https://evil.example.com"))


def test_a_huge_compressed_frame_closes_the_socket_and_the_server_stays_small(
    app_server, session, phone
):
    server = app_server()
    path = f"/ws/join/{session.join_code}/"
    sockets = [
        open_socket(server, path, phone(session, f"P{number}"))
        for number in range(6)
        for _socket in range(5)
    ]
    for socket in sockets:
        socket.recv(timeout=20)  # the current state
    before = peak_memory_kb(server)

    def send_big(socket):
        with suppress(ConnectionClosed):  # the server may close it mid-frame
            socket.send("a" * BIG)
        return closed_by_server(socket)

    with ThreadPoolExecutor(len(sockets)) as pool:
        codes = list(pool.map(send_big, sockets))
    assert set(codes) == {CloseCode.MESSAGE_TOO_BIG}
    grown_mb = (peak_memory_kb(server) - before) / 1024
    assert grown_mb < 100, f"the server grew by {grown_mb:.0f} MB"  # a coarse bound
    with open_socket(server, path, phone(session, "After")) as socket:
        assert 'id="phone-card"' in socket.recv(timeout=20)  # the server still serves


def test_one_participant_may_hold_five_sockets_and_the_sixth_waits_for_one_to_close(
    app_server, session, phone
):
    server = app_server()
    ana = phone(session, "Ana")
    path = f"/ws/join/{session.join_code}/"
    sockets = [open_socket(server, path, ana) for _number in range(5)]
    for socket in sockets:
        assert 'id="phone-card"' in socket.recv(timeout=20)
    assert refused(lambda: open_socket(server, path, ana))
    with open_socket(server, path, phone(session, "Bo")) as socket:  # others are not held up
        socket.recv(timeout=20)

    sockets.pop().close()
    # The page retries a refused socket every few seconds; once the server has seen the old
    # socket go, the phone is back.
    for _attempt in range(100):
        try:
            socket = open_socket(server, path, ana)
            break
        except InvalidStatus:
            continue
    else:
        pytest.fail("The participant stayed locked out after closing a socket.")
    with socket:
        assert 'id="phone-card"' in socket.recv(timeout=20)
    for socket in sockets:
        socket.close()


def test_one_address_may_hold_only_its_share_of_sockets(app_server, session, phone):
    server = app_server(CXW_SOCKETS_PER_ADDRESS="3")
    path = f"/ws/join/{session.join_code}/"
    sockets = [open_socket(server, path, phone(session, f"P{number}")) for number in range(3)]
    for socket in sockets:
        socket.recv(timeout=20)
    assert refused(lambda: open_socket(server, path, phone(session, "P4")))
    for socket in sockets:
        socket.close()


def test_a_socket_that_sends_anything_is_closed(app_server, session, phone, facilitator_client):
    server = app_server()
    projector = Client()
    room_url = reverse("live_sessions:room", args=[session.pk])
    projector.get(room_url, {"key": session.room_key})
    screens = {
        f"/ws/join/{session.join_code}/": phone(session, "Ana"),
        f"/ws/live/{session.pk}/room/": projector,
        f"/ws/live/{session.pk}/host/": facilitator_client,
    }
    for path, browser in screens.items():
        socket = open_socket(server, path, browser)
        socket.recv(timeout=20)
        socket.send("hello")
        assert closed_by_server(socket) == CloseCode.POLICY_VIOLATION, path
        socket = open_socket(server, path, browser)
        socket.recv(timeout=20)
        socket.send(b"\x00" * 10)
        assert closed_by_server(socket) == CloseCode.POLICY_VIOLATION, path
