"""Story links: staff make them, anyone with the address tells a story without an account,
and what comes in waits for moderation before anyone else reads it."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stories.credits import named
from stories.delivery import period_stories
from stories.models import Credit, Source, Story, SubmissionLink
from tests.factories import StoryFactory
from tests.stories.conftest import SECRET_NAME
from tests.stories.test_delivery import due_schedule, in_the_period

pytestmark = pytest.mark.django_db

STORY = "The night porter found my daughter's rabbit and drove it to the station."


@pytest.fixture
def link(curator):
    return SubmissionLink.objects.create(campaign="Customer week 2027", created_by=curator)


def tell(link, browser=None, **fields):
    data = {"text": STORY, "valence": "valued", "consent": "named", "name": "Ana Ruiz", **fields}
    return (browser or Client()).post(reverse("tell", args=[link.token]), data)


def archive_and_exports(browser):
    urls = [
        reverse("stories:archive"),
        reverse("stories:archive") + "?q=porter",
        reverse("stories:archive-export", args=["csv"]),
        reverse("stories:archive-export", args=["json"]),
    ]
    return b"".join(browser.get(url).content for url in urls)


# Links


def test_staff_make_a_story_link_and_see_its_address_and_what_waits(curator_client):
    response = curator_client.post(
        reverse("stories:link-create"), {"campaign": "Customer week 2027", "introduction": "Hi"}
    )
    assert response.status_code == 302
    link = SubmissionLink.objects.get()
    tell(link)
    page = curator_client.get(reverse("stories:link-list")).content.decode()
    assert f"http://testserver/tell/{link.token}/" in page
    assert "1 story waits for moderation" in page
    assert "<svg" in page  # its QR code


def test_staff_edit_a_link_and_close_it(curator_client, link):
    curator_client.post(
        reverse("stories:link-edit", args=[link.pk]), {"campaign": "Spring", "introduction": ""}
    )
    curator_client.post(reverse("stories:link-open", args=[link.pk]), {"open": "0"})
    link.refresh_from_db()
    assert (link.campaign, link.is_open) == ("Spring", False)


def test_a_closed_link_says_so_and_takes_nothing(link):
    link.is_open = False
    link.save()
    assert Client().get(reverse("tell", args=[link.token])).status_code == 410
    response = tell(link)
    assert response.status_code == 410
    assert "This story link is closed" in response.content.decode()
    assert not Story.objects.exists()


def test_an_unknown_link_is_not_found():
    assert Client().get(reverse("tell", args=["no-such-link"])).status_code == 404


def test_the_form_shows_the_links_introduction(link):
    link.introduction = "Tell us about <b>your</b> week."
    link.save()
    page = Client().get(reverse("tell", args=[link.token])).content.decode()
    assert "Tell us about &lt;b&gt;your&lt;/b&gt; week." in page
    assert "Customer week 2027" in page


# Telling a story


def test_a_told_story_waits_for_moderation_with_a_private_link(link):
    response = tell(link, people="Maya Chen", teams="Night shift")
    assert response.status_code == 200
    story = Story.objects.get()
    assert story.status == Story.Status.PENDING
    assert (story.source, story.submission_link, story.author_name) == (
        Source.LINK,
        link,
        "Ana Ruiz",
    )
    assert story.author_token
    assert sorted(story.credits.values_list("name", flat=True)) == ["Maya Chen", "Night shift"]
    page = response.content.decode()
    assert "waits for the archive" in page
    assert reverse("stories:mine", args=[story.author_token]) in page


def test_a_story_waiting_for_moderation_is_nowhere_until_published(
    link, facilitator_client, curator_client, curator
):
    tell(link, people="Maya Chen")
    story = Story.objects.get()
    assert b"rabbit" not in archive_and_exports(facilitator_client)
    assert b"rabbit" not in archive_and_exports(curator_client)
    assert facilitator_client.get(story.get_absolute_url()).status_code == 404
    assert "Maya Chen" not in {credit.name for credit in named()}

    response = curator_client.post(reverse("stories:story-decide", args=[story.pk, "publish"]))
    assert response.status_code == 302
    assert b"rabbit" in archive_and_exports(facilitator_client)
    assert facilitator_client.get(story.get_absolute_url()).status_code == 200
    assert "Maya Chen" in {credit.name for credit in named()}


def test_a_rejected_story_is_erased(link, curator_client):
    tell(link, people="Maya Chen")
    story = Story.objects.get()
    curator_client.post(reverse("stories:story-decide", args=[story.pk, "reject"]))
    story.refresh_from_db()
    assert story.status == Story.Status.REJECTED
    assert (story.text, story.author_name) == ("", "")
    assert not story.credits.exists()
    assert b"rabbit" not in archive_and_exports(curator_client)
    assert curator_client.get(story.get_absolute_url()).status_code == 404
    mine = Client().get(reverse("stories:mine", args=[story.author_token])).content.decode()
    assert "turned it down" in mine
    assert "rabbit" not in mine


def test_an_anonymous_teller_leaves_no_name_anywhere(link, curator_client):
    tell(link, consent="anonymous", name=SECRET_NAME)
    story = Story.objects.get()
    assert story.author_name == ""
    curator_client.post(reverse("stories:story-decide", args=[story.pk, "publish"]))
    assert SECRET_NAME.encode() not in archive_and_exports(curator_client)
    page = curator_client.get(story.get_absolute_url()).content.decode()
    assert "rabbit" in page
    assert SECRET_NAME not in page
    assert "Anonymous" in page


def test_a_named_teller_must_give_a_name(link):
    response = tell(link, name="  ")
    assert response.status_code == 400
    assert "Write your name, or choose to publish it anonymously." in response.content.decode()
    assert not Story.objects.exists()


def test_the_teller_sees_and_withdraws_the_story_by_the_private_link(link):
    tell(link)
    story = Story.objects.get()
    browser = Client()
    mine_url = reverse("stories:mine", args=[story.author_token])
    page = browser.get(mine_url).content.decode()
    assert "rabbit" in page
    assert "Waiting for moderation" in page
    assert "told through a story link" in page
    assert "deleted" not in page.split("<h1>")[1].split("</p>")[0]  # no "session deleted"
    browser.post(
        reverse("stories:withdraw", args=[story.author_token, story.pk]), {"understood": "on"}
    )
    story.refresh_from_db()
    assert story.status == Story.Status.WITHDRAWN
    assert story.text == ""


def test_the_private_link_is_mailed_and_the_address_not_kept(link):
    address = "ana.private@example.org"
    response = tell(link, email=address)
    story = Story.objects.get()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [address]
    assert f"http://testserver/stories/mine/{story.author_token}/" in message.body
    assert "We also mailed it to you" in response.content.decode()
    stored = [str(value) for value in Story.objects.values().get().values()]
    stored += [str(value) for value in SubmissionLink.objects.values().get().values()]
    stored += [str(value) for value in Credit.objects.values_list("name", flat=True)]
    assert not any(address in value for value in stored)


def test_one_address_gets_only_a_few_mails(link, settings):
    settings.TELL_MAIL_RATE = "1/h"
    tell(link, email="ana@example.org")
    response = tell(link, email="ANA@example.org ")
    assert Story.objects.count() == 2
    assert len(mail.outbox) == 1
    assert "We did not send another mail" in response.content.decode()


def test_a_bad_email_address_is_a_message(link):
    response = tell(link, email="not an address")
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not Story.objects.exists()


# Protection


def test_a_filled_honeypot_gets_the_same_thanks_and_nothing_is_kept(link):
    person = tell(link).content.decode()
    script = tell(link, website="http://spam.example")
    assert script.status_code == 200
    assert Story.objects.count() == 1

    def shape(page):
        return re.sub(r"/stories/mine/[\w-]+/", "/stories/mine/…/", page)

    csrf = r"[A-Za-z0-9]{64}"  # each response's own form token
    assert re.sub(csrf, "", shape(script.content.decode())) == re.sub(csrf, "", shape(person))
    assert not mail.outbox


def test_the_honeypot_is_hidden_from_people_and_screen_readers(link):
    page = Client().get(reverse("tell", args=[link.token])).content.decode()
    trap = re.search(r'<div class="tell-form__trap" aria-hidden="true">.*?</div>', page, re.S)
    assert trap and 'name="website"' in trap.group(0) and 'tabindex="-1"' in trap.group(0)


def test_one_office_address_may_send_many_stories_then_is_told_why(link, settings):
    settings.TELL_ADDRESS_RATE = "3/h"
    office = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(3):
        assert tell(link, office).status_code == 200
    refused = tell(link, office)
    assert refused.status_code == 429
    assert "So many stories came through this link from your network" in refused.content.decode()
    assert Story.objects.count() == 3
    # Another network, and the same network on another link, are not held back.
    assert tell(link, Client(REMOTE_ADDR="203.0.113.9")).status_code == 200
    other = SubmissionLink.objects.create(campaign="Other")
    assert tell(other, office).status_code == 200


def test_a_link_has_a_total_over_all_addresses(link, settings):
    settings.TELL_LINK_RATE = "4/h"
    for number in range(4):
        assert tell(link, Client(REMOTE_ADDR=f"192.0.2.{number + 1}")).status_code == 200
    refused = tell(link, Client(REMOTE_ADDR="192.0.2.99"))
    assert refused.status_code == 429
    assert "received so many stories just now" in refused.content.decode()


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"text": "x" * 5001}, "Keep the story under 5000 characters"),
        ({"text": ""}, "Write the story first."),
        ({"name": "n" * 61}, "at most 60 characters"),
        ({"people": "p" * 3000}, "at most"),
        ({"teams": ", ".join(f"Team {n}" for n in range(25))}, "Name at most 20 at a time."),
        ({"email": "a" * 400 + "@example.org"}, "at most 320 characters"),
        ({"text": "a\x00b"}, "Null characters are not allowed."),
        ({"valence": "ecstatic"}, "Select a valid choice."),
        ({"consent": ["named", "sold"]}, "Select a valid choice."),
        ({"valence": ""}, "Choose how it made the customer feel."),
    ],
)
def test_bad_input_gets_a_message_and_nothing_is_kept(link, fields, message):
    response = tell(link, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Story.objects.exists()


def test_a_huge_post_is_refused_without_an_error(link):
    response = Client().post(
        reverse("tell", args=[link.token]), {"text": "x" * 3_000_000, "consent": "named"}
    )
    assert response.status_code == 400
    assert not Story.objects.exists()


def test_a_post_that_is_not_a_form_gets_a_message(link):
    response = Client().post(
        reverse("tell", args=[link.token]),
        data=b"\xff\xfe\x00garbage",
        content_type="application/octet-stream",
    )
    assert response.status_code == 400
    assert not Story.objects.exists()


# The moderation queue


def test_the_queue_lists_waiting_stories_oldest_first_with_a_count_in_the_nav(link, curator_client):
    tell(link, text="First of all, the rabbit.")
    tell(link, text="Second, the porter.")
    page = curator_client.get(reverse("stories:moderation")).content.decode()
    assert page.index("First of all") < page.index("Second, the porter")
    assert re.search(r"Stories to moderate <span class=\"badge nav-count\">2", page)


def test_the_nav_count_is_for_staff_only(link, facilitator_client):
    tell(link)
    page = facilitator_client.get(reverse("stories:archive")).content.decode()
    assert "Stories to moderate" not in page


def test_publishing_with_htmx_answers_with_the_decided_row(link, curator_client):
    tell(link)
    story = Story.objects.get()
    response = curator_client.post(
        reverse("stories:story-decide", args=[story.pk, "publish"]), HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.strip().startswith(f'<li class="review-item" id="pending-{story.pk}">')
    assert "Published: the story is in the archive." in page
    story.refresh_from_db()
    assert story.is_visible


def test_a_second_decision_on_a_decided_story_changes_nothing(link, curator_client):
    tell(link)
    story = Story.objects.get()
    curator_client.post(reverse("stories:story-decide", args=[story.pk, "publish"]))
    response = curator_client.post(
        reverse("stories:story-decide", args=[story.pk, "reject"]), follow=True
    )
    assert "Someone else decided on this story first" in response.content.decode()
    story.refresh_from_db()
    assert story.is_visible and "rabbit" in story.text


def test_facilitators_cannot_publish(link, facilitator_client):
    tell(link)
    story = Story.objects.get()
    facilitator_client.post(reverse("stories:story-decide", args=[story.pk, "publish"]))
    story.refresh_from_db()
    assert story.is_pending


def test_a_story_published_after_its_week_goes_into_the_next_weeks_digest(link, curator_client):
    """Told before the week's digest was made, published after: the next week's draft has it,
    where a draft by the day it was told would have missed it for good."""
    schedule = due_schedule()
    tell(link)
    story = Story.objects.get()
    in_the_period(story, days=3)
    start, end = schedule.period_ending(schedule.latest_moment(timezone.now()))
    assert list(period_stories(schedule, start, end)) == []  # waiting: in no digest yet
    curator_client.post(reverse("stories:story-decide", args=[story.pk, "publish"]))
    next_week = end + datetime.timedelta(days=7)
    assert list(period_stories(schedule, start, end)) == []
    assert list(period_stories(schedule, end, next_week)) == [story]
    # A story shared straight into the archive belongs to the week it was told in.
    told = in_the_period(StoryFactory(text="The baker saved the last loaf for me."))
    assert list(period_stories(schedule, start, end)) == [told]
