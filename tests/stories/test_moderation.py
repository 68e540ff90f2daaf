"""Hiding, featuring and curating stories, in the app and in the Django admin."""

import pytest
from django.urls import reverse

from stories.models import Story
from tests.conftest import logged_in
from tests.factories import StoryFactory
from tests.live_sessions.conftest import start_session

pytestmark = pytest.mark.django_db


def hide(client, story, hidden="1"):
    return client.post(reverse("stories:story-hide", args=[story.pk]), {"hidden": hidden})


def feature(client, story, featured="1"):
    return client.post(reverse("stories:story-feature", args=[story.pk]), {"featured": featured})


def status_of(story):
    story.refresh_from_db()
    return story.status


def test_staff_hide_and_show_a_story(curator_client):
    story = StoryFactory(is_featured=True)
    hide(curator_client, story)
    assert status_of(story) == Story.Status.HIDDEN
    assert not story.is_featured
    hide(curator_client, story, "0")
    assert status_of(story) == Story.Status.VISIBLE


def test_a_facilitator_hides_a_story_from_their_own_session(facilitator, facilitator_client):
    story = StoryFactory(session=start_session(facilitator))
    assert hide(facilitator_client, story).status_code == 302
    assert status_of(story) == Story.Status.HIDDEN


def test_a_facilitator_cannot_hide_a_story_from_someone_elses_session(
    other_facilitator, facilitator_client
):
    story = StoryFactory(session=start_session(other_facilitator))
    assert hide(facilitator_client, story).status_code == 403
    assert status_of(story) == Story.Status.VISIBLE


def test_only_staff_feature_stories(facilitator, facilitator_client, curator_client):
    story = StoryFactory(session=start_session(facilitator))
    assert feature(facilitator_client, story).status_code == 403
    story.refresh_from_db()
    assert not story.is_featured
    feature(curator_client, story)
    story.refresh_from_db()
    assert story.is_featured


def test_a_hidden_story_cannot_be_featured(curator_client):
    story = StoryFactory(status=Story.Status.HIDDEN)
    response = feature(curator_client, story)
    story.refresh_from_db()
    assert not story.is_featured
    assert (
        "Show the story again before featuring it."
        in curator_client.get(response["Location"]).content.decode()
    )


def test_staff_set_the_level_and_tags(curator_client):
    story = StoryFactory()
    curator_client.post(
        reverse("stories:story-curate", args=[story.pk]),
        {"cx_level": "be_more", "tags": "growth, learning"},
    )
    story.refresh_from_db()
    assert story.cx_level == "be_more"
    assert sorted(story.tags.names()) == ["growth", "learning"]


def test_a_facilitator_cannot_set_levels_or_tags(facilitator, facilitator_client):
    story = StoryFactory(session=start_session(facilitator))
    response = facilitator_client.post(
        reverse("stories:story-curate", args=[story.pk]), {"cx_level": "be_more", "tags": "x"}
    )
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.cx_level == ""


def test_a_bad_level_is_explained_and_changes_nothing(curator_client):
    story = StoryFactory(cx_level="moment")
    response = curator_client.post(
        reverse("stories:story-curate", args=[story.pk]), {"cx_level": "nonsense", "tags": ""}
    )
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    story.refresh_from_db()
    assert story.cx_level == "moment"


def test_the_moderation_buttons_show_only_to_those_who_may_use_them(
    facilitator, facilitator_client, other_client, curator_client
):
    story = StoryFactory(session=start_session(facilitator))
    assert "Hide this story" not in other_client.get(story.get_absolute_url()).content.decode()
    owner_page = facilitator_client.get(story.get_absolute_url()).content.decode()
    assert "Hide this story" in owner_page
    assert "Feature this story" not in owner_page
    assert "Feature this story" in curator_client.get(story.get_absolute_url()).content.decode()


def test_staff_moderate_in_the_admin_too(curator):
    curator.is_superuser = True
    curator.save()
    admin = logged_in(curator)
    stories = StoryFactory.create_batch(2)
    changelist = reverse("admin:stories_story_changelist")
    admin.post(changelist, {"action": "hide", "_selected_action": [s.pk for s in stories]})
    assert {status_of(s) for s in stories} == {Story.Status.HIDDEN}
    admin.post(changelist, {"action": "show", "_selected_action": [stories[0].pk]})
    admin.post(changelist, {"action": "feature", "_selected_action": [stories[0].pk]})
    stories[0].refresh_from_db()
    assert (stories[0].status, stories[0].is_featured) == (Story.Status.VISIBLE, True)
