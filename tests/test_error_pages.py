"""The error pages (403, 404, 429, 500) as the site's own pages with a way on, with DEBUG off."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext_lazy

from cxworkshop.views import refusal_reason
from tests.error_urls import FAILING_PATH, MARKUP_REASON, REFUSING_PATH
from tests.live_sessions.conftest import live_session  # noqa: F401 (fixture)

JOIN = f'href="{reverse("live_sessions:join-code")}"'
HOME = f'href="{reverse("home")}"'
MY_DECKS = f'href="{reverse("decks:deck-list")}"'


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def assert_site_page(page, code):
    assert '<header class="site-header">' in page
    assert "css/app.css" in page
    assert f'<p class="error__code" aria-hidden="true">{code}</p>' in page
    assert HOME in page


def test_an_unknown_address_gets_the_site_404_with_ways_back(client, db):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = response.content.decode()
    assert_site_page(page, 404)
    assert "This page is not here" in page
    assert JOIN in page


def test_a_facilitator_on_a_missing_page_is_offered_their_decks(facilitator_client):
    response = facilitator_client.get("/decks/no-such-deck/")
    assert response.status_code == 404
    page = response.content.decode()
    assert_site_page(page, 404)
    assert MY_DECKS in page and JOIN not in page


def test_a_participant_posting_a_facilitator_command_gets_the_403_page_with_the_reason(
    live_session,  # noqa: F811
    phone,
):
    participant = phone(live_session, "Ana")
    response = participant.post(reverse("live_sessions:command", args=[live_session.pk, "next"]))
    assert response.status_code == 403
    page = response.content.decode()
    assert_site_page(page, 403)
    assert "Only the facilitator can do this." in page
    assert JOIN in page
    live_session.refresh_from_db()
    assert live_session.current_card is None


def test_a_phone_that_has_not_joined_is_told_to_join_first(client, live_session):  # noqa: F811
    response = client.get(reverse("live_sessions:thanks", args=[live_session.join_code]))
    assert response.status_code == 403
    page = response.content.decode()
    assert_site_page(page, 403)
    assert "Join the session first." in page
    assert JOIN in page


def test_the_403_reason_is_escaped(client, db, settings):
    settings.ROOT_URLCONF = "tests.error_urls"
    response = client.get(REFUSING_PATH)
    assert response.status_code == 403
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page and "<b>owners</b>" not in page
    assert "Only &lt;b&gt;owners&lt;/b&gt; &amp; &quot;co&quot; may" in page
    assert MARKUP_REASON not in page


@pytest.mark.parametrize(
    ("refusal", "shown"),
    [
        (PermissionDenied("Join the session first."), "Join the session first."),
        (
            PermissionDenied(gettext_lazy("Only the facilitator can do this.")),
            "Only the facilitator can do this.",
        ),
        (PermissionDenied(), None),
        (PermissionDenied("two", "arguments"), None),
        (PermissionDenied({"field": "a dict"}), None),
        (PermissionDenied("a line\nand a traceback"), None),
        (PermissionDenied("x" * 201), None),
    ],
)
def test_only_a_short_sentence_is_shown_as_the_reason(refusal, shown):
    assert refusal_reason(refusal) == shown


def test_the_500_page_is_the_sites_and_asks_nothing_of_the_database(
    facilitator, settings, django_assert_num_queries
):
    settings.ROOT_URLCONF = "tests.error_urls"
    browser = Client(raise_request_exception=False)
    browser.force_login(facilitator)
    with django_assert_num_queries(0):
        response = browser.get(FAILING_PATH)
    assert response.status_code == 500
    page = response.content.decode()
    assert_site_page(page, 500)
    assert "Something went wrong on our side" in page
    assert JOIN in page
    # It cannot know who is asking, so it offers no one's account and no log-in.
    assert facilitator.get_short_name() not in page
    assert reverse("login") not in page


def test_a_rate_limit_gets_the_site_429_page_with_a_way_back(
    live_session,  # noqa: F811
    settings,
    time_machine,
):
    time_machine.move_to(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False)
    settings.JOIN_MISS_RATE = "2/10m"
    guesser = Client(REMOTE_ADDR="203.0.113.1")
    for code in ("ZZZZZZ", "YYYYYY"):
        assert guesser.get(reverse("live_sessions:join", args=[code])).status_code == 404
    response = guesser.get(reverse("live_sessions:join", args=["XXXXXX"]))
    assert response.status_code == 429
    page = response.content.decode()
    assert_site_page(page, 429)
    assert "Too many wrong join codes were tried from this network" in page
    assert ">Go back</a>" in page


def test_a_form_sent_without_its_security_token_gets_the_site_403_page(
    live_session,  # noqa: F811
):
    stale_phone = Client(enforce_csrf_checks=True)
    url = reverse("live_sessions:join", args=[live_session.join_code])
    response = stale_phone.post(url, {"display_name": "Ana"})
    assert response.status_code == 403
    page = response.content.decode()
    assert_site_page(page, 403)
    assert "That form could not be sent" in page
    assert JOIN in page
    assert not live_session.participants.exists()
