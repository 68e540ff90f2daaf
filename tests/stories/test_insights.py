"""The insights page: charts drawn on the server, each with words for those who cannot see it."""

import re

import pytest
from django.urls import reverse

from stories.models import Story
from tests.factories import StoryFactory

pytestmark = pytest.mark.django_db

INSIGHTS = reverse("stories:insights")


def chart(page, slug):
    match = re.search(
        rf'<section class="chart" aria-labelledby="chart-{slug}-title">(.*?)</section>', page, re.S
    )
    assert match, slug
    return match.group(1)


def test_each_chart_is_an_svg_with_a_title_and_a_text_alternative(facilitator_client):
    StoryFactory.create_batch(3, valence="valued")
    StoryFactory(valence="frustrated")
    page = facilitator_client.get(INSIGHTS).content.decode()
    for slug in ["over-time", "valence", "level", "tags", "prompts"]:
        svg = chart(page, slug)
        assert 'role="img"' in svg
        assert f'<title id="chart-{slug}-svgtitle">' in svg
        assert f'<desc id="chart-{slug}-desc">' in svg
        assert "<table>" in svg
        assert "<script" not in svg


def test_the_feelings_chart_counts_the_stories(facilitator_client):
    StoryFactory.create_batch(3, valence="valued")
    StoryFactory(valence="frustrated")
    valence = chart(facilitator_client.get(INSIGHTS).content.decode(), "valence")
    assert "Made me feel valued: 3 (75%); Left me frustrated: 1 (25%); Mixed: 0 (0%)." in valence
    assert '<th scope="row">Made me feel valued</th><td>3</td><td>75%</td>' in valence


def test_top_tags_and_questions_are_ranked(facilitator_client):
    StoryFactory.create_batch(2, tags=["loyalty"], prompt="Which brand do you love?")
    StoryFactory(tags=["waiting"], prompt="When did you wait?")
    page = facilitator_client.get(INSIGHTS).content.decode()
    tags = chart(page, "tags")
    assert tags.index("loyalty") < tags.index("waiting")
    prompts = chart(page, "prompts")
    assert prompts.index("Which brand do you love?") < prompts.index("When did you wait?")


def test_this_months_stories_are_in_the_last_column(facilitator_client):
    StoryFactory.create_batch(2)
    over_time = chart(facilitator_client.get(INSIGHTS).content.decode(), "over-time")
    assert "2 stories in the last 12 months" in over_time


def test_insights_follow_the_archive_filters_and_leave_hidden_stories_out(facilitator_client):
    StoryFactory.create_batch(2, valence="valued", tags=["loyalty"])
    StoryFactory(valence="frustrated", tags=["waiting"])
    StoryFactory(valence="frustrated", status=Story.Status.HIDDEN)
    valence = chart(
        facilitator_client.get(INSIGHTS, {"tag": "loyalty"}).content.decode(), "valence"
    )
    assert "Made me feel valued: 2 (100%); Left me frustrated: 0 (0%)" in valence
    everything = chart(facilitator_client.get(INSIGHTS).content.decode(), "valence")
    assert "Left me frustrated: 1 (33%)" in everything
