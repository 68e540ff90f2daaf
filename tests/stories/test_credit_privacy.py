"""Credits in exports, and named nowhere beside a story that is not published.

One sweep opens every page and file that lists stories, credits or digests, as a facilitator,
another facilitator and staff: a hidden, pending or withdrawn story's credits appear in none
(staff alone find them in the story's own curation form, to moderate it).
"""

import csv
import email
import io
import json

import pytest
from django.urls import reverse

from stories.models import Credit, Digest, Source, Story
from tests.factories import credited_story
from tests.live_sessions.conftest import start_session

pytestmark = pytest.mark.django_db

UNSEEN = {
    Story.Status.HIDDEN: "Zq Hidden Hal",
    Story.Status.PENDING: "Zq Pending Pat",
    Story.Status.WITHDRAWN: "Zq Withdrawn Wim",
}


def export(client, file_format, **filters):
    response = client.get(reverse("stories:archive-export", args=[file_format]), filters)
    assert response.status_code == 200
    return response.content.decode()


def test_the_exports_have_people_and_teams_columns(facilitator_client):
    credited_story(
        people=["Bo Lind", "Ana Ruiz"], teams=["Night shift"], text="Credited.", source=Source.HAND
    )
    credited_story(text="Nobody credited.")
    rows = {
        row["memory"]: row for row in csv.DictReader(io.StringIO(export(facilitator_client, "csv")))
    }
    assert rows["Credited."]["people"] == "Ana Ruiz, Bo Lind"
    assert rows["Credited."]["teams"] == "Night shift"
    assert rows["Nobody credited."]["people"] == rows["Nobody credited."]["teams"] == ""
    stories = json.loads(export(facilitator_client, "json"))["stories"]
    credited = next(story for story in stories if story["memory"] == "Credited.")
    assert (credited["people"], credited["teams"]) == (["Ana Ruiz", "Bo Lind"], ["Night shift"])


def test_a_name_that_looks_like_a_formula_is_kept_inert_in_the_csv(facilitator_client):
    credited_story(people=['=HYPERLINK("http://evil.example")'], text="Formula.")
    row = next(csv.DictReader(io.StringIO(export(facilitator_client, "csv"))))
    assert not row["people"].startswith("=")
    assert "HYPERLINK" in row["people"]


@pytest.fixture
def archive(facilitator):
    """A published story crediting Ana and the night shift; hidden (in the facilitator's own
    session), pending and withdrawn stories crediting them too and someone of their own each;
    a digest holding them all."""
    session = start_session(facilitator)
    published = credited_story(people=["Ana Ruiz"], teams=["Night shift"], text="Published.")
    unpublished = {
        status: credited_story(
            people=["Ana Ruiz", name],
            teams=["Night shift", f"{name} team"],
            status=status,
            session=session,
            text=f"The {status} story." if status != Story.Status.WITHDRAWN else "",
        )
        for status, name in UNSEEN.items()
    }
    digest = Digest.objects.create(title="This week", created_by=facilitator)
    digest.stories.add(published, *unpublished.values())
    return published, unpublished, digest


def pages(published, unpublished, digest):
    urls = [
        reverse("stories:archive"),
        reverse("stories:archive") + "?hidden=1",
        reverse("stories:archive") + "?q=story",
        reverse("stories:archive") + "?source=session",
        reverse("stories:insights"),
        reverse("stories:credit-list"),
        reverse("stories:credit-detail", args=["person", "ana-ruiz"]),
        reverse("stories:credit-detail", args=["team", "night-shift"]),
        published.get_absolute_url(),
        reverse("stories:archive-export", args=["csv"]),
        reverse("stories:archive-export", args=["json"]),
        reverse("stories:archive-export", args=["json"]) + "?hidden=1",
        reverse("stories:digest-list"),
        digest.get_absolute_url(),
        reverse("stories:digest-edit", args=[digest.pk]),
        reverse("stories:digest-newsletter", args=[digest.pk]),
        reverse("stories:digest-download", args=[digest.pk, "md"]),
    ]
    for name in UNSEEN.values():
        credit = Credit.objects.get(name=name)
        urls.append(reverse("stories:archive") + f"?credit={credit.pk}")
        urls.append(reverse("stories:archive-export", args=["csv"]) + f"?credit={credit.pk}")
    return urls


def test_no_page_or_file_names_an_unpublished_storys_credits(
    archive, facilitator_client, other_client, curator_client
):
    published, unpublished, digest = archive
    for client in [facilitator_client, other_client, curator_client]:
        for url in pages(published, unpublished, digest):
            response = client.get(url)
            assert response.status_code in (200, 403), (url, response.status_code)
            for name in UNSEEN.values():
                assert name not in response.content.decode(), (url, name)
        eml = client.get(reverse("stories:digest-download", args=[digest.pk, "eml"])).content
        for part in email.message_from_bytes(eml).walk():
            if not part.is_multipart():
                body = part.get_payload(decode=True).decode()
                assert "Ana Ruiz" in body
                assert not any(name in body for name in UNSEEN.values())
        for name in UNSEEN.values():
            for credit in Credit.objects.filter(name__startswith=name):
                assert client.get(credit.get_absolute_url()).status_code == 404


def test_the_published_story_still_names_its_credits_counted_once(archive, facilitator_client):
    response = facilitator_client.get(reverse("stories:credit-list"))
    assert [(credit.label, credit.n) for credit in response.context["page"].object_list] == [
        ("Ana Ruiz", 1),
        ("Night shift (team)", 1),
    ]


def test_an_unpublished_story_page_names_its_credits_to_staff_only_in_its_curation_form(
    archive, facilitator_client, curator_client
):
    _published, unpublished, _digest = archive
    hidden = unpublished[Story.Status.HIDDEN]
    page = facilitator_client.get(hidden.get_absolute_url()).content.decode()
    assert "The hidden story." in page  # the session's facilitator moderates it
    assert "Zq Hidden Hal" not in page
    for story in [hidden, unpublished[Story.Status.PENDING]]:
        page = curator_client.get(story.get_absolute_url()).content.decode()
        name = UNSEEN[story.status]
        assert "Made it happen" not in page
        assert f'value="Ana Ruiz, {name}"' in page
        assert page.count(name) == 2  # people, and the team named after them
