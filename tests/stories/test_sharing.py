"""What a memory shares: the rules of stories.sharing, through the phone, the moderation
buttons and the session's exports."""

import pytest
from django.urls import reverse

from sessions.models import Answer
from stories.models import Story

pytestmark = pytest.mark.django_db


def answer_as(browser, session, consent, text="The baker who remembered my order", **extra):
    data = {"text": text, "valence": "valued", "archive_consent": consent, **extra}
    response = browser.post(reverse("live_sessions:answer", args=[session.join_code]), data)
    assert response.status_code == 302, response.content.decode()[:300]


def archive_shows(client, text):
    return text in client.get(reverse("stories:archive")).content.decode()


def test_a_hidden_story_stays_hidden_when_its_author_takes_consent_back_and_gives_it_again(
    phone, session_with_memory, facilitator_client, other_client, curator_client
):
    ana = phone(session_with_memory, "Ana")
    answer_as(ana, session_with_memory, "named")
    story = Story.objects.get()
    hide = reverse("stories:story-hide", args=[story.pk])
    assert curator_client.post(hide, {"hidden": "1"}).status_code == 302
    assert not archive_shows(other_client, "The baker who remembered")
    answer_as(ana, session_with_memory, "none")
    answer_as(ana, session_with_memory, "named")
    answer_as(ana, session_with_memory, "anonymous", text="The baker, in new words")
    story.refresh_from_db()
    assert (story.status, story.text) == (Story.Status.HIDDEN, "The baker, in new words")
    assert not archive_shows(other_client, "The baker")
    assert other_client.get(story.get_absolute_url()).status_code == 404
    facilitator_client.post(hide, {"hidden": "0"})
    assert archive_shows(other_client, "The baker, in new words")


def test_the_author_can_still_withdraw_a_hidden_story(phone, session_with_memory, curator_client):
    ana = phone(session_with_memory, "Ana")
    answer_as(ana, session_with_memory, "named")
    story = Story.objects.get()
    curator_client.post(reverse("stories:story-hide", args=[story.pk]), {"hidden": "1"})
    token = session_with_memory.participants.get().token
    ana.post(reverse("stories:withdraw", args=[token, story.pk]))
    story.refresh_from_db()
    assert (story.status, story.text, story.author_name) == (Story.Status.WITHDRAWN, "", "")
    assert Answer.objects.get().text == ""
