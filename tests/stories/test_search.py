"""Full-text search over the archive, on whichever database the tests run on."""

import pytest
from django.db import connection
from django.urls import reverse

from stories import search
from stories.models import Story
from tests.factories import StoryFactory

CONFIRMED = {"understood": "on"}  # "I understand this cannot be undone"

pytestmark = pytest.mark.django_db


def found(facilitator_client, query, **filters):
    response = facilitator_client.get(reverse("stories:archive"), {"q": query, **filters})
    assert response.status_code == 200
    return [story.pk for story in response.context["page"].object_list]


def test_search_finds_a_story_by_another_form_of_the_word(facilitator_client):
    waited = StoryFactory(text="The nurse waited with me until my daughter arrived.")
    StoryFactory(text="The baker remembered my name.")
    assert found(facilitator_client, "waiting") == [waited.pk]


def test_search_needs_every_word(facilitator_client):
    both = StoryFactory(text="The pharmacist called me back the next morning.")
    StoryFactory(text="The pharmacist was rude.")
    assert found(facilitator_client, "pharmacist morning") == [both.pk]


def test_search_looks_in_the_question_and_in_who_they_would_share_it_with(facilitator_client):
    by_prompt = StoryFactory(prompt="When did an airline surprise you?")
    by_share = StoryFactory(share_with="Our airline partners, to learn from it.")
    StoryFactory()
    assert set(found(facilitator_client, "airline")) == {by_prompt.pk, by_share.pk}


def test_a_match_in_the_memory_ranks_above_a_match_in_the_question(facilitator_client):
    in_prompt = StoryFactory(prompt="Tell us about a hotel.", text="They upgraded my room.")
    in_text = StoryFactory(prompt="Any memory?", text="The hotel porter carried my bags home.")
    assert found(facilitator_client, "hotel") == [in_text.pk, in_prompt.pk]


def test_a_phrase_and_an_exclusion_narrow_the_search(facilitator_client):
    phrase = StoryFactory(text="The bike shop lent me a helmet.")
    words = StoryFactory(text="I shop online for my bike, the local shop was closed.")
    assert found(facilitator_client, '"bike shop"') == [phrase.pk]
    assert set(found(facilitator_client, "bike shop")) == {phrase.pk, words.pk}
    assert found(facilitator_client, "bike shop -closed") == [phrase.pk]


def test_the_match_is_highlighted_and_the_story_text_stays_escaped(facilitator_client):
    story = StoryFactory(text="<b>Bold</b> move: the courier rang twice. <script>alert(1)</script>")
    page = facilitator_client.get(reverse("stories:archive"), {"q": "courier"}).content.decode()
    assert "<mark>courier</mark>" in page
    assert "<b>Bold</b>" not in page
    assert "<script>alert(1)" not in page
    story_page = facilitator_client.get(story.get_absolute_url()).content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt;" in story_page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in story_page


def test_a_query_of_only_punctuation_lists_every_story(facilitator_client):
    stories = StoryFactory.create_batch(2)
    assert set(found(facilitator_client, '"" - ( * ')) == {story.pk for story in stories}


def test_search_combines_with_filters(facilitator_client):
    valued = StoryFactory(text="The garage lent me a car.", valence="valued")
    StoryFactory(text="The garage lost my keys.", valence="frustrated")
    assert found(facilitator_client, "garage", valence="valued") == [valued.pk]


def test_a_story_edited_by_its_author_is_found_by_its_new_words(facilitator_client):
    story = StoryFactory(text="The bakery was lovely.")
    story.text = "The florist was lovely."
    story.save()
    assert found(facilitator_client, "florist") == [story.pk]
    assert found(facilitator_client, "bakery") == []


def index_holds(word):
    """Whether the database's own full-text index still holds `word`, read at the storage level."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT block FROM stories_story_fts_data")
            return any(word.encode() in bytes(block or b"") for (block,) in cursor.fetchall())
        cursor.execute(
            "SELECT count(*) FROM stories_story WHERE "
            "(setweight(to_tsvector('english', coalesce(text, '')), 'A') || "
            "setweight(to_tsvector('english', coalesce(share_with, '')), 'B')) @@ to_tsquery(%s)",
            [word],
        )
        return cursor.fetchone()[0] > 0


def test_withdrawing_removes_the_text_from_the_database_and_the_index(share, client):
    answer = share("The zookeeper let my son feed the giraffes.", share_with="My zoologist aunt")
    assert index_holds("zookeep")
    participant = answer.participant
    client.post(reverse("stories:withdraw", args=[participant.token, answer.story.pk]), CONFIRMED)
    story = Story.objects.get()
    assert story.status == Story.Status.WITHDRAWN
    assert (story.text, story.share_with) == ("", "")
    answer.refresh_from_db()
    assert (answer.text, answer.share_with) == ("", "")
    assert not Story.objects.filter(text__icontains="giraffe").exists()
    assert not index_holds("zookeep")
    assert not index_holds("giraff")
    assert search.is_searchable("giraffes")
    assert not search.matching(Story.objects.all(), "giraffes").exists()
