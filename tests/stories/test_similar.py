"""Similar stories at the foot of a story's page: published ones only, never the story itself,
anonymous tellers unnamed, at a bounded cost."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stories import sharing, similar
from stories.models import Story
from tests.factories import StoryFactory

pytestmark = pytest.mark.django_db


def similar_section(client, story):
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    match = re.search(r'<section class="similar"[^>]*>(.*?)</section>', page, re.S)
    assert match
    return match.group(1)


def test_stories_sharing_the_rarer_words_are_shown_best_first(facilitator_client):
    story = StoryFactory(text="My suitcase was lost in Lisbon and the courier drove it home.")
    best = StoryFactory(text="A courier brought my lost suitcase back from Lisbon airport.")
    good = StoryFactory(text="The courier found my suitcase after two days.")
    StoryFactory(text="The baker gave my daughter a warm roll.")
    StoryFactory(text="Lisbon was sunny.")  # one shared word: not enough
    section = similar_section(facilitator_client, story)
    assert section.index(best.text) < section.index(good.text)
    assert "warm roll" not in section
    assert "Lisbon was sunny" not in section
    assert story.text not in section


def test_the_story_itself_and_unpublished_stories_are_never_shown(
    facilitator_client, curator_client
):
    story = StoryFactory(text="The courier carried my suitcase up five floors.")
    for status in [Story.Status.HIDDEN, Story.Status.PENDING, *Story.GONE]:
        StoryFactory(text=f"Courier and suitcase, {status} story.", status=status)
    shown = StoryFactory(text="A courier left my suitcase with a neighbour.")
    for client in [facilitator_client, curator_client]:
        section = similar_section(client, story)
        assert shown.text in section
        assert "story." not in section
    assert [found.pk for found in similar.similar_to(story)] == [shown.pk]


def test_anonymous_tellers_stay_unnamed_among_similar_stories(facilitator_client):
    story = StoryFactory(text="The courier carried my suitcase up five floors.")
    StoryFactory(text="A courier left my suitcase with a neighbour.", author_name="")
    StoryFactory(text="The courier found my suitcase.", author_name="Bruno")
    section = similar_section(facilitator_client, story)
    assert "Anonymous" in section
    assert "Bruno" in section
    assert section.count('class="story-meta__author"') == 2


def test_a_story_like_no_other_says_so(facilitator_client):
    story = StoryFactory(text="A glassblower mended my grandmother's vase.")
    StoryFactory(text="The train was late again.")
    assert "No published story shares enough" in similar_section(facilitator_client, story)


def test_words_too_common_to_tell_stories_apart_are_left_out(monkeypatch):
    monkeypatch.setattr(similar, "COMMON", 2)
    story = StoryFactory(text="Friendly courier, friendly suitcase help.")
    for n in range(3):
        StoryFactory(text=f"Friendly courier number {n}.")
    rare = StoryFactory(text="Suitcase help desk.")
    assert [found.pk for found in similar.similar_to(story)] == [rare.pk]


def test_at_most_a_few_stories_for_a_bounded_number_of_queries(facilitator_client):
    text = "The courier carried my suitcase up five floors to my flat."

    def queries(story):
        with CaptureQueriesContext(connection) as context:
            section = similar_section(facilitator_client, story)
        return len(context.captured_queries), section

    StoryFactory.create_batch(2, text="A courier carried the suitcase.", tags=["travel"])
    queries(StoryFactory(text=text))  # fills Django's once-a-process caches (content types)
    few, _section = queries(StoryFactory(text=text))
    StoryFactory.create_batch(30, text="A courier carried the suitcase.", tags=["travel"])
    many, section = queries(StoryFactory(text=text))
    assert many == few
    assert section.count("<li") == similar.SHOWN


def test_a_story_withdrawn_or_hidden_after_the_choice_was_kept_drops_out_at_once(
    facilitator_client, curator
):
    story = StoryFactory(text="The courier carried my suitcase up five floors.")
    withdrawn = StoryFactory(text="A courier left my suitcase with a neighbour.")
    hidden = StoryFactory(text="The courier found my suitcase in the rain.")
    section = similar_section(facilitator_client, story)
    assert withdrawn.text in section
    assert hidden.text in section
    sharing.withdraw(withdrawn)
    sharing.hide(hidden, True, by=curator)
    section = similar_section(facilitator_client, story)
    assert "neighbour" not in section
    assert "in the rain" not in section
    assert "No published story shares enough" in section


def test_the_choice_is_kept_so_the_words_are_looked_up_once(facilitator_client):
    story = StoryFactory(text="The courier carried my suitcase up five floors.")
    StoryFactory(text="A courier left my suitcase with a neighbour.")
    with CaptureQueriesContext(connection) as first:
        similar.similar_to(story)
    with CaptureQueriesContext(connection) as again:
        assert len(similar.similar_to(story)) == 1
    assert len(again.captured_queries) < len(first.captured_queries)
    assert not any(
        "MATCH" in query["sql"] or "@@" in query["sql"] for query in again.captured_queries
    )
