"""The counts beside the archive's filters, from their own route (stories:archive-counts).

Each filter's counts are over the stories the *other* filters select; only published
stories count; the route answers htmx with the filter panel and a browser without
JavaScript with the whole archive page.
"""

import pytest
from django.db.models import Count
from django.urls import reverse

from stories.forms import ArchiveFilterForm
from stories.models import Source, Story
from tests.factories import StoryFactory, credited_story
from tests.live_sessions.conftest import start_session
from tests.stories.conftest import SECRET_NAME

pytestmark = pytest.mark.django_db

COUNTS = reverse("stories:archive-counts")
HTMX = {"HX-Request": "true"}


def counted(client, **params):
    response = client.get(COUNTS, params, headers=HTMX)
    assert response.status_code == 200
    facets = response.context["facets"]
    found = {
        name: {option.value: option.count for option in facets[name].options}
        for name in ["valence", "level", "source", "tag", "deck", "session", "credit"]
    }
    found["featured"] = facets["featured"].count
    found["total"] = facets["total"]
    return found


@pytest.fixture
def archive(facilitator):
    """Four published stories in two sessions of two decks and one told elsewhere; and a
    hidden, a withdrawn, a pending and a rejected one that nothing may count."""
    first, second = start_session(facilitator), start_session(facilitator)
    level = Story.CxLevel
    StoryFactory(
        valence="valued",
        cx_level=level.MOMENT,
        is_featured=True,
        session=first,
        tags=["loyalty"],
        text="The hotel porter carried my bags.",
    )
    StoryFactory(valence="valued", cx_level=level.JOBS_DONE, session=first, tags=["waiting"])
    StoryFactory(
        valence="frustrated",
        cx_level=level.MOMENT,
        session=second,
        tags=["waiting", "loyalty"],
        text="The hotel lost my booking.",
    )
    StoryFactory(valence="mixed", source=Source.HAND)
    for status in [Story.Status.HIDDEN, Story.Status.PENDING, Story.Status.REJECTED]:
        StoryFactory(
            valence="valued",
            cx_level=level.BE_MORE,
            status=status,
            session=first,
            tags=["zq-unseen"],
            source=Source.LINK,
            is_featured=True,
            text="The hotel hid this one.",
        )
    StoryFactory(status=Story.Status.WITHDRAWN, text="", session=second, tags=["zq-unseen"])
    return first, second


def test_every_filter_is_counted_over_the_published_stories(facilitator_client, archive):
    first, second = archive
    assert counted(facilitator_client) == {
        "valence": {"valued": 2, "frustrated": 1, "mixed": 1},
        "level": {"jobs_done": 1, "moment": 2, "be_more": 0},
        "source": {"session": 3, "link": 0, "hand": 1, "import": 0},
        "tag": {"loyalty": 2, "waiting": 2},
        "deck": {str(first.deck_id): 2, str(second.deck_id): 1},
        "session": {str(first.pk): 2, str(second.pk): 1},
        "credit": {},
        "featured": 1,
        "total": 4,
    }


def test_each_filter_is_counted_over_what_the_other_filters_select(facilitator_client, archive):
    found = counted(facilitator_client, valence="valued", tag="waiting")
    # Among the stories tagged "waiting": one valued, one frustrated.
    assert found["valence"] == {"valued": 1, "frustrated": 1, "mixed": 0}
    # Among the valued stories: one of each tag.
    assert found["tag"] == {"loyalty": 1, "waiting": 1}
    assert found["level"] == {"jobs_done": 1, "moment": 0, "be_more": 0}
    assert found["featured"] == 0
    assert found["total"] == 1


def test_deck_and_session_counts_leave_out_their_own_filter_only(facilitator_client, archive):
    first, second = archive
    by_deck = counted(facilitator_client, deck=first.deck_id)
    assert by_deck["deck"] == {str(first.deck_id): 2, str(second.deck_id): 1}
    assert by_deck["session"] == {str(first.pk): 2}
    assert by_deck["valence"] == {"valued": 2, "frustrated": 0, "mixed": 0}
    assert by_deck["total"] == 2
    by_session = counted(facilitator_client, session=second.pk, featured="1")
    assert by_session["deck"] == {}  # the second session's one story is not featured
    # The chosen session stays among the options, at 0, so the form keeps it.
    assert by_session["session"] == {str(first.pk): 1, str(second.pk): 0}
    assert by_session["featured"] == 0  # nor is it featured, of the stories of that session
    assert by_session["total"] == 0


def test_a_search_counts_only_the_matching_stories(facilitator_client, archive):
    found = counted(facilitator_client, q="hotel")
    assert found["valence"] == {"valued": 1, "frustrated": 1, "mixed": 0}
    assert found["tag"] == {"loyalty": 2, "waiting": 1}
    assert found["total"] == 2


def test_the_hidden_stories_view_counts_hidden_stories_for_those_who_may_see_them(
    curator_client, other_client, archive
):
    found = counted(curator_client, hidden="1")
    assert found["valence"] == {"valued": 1, "frustrated": 0, "mixed": 0}
    assert found["tag"] == {"zq-unseen": 1}
    assert found["total"] == 1
    # Someone who runs no session sees no hidden story, and no count of one.
    assert counted(other_client, hidden="1")["total"] == 0


def test_stories_nobody_may_read_are_never_counted_or_named(
    facilitator_client, curator_client, archive
):
    for client in [facilitator_client, curator_client]:
        page = client.get(COUNTS, headers=HTMX).content.decode()
        assert "zq-unseen" not in page
        assert 'id="level-be_more"' in page
        assert 'for="level-be_more"' in page
        assert counted(client)["level"]["be_more"] == 0
        assert counted(client)["source"]["link"] == 0


def test_an_anonymous_storys_name_is_nowhere_in_the_counts(
    share, curator_client, session_with_memory
):
    share("The optician stayed late for me.", consent="anonymous", name=SECRET_NAME)
    for headers in [HTMX, {}]:
        page = curator_client.get(COUNTS, headers=headers).content.decode()
        assert SECRET_NAME not in page
    assert counted(curator_client)["session"] == {str(session_with_memory.pk): 1}


def test_htmx_gets_the_filter_panel_and_the_total_beside_the_results(facilitator_client, archive):
    response = facilitator_client.get(COUNTS, {"valence": "valued"}, headers=HTMX)
    page = response.content.decode()
    assert "<html" not in page
    assert page.count('id="facets"') == 1
    assert 'id="valence-frustrated"' in page
    assert '<span id="archive-total" hx-swap-oob="true">2 stories in all.</span>' in page
    assert "HX-Request" in response["Vary"]


def test_without_javascript_the_counts_route_is_the_whole_archive_page(facilitator_client, archive):
    response = facilitator_client.get(COUNTS, {"tag": "loyalty"})
    page = response.content.decode()
    assert "<html" in page
    assert 'id="id_q"' in page
    assert len(response.context["page"].object_list) == 2
    assert 'id="tag-waiting"' in page
    assert '<span id="archive-total">2 stories in all.</span>' in page
    assert 'hx-trigger="load"' not in page  # the counts are there already


def test_the_counts_take_a_few_queries_whatever_the_filters(
    facilitator_client, archive, django_assert_max_num_queries
):
    first, _second = archive
    for params in [{}, {"valence": "valued", "tag": "waiting", "deck": first.deck_id, "q": "x"}]:
        # The user, whether they run sessions (may see hidden ones), the grouped pass, its
        # sessions' decks, the titles of those shown, the decks' titles, tags and their names,
        # credits; the session and taggit's content type unless they come from their caches.
        with django_assert_max_num_queries(11):
            facilitator_client.get(COUNTS, params, headers=HTMX)


@pytest.mark.parametrize(
    "params",
    [
        {"valence": "angry"},
        {"session": "9" * 40},
        {"deck": "-1"},
        {"credit": "ana"},
        {"tag": "no\x00tag"},
        {"q": "hotel\x00", "date_from": "yesterday"},
        {"date_from": "2030-01-02", "date_to": "2030-01-01"},
        {"page": "x" * 500},
    ],
)
def test_a_bad_filter_is_explained_and_counted_without(facilitator_client, archive, params):
    response = facilitator_client.get(COUNTS, params, headers=HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    if set(params) != {"page"}:
        assert 'role="alert"' in page
    assert response.context["facets"]["total"] >= 0


def test_visitors_must_log_in_to_see_the_counts(client, archive):
    response = client.get(COUNTS, headers=HTMX)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"valence": "valued"},
        {"valence": "valued", "level": "moment", "featured": "1"},
        {"tag": "loyalty", "source": "session"},
        {"credit": "ana", "tag": "waiting"},
        {"credit": "ana", "valence": "frustrated", "q": "hotel"},
        {"deck": "first", "tag": "loyalty"},
        {"session": "second", "valence": "frustrated", "credit": "ana"},
    ],
)
def test_every_count_equals_counting_that_filters_stories_one_by_one(
    facilitator, facilitator_client, archive, filters
):
    """The counts equal, for every filter and value, the stories the archive lists with that
    value and the other filters (asked one by one, as the counts were before)."""
    first, second = archive
    ana = credited_story(people=["Ana Ruiz"], valence="frustrated", session=first, text="Hotel.")
    ana.tags.add("loyalty", "waiting")
    credited_story(people=["Ana Ruiz"], valence="valued", tags=["waiting"], source=Source.LINK)
    params = {
        name: {"first": first.deck_id, "second": second.pk, "ana": ana.credits.get().pk}.get(
            value, value
        )
        for name, value in filters.items()
    }
    found = counted(facilitator_client, **params)
    form = ArchiveFilterForm(params, user=facilitator)
    for name, field in [("valence", "valence"), ("level", "cx_level"), ("source", "source")]:
        stories = form.stories(without=name)
        assert found[name] == {
            value: stories.filter(**{field: value}).count() for value in found[name]
        }, name
    assert found["featured"] == form.stories(without="featured").filter(is_featured=True).count()
    for name, lookup in [("tag", "tags__slug"), ("credit", "credits"), ("session", "session")]:
        stories = form.stories(without=name).filter(**{f"{lookup}__isnull": False})
        expected = stories.values_list(lookup).annotate(n=Count("pk")).order_by()
        expected = {str(value): n for value, n in expected}
        if name in params:  # the chosen value stays an option, at 0 if no story is left
            expected.setdefault(str(params[name]), 0)
        assert found[name] == expected, name
    assert found["deck"] == {
        value: form.stories(without="deck").filter(session__deck=value).count()
        for value in found["deck"]
    }
    assert found["total"] == form.stories().count()
