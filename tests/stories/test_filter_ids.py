"""Archive filters naming a deck or a session by a number no row can have: the page says so,
the export refuses with a 400, and neither is a server error (SQLite cannot hold 2**63)."""

import pytest
from django.urls import reverse

from tests.factories import StoryFactory

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = [str(2**63), str(2**64), "9" * 20, "9" * 5000, "-1", "0", "x", "1.5"]


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize("name", ["deck", "session"])
@pytest.mark.parametrize("page", ["stories:archive", "stories:insights"])
def test_a_filter_id_that_cannot_exist_is_explained_on_the_page(
    facilitator_client, page, name, value
):
    StoryFactory(text="Kept in view")
    response = facilitator_client.get(reverse(page), {name: value})
    assert response.status_code == 200
    assert "This is not the number of anything here." in response.content.decode()


@pytest.mark.parametrize("page", ["stories:archive", "stories:insights"])
def test_a_filter_left_out_is_said_with_a_way_to_clear_the_filters(facilitator_client, page):
    StoryFactory(text="Kept in view")
    response = facilitator_client.get(reverse(page), {"session": "9" * 20})
    text = response.content.decode()
    assert "What you see below is not narrowed by this filter." in text
    assert f'<a href="{reverse(page)}">Clear the filters</a>' in text


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize("name", ["deck", "session"])
@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_an_export_with_a_filter_id_that_cannot_exist_is_refused(
    facilitator_client, file_format, name, value
):
    StoryFactory()
    url = reverse("stories:archive-export", args=[file_format])
    response = facilitator_client.get(url, {name: value})
    assert response.status_code == 400
    assert "This is not the number of anything here." in response.content.decode()


def test_the_largest_id_the_database_holds_is_a_filter_that_finds_nothing(facilitator_client):
    StoryFactory(text="Not in that session")
    url = reverse("stories:archive-export", args=["csv"])
    response = facilitator_client.get(url, {"session": str(2**63 - 1)})
    assert response.status_code == 200
    assert "Not in that session" not in response.content.decode()
