"""The error pages in real Chromium, served with DEBUG off: the site's header and styles, what
happened, and a link that leads on."""

import pytest
from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, screenshot, start_server, stop_server
from tests.e2e.test_story_archive import log_in
from tests.error_urls import FAILING_PATH
from tests.factories import UserFactory
from tests.live_sessions.conftest import start_session

pytestmark = pytest.mark.e2e

PAPER = "rgb(250, 247, 242)"


@pytest.fixture(scope="module")
def production_server(asgi_server, django_db_blocker):
    """The app as deployed (DEBUG off), plus tests/error_urls.py's failing address, and two
    wrong join codes a day from one network (a window no test run crosses). Forked with these
    settings, so the shared test server keeps its own."""
    production = {"DEBUG": False, "ROOT_URLCONF": "tests.error_urls", "JOIN_MISS_RATE": "2/d"}
    with override_settings(**production), django_db_blocker.unblock():
        process = start_server()
    yield process.url
    stop_server(process)


@pytest.fixture
def open_page(new_page, live_app, production_server):
    def open_page(viewport=None):
        if viewport:
            return new_page(viewport=viewport, base_url=production_server)
        return new_page(base_url=production_server)

    return open_page


def next_steps(page):
    return page.get_by_role("navigation", name="Next steps")


def expect_site_page(page, code, heading):
    expect(page.locator(".site-header")).to_be_visible()
    expect(page.locator(".error__code")).to_have_text(str(code))
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == PAPER


def test_an_unknown_address_shows_the_404_page_and_leads_to_joining(open_page):
    page = open_page(viewport=PHONE)
    response = page.goto("/no-such-page")
    assert response.status == 404
    expect_site_page(page, 404, "This page is not here")
    screenshot(page, "error-404-phone")

    next_steps(page).get_by_role("link", name="Join a session").click()
    expect(page.get_by_label("Join code")).to_be_visible()


def test_a_facilitator_on_a_missing_deck_gets_back_to_their_decks(open_page):
    page = open_page()
    log_in(page, UserFactory(email="facilitator@example.com"))
    response = page.goto("/decks/no-such-deck/")
    assert response.status == 404
    expect_site_page(page, 404, "This page is not here")
    next_steps(page).get_by_role("link", name="Go to My decks").click()
    expect(page.get_by_role("heading", name="My decks", level=1)).to_be_visible()


def test_a_phone_that_has_not_joined_sees_why_on_the_403_page(open_page):
    session = start_session(UserFactory())
    page = open_page(viewport=PHONE)
    response = page.goto(reverse("live_sessions:thanks", args=[session.join_code]))
    assert response.status == 403
    expect_site_page(page, 403, "You cannot do this here")
    expect(page.locator(".error__reason")).to_have_text("Join the session first.")
    screenshot(page, "error-403-phone")
    next_steps(page).get_by_role("link", name="Join a session").click()
    expect(page.get_by_label("Join code")).to_be_visible()


def test_a_fault_shows_the_500_page_with_a_way_home(open_page):
    page = open_page()
    response = page.goto(FAILING_PATH)
    assert response.status == 500
    expect_site_page(page, 500, "Something went wrong on our side")
    expect(page.get_by_role("link", name="Log in")).to_have_count(0)
    next_steps(page).get_by_role("link", name="Home page").click()
    expect(page.get_by_role("link", name="Create a free account")).to_be_visible()


def test_too_many_wrong_codes_show_the_429_page_with_a_way_back(open_page):
    page = open_page(viewport=PHONE)
    page.goto(reverse("live_sessions:join-code"))
    for code in ("ZZZZZZ", "YYYYYY", "XXXXXX"):
        page.get_by_label("Join code").fill(code)
        page.get_by_role("button", name="Join").click()
    expect_site_page(page, 429, "One moment, please")
    expect(page.get_by_role("alert")).to_contain_text("Too many wrong join codes")
    screenshot(page, "error-429-phone")
    expect(next_steps(page).get_by_role("link", name="Go back")).to_be_visible()
    # The right code still works: the join page is one tap away.
    next_steps(page).get_by_role("link", name="Join a session").click()
    expect(page.get_by_label("Join code")).to_have_value("")
