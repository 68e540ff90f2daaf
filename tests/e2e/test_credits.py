"""Who made it happen, in real Chromium: from a story to a person's page, the archive's credit
filter, a curator crediting a team, and the digest's shout-outs."""

import re

import pytest
from playwright.sync_api import expect

from stories.models import Digest, Source, Story
from tests.e2e.conftest import DESKTOP, screenshot
from tests.e2e.test_story_archive import log_in, story_texts
from tests.factories import UserFactory, credited_story

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def credited(live_app):
    curator = UserFactory(email="curator@example.com", is_staff=True)
    stories = [
        credited_story(
            people=["Ana Ruiz"],
            teams=["Night shift"],
            text="At 2 a.m. Ana found my lost parcel and drove it to my door.",
        ),
        credited_story(
            teams=["Night shift"],
            text="The night shift rebooked my flight before I even asked.",
            source=Source.LINK,
        ),
        credited_story(people=["Bo Lind"], text="Bo stayed on the phone until my card worked."),
        credited_story(people=["Zq Hidden"], text="Hidden.", status=Story.Status.HIDDEN),
    ]
    digest = Digest.objects.create(title="Feel Good Friday", created_by=curator)
    digest.stories.add(*stories)
    return curator, stories, digest


def test_from_a_story_to_the_people_who_made_it_happen_and_back_to_the_archive(credited, new_page):
    curator, stories, _digest = credited
    for name, viewport in [("laptop", DESKTOP), ("phone", PHONE)]:
        page = new_page(viewport=viewport)
        log_in(page, curator)
        page.goto(stories[0].get_absolute_url())
        credits = page.locator(".story__credits")
        expect(credits).to_have_text("Ana Ruiz · Night shift (team)")
        screenshot(page, f"credits-story-{name}")
        credits.get_by_role("link", name="Night shift (team)").click()
        expect(page.get_by_role("heading", name="Night shift (team)")).to_be_visible()
        expect(story_texts(page)).to_have_count(2)
        expect(page.get_by_text("Credited in 2 customer stories")).to_be_visible()
        screenshot(page, f"credits-team-{name}")
        page.get_by_role("link", name="Who made it happen").click()
        expect(page.locator(".session-row")).to_have_text(
            ["Night shift (team) 2 stories", "Ana Ruiz 1 story", "Bo Lind 1 story"],
            use_inner_text=True,
        )
        expect(page.get_by_text("Zq Hidden")).to_have_count(0)
        screenshot(page, f"credits-list-{name}")


def test_the_archive_filters_by_credit_and_source_with_the_keyboard(credited, page):
    curator, _stories, _digest = credited
    log_in(page, curator)
    page.goto("/stories/")
    expect(story_texts(page)).to_have_count(3)
    credit_filter = page.get_by_role("group", name="Made it happen")
    expect(credit_filter.get_by_text("Zq Hidden")).to_have_count(0)
    credit_filter.get_by_label("Night shift (team)").check()
    expect(story_texts(page)).to_have_count(2)
    page.get_by_role("group", name="Source").get_by_label("A story link").focus()
    page.keyboard.press("Space")
    expect(story_texts(page)).to_have_count(1)
    expect(story_texts(page)).to_contain_text("rebooked my flight")
    expect(page).to_have_url(re.compile(r"source=link"))
    expect(page).to_have_url(re.compile(r"credit=[0-9]+"))
    screenshot(page, "credits-archive-filters-laptop")


def test_a_curator_credits_a_team_and_the_digest_gives_it_a_shout_out(credited, page):
    curator, stories, digest = credited
    log_in(page, curator)
    page.goto(stories[2].get_absolute_url())
    page.get_by_label("Teams who made it happen").fill("Card support, <Night owls>")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Level, tags and credits saved.")).to_be_visible()
    expect(page.locator(".story__credits")).to_have_text(
        "Bo Lind · <Night owls> (team) · Card support (team)"
    )
    page.goto(digest.get_absolute_url())
    shout_outs = page.get_by_role("region", name="Shout-outs")
    expect(shout_outs.get_by_role("link", name="<Night owls> (team)")).to_be_visible()
    preview = page.frame_locator("iframe.digest-preview")
    expect(preview.get_by_role("heading", name="Shout-outs")).to_be_visible()
    expect(preview.get_by_text("Zq Hidden")).to_have_count(0)
    screenshot(page, "credits-digest-laptop")
