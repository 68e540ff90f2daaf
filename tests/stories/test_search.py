"""Full-text search over the archive, on whichever database the tests run on."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

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


def exhaustive(query):
    """Every published match, ranked: what a search showed before ranking was bounded."""
    stories = search.matching(Story.objects.published(), query)
    return list(search.ranked(stories, query).values_list("pk", flat=True))


@pytest.fixture
def hotel_stories():
    """45 stories about hotels that rank differently: the word in the memory (once or twice),
    in who they would share it with, or only in the question; some on the same day."""
    stories = []
    for number in range(45):
        fields = [
            {"text": f"The hotel porter number {number} carried my bags."},
            {"text": f"The hotel, the hotel! Room {number} was ready early."},
            {"share_with": f"Every hotel manager, case {number}."},
            {"prompt": "Tell us about a hotel.", "text": f"They upgraded room {number}."},
        ][number % 4]
        created_at = timezone.now() - datetime.timedelta(days=number // 3)
        stories.append(StoryFactory(created_at=created_at, **fields))
    StoryFactory(text="The hotel hid this one.", status=Story.Status.HIDDEN)
    return stories


def test_under_the_bound_the_pages_are_the_exhaustive_ranking(facilitator_client, hotel_stories):
    assert len(hotel_stories) <= search.RANKED
    best_first = exhaustive("hotel")
    assert len(best_first) == 45
    pages = [found(facilitator_client, "hotel", page=number) for number in (1, 2, 3)]
    assert pages == [best_first[:20], best_first[20:40], best_first[40:]]


def test_over_the_bound_the_newest_matches_are_ranked_and_the_older_follow(
    facilitator_client, hotel_stories, monkeypatch
):
    monkeypatch.setattr(search, "RANKED", 10)
    newest_ten = sorted(story.pk for story in hotel_stories)[-10:]
    ranked_ten = [pk for pk in exhaustive("hotel") if pk in newest_ten]
    older = sorted(
        (story.pk for story in hotel_stories if story.pk not in newest_ten), reverse=True
    )
    pages = [found(facilitator_client, "hotel", page=number) for number in (1, 2, 3, 4)]
    assert pages[0] == ranked_ten + older[:10]
    assert pages[1] == older[10:30]
    assert pages[2] == older[30:]
    assert pages[3] == []
    # Every match is on one page or another, once.
    assert sorted(sum(pages, [])) == sorted(story.pk for story in hotel_stories)


def test_a_search_with_a_filter_ranks_only_the_stories_the_filter_keeps(
    facilitator_client, hotel_stories
):
    for story in hotel_stories[:6]:
        story.valence = "frustrated"
        story.save()
    best_first = [pk for pk in exhaustive("hotel") if pk in {s.pk for s in hotel_stories[:6]}]
    assert found(facilitator_client, "hotel", valence="frustrated") == best_first
