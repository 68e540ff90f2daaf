"""Fixtures for live sessions: a session of three cards, and phones that join it."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from sessions.models import LiveSession
from tests.factories import CardFactory, DeckFactory

PROMPTS = ["What made you smile?", "Which customer memory would you share?", "What next?"]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def start_session(owner, **options):
    deck = DeckFactory(owner=owner)
    CardFactory(deck=deck, prompt=PROMPTS[0])
    CardFactory(deck=deck, prompt=PROMPTS[1], kind="memory")
    CardFactory(deck=deck, prompt=PROMPTS[2])
    options.setdefault("is_shuffled", False)
    return LiveSession.start(deck, owner, join_base_url="http://testserver", **options)


@pytest.fixture
def live_session(facilitator):
    return start_session(facilitator)


@pytest.fixture
def other_session(other_facilitator):
    return start_session(other_facilitator)


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
