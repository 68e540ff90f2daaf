"""Browsing the archive: who sees what, filters that combine, pages, htmx.

The counts beside the filters have their own route: tests/stories/test_archive_counts.py."""

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
COUNTS = reverse("stories:archive-counts")


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


def test_the_archive_page_shows_the_stories_and_loads_the_counts_after(facilitator_client):
    StoryFactory(valence="valued", text="The tailor fixed my coat.")
    response = facilitator_client.get(ARCHIVE, {"valence": "valued", "q": "tailor"})
    page = response.content.decode()
    assert "<mark>tailor</mark>" in page
    # The filter panel is there, with the feeling chosen, but no count yet.
    assert response.context["facets"]["total"] is None
    assert 'class="count"' not in page
    # htmx asks for the counts of the same filters once the stories are on screen; without
    # JavaScript, a link gives the page with them.
    counts = f"{COUNTS}?valence=valued&amp;q=tailor"
    assert f'hx-get="{counts}"' in page
    assert f'href="{counts}"' in page
    assert 'id="valence-valued" checked' in page


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


def test_the_pager_goes_next_and_back_without_counting_every_story(
    facilitator_client, django_assert_max_num_queries
):
    stories = [StoryFactory(created_at=days_ago(number)) for number in range(1, 46)]
    newest_first = [story.pk for story in stories]
    with django_assert_max_num_queries(8):
        first = facilitator_client.get(ARCHIVE)
    page = first.content.decode()
    assert "Page 1" in page
    assert "Page 1 of" not in page
    assert "Previous" not in page
    assert "page=2" in page
    assert listed(facilitator_client, page=2) == newest_first[20:40]
    last = facilitator_client.get(ARCHIVE, {"page": 3})
    assert [story.pk for story in last.context["page"].object_list] == newest_first[40:]
    assert "page=2" in last.content.decode()
    assert "page=4" not in last.content.decode()


def test_a_page_past_the_end_says_so_and_leads_back(facilitator_client):
    StoryFactory.create_batch(3, valence="valued")
    response = facilitator_client.get(ARCHIVE, {"valence": "valued", "page": 7})
    assert response.status_code == 200
    page = response.content.decode()
    assert "This page is past the last story." in page
    assert 'href="?valence=valued">Back to the first page' in page


@pytest.mark.parametrize("number", ["0", "-3", "two", "9" * 40, "1\x00", "1e5"])
def test_a_page_number_that_is_no_page_number_gives_the_first_or_an_empty_page(
    facilitator_client, number
):
    story = StoryFactory()
    response = facilitator_client.get(ARCHIVE, {"page": number})
    assert response.status_code == 200
    assert [s.pk for s in response.context["page"].object_list] in ([story.pk], [])


def test_htmx_gets_the_results_without_the_search_box_or_the_counts(facilitator_client):
    StoryFactory(text="The tailor fixed my coat.")
    response = facilitator_client.get(ARCHIVE, {"q": "tailor"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "<mark>tailor</mark>" in page
    assert 'id="id_q"' not in page
    assert "<html" not in page
    assert 'id="valence-valued"' not in page
    # The stories first; then the panel's counts are asked for, for the same search.
    assert f'hx-get="{COUNTS}?q=tailor"' in page
    assert 'hx-target="#facets"' in page


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
