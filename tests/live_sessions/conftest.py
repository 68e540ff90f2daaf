"""Fixtures for live sessions: a session of three cards (phones join it with `phone`)."""

import pytest

from sessions.models import LiveSession
from tests.factories import CardFactory, DeckFactory

PROMPTS = ["What made you smile?", "Which customer memory would you share?", "What next?"]


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
