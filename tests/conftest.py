"""Fixtures for the roles every test talks about, and the clock the whole run uses."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

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
