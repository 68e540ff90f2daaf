"""What a memory shares: the rules of stories.sharing, through the phone, the moderation
buttons and the session's exports."""

import csv
import io

import pytest
from django.urls import reverse

from sessions.models import Answer
from stories.models import Story

CONFIRMED = {"understood": "on"}  # "I understand this cannot be undone"

pytestmark = pytest.mark.django_db


def answer_as(browser, session, consent, text="The baker who remembered my order", **extra):
    data = {"text": text, "valence": "valued", "archive_consent": consent, **extra}
    response = browser.post(reverse("live_sessions:answer", args=[session.join_code]), data)
    assert response.status_code == 302, response.content.decode()[:300]


def archive_shows(client, text):
    return text in client.get(reverse("stories:archive")).content.decode()


def test_a_hidden_story_stays_hidden_when_its_author_takes_consent_back_and_gives_it_again(
    phone, session_with_memory, other_client, curator_client
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
    curator_client.post(hide, {"hidden": "0"})
    assert archive_shows(other_client, "The baker, in new words")


SHOW_AGAIN = "Show it again"
CURATORS_HID_IT = "curators hid this story: only they can show it again."


@pytest.fixture
def story_of(phone, session_with_memory):
    """A story shared by name in the facilitator's session: story_of() -> (story, its hide URL)."""

    def share():
        answer_as(phone(session_with_memory, "Ana"), session_with_memory, "named")
        story = Story.objects.get()
        return story, reverse("stories:story-hide", args=[story.pk])

    return share


def test_a_facilitator_cannot_show_again_a_story_staff_hid(
    story_of, facilitator_client, other_client, curator_client
):
    story, hide = story_of()
    assert curator_client.post(hide, {"hidden": "1"}).status_code == 302
    page = facilitator_client.get(story.get_absolute_url()).content.decode()
    assert SHOW_AGAIN not in page
    assert CURATORS_HID_IT in page
    response = facilitator_client.post(hide, {"hidden": "0"})
    assert response.status_code == 403
    assert CURATORS_HID_IT in response.content.decode()
    # Hiding it again on top of the curator's decision does not make it the facilitator's.
    assert facilitator_client.post(hide, {"hidden": "1"}).status_code == 302
    assert facilitator_client.post(hide, {"hidden": "0"}).status_code == 403
    assert not archive_shows(other_client, "The baker who remembered")
    story.refresh_from_db()
    assert story.is_hidden


def test_a_facilitator_can_show_again_a_story_they_hid_and_staff_any_hidden_story(
    story_of, facilitator_client, other_client, curator_client
):
    story, hide = story_of()
    assert facilitator_client.post(hide, {"hidden": "1"}).status_code == 302
    assert not archive_shows(other_client, "The baker who remembered")
    assert SHOW_AGAIN in facilitator_client.get(story.get_absolute_url()).content.decode()
    assert facilitator_client.post(hide, {"hidden": "0"}).status_code == 302
    assert archive_shows(other_client, "The baker who remembered")
    facilitator_client.post(hide, {"hidden": "1"})
    assert SHOW_AGAIN in curator_client.get(story.get_absolute_url()).content.decode()
    assert curator_client.post(hide, {"hidden": "0"}).status_code == 302
    assert archive_shows(other_client, "The baker who remembered")


def test_the_author_can_still_withdraw_a_hidden_story(phone, session_with_memory, curator_client):
    ana = phone(session_with_memory, "Ana")
    answer_as(ana, session_with_memory, "named")
    story = Story.objects.get()
    curator_client.post(reverse("stories:story-hide", args=[story.pk]), {"hidden": "1"})
    token = session_with_memory.participants.get().token
    ana.post(reverse("stories:withdraw", args=[token, story.pk]), CONFIRMED)
    story.refresh_from_db()
    assert (story.status, story.text, story.author_name) == (Story.Status.WITHDRAWN, "", "")
    assert Answer.objects.get().text == ""


def exported(client, session):
    url = reverse("live_sessions:summary-export", args=[session.pk, "csv"])
    rows = csv.DictReader(io.StringIO(client.get(url).content.decode()))
    by_name = {row["participant"]: row["archive_consent"] for row in rows}
    url = reverse("live_sessions:summary-export", args=[session.pk, "md"])
    return by_name, client.get(url).content.decode()


def test_the_session_exports_record_what_became_of_each_memory(
    phone, session_with_memory, facilitator_client
):
    answer_as(phone(session_with_memory, "Ana"), session_with_memory, "named")
    answer_as(phone(session_with_memory, "Bo"), session_with_memory, "none")
    answer_as(phone(session_with_memory, "Cy"), session_with_memory, "none", is_private="on")
    # Saved before the form refused a private memory with consent to share it.
    Answer.objects.filter(participant__display_name="Cy").update(archive_consent="named")
    by_name, markdown = exported(facilitator_client, session_with_memory)
    assert by_name == {"Ana": "named", "Bo": "none", "Cy": "private"}
    assert "**Ana** (archive: shared with their name):" in markdown
    assert "**Bo** (archive: not shared):" in markdown
    assert "**Cy** (only for the facilitator, archive: not shared (private)):" in markdown


def test_someone_who_joined_without_a_name_is_recorded_as_sharing_anonymously(
    phone, facilitator, facilitator_client
):
    from tests.live_sessions.conftest import start_session

    session = start_session(facilitator, anonymous_allowed=True)
    session.reveal_next()
    session.reveal_next()
    answer_as(phone(session, ""), session, "named")
    assert Story.objects.get().author_name == ""
    by_name, markdown = exported(facilitator_client, session)
    assert list(by_name.values()) == ["anonymous"]
    assert "archive: shared anonymously" in markdown
