"""The archive dates a story by the day it was shared where the workshop is, in every form."""

import datetime

import pytest
from django.urls import reverse
from django.utils import formats

from sessions.models import LiveSession
from stories.models import Digest
from tests.factories import StoryFactory
from tests.live_sessions.conftest import start_session

pytestmark = pytest.mark.django_db

# 23:30 on 29 February in Adak is already 1 March in UTC.
SHARED = datetime.datetime(2028, 3, 1, 9, 30, tzinfo=datetime.UTC)


def test_a_digests_files_date_a_story_as_its_page_does(settings, facilitator, facilitator_client):
    settings.TIME_ZONE = "America/Adak"
    story = StoryFactory(text="The optician stayed late.", created_at=SHARED)
    digest = Digest.objects.create(title="Week 9", created_by=facilitator)
    digest.stories.add(story)
    shown = formats.date_format(datetime.date(2028, 2, 29))
    assert shown in facilitator_client.get(story.get_absolute_url()).content.decode()
    for file_format in ["md", "eml"]:
        url = reverse("stories:digest-download", args=[digest.pk, file_format])
        text = facilitator_client.get(url).content.decode()
        assert shown in text
        assert formats.date_format(datetime.date(2028, 3, 1)) not in text


def test_the_archives_session_filter_names_the_day_the_session_ran(
    settings, facilitator, facilitator_client
):
    settings.TIME_ZONE = "America/Adak"
    session = start_session(facilitator, title="Kick-off")
    LiveSession.objects.filter(pk=session.pk).update(created_at=SHARED)
    StoryFactory(session=session, created_at=SHARED)
    page = facilitator_client.get(reverse("stories:archive-counts")).content.decode()
    assert (
        f"Kick-off ({formats.date_format(datetime.date(2028, 2, 29), 'SHORT_DATE_FORMAT')})" in page
    )
