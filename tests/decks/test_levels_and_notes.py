"""A card's level and its presenter notes: on the deck page and its forms, and through every
file a deck goes in and out by."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from decks import transfer
from decks.models import Deck
from tests.factories import CardFactory, DeckFactory

pytestmark = pytest.mark.django_db

NOTES = "Give them a minute of silence first.\nThen ask: “and what did you do next?”"


@pytest.fixture
def levelled_deck(facilitator):
    deck = DeckFactory(owner=facilitator, title="Level up, our way")
    CardFactory(deck=deck, prompt="Which job would you rather not do?", level="Perception")
    CardFactory(deck=deck, prompt="When did a shop make you feel welcome?", level="Connection",
                kind="memory", notes=NOTES)  # fmt: skip
    CardFactory(deck=deck, prompt="Who helped you become more?", level="Reflection",
                notes="Only if the room is ready, “quotes”, commas")  # fmt: skip
    CardFactory(deck=deck, prompt="Warm-up without a level")
    return deck


def upload(name, content):
    return SimpleUploadedFile(name, content.encode("utf-8"))


def import_file(client, name, content, title=""):
    return client.post(
        reverse("decks:deck-import"), {"file": upload(name, content), "title": title}
    )


def test_json_carries_levels_and_notes_and_round_trips_exactly(facilitator_client, levelled_deck):
    exported = transfer.export_json(levelled_deck)
    cards = json.loads(exported)["cards"]
    assert [card["level"] for card in cards] == ["Perception", "Connection", "Reflection", ""]
    assert cards[1]["notes"] == NOTES
    import_file(facilitator_client, "deck.json", exported)
    imported = Deck.objects.exclude(pk=levelled_deck.pk).get()
    assert transfer.export_json(imported) == exported
    assert imported.levels() == ["Perception", "Connection", "Reflection"]


def test_csv_has_level_and_notes_columns_and_reads_them_back(facilitator_client, levelled_deck):
    exported = transfer.export_csv(levelled_deck)
    assert exported.splitlines()[0] == "prompt,kind,follow_up,level,notes,tags"
    import_file(facilitator_client, "cards.csv", exported, title="From CSV")
    imported = Deck.objects.get(title="From CSV")
    assert transfer.export_csv(imported) == exported
    assert imported.cards.get(level="Connection").notes == NOTES


def test_an_old_csv_without_level_or_notes_still_imports(facilitator_client):
    content = "prompt,kind,follow_up,tags\nWhat made you smile?,question,,\n"
    import_file(facilitator_client, "old.csv", content, title="Old")
    card = Deck.objects.get(title="Old").cards.get()
    assert (card.prompt, card.level, card.notes) == ("What made you smile?", "", "")


def test_an_old_json_deck_without_level_or_notes_still_imports(facilitator_client):
    document = {"format": "cx-workshop-deck", "version": 1, "title": "Old",
                "cards": [{"prompt": "What made you smile?", "kind": "question"}]}  # fmt: skip
    import_file(facilitator_client, "old.json", json.dumps(document))
    assert Deck.objects.get(title="Old").cards.get().level == ""


def test_over_long_levels_and_notes_are_problems_of_their_line(facilitator_client, levelled_deck):
    content = (
        "prompt,level,notes\n"
        f"Fine,{'L' * 60},{'n' * 1000}\n"
        f"Long level,{'L' * 61},\n"
        f"Long notes,,{'n' * 1001}\n"
    )
    response = facilitator_client.post(
        reverse("decks:cards-add-many", args=[levelled_deck.slug]),
        {"file": upload("bad.csv", content)},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Row 3: the level is 61 characters long; the limit is 60." in page
    assert "Row 4: the notes are 1001 characters long; the limit is 1000." in page
    assert levelled_deck.cards.count() == 4
    document = json.loads(transfer.export_json(levelled_deck))
    document["cards"][0]["notes"] = ["not", "text"]
    document["cards"][1]["level"] = "L" * 61
    response = import_file(facilitator_client, "bad.json", json.dumps(document))
    page = response.content.decode()
    assert "Card 1: “notes” must be text, not a list." in page
    assert "Card 2: the level is 61 characters long; the limit is 60." in page


def test_the_deck_page_heads_each_levels_cards_and_shows_the_notes(
    facilitator_client, levelled_deck
):
    page = facilitator_client.get(levelled_deck.get_absolute_url()).content.decode()
    headings = ["Level 1 — Perception", "Level 2 — Connection", "Level 3 — Reflection",
                "In no level (dealt from the start)"]  # fmt: skip
    places = [page.index(heading) for heading in headings]
    assert places == sorted(places)
    assert "Give them a minute of silence first.<br>Then ask" in page


def test_the_card_form_offers_the_decks_levels_and_a_notes_box(facilitator_client, levelled_deck):
    page = facilitator_client.get(levelled_deck.get_absolute_url()).content.decode()
    assert '<datalist id="id_level-choices"><option value="Perception"></option>' in page
    assert 'list="id_level-choices"' in page
    assert '<textarea name="notes"' in page
    assert "shown only on your console beside the card" in page


def test_a_card_is_added_with_its_level_and_notes(facilitator_client, levelled_deck):
    facilitator_client.post(
        reverse("decks:card-add", args=[levelled_deck.slug]),
        {"prompt": "What would you change?", "kind": "question", "level": "Reflection",
         "notes": "Ask the quiet ones first."},
    )  # fmt: skip
    card = levelled_deck.cards.get(prompt="What would you change?")
    assert (card.level, card.notes) == ("Reflection", "Ask the quiet ones first.")
    # With the other cards of its level, not after the card in no level.
    assert [c.prompt for c in levelled_deck.cards.all()][-2:] == [
        "What would you change?",
        "Warm-up without a level",
    ]


def test_a_copy_of_a_deck_keeps_levels_and_notes(levelled_deck, other_facilitator):
    levelled_deck.status = Deck.Status.APPROVED
    levelled_deck.save()
    copy = levelled_deck.copy_for(other_facilitator)
    assert [c.data() for c in copy.cards.all()] == [c.data() for c in levelled_deck.cards.all()]
