"""Owners submit decks; curators approve, feature or reject them, in the app and in the admin."""

import pytest
from django.urls import reverse

from decks.models import Deck
from tests.factories import DeckFactory, deck_with_cards


@pytest.fixture
def submitted_deck(facilitator):
    deck = deck_with_cards(3, owner=facilitator, title="Ready for everyone")
    deck.submit()
    return deck


def test_an_owner_submits_a_deck_and_it_waits_in_the_review_queue(
    facilitator_client, facilitator, curator_client
):
    deck = deck_with_cards(3, owner=facilitator, title="Ready for everyone")
    facilitator_client.post(reverse("decks:deck-submit", args=[deck.slug]))
    deck.refresh_from_db()
    assert deck.status == Deck.Status.SUBMITTED
    queue = curator_client.get(reverse("decks:review-queue")).content.decode()
    assert "Ready for everyone" in queue


def test_a_deck_with_too_few_cards_cannot_be_submitted(facilitator_client, facilitator):
    deck = deck_with_cards(2, owner=facilitator)
    response = facilitator_client.post(reverse("decks:deck-submit", args=[deck.slug]), follow=True)
    assert "A library deck needs at least 3 cards." in response.content.decode()
    deck.refresh_from_db()
    assert deck.status == Deck.Status.DRAFT


def test_a_submitted_deck_is_not_in_the_library_yet(other_client, submitted_deck):
    assert "Ready for everyone" not in other_client.get(reverse("decks:library")).content.decode()


def test_approving_puts_the_deck_in_the_library(curator_client, curator, submitted_deck, client):
    curator_client.post(reverse("decks:deck-review", args=[submitted_deck.slug, "approve"]))
    submitted_deck.refresh_from_db()
    assert submitted_deck.status == Deck.Status.APPROVED
    assert submitted_deck.reviewed_by == curator
    library = curator_client.get(reverse("decks:library")).content.decode()
    assert "Ready for everyone" in library


def test_featuring_puts_the_deck_first_in_the_library(curator_client, submitted_deck):
    DeckFactory(title="Aaa first by title", status=Deck.Status.APPROVED)
    curator_client.post(reverse("decks:deck-review", args=[submitted_deck.slug, "feature"]))
    library = curator_client.get(reverse("decks:library")).content.decode()
    assert library.index("Ready for everyone") < library.index("Aaa first by title")


def test_rejecting_shows_the_owner_the_reason(curator_client, submitted_deck, client, facilitator):
    curator_client.post(
        reverse("decks:deck-review", args=[submitted_deck.slug, "reject"]),
        {"reason": "Please add follow-up prompts <em>first</em>."},
    )
    submitted_deck.refresh_from_db()
    assert submitted_deck.status == Deck.Status.REJECTED
    client.force_login(facilitator)
    page = client.get(submitted_deck.get_absolute_url()).content.decode()
    assert "Not accepted for the library" in page
    assert "Please add follow-up prompts &lt;em&gt;first&lt;/em&gt;." in page


def test_rejecting_without_a_reason_is_refused_and_changes_nothing(curator_client, submitted_deck):
    response = curator_client.post(
        reverse("decks:deck-review", args=[submitted_deck.slug, "reject"]), {"reason": " "}
    )
    assert response.status_code == 400
    assert "Tell the owner why" in response.content.decode()
    submitted_deck.refresh_from_db()
    assert submitted_deck.status == Deck.Status.SUBMITTED


def test_facilitators_cannot_review_decks(other_client, submitted_deck):
    response = other_client.get(reverse("decks:review-queue"))
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    other_client.post(reverse("decks:deck-review", args=[submitted_deck.slug, "approve"]))
    submitted_deck.refresh_from_db()
    assert submitted_deck.status == Deck.Status.SUBMITTED


def test_an_owner_can_take_a_deck_out_of_the_library(facilitator_client, facilitator):
    deck = DeckFactory(owner=facilitator, status=Deck.Status.APPROVED, is_featured=True)
    facilitator_client.post(reverse("decks:deck-withdraw", args=[deck.slug]))
    deck.refresh_from_db()
    assert (deck.status, deck.is_featured) == (Deck.Status.DRAFT, False)


def test_the_admin_lists_decks_with_search_and_filters(admin_client, submitted_deck):
    DeckFactory(title="Unrelated deck")
    url = reverse("admin:decks_deck_changelist")
    page = admin_client.get(url, {"q": "ready"}).content.decode()
    assert "Ready for everyone" in page and "Unrelated deck" not in page
    page = admin_client.get(url, {"status__exact": "submitted"}).content.decode()
    assert "Ready for everyone" in page and "Unrelated deck" not in page


def test_the_admin_approves_decks_with_an_action(admin_client, submitted_deck):
    admin_client.post(
        reverse("admin:decks_deck_changelist"),
        {"action": "feature", "_selected_action": [submitted_deck.pk]},
    )
    submitted_deck.refresh_from_db()
    assert submitted_deck.status == Deck.Status.APPROVED and submitted_deck.is_featured
