"""Depth levels in real Chromium: the facilitator deals the "Level up" starter deck level by
level, opening each next level from the console (by its button and by its key), while a real
phone and the room show the level; the presenter notes stay on the console."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from decks.models import Deck
from sessions.models import LiveSession
from tests.e2e.conftest import join, screenshot
from tests.e2e.test_timer import PHONE_390, log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

JOBS, MOMENT, MORE = "Help me get my jobs done", "Help me have a moment", "Help me be more"


@pytest.fixture
def workshop(new_page, live_app):
    """A session of the "Level up" deck, in the deck's order: the console, the room
    (1920×1080) and Ana's phone (390 wide)."""
    call_command("load_starter_decks")
    owner = UserFactory()
    deck = Deck.objects.get(slug="level-up")
    session = LiveSession.start(deck, owner, join_base_url=live_app.url, is_shuffled=False)
    phone = join(new_page, session.join_code, "Ana")
    phone.set_viewport_size(PHONE_390)
    console = log_in(new_page, owner)
    console.goto(session.get_absolute_url())
    room = console.context.new_page()
    room.set_viewport_size({"width": 1920, "height": 1080})
    room.goto(f"/live/{session.pk}/room/")
    return session, console, room, phone


def notes_of(session):
    return [card.notes for card in session.cards.exclude(notes="")]


def test_a_facilitator_opens_the_levels_in_order_with_a_phone_and_the_room(workshop):
    session, console, room, phone = workshop
    status = console.locator(".console__status")
    expect(status).to_contain_text(f"Level 1 of 3 — {JOBS}")
    expect(status).to_contain_text("3 cards left in this level")
    expect(phone.locator("#phone-level")).to_have_text(f"Level 1 of 3 is open: {JOBS}")

    console.get_by_role("button", name="Reveal the first card").click()
    expect(room.locator("#room-level")).to_have_text(f"Level 1 of 3 is open: {JOBS}")
    expect(room.locator(".block-card__level")).to_have_text(f"Level 1 — {JOBS}")
    expect(phone.locator(".block-card__level")).to_have_text(f"Level 1 — {JOBS}")
    notes = console.locator(".console__notes")
    expect(notes).to_contain_text("The warm-up level: keep it light and quick.")
    screenshot(console, "levels-console-1366-notes")

    for number in (2, 3):
        console.get_by_role("button", name="Next card →").click()
        expect(status).to_contain_text(f"Card {number} of 9")
    expect(status).to_contain_text("0 cards left in this level")
    expect(console.get_by_text(f"Every card of Level 1 — {JOBS} is dealt.")).to_be_visible()
    expect(console.get_by_role("button", name="Next card →")).to_be_disabled()
    screenshot(console, "levels-console-1366-level-dealt")

    console.locator("body").press("n")  # the console's key for "open the next level"
    expect(status).to_contain_text(f"Level 2 of 3 — {MOMENT}")
    expect(room.locator("#room-level")).to_have_text(f"Level 2 of 3 is open: {MOMENT}")
    expect(phone.locator("#phone-level")).to_have_text(f"Level 2 of 3 is open: {MOMENT}")

    console.get_by_role("button", name="Next card →").click()
    expect(room.locator(".block-card__level")).to_have_text(f"Level 2 — {MOMENT}")
    expect(phone.locator(".block-card__level")).to_have_text(f"Level 2 — {MOMENT}")
    expect(phone.locator(".block-card__prompt")).to_contain_text("Help me have a moment.")
    expect(console.locator(".console__notes")).to_contain_text("A memory card:")
    screenshot(room, "levels-room-1920x1080")
    room.set_viewport_size({"width": 1280, "height": 720})
    screenshot(room, "levels-room-1280x720")
    screenshot(phone, "levels-phone-390")
    screenshot(console, "levels-console-1366")
    for page in (room, phone):  # every screen is at the bottom of the room's view
        box = page.locator(".block-card").bounding_box()
        assert box["y"] + box["height"] <= page.viewport_size["height"]

    console.get_by_role("button", name=f"Open Level 3 — {MORE}").click()
    expect(console.get_by_text(f"Level 3 — {MORE} is the last level.")).to_be_visible()
    expect(console.get_by_role("button", name="Open Level", exact=False)).to_have_count(0)
    expect(phone.locator("#phone-level")).to_have_text(f"Level 3 of 3 is open: {MORE}")
    console.get_by_role("button", name="Next card →").click()
    expect(room.locator(".block-card__level")).to_have_text(f"Level 3 — {MORE}")
    screenshot(room, "levels-room-1280x720-level-3")

    session.refresh_from_db()
    assert session.current_level == 3
    assert list(session.shown_cards().values_list("level_number", flat=True)) == [1, 1, 1, 2, 3]
    for page in (room, phone):
        html = page.content()
        assert not [note for note in notes_of(session) if note in html]


def test_the_deck_page_heads_each_level_and_its_form_offers_the_levels(new_page):
    call_command("load_starter_decks")
    owner = UserFactory()
    deck = Deck.objects.get(slug="level-up").copy_for(owner)
    page = log_in(new_page, owner)
    page.goto(deck.get_absolute_url())
    headings = page.locator(".card-list__level")
    expect(headings).to_have_text([f"Level 1 — {JOBS}", f"Level 2 — {MOMENT}", f"Level 3 — {MORE}"])
    page.locator("#id_prompt").fill("What would make Monday mornings easier?")
    page.locator("#id_level").fill(JOBS)
    page.locator("#id_notes").fill("Ask for one thing only.")
    page.get_by_role("button", name="Add card").click()
    expect(page.get_by_text("Ask for one thing only.")).to_be_visible()
    expect(headings).to_have_count(3)  # the new card joined its level's cards
    assert deck.cards.get(prompt__startswith="What would make").level == JOBS
    screenshot(page, "levels-deck-page-1366")
