"""A session's exports carry the date it ran where the workshop is, not the date in UTC."""

import datetime

import pytest
from django.urls import reverse

from sessions.models import LiveSession

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("zone", "started", "day"),
    [
        # 00:30 on 1 March in Kiritimati is still 29 February in UTC.
        ("Pacific/Kiritimati", datetime.datetime(2028, 2, 29, 10, 30, tzinfo=UTC), "2028-03-01"),
        # 23:30 on 29 February in Adak is already 1 March in UTC.
        ("America/Adak", datetime.datetime(2028, 3, 1, 9, 30, tzinfo=UTC), "2028-02-29"),
    ],
)
def test_the_summary_exports_are_dated_the_day_the_session_ran_in_the_workshops_zone(
    zone, started, day, settings, live_session, facilitator_client
):
    settings.TIME_ZONE = zone
    LiveSession.objects.filter(pk=live_session.pk).update(created_at=started)
    for file_format in ["csv", "md"]:
        url = reverse("live_sessions:summary-export", args=[live_session.pk, file_format])
        response = facilitator_client.get(url)
        name = f"session-{live_session.join_code}-{day}.{file_format}"
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert f", {day}." in response.content.decode()
