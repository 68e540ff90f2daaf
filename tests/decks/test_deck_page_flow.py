"""The deck page keeps up with its cards: "Start a session" once there is a card, the empty
deck's "Now add its cards" gone with the first one, and "Submit to the library" only when the
deck can be submitted (Deck.submission_problem, the rule Deck.submit enforces)."""

import pytest
from django.urls import reverse

from decks.models import Deck
from tests.factories import CardFactory, DeckFactory, deck_with_cards

HTMX = {"HX-Request": "true"}
SUBMIT = "Submit to the library"
START = "Start a session"


def test_a_new_deck_says_what_to_do_next_and_offers_neither_a_session_nor_the_library(
    facilitator_client,
):
    response = facilitator_client.post(
        reverse("decks:deck-create"), {"title": "Kick-off", "language": "en"}, follow=True
    )
    page = response.content.decode()
    assert "Deck created." in page
    assert "Now add its cards" in page
    assert START not in page
    assert SUBMIT not in page
    assert "A library deck needs at least 3 cards." in page


def test_the_first_card_added_in_place_brings_start_a_session_and_ends_the_empty_notice(
    facilitator_client, facilitator
):
    deck = DeckFactory(owner=facilitator)
    response = facilitator_client.post(
        reverse("decks:card-add", args=[deck.slug]),
        {"prompt": "Which queue did you leave?", "kind": "question"},
        headers=HTMX,
    )
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert "Which queue did you leave?" in fragment
    assert "Now add its cards" not in fragment
    assert 'id="deck-actions" hx-swap-oob="true"' in fragment
    assert reverse("live_sessions:session-start", args=[deck.slug]) in fragment
    assert 'id="deck-library" hx-swap-oob="true"' in fragment
    assert SUBMIT not in fragment


def test_the_third_card_brings_the_library_and_deleting_one_takes_it_away(
    facilitator_client, facilitator
):
    deck = deck_with_cards(2, owner=facilitator)
    added = facilitator_client.post(
        reverse("decks:card-add", args=[deck.slug]),
        {"prompt": "One more?", "kind": "question"},
        headers=HTMX,
    ).content.decode()
    assert SUBMIT in added
    card = deck.cards.last()
    deleted = facilitator_client.post(
        reverse("decks:card-delete", args=[deck.slug, card.pk]), headers=HTMX
    ).content.decode()
    assert SUBMIT not in deleted
    assert "A library deck needs at least 3 cards." in deleted


@pytest.mark.parametrize(
    ("status", "cards", "offered"),
    [
        (Deck.Status.DRAFT, 2, False),
        (Deck.Status.DRAFT, 3, True),
        (Deck.Status.REJECTED, 3, True),
        (Deck.Status.SUBMITTED, 3, False),
        (Deck.Status.APPROVED, 3, False),
    ],
)
def test_submit_is_offered_only_for_a_deck_that_can_be_submitted(
    facilitator_client, facilitator, status, cards, offered
):
    deck = deck_with_cards(cards, owner=facilitator, status=status)
    page = facilitator_client.get(deck.get_absolute_url()).content.decode()
    assert (SUBMIT in page) is offered
    assert deck.can_be_submitted is offered


def test_a_deck_in_the_library_cannot_be_sent_back_to_review(facilitator_client, facilitator):
    deck = deck_with_cards(3, owner=facilitator, status=Deck.Status.APPROVED, is_featured=True)
    response = facilitator_client.post(reverse("decks:deck-submit", args=[deck.slug]), follow=True)
    assert "This deck is already waiting for review or in the library." in response.content.decode()
    deck.refresh_from_db()
    assert deck.status == Deck.Status.APPROVED and deck.is_featured


def test_a_reader_of_a_library_deck_sees_start_a_session_but_no_library_box(
    other_client, facilitator
):
    deck = deck_with_cards(3, owner=facilitator, status=Deck.Status.APPROVED)
    CardFactory(deck=deck)
    page = other_client.get(deck.get_absolute_url()).content.decode()
    assert START in page
    assert SUBMIT not in page and 'id="deck-library"' not in page
