"""Each mode offers the console the commands that mean something in it, and refuses the rest
with a clear 409, changing nothing: a "next card" in pairs mode would use up the next round's
card, a "pair-up" in reveal mode would close the card up."""

import pytest
from django.urls import reverse

from sessions.models import LiveSession
from tests.factories import CardFactory, DeckFactory
from tests.live_sessions.conftest import start_session

pytestmark = pytest.mark.django_db

REFUSED = "This session's mode has no use for that command."


def post(client, session, command):
    return client.post(reverse("live_sessions:command", args=[session.pk, command]))


@pytest.mark.parametrize(
    ("mode", "command"),
    [
        ("reveal", "pair-up"),
        ("spread", "pair-up"),
        ("draw", "next"),
        ("draw", "skip"),
        ("pairs", "next"),
        ("pairs", "previous"),
        ("pairs", "skip"),
        ("pairs", "turn-next"),
        ("pairs", "turn-random"),
    ],
)
def test_a_command_the_mode_has_no_use_for_is_refused_and_changes_nothing(
    facilitator, facilitator_client, mode, command
):
    session = start_session(facilitator, mode=mode)
    for name in ["Ana", "Ben"]:
        session.join(name)

    response = post(facilitator_client, session, command)

    assert response.status_code == 409
    assert REFUSED in response.content.decode()
    session.refresh_from_db()
    assert session.current_card is None and session.current_turn is None
    assert session.pair_round == 0
    assert not session.cards.filter(revealed_at__isnull=False).exists()
    assert not session.cards.filter(is_skipped=True).exists()


def test_the_pairs_console_offers_no_turns_nor_a_card_of_its_own(facilitator, facilitator_client):
    session = start_session(facilitator, mode=LiveSession.Mode.PAIRS)
    console = facilitator_client.get(session.get_absolute_url()).content.decode()
    assert "Pair the room up" in console
    for offered in ["Next turn", "Pick someone at random", "Skip the next card", "Next card"]:
        assert offered not in console


def test_opening_the_next_level_in_draw_mode_leaves_everyones_card_in_their_hands(facilitator):
    deck = DeckFactory(owner=facilitator)
    for level, prompt in [("One", "A"), ("One", "B"), ("One", "C"), ("Two", "D")]:
        CardFactory(deck=deck, prompt=prompt, level=level)
    session = LiveSession.start(deck, facilitator, is_shuffled=False, mode="draw")
    ana, _created = session.join("Ana")
    held = session.draw(ana).card

    assert session.open_next_level(level=2) == 2

    held.refresh_from_db()
    assert not held.is_skipped
    assert ana.drawn_card() == held
    assert sorted(session.face_down_cards().values_list("prompt", flat=True)) == ["A", "D"]


def test_giving_someone_the_turn_in_pairs_mode_is_refused(facilitator, facilitator_client):
    session = start_session(facilitator, mode=LiveSession.Mode.PAIRS)
    ana, _created = session.join("Ana")
    url = reverse("live_sessions:participant-turn", args=[session.pk, ana.pk])

    response = facilitator_client.post(url)

    assert response.status_code == 409
    session.refresh_from_db()
    assert session.current_turn is None
