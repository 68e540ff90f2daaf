"""CSV and JSON exports of the archive: the current filters, published stories only, safe cells."""

import csv
import io
import json

import pytest
from django.urls import reverse

from stories import sharing
from stories.models import Story
from tests.factories import StoryFactory

pytestmark = pytest.mark.django_db


def export(client, file_format, **filters):
    response = client.get(reverse("stories:archive-export", args=[file_format]), filters)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return response.content.decode()


def csv_rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_export_follows_the_filters(facilitator_client):
    StoryFactory(text="Valued one", valence="valued", tags=["loyalty"])
    StoryFactory(text="Frustrated one", valence="frustrated")
    rows = csv_rows(export(facilitator_client, "csv", valence="valued"))
    assert [row["memory"] for row in rows] == ["Valued one"]
    assert rows[0]["tags"] == "loyalty"
    assert rows[0]["url"].startswith("http://testserver/stories/")


def test_the_json_export_follows_the_search(facilitator_client):
    StoryFactory(text="The cobbler fixed my boots.", author_name="")
    StoryFactory(text="The bank closed my account.")
    stories = json.loads(export(facilitator_client, "json", q="cobbler"))["stories"]
    assert [story["memory"] for story in stories] == ["The cobbler fixed my boots."]
    assert stories[0]["author"] == "Anonymous"


def test_hidden_and_withdrawn_stories_never_leave_in_an_export(curator_client):
    StoryFactory(text="Kept")
    StoryFactory(text="Hidden away", status=Story.Status.HIDDEN)
    sharing.withdraw(StoryFactory(text="Taken back"))
    for params in [{}, {"hidden": "1"}]:
        text = export(curator_client, "csv", **params) + export(curator_client, "json", **params)
        assert "Hidden away" not in text
        assert "Taken back" not in text
    assert [row["memory"] for row in csv_rows(export(curator_client, "csv"))] == ["Kept"]


@pytest.mark.parametrize(
    "payload", ['=HYPERLINK("http://evil.example","x")', "+1+2", "-2+3", "@SUM(A1)", "\t=1"]
)
def test_a_formula_in_a_story_reaches_the_spreadsheet_as_text(facilitator_client, payload):
    StoryFactory(text=payload, share_with=payload, author_name=payload[:60])
    row = csv_rows(export(facilitator_client, "csv"))[0]
    for column in ["memory", "share_with", "author"]:
        assert row[column].startswith("'"), column
        assert row[column][1:] == payload[: len(row[column]) - 1]
