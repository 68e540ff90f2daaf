"""Hostile WebSockets against the app as Uvicorn serves it (in a subprocess): sockets opened
by a page of another origin."""

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.e2e.test_faults import AppServer
from tests.live_sessions.conftest import start_session

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def app_server():
    servers = []

    def start(**env):
        servers.append(AppServer(**env).start())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


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
