"""A card's fields are declared once (`Card.CONTENT_FIELDS`): every copy of a card carries all."""

import json

import pytest

from decks import transfer
from decks.forms import CardForm
from decks.models import Card
from sessions.models import LiveSession
from tests.factories import CardFactory, DeckFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(facilitator):
    deck = DeckFactory(owner=facilitator, status="approved")
    card = CardFactory(deck=deck, prompt="Which memory?", kind="memory", follow_up="And then?")
    card.tags.add("shoes", "deep dive")
    return card


def test_a_deck_copy_carries_every_field_of_every_card(card, other_facilitator):
    copy = card.deck.copy_for(other_facilitator)
    assert [c.data() for c in copy.cards.all()] == [card.data()]


def test_a_session_keeps_every_field_of_every_card(card, facilitator):
    session = LiveSession.start(card.deck, facilitator, is_shuffled=False)
    kept = session.cards.get()
    assert {name: getattr(kept, name) for name in Card.CONTENT_FIELDS} == card.content()


def test_files_and_the_card_form_name_every_field(card):
    document = transfer.deck_document(card.deck)
    assert document["cards"] == [card.data()]
    assert transfer.export_csv(card.deck).splitlines()[0].split(",") == transfer.CSV_COLUMNS
    assert list(CardForm.base_fields) == [*Card.CONTENT_FIELDS, "tags"]
    read = transfer.parse_json(json.dumps(document))
    assert read.cards == [card.data()]
