import pytest
from django.urls import reverse

from decks.models import Card
from tests.factories import CardFactory, DeckFactory

HTMX = {"HX-Request": "true"}


@pytest.fixture
def deck(facilitator):
    return DeckFactory(owner=facilitator)


def prompts(deck):
    return list(deck.cards.values_list("prompt", flat=True))


def test_adding_a_card_returns_the_new_card_list_without_a_page_reload(facilitator_client, deck):
    response = facilitator_client.post(
        reverse("decks:card-add", args=[deck.slug]),
        {"prompt": "Which memory would you share?", "kind": "memory", "follow_up": "With whom?"},
        headers=HTMX,
    )
    fragment = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in fragment
    assert "Which memory would you share?" in fragment
    assert "Card 1 added." in fragment
    card = deck.cards.get()
    assert (card.kind, card.follow_up, card.position) == ("memory", "With whom?", 1)


def test_adding_a_card_without_htmx_redirects_back_to_the_deck(facilitator_client, deck):
    response = facilitator_client.post(
        reverse("decks:card-add", args=[deck.slug]), {"prompt": "Plain?", "kind": "question"}
    )
    assert response.status_code == 302
    assert response.url == deck.get_absolute_url() + "#cards"
    assert prompts(deck) == ["Plain?"]


def test_an_empty_prompt_gets_a_message_and_keeps_the_saved_cards(facilitator_client, deck):
    CardFactory(deck=deck, prompt="Already here")
    response = facilitator_client.post(
        reverse("decks:card-add", args=[deck.slug]),
        {"prompt": "   ", "kind": "question"},
        headers=HTMX,
    )
    assert "Write the question the card asks." in response.content.decode()
    assert prompts(deck) == ["Already here"]


def test_an_over_long_prompt_gets_a_message(facilitator_client, deck):
    response = facilitator_client.post(
        reverse("decks:card-add", args=[deck.slug]),
        {"prompt": "x" * 301, "kind": "question"},
        headers=HTMX,
    )
    assert "at most 300 characters" in response.content.decode()
    assert not deck.cards.exists()


def test_a_full_deck_refuses_another_card(facilitator_client, deck, settings):
    settings.DECK_MAX_CARDS = 2
    CardFactory(deck=deck)
    CardFactory(deck=deck)
    response = facilitator_client.post(
        reverse("decks:card-add", args=[deck.slug]), {"prompt": "Third?", "kind": "question"}
    )
    assert "This deck is full: a deck holds at most 2 cards." in response.content.decode()
    assert deck.cards.count() == 2


def test_editing_a_card_inline_shows_a_form_then_the_saved_card(facilitator_client, deck):
    card = CardFactory(deck=deck, prompt="Before")
    url = reverse("decks:card-edit", args=[deck.slug, card.pk])
    form = facilitator_client.get(url, headers=HTMX).content.decode()
    assert "<html" not in form and 'name="prompt"' in form and "Before" in form
    saved = facilitator_client.post(
        url, {"prompt": "After", "kind": "question", "follow_up": "", "tags": "new"}, headers=HTMX
    ).content.decode()
    assert "After" in saved and 'name="prompt"' not in saved
    card.refresh_from_db()
    assert card.prompt == "After"
    assert list(card.tags.names()) == ["new"]


def test_a_bad_edit_keeps_the_card_as_it_was(facilitator_client, deck):
    card = CardFactory(deck=deck, prompt="Keep me")
    response = facilitator_client.post(
        reverse("decks:card-edit", args=[deck.slug, card.pk]),
        {"prompt": "", "kind": "question"},
        headers=HTMX,
    )
    assert "Write the question the card asks." in response.content.decode()
    card.refresh_from_db()
    assert card.prompt == "Keep me"


def test_deleting_a_card_closes_the_gap_in_the_numbering(facilitator_client, deck):
    first, second, third = (CardFactory(deck=deck, prompt=p) for p in ["One", "Two", "Three"])
    facilitator_client.post(reverse("decks:card-delete", args=[deck.slug, second.pk]), headers=HTMX)
    assert list(deck.cards.values_list("prompt", "position")) == [("One", 1), ("Three", 2)]


@pytest.mark.parametrize(
    ("direction", "moved", "expected"),
    [
        ("up", "Two", ["Two", "One", "Three"]),
        ("down", "Two", ["One", "Three", "Two"]),
        ("up", "One", ["One", "Two", "Three"]),
        ("down", "Three", ["One", "Two", "Three"]),
    ],
)
def test_moving_a_card_swaps_it_with_its_neighbour(
    facilitator_client, deck, direction, moved, expected
):
    for prompt in ["One", "Two", "Three"]:
        CardFactory(deck=deck, prompt=prompt)
    card = deck.cards.get(prompt=moved)
    response = facilitator_client.post(
        reverse("decks:card-move", args=[deck.slug, card.pk, direction]), headers=HTMX
    )
    assert prompts(deck) == expected
    fragment = response.content.decode()
    rendered_order = sorted(expected, key=lambda p: fragment.index(f'__prompt">{p}<'))
    assert rendered_order == expected


def test_a_move_is_announced_for_screen_readers(facilitator_client, deck):
    CardFactory(deck=deck, prompt="One")
    card = CardFactory(deck=deck, prompt="Two")
    response = facilitator_client.post(
        reverse("decks:card-move", args=[deck.slug, card.pk, "up"]), headers=HTMX
    )
    assert "“Two” is now card 1 of 2." in response.content.decode()


def test_an_unknown_direction_is_not_found(facilitator_client, deck):
    card = CardFactory(deck=deck)
    response = facilitator_client.post(f"/decks/{deck.slug}/cards/{card.pk}/move/sideways/")
    assert response.status_code == 404


def test_a_card_of_another_deck_cannot_be_reached_through_mine(facilitator_client, deck):
    foreign = CardFactory(prompt="Not yours")
    response = facilitator_client.post(reverse("decks:card-delete", args=[deck.slug, foreign.pk]))
    assert response.status_code == 404
    assert Card.objects.filter(pk=foreign.pk).exists()


XSS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "javascript:alert(1)//<a href='x'>",
]


@pytest.mark.parametrize("payload", XSS)
def test_card_text_is_escaped_on_every_deck_page(facilitator_client, deck, payload):
    CardFactory(deck=deck, prompt=payload, follow_up=payload)
    deck.title = payload
    deck.description = payload
    deck.save()
    for name in ["decks:deck-detail", "decks:deck-preview"]:
        page = facilitator_client.get(reverse(name, args=[deck.slug])).content.decode()
        assert payload not in page, name
        assert "&lt;" in page, name
    page = facilitator_client.get(reverse("decks:deck-list")).content.decode()
    assert payload not in page


def test_dragging_saves_the_new_order(facilitator_client, deck):
    one, two, three = (CardFactory(deck=deck, prompt=p) for p in ["One", "Two", "Three"])
    response = facilitator_client.post(
        reverse("decks:cards-reorder", args=[deck.slug]),
        {"card": [three.pk, one.pk, two.pk]},
        headers=HTMX,
    )
    assert "New order saved." in response.content.decode()
    assert list(deck.cards.values_list("prompt", "position")) == [
        ("Three", 1),
        ("One", 2),
        ("Two", 3),
    ]


def test_an_order_that_leaves_out_a_card_is_refused(facilitator_client, deck):
    one, two = CardFactory(deck=deck, prompt="One"), CardFactory(deck=deck, prompt="Two")
    foreign = CardFactory(prompt="Elsewhere")
    for order in ([two.pk], [two.pk, foreign.pk], [two.pk, two.pk], ["x", one.pk]):
        response = facilitator_client.post(
            reverse("decks:cards-reorder", args=[deck.slug]), {"card": order}
        )
        assert response.status_code == 400, order
    assert prompts(deck) == ["One", "Two"]
