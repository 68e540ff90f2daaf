from django.core.management import call_command
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
