"""Browsing the archive: who sees what, filters that combine, counts, pages, htmx."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from stories import sharing
from stories.models import Story
from tests.factories import StoryFactory
from tests.live_sessions.conftest import start_session

pytestmark = pytest.mark.django_db

ARCHIVE = reverse("stories:archive")


def listed(client, **params):
    response = client.get(ARCHIVE, params)
    assert response.status_code == 200
    return [story.pk for story in response.context["page"].object_list]


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def test_the_archive_asks_visitors_to_log_in(client):
    response = client.get(ARCHIVE)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_archive_lists_visible_stories_newest_first(facilitator_client):
    old = StoryFactory(created_at=days_ago(3))
    new = StoryFactory(created_at=days_ago(1))
    StoryFactory(status=Story.Status.HIDDEN)
    StoryFactory(status=Story.Status.WITHDRAWN, text="")
    assert listed(facilitator_client) == [new.pk, old.pk]


def test_filters_combine(facilitator_client, facilitator):
    session = start_session(facilitator)
    wanted = StoryFactory(
        valence="frustrated",
        cx_level=Story.CxLevel.MOMENT,
        session=session,
        tags=["waiting"],
        is_featured=True,
        created_at=days_ago(2),
    )
    StoryFactory(valence="frustrated", cx_level=Story.CxLevel.MOMENT, tags=["waiting"])
    StoryFactory(valence="valued", cx_level=Story.CxLevel.MOMENT, session=session)
    StoryFactory(valence="frustrated", session=session, tags=["waiting"], created_at=days_ago(40))
    filters = {
        "valence": "frustrated",
        "level": "moment",
        "tag": "waiting",
        "session": session.pk,
        "deck": session.deck_id,
        "featured": "1",
        "date_from": (timezone.localdate() - datetime.timedelta(days=7)).isoformat(),
        "date_to": timezone.localdate().isoformat(),
    }
    assert listed(facilitator_client, **filters) == [wanted.pk]


def test_each_filter_value_shows_how_many_stories_it_would_give(facilitator_client):
    StoryFactory.create_batch(3, valence="valued", tags=["loyalty"])
    StoryFactory(valence="frustrated", tags=["waiting"])
    response = facilitator_client.get(ARCHIVE, {"valence": "valued"})
    facets = response.context["facets"]
    counts = {option.value: option.count for option in facets["valence"].options}
    # The feeling counts ignore the feeling filter itself, so other choices stay visible.
    assert counts == {"valued": 3, "frustrated": 1, "mixed": 0}
    tags = {option.value: option.count for option in facets["tag"].options}
    assert tags == {"loyalty": 3}
    page = response.content.decode()
    assert 'id="valence-frustrated"' in page


def test_a_bad_filter_value_is_explained_and_ignored(facilitator_client):
    story = StoryFactory()
    response = facilitator_client.get(ARCHIVE, {"date_from": "yesterday", "valence": "angry"})
    assert response.status_code == 200
    assert [s.pk for s in response.context["page"].object_list] == [story.pk]
    page = response.content.decode()
    assert "Enter a valid date." in page
    assert "Select a valid choice." in page


def test_results_come_in_pages_that_keep_the_filters(facilitator_client):
    StoryFactory.create_batch(25, valence="valued")
    StoryFactory(valence="frustrated")
    first = facilitator_client.get(ARCHIVE, {"valence": "valued"})
    assert len(first.context["page"].object_list) == 20
    assert "valence=valued&amp;page=2" in first.content.decode()
    second = listed(facilitator_client, valence="valued", page=2)
    assert len(second) == 5


def test_htmx_gets_the_results_and_fresh_counts_without_the_search_box(facilitator_client):
    StoryFactory(text="The tailor fixed my coat.")
    response = facilitator_client.get(ARCHIVE, {"q": "tailor"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "<mark>tailor</mark>" in page
    assert 'id="facets" aria-label="Filters" hx-swap-oob="true"' in page
    assert 'id="id_q"' not in page
    assert "<html" not in page


def test_the_story_page_shows_the_memory_and_where_it_came_from(facilitator_client, facilitator):
    session = start_session(facilitator)
    story = StoryFactory(
        text="The pilot came out to greet my son.",
        share_with="My brother, a pilot too",
        author_name="",
        valence="valued",
        cx_level=Story.CxLevel.MOMENT,
        session=session,
        tags=["travel"],
    )
    page = facilitator_client.get(story.get_absolute_url()).content.decode()
    for text in [
        "The pilot came out to greet my son.",
        story.prompt,
        "My brother, a pilot too",
        "Anonymous",
        "Made me feel valued",
        "Help me have a moment",
        "travel",
        session.title,
    ]:
        assert text in page


def test_hidden_stories_are_for_staff_and_the_sessions_facilitator(
    facilitator, facilitator_client, other_client, curator_client
):
    session = start_session(facilitator)
    story = StoryFactory(session=session, status=Story.Status.HIDDEN)
    assert other_client.get(story.get_absolute_url()).status_code == 404
    assert facilitator_client.get(story.get_absolute_url()).status_code == 200
    assert curator_client.get(story.get_absolute_url()).status_code == 200
    assert listed(curator_client) == []
    assert listed(curator_client, hidden="1") == [story.pk]
    assert listed(other_client, hidden="1") == []


def test_a_withdrawn_story_is_gone_for_everyone(curator_client):
    story = StoryFactory()
    sharing.withdraw(story)
    assert curator_client.get(story.get_absolute_url()).status_code == 404
