"""The development archive: `manage.py seed_stories` makes believable, searchable stories."""

import pytest
from django.core.management import CommandError, call_command

from stories import search
from stories.models import Story

pytestmark = pytest.mark.django_db


def test_seed_stories_adds_the_number_asked_spread_over_time_and_searchable():
    call_command("seed_stories", count=120, batch=50, seed=7, stdout=None)
    stories = Story.objects.all()
    assert stories.count() == 120
    assert stories.filter(author_name="").exists()
    assert stories.exclude(author_name="").exists()
    # Stories are told on the day of their session, and sessions spread over two years.
    days = {story.created_at.date() for story in stories}
    assert len(days) == stories.values("session").distinct().count() > 1
    assert (max(days) - min(days)).days > 30
    assert stories.filter(session__isnull=False).count() == 120
    assert (
        search.matching(stories, "customers").exists()
        or search.matching(stories, "waiting").exists()
    )


def test_seed_stories_refuses_a_count_below_one():
    with pytest.raises(CommandError):
        call_command("seed_stories", count=0)
