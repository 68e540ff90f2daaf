from django.urls import reverse

from decks.models import Deck
from tests.factories import CardFactory, DeckFactory, LibraryDeckFactory, deck_with_cards


def test_my_decks_lists_only_my_own_decks(facilitator_client, facilitator, other_facilitator):
    DeckFactory(owner=facilitator, title="Kick-off questions")
    DeckFactory(owner=other_facilitator, title="Somebody else's deck")
    page = facilitator_client.get(reverse("decks:deck-list")).content.decode()
    assert "Kick-off questions" in page
    assert "Somebody else&#x27;s deck" not in page and "Somebody else's deck" not in page


def test_library_shows_approved_decks_featured_first(facilitator_client):
    LibraryDeckFactory(title="Aardvark approved")
    LibraryDeckFactory(title="Zebra featured", is_featured=True)
    DeckFactory(title="Draft deck")
    DeckFactory(title="Waiting deck", status=Deck.Status.SUBMITTED)
    page = facilitator_client.get(reverse("decks:library")).content.decode()
    assert page.index("Zebra featured") < page.index("Aardvark approved")
    assert "Draft deck" not in page
    assert "Waiting deck" not in page


def test_library_search_finds_decks_by_title_or_tag(facilitator_client):
    tagged = LibraryDeckFactory(title="Journey mapping")
    tagged.tags.add("onboarding")
    LibraryDeckFactory(title="Retro questions")
    page = facilitator_client.get(reverse("decks:library"), {"q": "journey"}).content.decode()
    assert "Journey mapping" in page and "Retro questions" not in page
    page = facilitator_client.get(reverse("decks:library"), {"q": "onboarding"}).content.decode()
    assert "Journey mapping" in page and "Retro questions" not in page


def test_a_facilitator_creates_a_deck_with_tags(facilitator_client, facilitator):
    response = facilitator_client.post(
        reverse("decks:deck-create"),
        {
            "title": "Team offsite",
            "description": "Warm-up",
            "language": "nl",
            "tags": "offsite, warm-up",
        },
    )
    deck = Deck.objects.get(title="Team offsite")
    assert response.status_code == 302 and response.url == deck.get_absolute_url()
    assert deck.owner == facilitator
    assert deck.language == "nl"
    assert sorted(deck.tags.names()) == ["offsite", "warm-up"]
    assert deck.status == Deck.Status.DRAFT


def test_a_deck_without_a_title_is_not_saved(facilitator_client):
    response = facilitator_client.post(
        reverse("decks:deck-create"), {"title": "  ", "language": "en"}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Deck.objects.exists()


def test_editing_a_deck_keeps_its_address(facilitator_client, facilitator):
    deck = DeckFactory(owner=facilitator, title="Old title")
    facilitator_client.post(
        reverse("decks:deck-edit", args=[deck.slug]),
        {"title": "New title", "language": "en", "description": "", "tags": ""},
    )
    slug = deck.slug
    deck.refresh_from_db()
    assert deck.title == "New title"
    assert deck.slug == slug


def test_deleting_a_deck_asks_for_confirmation_first(facilitator_client, facilitator):
    deck = deck_with_cards(3, owner=facilitator, title="Doomed deck")
    page = facilitator_client.get(reverse("decks:deck-delete", args=[deck.slug])).content.decode()
    assert "Delete “Doomed deck”?" in page
    assert "3 cards" in page
    assert Deck.objects.filter(pk=deck.pk).exists()
    response = facilitator_client.post(reverse("decks:deck-delete", args=[deck.slug]))
    assert response.url == reverse("decks:deck-list")
    assert not Deck.objects.filter(pk=deck.pk).exists()


def test_duplicating_my_deck_copies_every_card_and_tag(facilitator_client, facilitator):
    deck = DeckFactory(owner=facilitator, title="Original")
    deck.tags.add("retro")
    card = CardFactory(deck=deck, prompt="First?", kind="memory", follow_up="Why?")
    card.tags.add("deep")
    CardFactory(deck=deck, prompt="Second?")
    response = facilitator_client.post(reverse("decks:deck-duplicate", args=[deck.slug]))
    copy = Deck.objects.exclude(pk=deck.pk).get()
    assert response.url == copy.get_absolute_url()
    assert copy.title == "Original (copy)"
    assert copy.owner == facilitator
    assert list(copy.tags.names()) == ["retro"]
    cards = list(copy.cards.all())
    assert [c.prompt for c in cards] == ["First?", "Second?"]
    assert (cards[0].kind, cards[0].follow_up, list(cards[0].tags.names())) == (
        "memory",
        "Why?",
        ["deep"],
    )


def test_copying_a_library_deck_makes_a_private_draft_of_mine(
    facilitator_client, facilitator, other_facilitator
):
    library_deck = deck_with_cards(4, owner=other_facilitator, status=Deck.Status.APPROVED)
    facilitator_client.post(reverse("decks:deck-copy", args=[library_deck.slug]))
    copy = Deck.objects.get(owner=facilitator)
    assert copy.status == Deck.Status.DRAFT
    assert copy.cards.count() == 4
    assert library_deck.cards.count() == 4


def test_preview_shows_one_card_at_a_time_with_progress(facilitator_client, facilitator):
    deck = DeckFactory(owner=facilitator)
    CardFactory(deck=deck, prompt="What made you smile?")
    CardFactory(deck=deck, prompt="What made you wait?")
    url = reverse("decks:deck-preview", args=[deck.slug])
    first = facilitator_client.get(url).content.decode()
    assert "What made you smile?" in first and "What made you wait?" not in first
    assert "Card 1 of 2" in first
    second = facilitator_client.get(url, {"card": 2}).content.decode()
    assert "What made you wait?" in second and "Card 2 of 2" in second
    assert "That was the last card" in second


def test_preview_flips_by_htmx_without_reloading_the_page(facilitator_client, facilitator):
    deck = deck_with_cards(2, owner=facilitator)
    response = facilitator_client.get(
        reverse("decks:deck-preview", args=[deck.slug]), {"card": 2}, headers={"HX-Request": "true"}
    )
    fragment = response.content.decode()
    assert "Card 2 of 2" in fragment
    assert "<html" not in fragment


def test_preview_of_an_empty_deck_says_so(facilitator_client, facilitator):
    deck = DeckFactory(owner=facilitator)
    page = facilitator_client.get(reverse("decks:deck-preview", args=[deck.slug]), {"card": "x"})
    assert "This deck has no cards yet." in page.content.decode()


def test_deck_titles_do_not_take_the_names_of_other_pages(facilitator_client):
    facilitator_client.post(reverse("decks:deck-create"), {"title": "Library", "language": "en"})
    assert Deck.objects.get().slug == "library-2"


def test_the_library_pages_keep_the_language_filter(facilitator_client, facilitator):
    for number in range(25):
        LibraryDeckFactory(title=f"Deck {number:02}", language="nl", owner=facilitator)
    page = facilitator_client.get(reverse("decks:library"), {"language": "nl"}).content.decode()
    assert "?language=nl&amp;page=2" in page
