"""Stories from everywhere in real Chromium: a story told through a link on a phone, published
from the moderation queue, read in the archive and received in the week's digest from a real
SMTP server; a story added by hand; a broken import."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from stories.models import Story, SubmissionLink
from tests.e2e.conftest import PHONE, screenshot
from tests.e2e.test_story_archive import log_in
from tests.factories import UserFactory
from tests.stories.test_delivery import due_schedule, reader

pytestmark = pytest.mark.e2e


@pytest.fixture
def curator(live_app):
    return UserFactory(email="curator@example.com", is_staff=True)


def test_a_story_told_through_a_link_is_published_and_read_in_the_archive(curator, new_page):
    link = SubmissionLink.objects.create(
        campaign="Customer week 2027",
        introduction="Tell us about a colleague who made a customer's day.",
        created_by=curator,
    )
    phone = new_page(viewport=PHONE)
    phone.goto(f"/tell/{link.token}/")
    expect(phone.get_by_role("heading", name="Tell us your story")).to_be_visible()
    phone.get_by_label("Your story").fill("The night porter drove the lost rabbit to the station.")
    phone.get_by_label("Made me feel valued").check()
    phone.get_by_label("People who made it happen").fill("Maya Chen")
    phone.get_by_label("Anonymously: no name is kept").check()
    # The honeypot is out of reach: not a field a person or a screen reader meets.
    expect(phone.get_by_label("Leave this empty")).not_to_be_visible()
    screenshot(phone, "intake-tell-phone")
    phone.get_by_role("button", name="Send my story").click()
    expect(phone.get_by_role("heading", name="Thank you for your story")).to_be_visible()
    private_link = phone.get_by_label("Your private link").input_value()
    screenshot(phone, "intake-thanks-phone")
    story = Story.objects.get()
    assert private_link.endswith(f"/stories/mine/{story.author_token}/")

    page = new_page()
    log_in(page, curator)
    page.goto("/stories/links/")
    expect(page.get_by_text("1 story waits for moderation")).to_be_visible()
    screenshot(page, "intake-links-laptop")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Stories to moderate").click()
    expect(page.get_by_text("The night porter drove the lost rabbit")).to_be_visible()
    screenshot(page, "intake-moderation-laptop")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status").filter(has_text="Published")).to_be_visible()
    page.get_by_role("link", name="← Story archive").click()
    expect(page.get_by_text("The night porter drove the lost rabbit")).to_be_visible()
    page.get_by_text("The night porter drove the lost rabbit").click()
    expect(page.get_by_text("The story link “Customer week 2027”")).to_be_visible()
    screenshot(page, "intake-story-laptop")

    phone.goto(private_link)
    expect(phone.get_by_text("told through a story link")).to_be_visible()
    screenshot(phone, "intake-mine-phone")


def test_a_story_told_through_a_link_reaches_the_readers_in_the_weeks_digest(
    curator, new_page, smtp_server, live_app, settings
):
    settings.PUBLIC_URL = live_app.url  # the mail's links lead to the server under test
    link = SubmissionLink.objects.create(campaign="Customer week 2027", created_by=curator)
    schedule = due_schedule(needs_approval=True, created_by=curator)
    reader("reader@example.com")
    phone = new_page(viewport=PHONE)
    phone.goto(f"/tell/{link.token}/")
    phone.get_by_label("Your story").fill("The courier <b>waited</b> while I found my keys.")
    phone.get_by_label("Made me feel valued").check()
    phone.get_by_label("People who made it happen").fill("Noor Haddad")
    phone.get_by_label("With my name").check()
    phone.get_by_label("Your name").fill("Lea")
    phone.get_by_role("button", name="Send my story").click()
    expect(phone.get_by_role("heading", name="Thank you for your story")).to_be_visible()

    page = new_page()
    log_in(page, curator)
    page.goto("/stories/moderation/")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status").filter(has_text="Published")).to_be_visible()
    page.goto("/stories/")
    expect(page.get_by_text("The courier <b>waited</b> while I found my keys.")).to_be_visible()

    # This schedule's week ended an hour ago: say the story was published yesterday, in it.
    Story.objects.update(published_at=timezone.now() - datetime.timedelta(days=1))
    call_command("send_digests", stdout=io.StringIO())  # makes the draft, sends nothing
    assert smtp_server.received == []
    page.goto("/stories/digests/")
    week = schedule.latest_moment(timezone.now())
    page.get_by_role("link", name=schedule.title_for(week)).click()
    expect(page.get_by_text("Draft: waiting for approval")).to_be_visible()
    expect(page.get_by_text("The courier <b>waited</b>").first).to_be_visible()
    screenshot(page, "intake-digest-draft-laptop")
    page.get_by_role("button", name="Approve and send").click()
    expect(page.get_by_text("it goes out at the next run of send_digests")).to_be_visible()

    call_command("send_digests", stdout=io.StringIO())
    call_command("send_digests", stdout=io.StringIO())  # a second run mails nobody again
    [mail] = smtp_server.received
    assert mail.recipients == ["reader@example.com"]
    assert r"The courier \<b\>waited\</b\> while I found my keys." in mail.text  # Markdown
    assert "&lt;b&gt;waited&lt;/b&gt;" in mail.html
    assert mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    inbox = new_page(viewport=PHONE)
    inbox.set_content(mail.html)
    story = inbox.get_by_text("The courier <b>waited</b> while I found my keys.", exact=True)
    expect(story).to_be_visible()
    expect(inbox.get_by_role("heading", name="Shout-outs")).to_be_visible()
    expect(inbox.get_by_role("link", name="Noor Haddad")).to_be_visible()
    screenshot(inbox, "intake-digest-mail-phone")


def test_a_story_added_by_hand_needs_the_tellers_consent(curator, new_page):
    facilitator = UserFactory(email="fac@example.com")
    page = new_page()
    log_in(page, facilitator)
    page.goto("/stories/")
    page.get_by_role("link", name="Add a story by hand").click()
    page.get_by_label("The story").fill("On the call, she said the courier waited in the rain.")
    page.get_by_label("Named").check()
    page.get_by_label("The teller's name").fill("Bea Lund")
    page.get_by_label("Left me frustrated").check()
    page.get_by_role("button", name="Add the story").click()
    expect(page.get_by_text("a story goes in only if its teller agreed")).to_be_visible()
    screenshot(page, "intake-by-hand-refused-laptop")
    page.get_by_label("The teller agreed to share this story").check()
    page.get_by_label("How the teller agreed").fill("Asked at the end of the call.")
    page.get_by_role("button", name="Add the story").click()
    expect(page.get_by_text("Added by hand by")).to_be_visible()
    expect(page.get_by_text("Asked at the end of the call.")).to_be_visible()
    screenshot(page, "intake-by-hand-story-laptop")


def test_a_broken_import_lists_its_problems_by_row(curator, new_page, tmp_path):
    broken = tmp_path / "stories.csv"
    broken.write_text("memory,author,consent\nFine,Ana,named\n,Bo,named\nOk,,maybe\n")
    page = new_page(viewport=PHONE)
    log_in(page, curator)
    page.goto("/stories/import/")
    page.get_by_label("Stories file").set_input_files(broken)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Row 3: the memory is empty.")).to_be_visible()
    expect(page.get_by_text("Row 4: the consent “maybe” is unknown")).to_be_visible()
    screenshot(page, "intake-import-problems-phone")
    assert not Story.objects.exists()
