"""The archive filtered by who made a story happen and by where it came from, with counts."""

import pytest
from django.urls import reverse

from stories.models import Credit, Source, Story
from tests.factories import StoryFactory, credited_story

pytestmark = pytest.mark.django_db

# Without htmx the counts route gives the whole archive page: the stories and the counts.
ARCHIVE = reverse("stories:archive-counts")


def credit(name):
    return Credit.objects.get(name=name)


def archive(client, **params):
    response = client.get(ARCHIVE, params)
    assert response.status_code == 200
    return response


def listed(client, **params):
    return [story.pk for story in archive(client, **params).context["page"].object_list]


def counts(response, facet):
    return {option.label: option.count for option in response.context["facets"][facet].options}


@pytest.fixture
def stories():
    """Ana and the night shift at the counter and on the phone; Bo once, imported."""
    return {
        "both": credited_story(people=["Ana Ruiz"], teams=["Night shift"], valence="valued"),
        "ana_link": credited_story(people=["Ana Ruiz"], valence="frustrated", source=Source.LINK),
        "team_hand": credited_story(teams=["Night shift"], valence="valued", source=Source.HAND),
        "bo_import": credited_story(people=["Bo Lind"], valence="valued", source=Source.IMPORT),
        "nobody": StoryFactory(valence="valued"),
    }


def test_the_archive_filters_by_a_credit(facilitator_client, stories):
    assert set(listed(facilitator_client, credit=credit("Ana Ruiz").pk)) == {
        stories["both"].pk,
        stories["ana_link"].pk,
    }
    assert set(listed(facilitator_client, credit=credit("Night shift").pk)) == {
        stories["both"].pk,
        stories["team_hand"].pk,
    }


def test_the_archive_filters_by_source(facilitator_client, stories):
    assert listed(facilitator_client, source="link") == [stories["ana_link"].pk]
    assert set(listed(facilitator_client, source="session")) == {
        stories["both"].pk,
        stories["nobody"].pk,
    }


def test_credit_source_and_feeling_filters_combine(facilitator_client, stories):
    ana = credit("Ana Ruiz").pk
    assert listed(facilitator_client, credit=ana, valence="valued") == [stories["both"].pk]
    assert listed(facilitator_client, credit=ana, source="link") == [stories["ana_link"].pk]
    assert listed(facilitator_client, credit=ana, source="import") == []
    team = credit("Night shift").pk
    assert listed(facilitator_client, credit=team, source="hand", valence="valued") == [
        stories["team_hand"].pk
    ]


def test_the_credit_filter_counts_each_credit_most_credited_first(facilitator_client, stories):
    response = archive(facilitator_client, valence="valued")
    # Among the valued stories: Ana once, the night shift twice, Bo once.
    assert counts(response, "credit") == {"Night shift (team)": 2, "Ana Ruiz": 1, "Bo Lind": 1}
    assert list(counts(response, "credit"))[0] == "Night shift (team)"
    page = response.content.decode()
    assert f'id="credit-{credit("Bo Lind").pk}"' in page
    assert "Made it happen" in page


def test_the_counts_of_each_filter_leave_out_that_filter_alone(facilitator_client, stories):
    response = archive(facilitator_client, credit=credit("Ana Ruiz").pk, source="link")
    # Choosing another credit keeps the source; choosing another source keeps the credit.
    assert counts(response, "credit") == {"Ana Ruiz": 1}
    assert counts(response, "source") == {
        "A live session": 1,
        "A story link": 1,
        "Added by hand": 0,
        "Imported": 0,
    }
    selected = response.context["facets"]["credit"].selected
    assert selected.label == "Ana Ruiz"


def test_the_source_filter_counts_every_source(facilitator_client, stories):
    response = archive(facilitator_client)
    assert counts(response, "source") == {
        "A live session": 2,
        "A story link": 1,
        "Added by hand": 1,
        "Imported": 1,
    }
    assert 'id="source-import"' in response.content.decode()


def test_a_chosen_credit_stays_among_the_choices_however_rarely_credited(facilitator_client):
    for number in range(12):
        for _ in range(2):
            credited_story(people=[f"Often {number:02}"])
    credited_story(people=["Rarely Ray"])
    assert "Rarely Ray" not in counts(archive(facilitator_client), "credit")
    response = archive(facilitator_client, credit=credit("Rarely Ray").pk)
    assert counts(response, "credit")["Rarely Ray"] == 1
    assert len(counts(response, "credit")) == 11


@pytest.mark.parametrize(
    "status", [Story.Status.HIDDEN, Story.Status.PENDING, Story.Status.WITHDRAWN]
)
def test_an_unpublished_storys_credits_are_no_choice_and_count_nothing(curator_client, status):
    credited_story(people=["Ana Ruiz"])
    credited_story(people=["Ana Ruiz", "Zq Unseen"], status=status)
    response = archive(curator_client)
    assert counts(response, "credit") == {"Ana Ruiz": 1}
    assert "Zq Unseen" not in response.content.decode()
    # Filtering by it finds nothing to show, even to staff.
    assert listed(curator_client, credit=credit("Zq Unseen").pk) == []


def test_the_hidden_stories_view_offers_no_credit_to_filter_by(curator_client):
    credited_story(people=["Zq Unseen"], status=Story.Status.HIDDEN)
    response = archive(curator_client, hidden="1")
    assert len(response.context["page"].object_list) == 1
    assert not response.context["facets"]["credit"]
    assert "Zq Unseen" not in response.content.decode()


def test_bad_credit_and_source_values_are_explained_and_ignored(facilitator_client, stories):
    response = archive(facilitator_client, credit="ana", source="carrier-pigeon")
    assert len(response.context["page"].object_list) == 5
    page = response.content.decode()
    assert "This is not the number of anything here." in page
    assert "Select a valid choice." in page
    assert listed(facilitator_client, credit=10**30) == listed(facilitator_client)


def test_an_unknown_credit_shows_no_story(facilitator_client, stories):
    assert listed(facilitator_client, credit=999999) == []


def test_the_export_follows_the_credit_and_source_filters(facilitator_client, stories):
    response = facilitator_client.get(
        reverse("stories:archive-export", args=["csv"]),
        {"credit": credit("Ana Ruiz").pk, "source": "link"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert stories["ana_link"].text in body
    assert stories["both"].text not in body
