from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from decks.models import Deck
from sessions.models import LiveSession

STARTER_TITLES = {
    "Customer memories",
    "Walk in your customer's shoes",
    "Level up",
    "Beyond the checklist",
    "Perception and memory",
}


def test_starter_decks_are_in_the_library_after_loading(facilitator_client):
    call_command("load_starter_decks")
    page = facilitator_client.get(reverse("decks:library")).content.decode()
    for title in STARTER_TITLES:
        assert title.replace("'", "&#x27;") in page
    shoes = Deck.objects.get(slug="walk-in-your-customers-shoes")
    assert shoes.cards.count() == 10
    assert shoes.cards.first().prompt == "At what point is our business intersecting with others?"
    memories = Deck.objects.get(slug="customer-memories")
    assert memories.cards.filter(kind="memory").count() >= 3
    assert memories.is_featured


def test_loading_the_starter_decks_twice_changes_nothing(db):
    call_command("load_starter_decks")
    before = list(Deck.objects.values_list("pk", "slug", "updated_at"))
    cards = Deck.objects.get(slug="level-up").cards.count()
    call_command("load_starter_decks")
    assert list(Deck.objects.values_list("pk", "slug", "updated_at")) == before
    assert Deck.objects.get(slug="level-up").cards.count() == cards


def test_a_changed_starter_deck_is_left_as_the_curators_made_it(db):
    call_command("load_starter_decks")
    Deck.objects.filter(slug="level-up").update(title="Level up (curated)")
    call_command("load_starter_decks")
    assert Deck.objects.get(slug="level-up").title == "Level up (curated)"


def test_the_demo_facilitator_is_made_once_and_its_login_printed(db, settings, tmp_path, capsys):
    settings.BASE_DIR = tmp_path
    call_command("demo_facilitator")
    first = capsys.readouterr().out
    call_command("demo_facilitator")
    second = capsys.readouterr().out
    assert first == second
    password = (tmp_path / ".local" / "demo-password").read_text().strip()
    assert password in first
    user = User.objects.get(email="demo@cxworkshop.local")
    assert user.check_password(password)


def test_the_level_up_deck_deals_the_three_customer_needs_as_levels_with_notes(facilitator):
    call_command("load_starter_decks")
    deck = Deck.objects.get(slug="level-up")
    assert deck.levels() == [
        "Help me get my jobs done",
        "Help me have a moment",
        "Help me be more",
    ]
    assert all(card.level for card in deck.cards.all())
    assert deck.cards.exclude(notes="").count() >= 3
    session = LiveSession.start(deck, facilitator)
    dealt = {session.reveal_next().level for _card in range(3)}
    assert dealt == {"Help me get my jobs done"}
    assert session.reveal_next() is None  # the next level waits to be opened


STARTER_LANGUAGES = ["en", "nl", "fr", "de", "es"]


def test_every_language_has_its_five_starter_decks_in_the_library(facilitator_client):
    call_command("load_starter_decks")
    starters = Deck.objects.filter(status=Deck.Status.APPROVED)
    by_language = {code: starters.filter(language=code) for code in STARTER_LANGUAGES}
    assert {code: decks.count() for code, decks in by_language.items()} == dict.fromkeys(
        STARTER_LANGUAGES, 5
    )
    for decks in by_language.values():  # the same shape in each: memory cards, three levels
        assert decks.filter(cards__kind="memory").exists()
        levels = {card.level for deck in decks for card in deck.cards.all() if card.level}
        assert len(levels) == 3
    library = reverse("decks:library")
    dutch = facilitator_client.get(library, {"language": "nl"}).content.decode()
    for deck in by_language["nl"]:
        assert deck.title in dutch
    assert "Customer memories" not in dutch


def test_the_library_shows_the_readers_language_first(facilitator):
    call_command("load_starter_decks")
    facilitator.language = "de"
    facilitator.save()
    client = Client()
    client.force_login(facilitator)
    page = client.get(reverse("decks:library")).content.decode()
    german = [deck.title for deck in Deck.objects.filter(language="de")]
    last_german = max(page.index(title) for title in german)
    english = min(
        page.index(d.title.replace("'", "&#x27;")) for d in Deck.objects.filter(language="en")
    )
    assert last_german < english
