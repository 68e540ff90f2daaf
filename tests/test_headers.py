"""Security headers and cookie flags on the main pages, and WebSocket origin checks."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

from cxworkshop.asgi import application
from stories.models import Digest
from tests.factories import PASSWORD
from tests.live_sessions.conftest import start_session

MAIN_PAGES = ["home", "login", "signup", "live_sessions:join-code"]


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_main_pages_forbid_framing_sniffing_and_leaking_the_address(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = [part.split() for part in response["Content-Security-Policy"].split(";")]
    return {name: sources for name, *sources in directives}


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_main_pages_allow_only_this_sites_scripts_and_styles(client, db, name):
    rules = policy(client.get(reverse(name)))
    assert rules["default-src"] == ["'none'"]
    assert rules["script-src"] == ["'self'"]  # no inline script, no eval
    assert rules["style-src"] == ["'self'"]
    assert rules["connect-src"] == ["'self'"]  # the page's own WebSockets only
    assert rules["frame-ancestors"] == ["'none'"]
    assert rules["object-src"] == ["'none'"]


def test_the_newsletter_alone_may_use_inline_styles_and_never_script(facilitator_client):
    digest = Digest.objects.create(title="This week")
    response = facilitator_client.get(reverse("stories:digest-newsletter", args=[digest.pk]))
    rules = policy(response)
    assert rules["style-src"] == ["'unsafe-inline'"]
    assert rules["script-src"] == ["'self'"]
    assert rules["frame-ancestors"] == ["'self'"]


def test_signed_in_pages_carry_the_same_headers(facilitator_client):
    for url in [reverse("decks:deck-list"), reverse("stories:archive")]:
        response = facilitator_client.get(url)
        assert response.status_code == 200
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_the_session_cookie_is_http_only_and_same_site(client, facilitator):
    client.post(reverse("login"), {"username": facilitator.email, "password": PASSWORD})
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_over_https_cookies_are_secure_and_hsts_is_sent(settings, facilitator):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 3600
    browser = Client()  # middleware reads these settings when the client first loads it
    response = browser.post(
        reverse("login"), {"username": facilitator.email, "password": PASSWORD}, secure=True
    )
    assert response.cookies["sessionid"]["secure"] is True
    assert browser.get(reverse("home"), secure=True)["Strict-Transport-Security"] == (
        "max-age=3600"
    )


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "origin, host, accepted",
    [
        (b"http://testserver", b"testserver", True),
        (b"https://evil.example", b"testserver", False),
        (None, b"testserver", False),
        (b"http://testserver:9999", b"testserver", False),  # another port
        (b"https://testserver", b"testserver", False),  # another scheme
        (b"http://testserver:8861", b"testserver:8861", True),
        (b"http://testserver", b"testserver:8861", False),
        (b"http://evil.example", b"evil.example", False),  # a host not in ALLOWED_HOSTS
        (b"https://workshop.example.com", b"testserver", True),  # trusted, exactly
        (b"https://room.workshop.example.org", b"testserver", True),  # trusted, by wildcard
        (b"http://room.workshop.example.org", b"testserver", False),  # the wrong scheme
        (b"https://workshop.example.com", b"evil.example", False),
    ],
)
async def test_a_phone_socket_from_another_origin_is_refused(
    facilitator, settings, origin, host, accepted
):
    settings.CSRF_TRUSTED_ORIGINS = [
        "https://workshop.example.com",
        "https://*.workshop.example.org",
    ]
    session = await sync_to_async(start_session)(facilitator)
    browser = Client()
    await sync_to_async(browser.post)(
        reverse("live_sessions:join", args=[session.join_code]), {"display_name": "Ana"}
    )
    headers = [
        (b"cookie", f"sessionid={browser.cookies['sessionid'].value}".encode()),
        (b"host", host),
    ]
    if origin:
        headers.append((b"origin", origin))
    socket = WebsocketCommunicator(application, f"/ws/join/{session.join_code}/", headers)
    connected, _ = await socket.connect()
    assert connected is accepted
    await socket.disconnect()
