"""Back and Forward in real Chromium: a page htmx updated comes back whole, never as the bare
fragment htmx asked for at the same address (header, styles and the applied filters kept)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_story_archive import archive, log_in, story_texts  # noqa: F401 (fixture)
from tests.factories import CardFactory, LibraryDeckFactory, UserFactory, deck_with_cards

pytestmark = pytest.mark.e2e

PAPER = "rgb(250, 247, 242)"  # the site's background: the style sheet is there


def expect_whole_page(page, heading):
    expect(page.locator(".site-header")).to_be_visible()
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == PAPER


def forget_htmx_snapshots(page):
    """What a long visit leaves: htmx keeps ten snapshots, then asks the server again."""
    page.evaluate("sessionStorage.removeItem('htmx-history-cache')")


def test_back_from_a_story_shows_the_filtered_archive_whole(archive, new_page):  # noqa: F811
    page = new_page()
    log_in(page, archive)
    page.goto("/stories/")
    page.get_by_role("radio", name=re.compile("Left me frustrated")).check()
    expect(page).to_have_url(re.compile(r"valence=frustrated"))
    expect(story_texts(page)).to_have_count(1)

    story_texts(page).first.click()
    expect(page.locator(".story__text")).to_contain_text("The airline kept me waiting")

    page.go_back()
    expect(page).to_have_url(re.compile(r"valence=frustrated"))
    expect_whole_page(page, "Story archive")
    expect(story_texts(page)).to_have_count(1)
    expect(story_texts(page)).to_contain_text("The airline kept me waiting")
    expect(page.get_by_role("radio", name=re.compile("Left me frustrated"))).to_be_checked()


def test_back_between_filters_htmx_no_longer_remembers_brings_the_whole_page(
    archive,  # noqa: F811
    new_page,
):
    page = new_page()
    log_in(page, archive)
    page.goto("/stories/")
    page.get_by_label("Search the stories").fill("wait")
    expect(page).to_have_url(re.compile(r"q=wait"))
    expect(story_texts(page)).to_have_count(2)
    page.get_by_role("radio", name=re.compile("Left me frustrated")).check()
    expect(page).to_have_url(re.compile(r"valence=frustrated"))
    expect(story_texts(page)).to_have_count(1)

    forget_htmx_snapshots(page)
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"valence=frustrated"))
    expect(story_texts(page)).to_have_count(2)
    expect_whole_page(page, "Story archive")
    assert page.locator(".site-header").count() == 1
    assert page.locator("main").count() == 1


def test_back_from_a_deck_shows_the_searched_library_whole(new_page, live_app):
    owner = UserFactory(email="owner@example.com")
    LibraryDeckFactory(title="Waiting rooms", owner=owner)
    LibraryDeckFactory(title="Loyal customers", owner=owner)
    page = new_page()
    log_in(page, UserFactory(email="reader@example.com"))
    page.goto("/decks/library/")
    page.get_by_label("Search").fill("waiting")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".deck-tile")).to_have_count(1)

    page.get_by_role("link", name="Waiting rooms").click()
    expect(page.get_by_role("heading", name="Waiting rooms", level=1)).to_be_visible()

    page.go_back()
    expect(page).to_have_url(re.compile(r"q=waiting"))
    expect_whole_page(page, "Library")
    expect(page.locator(".deck-tile")).to_have_count(1)
    expect(page.get_by_label("Search")).to_have_value("waiting")


def test_back_into_a_deck_preview_shows_the_card_on_its_stage(new_page, live_app):
    facilitator = UserFactory(email="facilitator@example.com")
    deck = deck_with_cards(count=2, owner=facilitator, title="Shoes")
    CardFactory(deck=deck, prompt="Which queue did you leave?")
    page = new_page()
    log_in(page, facilitator)
    page.goto(f"/decks/{deck.slug}/preview/")
    page.get_by_role("link", name="Flip the next card").click()
    expect(page).to_have_url(re.compile(r"card=2"))
    page.get_by_role("link", name="Flip the next card").click()
    expect(page.get_by_role("heading", name="Which queue did you leave?")).to_be_visible()

    page.get_by_role("link", name="Back to the deck").click()
    expect(page.get_by_role("heading", name="Shoes", level=1)).to_be_visible()
    page.go_back()
    expect(page).to_have_url(re.compile(r"card=3"))
    expect(page.get_by_role("heading", name="Which queue did you leave?")).to_be_visible()
    expect(page.get_by_role("link", name="Back to the deck")).to_be_visible()

    forget_htmx_snapshots(page)
    page.go_back()
    expect(page).to_have_url(re.compile(r"card=2"))
    expect(page.locator(".stage-header")).to_have_count(1)
    expect(page.get_by_text("Card 2 of 3")).to_be_visible()
