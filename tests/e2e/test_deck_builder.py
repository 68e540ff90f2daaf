"""A facilitator signs up, builds a deck of three cards, reorders it by keyboard and exports it."""

import json

import pytest
from playwright.sync_api import expect

from decks.models import Deck
from tests.e2e.conftest import PHONE, log_in, screenshot
from tests.factories import CardFactory, DeckFactory, UserFactory

pytestmark = pytest.mark.e2e

PROMPTS = [
    "Which customer memory would you share?",
    "At what point is our business intersecting with others?",
    "What would make a customer feel valued today?",
]


def drag_above(page, source, target):
    """Drag with the mouse, step by step, the way a person does."""
    target.scroll_into_view_if_needed()
    start, end = source.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + 40, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + 40, end["y"] + 5, steps=12)
    page.mouse.up()


def card_prompts(page):
    return page.locator(".card-item__prompt").all_inner_texts()


def test_sign_up_build_a_deck_reorder_by_keyboard_and_export(page):
    page.goto("/accounts/signup/")
    page.get_by_label("E-mail address").fill("noor@example.com")
    page.get_by_label("Your name").fill("Noor")
    page.get_by_label("Password:", exact=True).fill("wooden-blocks-42")
    page.get_by_label("Password confirmation").fill("wooden-blocks-42")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="My decks")).to_be_visible()

    page.get_by_role("link", name="New deck").first.click()
    page.get_by_label("Title").fill("Kick-off questions")
    page.get_by_label("Tags").fill("kick-off, team")
    page.get_by_role("button", name="Create deck").click()
    expect(page.get_by_role("heading", name="Kick-off questions")).to_be_visible()

    page.evaluate("window.stillTheSamePage = true")
    for number, prompt in enumerate(PROMPTS, start=1):
        page.locator("#id_prompt").fill(prompt)
        if number == 1:
            page.get_by_role("radio", name="Memory").check()
        page.get_by_role("button", name="Add card").click()
        expect(page.locator(".card-item")).to_have_count(number)
        expect(page.locator("#id_prompt")).to_be_focused()
    assert card_prompts(page) == PROMPTS
    assert page.evaluate("window.stillTheSamePage === true"), "cards are added without a reload"

    first_card = Deck.objects.get().cards.get(prompt=PROMPTS[0])
    move_down = page.locator(f"#card-{first_card.pk}-down")
    move_down.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".card-item__prompt").first).to_have_text(PROMPTS[1])
    expect(move_down).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".card-item__prompt").last).to_have_text(PROMPTS[0])
    reordered = [PROMPTS[1], PROMPTS[2], PROMPTS[0]]
    assert card_prompts(page) == reordered
    expect(page.get_by_role("status").filter(has_text="is now card 3 of 3")).to_be_attached()
    screenshot(page, "deck-detail-desktop")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export as JSON").click()
    exported = json.loads(download.value.path().read_text())
    assert exported["title"] == "Kick-off questions"
    assert [card["prompt"] for card in exported["cards"]] == reordered
    assert exported["cards"][2]["kind"] == "memory"
    assert exported["tags"] == ["kick-off", "team"]

    page.reload()
    assert card_prompts(page) == reordered

    drag_above(page, page.locator(".card-item").nth(2), page.locator(".card-item").nth(0))
    expect(page.get_by_role("status").filter(has_text="New order saved.")).to_be_attached()
    dragged = [PROMPTS[0], PROMPTS[1], PROMPTS[2]]
    assert card_prompts(page) == dragged
    page.reload()
    assert card_prompts(page) == dragged


def test_a_card_is_edited_in_place_and_deleted_after_confirming(page):
    owner = UserFactory()
    deck = DeckFactory(owner=owner, title="Edit me")
    card = CardFactory(deck=deck, prompt="Draft question")
    CardFactory(deck=deck, prompt="Second question")
    log_in(page, owner)
    page.goto(deck.get_absolute_url())

    page.locator(f"#card-{card.pk}-edit").click()
    prompt_box = page.locator(f"#card-{card.pk} textarea[name=prompt]")
    expect(prompt_box).to_be_visible()
    prompt_box.fill("Polished question")
    page.get_by_role("button", name="Save card").click()
    expect(page.locator(f"#card-{card.pk} .card-item__prompt")).to_have_text("Polished question")
    expect(page.locator(f"#card-{card.pk}-edit")).to_be_focused()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete card: Polished question").click()
    expect(page.locator(".card-item")).to_have_count(1)
    assert card_prompts(page) == ["Second question"]


def test_the_preview_flips_cards_with_the_keyboard(page):
    owner = UserFactory()
    deck = DeckFactory(owner=owner, title="Preview me")
    for prompt in PROMPTS:
        CardFactory(deck=deck, prompt=prompt)
    log_in(page, owner)
    page.goto(deck.get_absolute_url() + "preview/")
    expect(page.get_by_text("Card 1 of 3")).to_be_visible()
    expect(page.locator(".block-card__prompt")).to_have_text(PROMPTS[0])
    page.keyboard.press("ArrowRight")
    expect(page.get_by_text("Card 2 of 3")).to_be_visible()
    page.keyboard.press(" ")
    expect(page.locator(".block-card__prompt")).to_have_text(PROMPTS[2])
    page.keyboard.press("ArrowLeft")
    expect(page.locator(".block-card__prompt")).to_have_text(PROMPTS[1])
    screenshot(page, "deck-preview-desktop")


def test_deck_pages_fit_a_phone_screen(new_page):
    owner = UserFactory()
    deck = DeckFactory(owner=owner, title="On the go")
    for prompt in PROMPTS:
        CardFactory(deck=deck, prompt=prompt)
    page = new_page(viewport=PHONE)
    log_in(page, owner)
    for path, name in [
        ("/decks/", "my-decks-phone"),
        (deck.get_absolute_url(), "deck-detail-phone"),
        (deck.get_absolute_url() + "preview/", "deck-preview-phone"),
    ]:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} scrolls sideways on a phone ({width}px)"
        screenshot(page, name)


def test_the_deck_page_follows_its_cards_without_a_reload(page, live_app):
    log_in(page, UserFactory(email="noor@example.com"))
    page.get_by_role("link", name="New deck").first.click()
    page.get_by_label("Title").fill("Kick-off questions")
    page.get_by_role("button", name="Create deck").click()
    expect(page.get_by_role("heading", name="Kick-off questions")).to_be_visible()
    actions = page.locator("#deck-actions")
    library = page.get_by_role("complementary", name="Deck actions")
    start = actions.get_by_role("link", name="Start a session")
    submit = library.get_by_role("button", name="Submit to the library")
    expect(page.get_by_text("Now add its cards")).to_be_visible()
    expect(start).to_have_count(0)
    expect(submit).to_have_count(0)
    expect(library).to_contain_text("A library deck needs at least 3 cards.")
    screenshot(page, "deck-new-empty")

    page.evaluate("window.stillTheSamePage = true")
    page.locator("#id_prompt").fill(PROMPTS[0])
    page.get_by_role("button", name="Add card").click()
    expect(page.locator(".card-item")).to_have_count(1)
    expect(start).to_be_visible()
    expect(page.get_by_text("Now add its cards")).to_have_count(0)
    expect(submit).to_have_count(0)
    screenshot(page, "deck-new-first-card")

    for number, prompt in enumerate(PROMPTS[1:], start=2):
        page.locator("#id_prompt").fill(prompt)
        page.get_by_role("button", name="Add card").click()
        expect(page.locator(".card-item")).to_have_count(number)
    expect(submit).to_be_visible()
    expect(library).not_to_contain_text("needs at least")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=f"Delete card: {PROMPTS[2][:39]}…").click()
    expect(page.locator(".card-item")).to_have_count(2)
    expect(submit).to_have_count(0)
    expect(start).to_be_visible()
    assert page.evaluate("window.stillTheSamePage === true"), "the page follows without a reload"

    page.locator("#id_prompt").fill(PROMPTS[2])
    page.get_by_role("button", name="Add card").click()
    submit.click()
    expect(page.get_by_text("Submitted. A curator will review it for the library.")).to_be_visible()
    expect(submit).to_have_count(0)
