"""Import and export: JSON round-trips exactly; CSV and lists add cards; bad files save nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from decks import transfer
from decks.models import Deck
from tests.factories import CardFactory, DeckFactory


@pytest.fixture
def rich_deck(facilitator):
    deck = DeckFactory(
        owner=facilitator,
        title="Memories “with” quotes, commas",
        description="Line one\nLine two, with a comma",
        language="fr",
    )
    deck.tags.add("valentine", "kpis")
    first = CardFactory(
        deck=deck, prompt="Which memory, if any, would you share?", kind="memory", follow_up="Why?"
    )
    first.tags.add("memory", "deep dive")
    CardFactory(deck=deck, prompt='Say "hello" — in émoji 🙂', kind="question")
    return deck


def upload(name, content):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return SimpleUploadedFile(name, data)


def import_deck(client, name, content, title=""):
    return client.post(
        reverse("decks:deck-import"), {"file": upload(name, content), "title": title}
    )


def test_json_export_then_import_round_trips_exactly(facilitator_client, rich_deck):
    exported = facilitator_client.get(reverse("decks:deck-export", args=[rich_deck.slug, "json"]))
    assert exported["Content-Disposition"] == f'attachment; filename="{rich_deck.slug}.json"'
    response = import_deck(facilitator_client, "deck.json", exported.content.decode())
    imported = Deck.objects.exclude(pk=rich_deck.pk).get()
    assert response.url == imported.get_absolute_url()
    assert transfer.export_json(imported) == exported.content.decode()


def test_csv_export_then_import_keeps_every_card(facilitator_client, rich_deck):
    exported = facilitator_client.get(reverse("decks:deck-export", args=[rich_deck.slug, "csv"]))
    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    import_deck(facilitator_client, "cards.csv", exported.content.decode(), title="From CSV")
    imported = Deck.objects.get(title="From CSV")
    assert transfer.export_csv(imported) == exported.content.decode()
    assert imported.cards.first().kind == "memory"


def test_a_csv_export_defuses_formulas_and_reads_them_back_as_text(facilitator_client, facilitator):
    deck = DeckFactory(owner=facilitator, title="Formulas")
    prompts = ['=HYPERLINK("http://evil.example")', "+1 for the barista?", "-ish", "@SUM(A1)"]
    for prompt in prompts:
        CardFactory(deck=deck, prompt=prompt)
    exported = facilitator_client.get(reverse("decks:deck-export", args=[deck.slug, "csv"]))
    cells = [row.split(",")[0] for row in exported.content.decode().splitlines()[1:]]
    assert all(cell.lstrip('"').startswith("'") for cell in cells)
    import_deck(facilitator_client, "cards.csv", exported.content.decode(), title="Back")
    back = Deck.objects.get(title="Back")
    assert list(back.cards.values_list("prompt", flat=True)) == prompts


def test_a_csv_import_needs_a_title_and_saves_nothing_without_one(facilitator_client):
    response = import_deck(facilitator_client, "cards.csv", "prompt\nHello?\n")
    assert response.status_code == 400
    assert "Give the new deck a title." in response.content.decode()
    assert not Deck.objects.exists()


def test_pasting_a_list_adds_a_card_a_line_after_the_existing_ones(facilitator_client, rich_deck):
    response = facilitator_client.post(
        reverse("decks:cards-add-many", args=[rich_deck.slug]),
        {"text": "What surprised you?\n\n   \nWhat would you change?\n"},
    )
    assert response.status_code == 302
    assert list(rich_deck.cards.values_list("prompt", "position"))[2:] == [
        ("What surprised you?", 3),
        ("What would you change?", 4),
    ]


def test_a_csv_file_adds_cards_with_kind_and_follow_up(facilitator_client, rich_deck):
    content = (
        'prompt,kind,follow_up,tags\n"Which memory?",Memory,"And why?","a, b"\nPlain question,,,\n'
    )
    facilitator_client.post(
        reverse("decks:cards-add-many", args=[rich_deck.slug]),
        {"file": upload("more.csv", content)},
    )
    added = list(rich_deck.cards.all())[2:]
    assert [(c.prompt, c.kind, c.follow_up) for c in added] == [
        ("Which memory?", "memory", "And why?"),
        ("Plain question", "question", ""),
    ]
    assert sorted(added[0].tags.names()) == ["a", "b"]


def test_a_broken_csv_lists_every_problem_by_row_and_saves_nothing(facilitator_client, rich_deck):
    content = (
        "prompt,kind,follow_up\n"
        "Good question,question,\n"
        ",question,\n"
        "Another,riddle,\n"
        f"{'x' * 301},question,\n"
        "Too,many,values,here\n"
    )
    response = facilitator_client.post(
        reverse("decks:cards-add-many", args=[rich_deck.slug]),
        {"file": upload("bad.csv", content)},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Row 3: the question is empty." in page
    assert "Row 4: the kind “riddle” is unknown" in page
    assert "Row 5: the question is 301 characters long; the limit is 300." in page
    assert "Row 6 has 4 values but the header names 3 columns." in page
    assert rich_deck.cards.count() == 2


def test_a_csv_without_a_prompt_column_is_explained(facilitator_client, rich_deck):
    response = facilitator_client.post(
        reverse("decks:cards-add-many", args=[rich_deck.slug]),
        {"file": upload("bad.csv", "question\nHello?\n")},
    )
    assert "Row 1 must name the columns, with at least “prompt”" in response.content.decode()


def test_malformed_json_gets_the_line_of_the_mistake(facilitator_client):
    response = import_deck(facilitator_client, "deck.json", '{\n  "format": "cx-workshop-deck",\n}')
    page = response.content.decode()
    assert response.status_code == 400
    assert "The file is not valid JSON" in page and "line 3" in page
    assert not Deck.objects.exists()


def test_json_with_bad_cards_lists_each_and_saves_nothing(facilitator_client):
    document = {
        "format": "cx-workshop-deck",
        "version": 1,
        "title": "Half good",
        "cards": [
            {"prompt": "Fine?", "kind": "question"},
            {"prompt": "", "kind": "question"},
            {"prompt": "Odd kind", "kind": "story"},
            "not a card",
        ],
    }
    response = import_deck(facilitator_client, "deck.json", json.dumps(document))
    page = response.content.decode()
    assert "Card 2: the question is empty." in page
    assert "Card 3: the kind “story” is unknown" in page
    assert "Card 4 is not a card object." in page
    assert not Deck.objects.exists()


def test_a_json_file_that_is_not_a_deck_is_refused(facilitator_client):
    response = import_deck(facilitator_client, "deck.json", '{"name": "something else"}')
    assert "This JSON file is not a CX Workshop deck" in response.content.decode()


def test_a_wrong_file_type_is_refused_with_a_message(facilitator_client):
    response = import_deck(facilitator_client, "deck.xlsx", "PK\x03\x04")
    assert "“deck.xlsx” is not a .csv or .json file." in response.content.decode()
    assert not Deck.objects.exists()


def test_a_file_that_is_not_utf8_is_refused_with_a_message(facilitator_client):
    response = import_deck(facilitator_client, "cards.csv", "prompt\nCaf\xe9\n".encode("latin-1"))
    assert "The file is not UTF-8 text." in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(facilitator_client, settings):
    settings.DECK_IMPORT_MAX_BYTES = 100
    response = import_deck(facilitator_client, "cards.csv", "prompt\n" + "Why?\n" * 50, "Big")
    assert "The file is 257\xa0bytes; the limit is 100\xa0bytes." in response.content.decode()
    assert not Deck.objects.exists()


def test_an_import_over_the_card_limit_saves_nothing(facilitator_client, rich_deck, settings):
    settings.DECK_MAX_CARDS = 4
    response = facilitator_client.post(
        reverse("decks:cards-add-many", args=[rich_deck.slug]), {"text": "A?\nB?\nC?\n"}
    )
    page = response.content.decode()
    assert "It has 3 cards; this deck has room for 2 more (at most 4)." in page
    assert rich_deck.cards.count() == 2


def test_adding_many_cards_needs_some_input(facilitator_client, rich_deck):
    response = facilitator_client.post(
        reverse("decks:cards-add-many", args=[rich_deck.slug]), {"text": "  "}
    )
    assert "Paste some questions or choose a CSV file." in response.content.decode()


def test_imported_text_is_escaped_on_the_page(facilitator_client):
    document = {
        "format": "cx-workshop-deck",
        "version": 1,
        "title": "<b>bold</b>",
        "cards": [{"prompt": "<script>alert(1)</script>", "kind": "question"}],
    }
    response = import_deck(facilitator_client, "deck.json", json.dumps(document))
    page = facilitator_client.get(response.url).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


DECK = {"format": "cx-workshop-deck", "version": 1, "title": "T", "cards": [{"prompt": "Q?"}]}


def with_card(**values):
    return {**DECK, "cards": [{"prompt": "Q?", **values}]}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({**DECK, "tags": 5}, "The deck: “tags” must be text, not a number."),
        ({**DECK, "tags": True}, "The deck: “tags” must be text, not true or false."),
        ({**DECK, "tags": ["a", 5]}, "The deck: “tags” must be a list of text."),
        ({**DECK, "title": ["T"]}, "The deck: “title” must be text, not a list."),
        ({**DECK, "description": {"a": 1}}, "The deck: “description” must be text, not an object."),
        ({**DECK, "version": True}, "Version True of the deck format is not supported"),
        (with_card(tags=False), "Card 1: “tags” must be text, not true or false."),
        (with_card(prompt=42), "Card 1: “prompt” must be text, not a number."),
        (with_card(kind=["memory"]), "Card 1: “kind” must be text, not a list."),
        ({**DECK, "title": "\ud800"}, "The deck: “title” holds an escape (\\u…) that is not a"),
        (with_card(tags=["\udfff"]), "Card 1: “tags” holds an escape (\\u…) that is not a"),
        ({**DECK, "title": "a\x00b"}, "Title: Null characters are not allowed."),
        (with_card(prompt="a\x00b"), "Card 1, Question: Null characters are not allowed."),
        (with_card(tags=["a\x00b"]), "Card 1: Null characters are not allowed."),
    ],
)
def test_a_json_deck_with_a_value_it_cannot_hold_is_explained_and_saves_nothing(
    facilitator_client, document, message
):
    response = import_deck(facilitator_client, "deck.json", json.dumps(document))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Deck.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 50_000 + "]" * 50_000, "The file nests lists or objects too deeply to be a deck."),
        ('{"format": "cx-workshop-deck", "version": ' + "1" * 5000 + "}",
         "The file holds a number 5000 digits long."),
    ],
)  # fmt: skip
def test_a_json_file_python_cannot_read_is_explained(facilitator_client, content, message):
    response = import_deck(facilitator_client, "deck.json", content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Deck.objects.exists()


def test_a_null_character_in_a_csv_is_a_problem_of_its_row(facilitator_client, rich_deck):
    content = "prompt,follow_up\nFine?,\nBad\x00one?,\nFine too?,Why\x00?\n"
    response = import_deck(facilitator_client, "cards.csv", content, title="Nulls")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Row 3, Question: Null characters are not allowed." in page
    assert "Row 4, Follow-up prompt: Null characters are not allowed." in page
    assert not Deck.objects.filter(title="Nulls").exists()
    added = facilitator_client.post(
        reverse("decks:cards-add-many", args=[rich_deck.slug]), {"file": upload("c.csv", content)}
    )
    assert added.status_code == 400
    assert rich_deck.cards.count() == 2
