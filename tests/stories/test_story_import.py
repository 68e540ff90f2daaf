"""Importing stories from CSV and JSON: every row checked, all saved or none, each problem with
its row; the archive's own export reads back in as it is, anonymous tellers included."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from stories.models import Source, Story
from tests.factories import StoryFactory
from tests.stories.conftest import SECRET_NAME

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    "memory,question,author,feeling,cx_level,tags,people,teams,shared_at,consent,consent_note\n"
    '"The nurse stayed past her shift.",What made you feel valued?,Ana Ruiz,valued,moment,'
    '"care, night",Maya Chen,Night shift,2025-03-04,named,Interview 3 May\n'
    f'"The refund took nine weeks.",,{SECRET_NAME},frustrated,,billing,,,'
    "2025-03-05T09:30:00+01:00,anonymous,Survey answer\n"
)


def upload(browser, content, name="stories.csv"):
    data = content.encode() if isinstance(content, str) else content
    file = SimpleUploadedFile(name, data, content_type="text/plain")
    return browser.post(reverse("stories:story-import"), {"file": file})


def test_a_good_csv_file_publishes_every_story_with_who_imported_it(curator_client, curator):
    response = upload(curator_client, GOOD_CSV)
    assert response.status_code == 302
    named, anonymous = Story.objects.order_by("created_at")
    assert {named.status, anonymous.status} == {Story.Status.VISIBLE}
    assert {named.source, anonymous.source} == {Source.IMPORT}
    assert named.added_by == anonymous.added_by == curator
    assert (named.author_name, named.prompt, named.valence, named.cx_level) == (
        "Ana Ruiz",
        "What made you feel valued?",
        "valued",
        "moment",
    )
    assert sorted(named.tags.names()) == ["care", "night"]
    assert sorted(named.credits.values_list("name", flat=True)) == ["Maya Chen", "Night shift"]
    assert named.consent_note == "Interview 3 May"
    assert timezone.localtime(named.created_at).date() == datetime.date(2025, 3, 4)
    assert anonymous.created_at == datetime.datetime(2025, 3, 5, 8, 30, tzinfo=datetime.UTC)
    assert anonymous.author_name == ""
    archive = curator_client.get(reverse("stories:archive")).content.decode()
    assert "The nurse stayed past her shift." in archive
    assert SECRET_NAME not in archive
    page = curator_client.get(named.get_absolute_url()).content.decode()
    assert f"Imported by {curator.get_short_name()}" in page


def test_a_story_without_a_date_is_shared_now(curator_client):
    before = timezone.now()
    upload(curator_client, "memory,consent\nThe bus driver waited.,anonymous\n")
    assert Story.objects.get().created_at >= before


def test_a_broken_file_saves_nothing_and_lists_each_problem_by_row(curator_client):
    content = (
        "memory,author,feeling,shared_at,consent\n"
        "Fine story,Ana,valued,,named\n"
        ",Ana,valued,,named\n"
        "Another,,ecstatic,,named\n"
        "Third,Bo,valued,last tuesday,maybe\n"
    )
    response = upload(curator_client, content)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Row 3: the memory is empty." in page
    assert "Row 4: the feeling “ecstatic” is unknown" in page
    assert "Row 4, author: the consent is “named” but there is no author." in page
    assert "Row 5: the date “shared_at” is not an ISO date" in page
    assert "Row 5: the consent “maybe” is unknown" in page
    assert not Story.objects.exists()


@pytest.mark.parametrize(
    "content, problem",
    [
        ("", "The submitted file is empty."),
        ("\n", "Row 1 must name the columns"),
        ("question,author\nWhat?,Ana\n", "with at least “memory” and “consent”"),
        ("memory,consent,colour\nA,named\n", "Row 1: unknown column “colour”"),
        ("memory,consent\nA,anonymous,extra\n", "Row 2 has 3 values but the header names 2"),
        ("memory,consent\n", "There are no stories in it."),
        ('memory,consent\n"unclosed,named\n', "The CSV file cannot be read"),
        ("memory,consent\n" + "x" * 5001 + ",anonymous\n", "Row 2: the memory is 5001"),
        ("memory,consent\nA\x00B,anonymous\n", "Null characters are not allowed."),
        ("memory,consent,tags\nA,anonymous," + "t" * 101 + "\n", "a tag is longer than"),
    ],
)
def test_broken_csv_files_get_messages(curator_client, content, problem):
    response = upload(curator_client, content)
    assert response.status_code == 400
    assert problem in response.content.decode()
    assert not Story.objects.exists()


def test_too_many_rows_or_too_big_a_file_is_refused(curator_client, settings):
    settings.STORY_IMPORT_MAX_ROWS = 2
    rows = "".join(f"Story {n},anonymous\n" for n in range(3))
    response = upload(curator_client, "memory,consent\n" + rows)
    assert "It has 3 stories; an import takes at most 2." in response.content.decode()
    settings.STORY_IMPORT_MAX_BYTES = 100
    response = upload(curator_client, "memory,consent\n" + "x" * 200 + ",anonymous\n")
    assert "the limit is 100" in response.content.decode()
    assert not Story.objects.exists()


def test_a_file_that_is_not_utf8_or_not_csv_or_json_is_refused(curator_client):
    assert "not UTF-8" in upload(curator_client, b"\xff\xfe\x00m").content.decode()
    response = upload(curator_client, GOOD_CSV, name="stories.xlsx")
    assert "is not a .csv or .json file" in response.content.decode()
    assert not Story.objects.exists()


def test_the_archives_own_export_reads_back_in(curator_client, facilitator):
    StoryFactory(text="The florist kept my order.", author_name="Cy", tags=["flowers"])
    StoryFactory(text="Nobody called back.", author_name="", valence="frustrated")
    for file_format, name in (("json", "stories.json"), ("csv", "stories.csv")):
        exported = curator_client.get(reverse("stories:archive-export", args=[file_format]))
        Story.objects.all().delete()
        response = upload(curator_client, exported.content, name=name)
        assert response.status_code == 302, file_format
        florist = Story.objects.get(text="The florist kept my order.")
        assert (florist.author_name, list(florist.tags.names())) == ("Cy", ["flowers"])
        # The anonymous teller stays anonymous: the export's "Anonymous" is not read as a name.
        called = Story.objects.get(text="Nobody called back.")
        assert (called.author_name, called.valence) == ("", "frustrated")


def test_a_json_list_of_stories_is_read_with_lists_of_names(curator_client):
    stories = [
        {
            "memory": "The driver carried the boxes upstairs.",
            "consent": "named",
            "author": "Dee",
            "people": ["Ola", "Pim"],
            "teams": "Deliveries",
            "tags": ["moving"],
        }
    ]
    assert upload(curator_client, json.dumps(stories), name="s.json").status_code == 302
    story = Story.objects.get()
    assert sorted(story.credits.values_list("name", flat=True)) == ["Deliveries", "Ola", "Pim"]


@pytest.mark.parametrize(
    "content, problem",
    [
        ("{", "The file is not valid JSON"),
        ('{"stories": 3}', "The file holds no list of stories"),
        ('{"stories": [3]}', "Story 1 is not an object."),
        ('{"stories": [{"memory": 3, "consent": "named"}]}', "“memory” must be text, not a number"),
        ('{"stories": [{"memory": "a", "consent": "anonymous", "tags": [1]}]}', "must be text"),
        ('{"stories": [{"memory": "a"}]}', "Story 1: the consent is empty"),
        ('{"stories": [{"memory": "\\ud800", "consent": "named"}]}', "is not a character"),
        ("[" * 100_000, "nests lists or objects too deeply"),
        ('{"stories": [{"memory": "a", "n": 1' + "0" * 30 + "}]}", "31 digits long"),
        ("[]", "There are no stories in it."),
    ],
)
def test_broken_json_files_get_messages(curator_client, content, problem):
    response = upload(curator_client, content, name="stories.json")
    assert response.status_code == 400
    assert problem in response.content.decode()
    assert not Story.objects.exists()


def test_facilitators_cannot_import(facilitator_client):
    response = upload(facilitator_client, GOOD_CSV)
    assert response.status_code == 302 and "/login/" in response.url
    assert not Story.objects.exists()
