"""Two facilitator tabs (or a double tap) opening the next level at the same moment: the
session ends one level further, never two, and nobody gets an error."""

import pytest
from django.urls import reverse

from sessions.models import LiveSession
from tests.factories import CardFactory, DeckFactory
from tests.live_sessions import test_races as races
from tests.live_sessions.test_races import (
    ROUNDS,
    assert_no_server_errors,
    at_once,
    facilitator_tab,
    post,
)

# The race tests' fixtures: the app served by Uvicorn, and its facilitator.
server = races.server
host = races.host

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def levelled_session(owner, server):
    deck = DeckFactory(owner=owner)
    for level in ["Perception", "Connection", "Reflection"]:
        for number in (1, 2):
            CardFactory(deck=deck, prompt=f"{level} {number}", level=level)
    return LiveSession.start(deck, owner, join_base_url=server.url, is_shuffled=False)


def test_opening_the_next_level_twice_at_once_opens_one_level(server, host):
    for _round in range(ROUNDS):
        session = levelled_session(host, server)
        tabs = [facilitator_tab(server, host, session) for _ in range(2)]
        url = reverse("live_sessions:command", args=[session.pk, "open-next-level"])

        results = at_once(*[post(tab, url, {"level": "2"}) for tab in tabs for _tap in range(2)])

        assert_no_server_errors(results)
        assert [status for status, *_rest in results] == [200] * 4
        session.refresh_from_db()
        assert session.current_level == 2
        assert all("Level 2 of 3 — Connection" in page for _status, page, _headers in results)
        # Level 1's cards were set aside once; level 2's are all still to deal.
        assert session.cards.filter(is_skipped=True).count() == 2
        assert session.reveal_next().prompt == "Connection 1"
