"""Anonymous means anonymous: a name never travels with a story shared without it."""

import email

import pytest
from django.urls import reverse

from stories.models import Digest, Story
from tests.conftest import logged_in
from tests.stories.conftest import SECRET_NAME

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous_story(share):
    share("The night nurse sang to my father.", consent="anonymous", name=SECRET_NAME)
    return Story.objects.get()


@pytest.fixture
def superuser(curator):
    curator.is_superuser = True
    curator.save()
    return logged_in(curator)


def test_an_anonymous_story_is_stored_without_a_name(anonymous_story):
    assert anonymous_story.author_name == ""
    assert anonymous_story.text == "The night nurse sang to my father."


def test_no_archive_page_or_export_carries_the_name(anonymous_story, curator_client):
    digest = Digest.objects.create(title="This week")
    digest.stories.add(anonymous_story)
    pages = [
        reverse("stories:archive"),
        reverse("stories:archive") + "?q=nurse",
        anonymous_story.get_absolute_url(),
        reverse("stories:archive-export", args=["csv"]),
        reverse("stories:archive-export", args=["json"]),
        reverse("stories:insights"),
        digest.get_absolute_url(),
        reverse("stories:digest-newsletter", args=[digest.pk]),
        reverse("stories:digest-download", args=[digest.pk, "md"]),
    ]
    # Insights count stories and the digest page frames its newsletter: no memory to show.
    quoting_nothing = {reverse("stories:insights"), digest.get_absolute_url()}
    for url in pages:
        response = curator_client.get(url)
        assert response.status_code == 200, url
        if url not in quoting_nothing:
            assert b"sang to my father" in response.content, url
        assert SECRET_NAME.encode() not in response.content, url
    eml = curator_client.get(reverse("stories:digest-download", args=[digest.pk, "eml"])).content
    assert SECRET_NAME.encode() not in eml
    for part in email.message_from_bytes(eml).walk():
        if not part.is_multipart():
            body = part.get_payload(decode=True).decode()
            assert "sang to my father" in body
            assert SECRET_NAME not in body


def test_the_admin_lists_do_not_carry_the_name(anonymous_story, superuser):
    answer = anonymous_story.answer
    for url in [
        reverse("admin:stories_story_changelist"),
        reverse("admin:stories_story_change", args=[anonymous_story.pk]),
        reverse("admin:live_sessions_answer_changelist"),
        reverse("admin:live_sessions_answer_change", args=[answer.pk]),
    ]:
        response = superuser.get(url)
        assert response.status_code == 200, url
        assert SECRET_NAME.encode() not in response.content, url


def test_the_sessions_records_of_the_answer_do_not_carry_the_name(
    anonymous_story, facilitator_client
):
    session = anonymous_story.session
    for url in [
        reverse("live_sessions:summary", args=[session.pk]),
        reverse("live_sessions:summary-export", args=[session.pk, "csv"]),
        reverse("live_sessions:summary-export", args=[session.pk, "md"]),
    ]:
        content = facilitator_client.get(url).content
        assert b"night nurse" in content, url
        assert SECRET_NAME.encode() not in content, url


def test_a_named_story_shows_its_author(share, facilitator_client):
    share("The grocer delivered in the snow.", consent="named", name="Ana")
    story = Story.objects.get()
    assert "Ana" in facilitator_client.get(story.get_absolute_url()).content.decode()


def test_no_admin_address_lists_a_participants_anonymous_memory(anonymous_story, superuser):
    participant = anonymous_story.answer.participant
    answers = reverse("admin:live_sessions_answer_changelist")
    stories = reverse("admin:stories_story_changelist")
    for url in [
        f"{answers}?participant={participant.pk}",
        f"{answers}?participant__id__exact={participant.pk}",
        f"{answers}?participant_id={participant.pk}",
        f"{answers}?participant__display_name={SECRET_NAME}",
        f"{answers}?participant__token={participant.token}",
        f"{stories}?author_token={participant.token}",
        f"{stories}?answer={anonymous_story.answer.pk}",
        f"{stories}?answer__participant={participant.pk}",
        f"{stories}?answer__participant__display_name={SECRET_NAME}",
    ]:
        response = superuser.get(url)
        assert response.status_code in (302, 400), url  # the admin drops or refuses the filter
        if response.status_code == 302:
            response = superuser.get(response["Location"])
        assert b"sang to my father" not in response.content, url


def test_searching_the_admin_for_a_name_finds_no_anonymous_memory(anonymous_story, superuser):
    for url in [
        reverse("admin:live_sessions_answer_changelist"),
        reverse("admin:stories_story_changelist"),
    ]:
        response = superuser.get(url, {"q": SECRET_NAME})
        assert response.status_code == 200
        assert b"sang to my father" not in response.content, url


def test_the_session_admin_names_participants_but_leads_to_none_of_their_answers(
    anonymous_story, superuser
):
    session = anonymous_story.session
    answer_url = reverse("admin:live_sessions_answer_change", args=[anonymous_story.answer.pk])
    page = superuser.get(reverse("admin:live_sessions_livesession_change", args=[session.pk]))
    page = page.content.decode()
    assert SECRET_NAME in page  # who came is the session's business
    assert answer_url not in page and "sang to my father" not in page
    # Before deleting, the admin lists what goes in a tree: no answer may sit under a name.
    for url in [
        reverse("admin:live_sessions_livesession_delete", args=[session.pk]),
        reverse("admin:accounts_user_delete", args=[session.facilitator.pk]),
    ]:
        page = superuser.get(url).content.decode()
        assert "sang to my father" not in page, url
        assert f"<li>Participant: {SECRET_NAME}</li>" in page, url
