"""A deck printed as cut-out cards: the sheets, their mirrored backs, the paper and the page."""

import re

from django.urls import reverse

from decks import printing
from decks.models import Card, Deck
from tests.factories import CardFactory, DeckFactory, deck_with_cards

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def print_page(client, deck, **params):
    return client.get(reverse("decks:deck-print", args=[deck.slug]), params)


def fronts(page):
    return re.findall(r'<p class="printed-card__prompt">([^<]*)</p>', page)


# Laying the cards out on sheets


def test_cards_fill_sheets_of_eight_in_reading_order():
    laid_out = printing.sheets(range(1, 20))
    assert [sheet.number for sheet in laid_out] == [1, 2, 3]
    assert laid_out[0].fronts == [1, 2, 3, 4, 5, 6, 7, 8]
    assert laid_out[2].fronts == [17, 18, 19, None, None, None, None, None]


def test_each_back_is_its_front_with_every_row_mirrored_for_a_long_edge_flip():
    laid_out = printing.sheets(range(1, 20))
    assert laid_out[0].backs == [2, 1, 4, 3, 6, 5, 8, 7]
    # A row with one card: its back lands in the other column, behind it.
    assert laid_out[2].backs == [18, 17, None, 19, None, None, None, None]


def test_a_deck_without_cards_needs_no_sheet():
    assert printing.sheets([]) == []


def test_two_hundred_cards_take_twenty_five_sheets():
    laid_out = printing.sheets(range(200))
    assert len(laid_out) == 25
    assert all(None not in sheet.fronts for sheet in laid_out)
    assert sorted(card for sheet in laid_out for card in sheet.backs) == list(range(200))


def test_longer_text_is_printed_smaller_so_it_fits_the_card():
    assert printing.text_size(Card(prompt="Your best day?")) == "large"
    assert printing.text_size(Card(prompt="x" * 100)) == "medium"
    assert printing.text_size(Card(prompt="x" * 150, follow_up="y" * 50)) == "small"
    assert printing.text_size(Card(prompt="x" * 300)) == "smallest"
    assert printing.text_size(Card(prompt="x" * 300, follow_up="y" * 300)) == "smallest"


def test_a_long_deck_name_is_printed_smaller_on_the_backs():
    assert printing.deck_name_size(Deck(title="Kick-off questions")) == "large"
    assert printing.deck_name_size(Deck(title="x" * 120)) == "smallest"


# The page


def test_the_print_page_shows_every_card_once_on_the_front_and_backs_with_the_qr_code(
    facilitator_client, facilitator
):
    deck = deck_with_cards(3, owner=facilitator, title="Kick-off questions")
    response = print_page(facilitator_client, deck)
    page = response.content.decode()
    assert response.status_code == 200
    assert fronts(page) == [card.prompt for card in deck.cards.all()]
    assert page.count('class="printed-card printed-card--back"') == 3
    assert page.count('<use href="#deck-qr">') == 3
    assert page.count('id="deck-qr"') == 1
    start = reverse("live_sessions:session-start", args=[deck.slug])
    assert f"http://testserver{start}" in page
    assert "Play this deck live" in page
    assert "Print double-sided, flip on the long edge." in page


def test_memory_cards_are_printed_with_the_memory_band(facilitator_client, facilitator):
    deck = DeckFactory(owner=facilitator)
    CardFactory(deck=deck, prompt="Which customer memory stays with you?", kind="memory")
    CardFactory(deck=deck, prompt="What did you have for breakfast?")
    page = print_page(facilitator_client, deck).content.decode()
    assert page.count("printed-card--memory") == 1
    assert page.count('<p class="printed-card__band">Memory</p>') == 1
    memory = page.index("printed-card--memory")
    assert page.index("Which customer memory stays with you?") > memory


def test_a_deck_of_two_hundred_cards_prints_on_fifty_pages(
    facilitator_client, facilitator, django_assert_max_num_queries
):
    deck = DeckFactory(owner=facilitator)
    deck.add_cards([{"prompt": f"Question {number}?"} for number in range(1, 201)])
    with django_assert_max_num_queries(4):  # the session, the user, the deck, its cards
        response = print_page(facilitator_client, deck)
    page = response.content.decode()
    assert page.count('<section class="sheet') == 50
    assert len(fronts(page)) == 200


def test_the_paper_is_a4_unless_letter_is_chosen(facilitator_client, facilitator):
    deck = deck_with_cards(1, owner=facilitator)
    assert "print-page--a4" in print_page(facilitator_client, deck).content.decode()
    letter = print_page(facilitator_client, deck, paper="letter").content.decode()
    assert "print-page--letter" in letter
    assert 'href="?paper=letter" aria-current="true"' in letter


def test_an_unknown_paper_gets_a4_and_no_error(facilitator_client, facilitator):
    deck = deck_with_cards(1, owner=facilitator)
    for paper in ["tabloid", "", "<b>", "a4' onload='x"]:
        response = print_page(facilitator_client, deck, paper=paper)
        assert response.status_code == 200
        assert "print-page--a4" in response.content.decode()


def test_a_deck_without_cards_says_so_instead_of_printing_empty_sheets(
    facilitator_client, facilitator
):
    deck = DeckFactory(owner=facilitator)
    page = print_page(facilitator_client, deck).content.decode()
    assert "This deck has no cards yet." in page
    assert 'class="sheet' not in page


def test_hostile_text_is_printed_as_text(facilitator_client, facilitator):
    deck = DeckFactory(owner=facilitator, title=HOSTILE)
    CardFactory(deck=deck, prompt=HOSTILE, follow_up=HOSTILE, kind="memory")
    page = print_page(facilitator_client, deck).content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_the_deck_page_links_to_the_printable_cards(facilitator_client, facilitator):
    deck = deck_with_cards(1, owner=facilitator)
    page = facilitator_client.get(deck.get_absolute_url()).content.decode()
    assert f'href="{reverse("decks:deck-print", args=[deck.slug])}"' in page
    assert "Print the cards" in page


def test_a_library_deck_prints_for_any_facilitator_but_a_private_one_does_not(
    other_client, facilitator
):
    private = deck_with_cards(1, owner=facilitator)
    library = deck_with_cards(1, owner=facilitator, status="approved")
    assert print_page(other_client, private).status_code == 404
    assert print_page(other_client, library).status_code == 200


def test_one_card_is_counted_as_one_card_on_one_sheet(facilitator_client, facilitator):
    deck = deck_with_cards(1, owner=facilitator)
    page = print_page(facilitator_client, deck).content.decode()
    assert re.search(r"1 card\s+· 1 sheet, printed on both sides", page)
