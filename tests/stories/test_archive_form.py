"""The archive's filter form holds every filter in use from its first response.

The counts beside the filters come later (stories:archive-counts); the inputs must not wait
for them: a search typed before they arrive, or the form sent without JavaScript, keeps
every filter."""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from stories.models import Source, Story
from tests.factories import StoryFactory, credited_story
from tests.live_sessions.conftest import start_session

pytestmark = pytest.mark.django_db

ARCHIVE = reverse("stories:archive")
COUNTS = reverse("stories:archive-counts")


class FormValues(HTMLParser):
    """What a browser sends when the archive's filter form is submitted as it stands: the
    named inputs with a value, radios and check boxes only when checked."""

    def __init__(self):
        super().__init__()
        self.in_form = False
        self.sent = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "archive-filters":
            self.in_form = True
        if not self.in_form or tag != "input" or not attrs.get("name"):
            return
        if attrs.get("type") in ("radio", "checkbox") and "checked" not in attrs:
            return
        if attrs.get("value"):
            self.sent.append((attrs["name"], attrs["value"]))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def submitted(response):
    assert response.status_code == 200
    parser = FormValues()
    parser.feed(response.content.decode())
    return dict(parser.sent)


@pytest.fixture
def hidden_story(curator):
    """A hidden story that every filter selects, and a published twin that none but the
    hidden flag leaves out."""
    session = start_session(curator)
    fields = {
        "text": "The courier waited in the rain until I got home.",
        "valence": "valued",
        "cx_level": Story.CxLevel.MOMENT,
        "session": session,
        "tags": ["waiting"],
        "is_featured": True,
        "source": Source.SESSION,
        "created_at": timezone.now() - datetime.timedelta(days=2),
    }
    story = credited_story(people=["Dana"], status=Story.Status.HIDDEN, **fields)
    credited_story(people=["Dana"], **fields)
    return story


def every_filter(story):
    today = timezone.localdate()
    return {
        "q": "courier",
        "valence": "valued",
        "level": Story.CxLevel.MOMENT,
        "tag": "waiting",
        "featured": "1",
        "hidden": "1",
        "source": Source.SESSION,
        "deck": str(story.session.deck_id),
        "session": str(story.session_id),
        "credit": str(story.credits.get().pk),
        "date_from": (today - datetime.timedelta(days=7)).isoformat(),
        "date_to": today.isoformat(),
    }


def test_the_first_response_holds_every_filter_in_use_before_any_count(
    curator_client, hidden_story, django_assert_max_num_queries
):
    params = every_filter(hidden_story)
    with django_assert_max_num_queries(8):
        response = curator_client.get(ARCHIVE, params)
    assert [story.pk for story in response.context["page"].object_list] == [hidden_story.pk]
    assert submitted(response) == params
    # No number yet: they come from the counts route.
    assert 'class="count"' not in response.content.decode()
    assert response.context["facets"]["total"] is None


@pytest.mark.parametrize(
    "name", ["valence", "level", "tag", "featured", "hidden", "source", "deck", "session",
             "credit", "date_from", "date_to"]
)  # fmt: skip
def test_each_filter_alone_is_in_the_first_response(curator_client, hidden_story, name):
    params = {name: every_filter(hidden_story)[name]}
    assert submitted(curator_client.get(ARCHIVE, params)) == params


def test_the_form_sent_without_javascript_keeps_every_filter(curator_client, hidden_story):
    """Typing a new search and pressing Search, with no script: the browser sends the form
    as the first response rendered it, with the new words."""
    first = curator_client.get(ARCHIVE, every_filter(hidden_story))
    sent = submitted(first) | {"q": "rain"}
    again = curator_client.get(ARCHIVE, sent)
    assert [story.pk for story in again.context["page"].object_list] == [hidden_story.pk]
    assert submitted(again) == sent
    # Without the hidden flag it would have been the published twin.
    twin = curator_client.get(ARCHIVE, {**sent, "hidden": ""})
    assert hidden_story.pk not in [story.pk for story in twin.context["page"].object_list]


def test_the_counts_keep_every_filter_in_the_form_too(curator_client, hidden_story):
    params = every_filter(hidden_story)
    with_counts = curator_client.get(COUNTS, params)
    assert submitted(with_counts) == params
    fragment = curator_client.get(COUNTS, params, headers={"HX-Request": "true"})
    # The panel htmx swaps in holds the same filters (the search box is outside it).
    assert submitted_fragment(fragment) == {k: v for k, v in params.items() if k != "q"}


def submitted_fragment(response):
    parser = FormValues()
    parser.in_form = True
    parser.feed(response.content.decode())
    return dict(parser.sent)


def test_a_chosen_deck_with_no_story_left_stays_in_the_form(facilitator_client, facilitator):
    """A deck or session the counts cannot list (no story in it) is kept, checked, so the
    next search does not drop it silently."""
    empty = start_session(facilitator)
    StoryFactory()
    params = {"deck": str(empty.deck_id), "session": str(empty.pk)}
    assert submitted(facilitator_client.get(ARCHIVE, params)) == params
    counted = facilitator_client.get(COUNTS, params)
    assert submitted(counted) == params
    assert counted.context["facets"]["deck"].selected.count == 0


def test_a_staff_flag_is_no_input_for_those_who_may_not_use_it(facilitator_client):
    StoryFactory()
    page = facilitator_client.get(ARCHIVE, {"hidden": "1"}).content.decode()
    assert 'name="hidden"' not in page
