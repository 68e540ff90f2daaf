"""Two curators deciding on one story at the same instant, and a teller withdrawing it while a
curator publishes it: real requests to the app served as `make run` serves it, released
together. The story ends in one state some order of the same clicks could have left, and every
answer says what happened."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from stories import sharing
from stories.models import Story, SubmissionLink
from tests.factories import UserFactory
from tests.live_sessions.test_races import ROUNDS, Browser, assert_no_server_errors, at_once, post

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server(app_server):
    return app_server(CXW_HTTP_CONCURRENCY="32")


def curator_tab(server):
    browser = Client()
    browser.force_login(UserFactory(is_staff=True))
    tab = Browser(server.url, browser.cookies[settings.SESSION_COOKIE_NAME].value)
    tab.open(reverse("stories:moderation"))
    return tab


def waiting_story(number):
    link = SubmissionLink.objects.first() or SubmissionLink.objects.create(campaign="Race")
    return sharing.submit(
        link, text=f"Story {number}: the rabbit came home.", valence="valued", language="en"
    )


def decide(tab, story, decision, htmx):
    return post(tab, reverse("stories:story-decide", args=[story.pk, decision]), htmx=htmx)


def test_two_curators_deciding_at_once_leave_one_decision(server):
    first, second = curator_tab(server), curator_tab(server)
    for number in range(ROUNDS):
        story = waiting_story(number)
        htmx = number % 2 == 0  # both doors: htmx and the plain form
        results = at_once(
            decide(first, story, "publish", htmx), decide(second, story, "reject", htmx)
        )
        assert_no_server_errors(results)
        story.refresh_from_db()
        assert story.status in (Story.Status.VISIBLE, Story.Status.REJECTED)
        if story.is_visible:
            assert story.text == f"Story {number}: the rabbit came home."
        else:
            assert story.text == ""
        if htmx:
            pages = sorted(page for _status, page, _headers in results)
            assert sum("Someone else decided on this story first" in page for page in pages) == 1


def test_two_curators_publishing_at_once_publish_it_once(server):
    first, second = curator_tab(server), curator_tab(server)
    for number in range(ROUNDS):
        story = waiting_story(number)
        results = at_once(
            decide(first, story, "publish", True), decide(second, story, "publish", True)
        )
        assert_no_server_errors(results)
        story.refresh_from_db()
        assert story.is_visible
        said = [page for _status, page, _headers in results]
        assert sum("Published: the story is in the archive." in page for page in said) == 1


def test_a_teller_withdrawing_while_a_curator_publishes_ends_withdrawn_or_published(server):
    tab = curator_tab(server)
    for number in range(ROUNDS):
        story = waiting_story(number)
        teller = Browser(server.url)
        teller.open(reverse("stories:mine", args=[story.author_token]))
        withdraw = post(
            teller,
            reverse("stories:withdraw", args=[story.author_token, story.pk]),
            {"understood": "on"},
            htmx=False,
        )
        results = at_once(decide(tab, story, "publish", False), withdraw)
        assert_no_server_errors(results)
        story.refresh_from_db()
        # Whatever came first, the teller's withdrawal stands and erases the words.
        assert story.is_withdrawn
        assert story.text == ""
