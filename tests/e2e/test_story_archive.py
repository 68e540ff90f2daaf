"""The story archive in real Chromium: search, filter, open a story, build a digest."""

import contextlib
import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from stories.models import Digest, Story
from tests.e2e.conftest import PHONE, assert_accessible, log_in, screenshot
from tests.factories import StoryFactory, UserFactory
from tests.live_sessions.conftest import start_session

pytestmark = pytest.mark.e2e


@pytest.fixture
def archive(live_app):
    curator = UserFactory(email="curator@example.com", is_staff=True)
    session = start_session(curator, title="CX day Utrecht")
    now = timezone.now()
    stories = [
        ("At the pharmacy, the pharmacist called me back the next morning.", "valued", "Ana"),
        ("The airline kept me waiting on hold for an hour.", "frustrated", ""),
        ("The baker remembered my name and my usual order.", "valued", "Bo"),
        ("The garage fixed my car, but waiting for the invoice took weeks.", "mixed", "Cy"),
    ]
    for days, (text, valence, author) in enumerate(stories):
        StoryFactory(
            text=text,
            valence=valence,
            author_name=author,
            session=session,
            created_at=now - datetime.timedelta(days=days + 1),
            tags=["waiting"] if "waiting" in text else ["loyalty"],
            is_featured=author == "Bo",
        )
    return curator


def story_texts(page):
    return page.locator(".story-item__text")


def test_search_filter_open_a_story_and_build_a_digest(archive, new_page):
    page = new_page()
    log_in(page, archive)
    page.get_by_role("link", name="Stories", exact=True).click()
    expect(page.get_by_role("heading", name="Story archive")).to_be_visible()
    expect(story_texts(page)).to_have_count(4)
    # The counts beside the filters arrive after the stories, with the total beside them.
    expect(page.locator("#archive-total")).to_have_text("4 stories in all.")
    expect(page.locator("label[for=valence-valued] .count")).to_have_text("2")

    # Typing searches as you go; the URL keeps the search so it can be shared.
    page.get_by_label("Search the stories").fill("wait")
    expect(story_texts(page)).to_have_count(2)
    expect(page.locator("mark").first).to_have_text(re.compile("^wait", re.I))
    expect(page).to_have_url(re.compile(r"q=wait"))
    expect(page.get_by_label("Search the stories")).to_be_focused()

    # A filter narrows the results and the counts beside the filters follow.
    page.get_by_role("radio", name=re.compile("Left me frustrated")).check()
    expect(story_texts(page)).to_have_count(1)
    expect(story_texts(page)).to_contain_text("The airline kept me waiting")
    expect(page.locator("label[for=valence-mixed] .count")).to_have_text("1")
    expect(page).to_have_url(re.compile(r"valence=frustrated"))
    screenshot(page, "archive-search-desktop")

    # The arrow keys move between choices, and the keyboard focus survives the update.
    page.keyboard.press("ArrowDown")
    expect(story_texts(page)).to_contain_text("The garage fixed my car")
    expect(page.get_by_role("radio", name=re.compile("Mixed"))).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(story_texts(page)).to_contain_text("The airline kept me waiting")
    expect(page.get_by_role("radio", name=re.compile("Left me frustrated"))).to_be_focused()

    # Opening the shared URL afresh gives the same result, without JavaScript's help.
    page.reload()
    expect(story_texts(page)).to_have_count(1)

    story_texts(page).first.click()
    expect(page.get_by_text("The airline kept me waiting on hold for an hour.")).to_be_visible()
    expect(page.locator(".story__facts")).to_contain_text("Anonymous")
    expect(page.locator(".story__facts")).to_contain_text("CX day Utrecht")
    screenshot(page, "story-desktop")

    page.goto("/stories/insights/")
    expect(page.get_by_role("img", name="How the memories felt")).to_be_visible()
    screenshot(page, "insights-desktop")

    # A digest of the week, with the featured story ticked to start with.
    page.goto("/stories/digests/")
    page.get_by_role("link", name="New digest").click()
    expect(page.get_by_label(re.compile("The baker remembered"))).to_be_checked()
    page.get_by_label(re.compile("At the pharmacy")).check()
    page.get_by_label("Title").fill("Feel Good Friday, week 47")
    page.get_by_role("button", name="Save digest").click()
    expect(page.get_by_text("Digest saved.")).to_be_visible()
    preview = page.frame_locator("iframe.digest-preview")
    expect(preview.get_by_text("The baker remembered my name")).to_be_visible()
    expect(preview.get_by_text("At the pharmacy")).to_be_visible()
    expect(preview.get_by_text("The airline")).to_have_count(0)
    screenshot(page, "digest-desktop")
    digest = Digest.objects.get()
    assert digest.stories.count() == 2
    page.goto(f"/stories/digests/{digest.pk}/newsletter/")  # the preview's page on its own
    expect(page.get_by_text("The baker remembered my name")).to_be_visible()
    assert_accessible(page)


def test_the_archive_works_on_a_phone(archive, new_page):
    page = new_page(viewport=PHONE)
    log_in(page, archive)
    page.goto("/stories/?tag=loyalty")
    expect(story_texts(page)).to_have_count(2)
    screenshot(page, "archive-phone")
    page.get_by_text("Filters (1)").click()
    expect(page.get_by_role("complementary", name="Filters")).to_be_visible()
    assert_accessible(page)
    story_texts(page).first.click()
    expect(page.locator(".story__text")).to_be_visible()
    screenshot(page, "story-phone")
    page.goto("/stories/insights/")
    screenshot(page, "insights-phone")


def test_a_filter_left_out_is_in_view_on_a_phone(archive, new_page):
    """On a phone the filters start folded away; a filter that cannot be used must not be
    folded away with them, or the stories look filtered when they are not."""
    page = new_page(viewport=PHONE)
    log_in(page, archive)
    page.goto("/stories/?session=" + "9" * 20)
    expect(page.get_by_text("This is not the number of anything here.")).to_be_visible()
    expect(page.get_by_role("link", name="Clear the filters")).to_be_visible()


class HeldCounts:
    """Holds the archive's counts requests (stories:archive-counts) until `release`, as a big
    archive would keep them a second or so behind the stories."""

    def __init__(self, page):
        self.held = []
        self.holding = True
        page.route(re.compile(r"/stories/counts/"), self.hold)

    def hold(self, route):
        if self.holding:
            self.held.append(route)
        else:
            route.continue_()

    def release(self):
        self.holding = False
        for route in self.held:
            with contextlib.suppress(PlaywrightError):  # htmx aborted it for a newer search
                route.continue_()


@pytest.fixture
def hotel_stories(archive):
    """Two published hotel stories of different feelings and a hidden one."""
    day = timezone.now() - datetime.timedelta(days=6)
    StoryFactory(text="The hotel upgraded our room for our anniversary.", valence="valued")
    StoryFactory(text="The hotel lost our booking at midnight.", valence="frustrated")
    StoryFactory(
        text="The hotel porter carried my bags up five floors.",
        valence="valued",
        status=Story.Status.HIDDEN,
        created_at=day,
    )
    return archive


def test_a_search_typed_before_the_counts_arrive_keeps_the_filters(hotel_stories, new_page):
    page = new_page()
    log_in(page, hotel_stories)
    counts = HeldCounts(page)
    page.goto("/stories/?valence=valued")
    expect(story_texts(page)).to_have_count(3)
    # The counts are on their way; the filters are there already, the chosen one ticked.
    expect(page.locator("#facets")).to_have_attribute("aria-busy", "true")
    expect(page.get_by_role("radio", name="Made me feel valued")).to_be_checked()
    expect(page.locator("#facets .count")).to_have_count(0)
    screenshot(page, "archive-before-counts-desktop")

    page.get_by_label("Search the stories").fill("hotel")
    expect(page).to_have_url(re.compile(r"valence=valued.*q=hotel|q=hotel.*valence=valued"))
    expect(story_texts(page)).to_have_count(1)
    expect(story_texts(page)).to_contain_text("upgraded our room")
    expect(page.locator("#facets .count")).to_have_count(0)  # still no count: not needed

    counts.release()
    expect(page.locator("#facets")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#archive-total")).to_have_text("1 story in all.")
    expect(page.locator("label[for=valence-frustrated] .count")).to_have_text("1")
    expect(page.get_by_role("radio", name=re.compile("Made me feel valued"))).to_be_checked()
    screenshot(page, "archive-after-counts-desktop")


def test_a_moderator_searching_hidden_stories_stays_with_them(hotel_stories, new_page):
    page = new_page(viewport={"width": 390, "height": 844})
    log_in(page, hotel_stories)
    counts = HeldCounts(page)
    page.goto("/stories/?hidden=1")
    expect(story_texts(page)).to_have_count(1)
    screenshot(page, "archive-before-counts-phone")
    page.get_by_label("Search the stories").fill("hotel")
    expect(page).to_have_url(re.compile(r"hidden=1.*q=hotel|q=hotel.*hidden=1"))
    expect(story_texts(page)).to_have_count(1)
    expect(story_texts(page)).to_contain_text("The hotel porter")
    counts.release()
    expect(page.locator("#archive-total")).to_have_text("1 story in all.")
    page.get_by_text("Filters", exact=False).first.click()
    expect(page.get_by_role("checkbox", name="Hidden stories instead")).to_be_checked()
    expect(page.locator("#archive-total")).to_have_text("1 story in all.")
    screenshot(page, "archive-after-counts-phone")
