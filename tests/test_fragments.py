"""Every address that answers htmx with a fragment says so (Vary: HX-Request), and gives the
whole page to a browser and to htmx restoring it from history."""

import pytest
from django.urls import reverse
from django.utils.cache import has_vary_header

from tests.factories import CardFactory, StoryFactory, deck_with_cards

HTMX = {"HX-Request": "true"}
HISTORY_RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}


@pytest.fixture
def deck(facilitator):
    return deck_with_cards(count=2, owner=facilitator, title="Shoes")


def fragment_pages(deck):
    """The GET addresses a page and its htmx fragment share (what Back can land on)."""
    card = deck.cards.first()
    return [
        reverse("stories:archive") + "?q=shop",
        reverse("decks:deck-preview", args=[deck.slug]) + "?card=2",
        reverse("decks:card-edit", args=[deck.slug, card.pk]),
        reverse("decks:card-detail", args=[deck.slug, card.pk]),
        reverse("stories:digest-create"),
    ]


@pytest.mark.parametrize("headers", [{}, HTMX, HISTORY_RESTORE], ids=["page", "htmx", "restore"])
def test_every_page_with_an_htmx_fragment_varies_on_the_htmx_header(
    facilitator_client, deck, headers
):
    StoryFactory()
    for url in fragment_pages(deck):
        response = facilitator_client.get(url, headers=headers)
        assert response.status_code in (200, 302), url
        assert has_vary_header(response, "HX-Request"), url


def test_every_htmx_change_to_a_deck_varies_on_the_htmx_header(facilitator_client, deck):
    first, second = deck.cards.all()
    for headers in ({}, HTMX):
        doomed = CardFactory(deck=deck)
        posts = [
            (reverse("decks:card-add", args=[deck.slug]), {"prompt": "Which?", "kind": "question"}),
            (reverse("decks:card-edit", args=[deck.slug, first.pk]), {"prompt": "Which café?"}),
            (reverse("decks:card-move", args=[deck.slug, first.pk, "down"]), {}),
            (reverse("decks:cards-reorder", args=[deck.slug]), {"card": [first.pk, second.pk]}),
            (reverse("decks:card-delete", args=[deck.slug, doomed.pk]), {}),
            (reverse("stories:digest-create"), {"refresh": "1"}),
        ]
        for url, data in posts:
            response = facilitator_client.post(url, data, headers=headers)
            assert response.status_code < 500, url
            assert has_vary_header(response, "HX-Request"), (url, headers)


def test_a_history_restore_of_the_filtered_archive_gets_the_whole_page(facilitator_client):
    StoryFactory(text="The shop assistant remembered my name.")
    url = reverse("stories:archive") + "?q=shop"

    fragment = facilitator_client.get(url, headers=HTMX).content.decode()
    restored = facilitator_client.get(url, headers=HISTORY_RESTORE).content.decode()

    assert "<html" not in fragment
    assert "remembered my name" in fragment
    assert "<html" in restored and 'class="site-header"' in restored
    assert "remembered my name" in restored


def test_a_history_restore_of_a_preview_card_gets_the_whole_stage(facilitator_client, deck):
    url = reverse("decks:deck-preview", args=[deck.slug]) + "?card=2"

    fragment = facilitator_client.get(url, headers=HTMX).content.decode()
    restored = facilitator_client.get(url, headers=HISTORY_RESTORE).content.decode()

    assert "<html" not in fragment and "Card 2 of 2" in fragment
    assert "<html" in restored and "stage-header" in restored and "Card 2 of 2" in restored
