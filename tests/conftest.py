"""Fixtures for the roles every test talks about, and the clock the whole run uses."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests import clock
from tests.factories import UserFactory


def pytest_configure(config):
    traveller = clock.travel_from_environment()
    if traveller:
        config.add_cleanup(traveller.stop)


def pytest_report_header(config):
    return clock.describe()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing strength is Django's business; tests only need passwords to check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def facilitator(db):
    return UserFactory()


@pytest.fixture
def other_facilitator(db):
    return UserFactory()


@pytest.fixture
def curator(db):
    return UserFactory(is_staff=True)


def logged_in(user):
    """A browser of its own for each role, so two roles can act in one test."""
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def facilitator_client(facilitator):
    return logged_in(facilitator)


@pytest.fixture
def other_client(other_facilitator):
    return logged_in(other_facilitator)


@pytest.fixture
def curator_client(curator):
    return logged_in(curator)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's language: a view that chose another for its request
    (a German facilitator's page) leaves it active in the thread, as Django does between
    requests, and a test after it that formats a date outside any request would read German."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def phone():
    """Join a session from a fresh phone: phone(session, "Ana") -> a logged-out Client."""

    def join(session, name="Ana"):
        browser = Client()
        response = browser.post(
            reverse("live_sessions:join", args=[session.join_code]), {"display_name": name}
        )
        assert response.status_code == 302, response.content.decode()[:500]
        return browser

    return join


@pytest.fixture
def app_server(transactional_db):
    """Start the app as a server process of its own: app_server(**environment) -> AppServer,
    stopped when the test ends."""
    from tests.servers import AppServer

    servers = []

    def start(output=None, **env):
        servers.append(AppServer(**env).start(output))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on this machine, with Django's SMTP backend pointed at it, and
    PUBLIC_URL set as a server that mails links has it: `smtp_server.received` holds what came
    in, parsed (tests/mail.py); `smtp_server.mailbox` says what to refuse."""
    from tests.mail import SMTPServer

    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.PUBLIC_URL = "https://cx.example.com"
    yield server
    server.stop()
