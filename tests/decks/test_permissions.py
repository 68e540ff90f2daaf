"""Who may do what with a deck: owner, another facilitator, a visitor who is not logged in."""

import pytest
from django.urls import reverse

from decks.models import Deck
from tests.factories import CardFactory, DeckFactory


@pytest.fixture
def private_deck(facilitator):
    deck = DeckFactory(owner=facilitator, title="Private deck")
    CardFactory(deck=deck, prompt="Private question")
    return deck


@pytest.fixture
def library_deck(facilitator):
    deck = DeckFactory(owner=facilitator, title="Library deck", status=Deck.Status.APPROVED)
    CardFactory(deck=deck, prompt="Library question")
    return deck


def read_urls(deck):
    return [
        reverse("decks:deck-detail", args=[deck.slug]),
        reverse("decks:deck-preview", args=[deck.slug]),
        reverse("decks:deck-export", args=[deck.slug, "json"]),
        reverse("decks:deck-export", args=[deck.slug, "csv"]),
    ]


def change_requests(deck):
    card = deck.cards.get()
    edit = {"prompt": "Hijacked", "kind": "question", "title": "Hijacked", "language": "en"}
    return [
        (reverse("decks:deck-edit", args=[deck.slug]), edit),
        (reverse("decks:deck-delete", args=[deck.slug]), {}),
        (reverse("decks:deck-duplicate", args=[deck.slug]), {}),
        (reverse("decks:deck-submit", args=[deck.slug]), {}),
        (reverse("decks:deck-withdraw", args=[deck.slug]), {}),
        (reverse("decks:card-add", args=[deck.slug]), edit),
        (reverse("decks:cards-add-many", args=[deck.slug]), {"text": "Hijacked"}),
        (reverse("decks:card-edit", args=[deck.slug, card.pk]), edit),
        (reverse("decks:card-delete", args=[deck.slug, card.pk]), {}),
        (reverse("decks:card-move", args=[deck.slug, card.pk, "down"]), {}),
        (reverse("decks:cards-reorder", args=[deck.slug]), {"card": [card.pk]}),
    ]


def snapshot(deck):
    deck.refresh_from_db()
    cards = list(deck.cards.values_list("prompt", "position"))
    return (deck.title, deck.status, cards, Deck.objects.count())


def test_visitors_who_are_not_logged_in_are_sent_to_log_in(client, library_deck):
    for url in read_urls(library_deck):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url
    before = snapshot(library_deck)
    for url, data in change_requests(library_deck):
        response = client.post(url, data)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url
    assert snapshot(library_deck) == before


def test_another_facilitator_gets_not_found_for_a_private_deck(other_client, private_deck):
    for url in read_urls(private_deck):
        assert other_client.get(url).status_code == 404, url
    before = snapshot(private_deck)
    for url, data in change_requests(private_deck):
        assert other_client.post(url, data).status_code == 404, url
    assert (
        other_client.post(reverse("decks:deck-copy", args=[private_deck.slug])).status_code == 404
    )
    assert snapshot(private_deck) == before


def test_another_facilitator_can_read_but_not_change_a_library_deck(other_client, library_deck):
    for url in read_urls(library_deck):
        assert other_client.get(url).status_code == 200, url
    before = snapshot(library_deck)
    for url, data in change_requests(library_deck):
        assert other_client.post(url, data).status_code == 403, url
    assert snapshot(library_deck) == before


def test_a_library_deck_page_offers_no_editing_to_other_facilitators(other_client, library_deck):
    page = other_client.get(reverse("decks:deck-detail", args=[library_deck.slug])).content.decode()
    assert "Copy to my decks" in page
    assert "Add card" not in page
    assert "Delete this deck" not in page


def test_the_owner_sees_the_editing_controls(facilitator_client, private_deck):
    page = facilitator_client.get(
        reverse("decks:deck-detail", args=[private_deck.slug])
    ).content.decode()
    assert "Add card" in page and "Delete this deck" in page
    # One card is too few for the library: the owner is told instead of offered a button.
    assert "A library deck needs at least 3 cards." in page
