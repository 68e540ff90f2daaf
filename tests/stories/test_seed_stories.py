"""The development archive: `manage.py seed_stories` makes believable, searchable stories."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from sessions.models import LiveSession
from stories import search
from stories.models import Story

pytestmark = pytest.mark.django_db


# The command's clock: the one it failed at when sessions were dated "now minus up to 12 hours",
# either end of a leap day, and the date line seen from both sides.
CLOCKS = [
    ("2026-11-24T04:20:00+00:00", "UTC"),
    ("2028-02-29T00:30:00+00:00", "UTC"),
    ("2028-02-29T23:30:00+00:00", "UTC"),
    ("2028-02-29T10:30:00+00:00", "Pacific/Kiritimati"),  # 00:30 on 1 March there
    ("2028-03-01T09:30:00+00:00", "America/Adak"),  # 23:30 on 29 February there
]


@pytest.mark.parametrize(("clock", "zone"), CLOCKS)
def test_seed_stories_adds_the_number_asked_spread_over_time_and_searchable(
    clock, zone, settings, time_machine
):
    settings.TIME_ZONE = zone
    time_machine.move_to(clock, tick=False)
    call_command("seed_stories", count=120, batch=50, seed=7, stdout=None)
    stories = Story.objects.all()
    assert stories.count() == 120
    assert stories.filter(author_name="").exists()
    assert stories.exclude(author_name="").exists()
    # Stories are told during their session, on the day it ran, in the past; sessions
    # spread over two years.
    sessions = LiveSession.objects.filter(stories__isnull=False).distinct()
    for session in sessions:
        day = timezone.localdate(session.created_at)
        assert timezone.localdate(session.ended_at) == day
        for story in session.stories.all():
            assert timezone.localdate(story.created_at) == day
            assert session.created_at <= story.created_at <= session.ended_at
    assert max(session.ended_at for session in sessions) < timezone.now()
    days = {timezone.localdate(session.created_at) for session in sessions}
    assert len(sessions) > 1
    assert (max(days) - min(days)).days > 30
    assert stories.filter(session__isnull=False).count() == 120
    assert (
        search.matching(stories, "customers").exists()
        or search.matching(stories, "waiting").exists()
    )


def test_seed_stories_refuses_a_count_below_one():
    with pytest.raises(CommandError):
        call_command("seed_stories", count=0)
