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
