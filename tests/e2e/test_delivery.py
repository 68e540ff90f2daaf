"""The digest by mail in real Chromium: a user subscribes from the account menu and confirms
through the link mailed to a real SMTP server, the digest arrives there, and its Unsubscribe
link works in a browser without logging in. An invited address confirms on the page its mail
links to."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from stories.models import Subscription
from tests.e2e.conftest import PHONE, screenshot
from tests.e2e.test_story_archive import log_in
from tests.factories import StoryFactory, UserFactory
from tests.stories.test_delivery import due_schedule, in_the_period

pytestmark = pytest.mark.e2e


def test_subscribe_from_the_menu_receive_the_digest_and_unsubscribe_from_the_mail(
    live_app, new_page, smtp_server, settings
):
    settings.PUBLIC_URL = live_app.url  # the mail's links lead to the server under test
    fay = UserFactory(email="fay@example.com", name="Fay")
    page = new_page(viewport=PHONE)
    log_in(page, fay)
    page.get_by_text("Fay", exact=True).click()  # the account menu
    page.get_by_role("link", name="The digest by mail").click()
    expect(page.get_by_role("heading", name="You are not subscribed")).to_be_visible()
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("status")).to_contain_text("Confirmation link sent to fay@example")
    expect(page.get_by_text("We sent a confirmation link to fay@example.com")).to_be_visible()
    screenshot(page, "delivery-subscription-pending-phone")
    assert not Subscription.objects.receiving().exists()
    [confirmation] = live_app.mail.received  # mailed by the server process (tests/e2e/conftest.py)
    assert confirmation.recipients == ["fay@example.com"]
    [link] = re.findall(r"https?://\S+/confirm/\S+/", confirmation.text)
    page.goto(link)  # opened from the mail, in the browser Fay is signed in with
    page.get_by_role("button", name="Yes, send me the digest").click()
    expect(page.get_by_role("heading", name="You are subscribed")).to_be_visible()
    page.goto("/stories/digests/subscription/")
    expect(page.get_by_role("heading", name="You are subscribed")).to_be_visible()
    screenshot(page, "delivery-subscription-phone")

    due_schedule()
    in_the_period(StoryFactory(text="The florist delivered the bouquet herself, in the rain."))
    call_command("send_digests", stdout=io.StringIO())
    [mail] = smtp_server.received
    assert mail.recipients == ["fay@example.com"]

    inbox = new_page(viewport=PHONE)  # a mail program: no session with the app
    inbox.set_content(mail.html)
    expect(inbox.get_by_text("The florist delivered the bouquet herself")).to_be_visible()
    screenshot(inbox, "delivery-mail-phone")
    inbox.get_by_role("link", name="Unsubscribe").click()
    expect(inbox.get_by_role("heading", name="Unsubscribe from the digest")).to_be_visible()
    assert Subscription.objects.receiving().exists()  # opening the link changed nothing
    inbox.get_by_role("button", name="Unsubscribe").click()
    expect(inbox.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    assert not Subscription.objects.receiving().exists()


def test_an_invited_address_confirms_on_the_page_its_mail_links_to(live_app, new_page):
    curator = UserFactory(is_staff=True)
    page = new_page()
    log_in(page, curator)
    page.goto("/stories/digests/subscribers/")
    page.get_by_label("E-mail address").fill("new.colleague@example.com")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to new.colleague@")
    expect(page.get_by_text("Not confirmed yet")).to_be_visible()
    screenshot(page, "delivery-subscribers-laptop")
    invited = Subscription.objects.get()
    phone = new_page(viewport=PHONE)
    phone.goto(f"/stories/digests/confirm/{invited.token}/")
    phone.get_by_role("button", name="Yes, send me the digest").click()
    expect(phone.get_by_role("heading", name="You are subscribed")).to_be_visible()
    invited.refresh_from_db()
    assert invited.is_receiving
