"""Stories added by hand: a facilitator records a story heard elsewhere, stating how its teller
agreed; it is published at once, and they may hide it as they hide their sessions' stories."""

import pytest
from django.urls import reverse

from stories.models import Source, Story
from tests.stories.conftest import SECRET_NAME

pytestmark = pytest.mark.django_db

STORY = "The courier waited in the rain until my grandmother found her glasses."


def add(browser, **fields):
    data = {
        "text": STORY,
        "prompt": "When did someone go out of their way for you?",
        "consent": "named",
        "name": "Bea Lund",
        "valence": "valued",
        "people": "Sam the courier",
        "teams": "",
        "agreed": "on",
        "consent_note": "Asked at the end of the call on 2 December.",
        **fields,
    }
    return browser.post(reverse("stories:story-add"), data)


def test_a_story_added_by_hand_is_published_at_once_with_who_added_it(
    facilitator_client, facilitator, other_client
):
    response = add(facilitator_client)
    story = Story.objects.get()
    assert response.status_code == 302
    assert response.url == story.get_absolute_url()
    assert story.status == Story.Status.VISIBLE
    assert (story.source, story.added_by, story.author_name) == (
        Source.HAND,
        facilitator,
        "Bea Lund",
    )
    assert list(story.credits.values_list("name", flat=True)) == ["Sam the courier"]
    assert "grandmother" in other_client.get(reverse("stories:archive")).content.decode()


def test_consent_must_be_stated(facilitator_client):
    response = add(facilitator_client, agreed="")
    assert response.status_code == 400
    assert "a story goes in only if its teller agreed" in response.content.decode()
    response = add(facilitator_client, consent_note="")
    assert response.status_code == 400
    assert "Say how the teller agreed." in response.content.decode()
    assert not Story.objects.exists()


def test_an_anonymous_teller_has_no_name_stored_or_shown(facilitator_client, curator_client):
    add(facilitator_client, consent="anonymous", name=SECRET_NAME)
    story = Story.objects.get()
    assert story.author_name == ""
    for url in [
        story.get_absolute_url(),
        reverse("stories:archive"),
        reverse("stories:archive-export", args=["csv"]),
        reverse("stories:archive-export", args=["json"]),
    ]:
        page = curator_client.get(url).content.decode()
        assert "grandmother" in page, url
        assert SECRET_NAME not in page, url


def test_the_story_page_says_where_it_came_from_and_the_consent_to_moderators_only(
    facilitator_client, facilitator, other_client, curator_client
):
    add(facilitator_client)
    story = Story.objects.get()
    came_from = f"Added by hand by {facilitator.get_short_name()}"
    for browser in (facilitator_client, curator_client):
        page = browser.get(story.get_absolute_url()).content.decode()
        assert came_from in page
        assert "Asked at the end of the call" in page
    page = other_client.get(story.get_absolute_url()).content.decode()
    assert came_from in page
    assert "Asked at the end of the call" not in page


def test_whoever_added_it_may_hide_and_show_it_and_no_other_facilitator(
    facilitator_client, other_client
):
    add(facilitator_client)
    story = Story.objects.get()
    hide_url = reverse("stories:story-hide", args=[story.pk])
    assert other_client.post(hide_url, {"hidden": "1"}).status_code == 403
    assert facilitator_client.post(hide_url, {"hidden": "1"}).status_code == 302
    story.refresh_from_db()
    assert story.is_hidden
    assert facilitator_client.get(story.get_absolute_url()).status_code == 200
    assert other_client.get(story.get_absolute_url()).status_code == 404
    facilitator_client.post(hide_url, {"hidden": "0"})
    story.refresh_from_db()
    assert story.is_visible


def test_what_staff_hid_the_adder_cannot_show_again(facilitator_client, curator_client):
    add(facilitator_client)
    story = Story.objects.get()
    hide_url = reverse("stories:story-hide", args=[story.pk])
    curator_client.post(hide_url, {"hidden": "1"})
    assert facilitator_client.post(hide_url, {"hidden": "0"}).status_code == 403
    story.refresh_from_db()
    assert story.is_hidden


def test_the_question_is_optional(facilitator_client):
    assert add(facilitator_client, prompt="").status_code == 302
    page = facilitator_client.get(Story.objects.get().get_absolute_url()).content.decode()
    assert 'class="story__prompt"' not in page


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"text": "y" * 5001}, "Keep the story under 5000 characters"),
        ({"prompt": "q" * 301}, "at most 300 characters"),
        ({"consent_note": "c" * 301}, "at most 300 characters"),
        ({"name": ""}, "Write the teller&#x27;s name, or choose anonymous."),
        ({"text": "\x00"}, "Null characters are not allowed."),
    ],
)
def test_bad_input_gets_a_message_and_nothing_is_kept(facilitator_client, fields, message):
    response = add(facilitator_client, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Story.objects.exists()
