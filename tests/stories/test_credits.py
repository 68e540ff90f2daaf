"""Who made it happen: the list of people and teams, a page each, and credits on a story."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from stories import sharing
from stories.models import Credit, Story
from tests.conftest import logged_in
from tests.factories import StoryFactory, credited_story

pytestmark = pytest.mark.django_db

CREDITS = reverse("stories:credit-list")


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def credit_page(kind, slug):
    return reverse("stories:credit-detail", args=[kind, slug])


def listed(response):
    return [(credit.label, credit.n) for credit in response.context["page"].object_list]


def test_the_list_names_people_and_teams_most_credited_first_with_their_counts(
    facilitator_client,
):
    credited_story(people=["Ana Ruiz"], teams=["Night shift"])
    credited_story(teams=["Night shift"])
    credited_story(people=["Bo Lind"], teams=["Night shift"])
    credited_story(people=["Ana Ruiz"])
    response = facilitator_client.get(CREDITS)
    assert listed(response) == [("Night shift (team)", 3), ("Ana Ruiz", 2), ("Bo Lind", 1)]
    page = response.content.decode()
    assert 'href="/stories/credits/team/night-shift/"' in page
    assert "3 stories" in page


def test_the_list_counts_published_stories_only(facilitator_client):
    credited_story(people=["Ana Ruiz"])
    credited_story(people=["Ana Ruiz"], status=Story.Status.HIDDEN)
    credited_story(people=["Ana Ruiz"], status=Story.Status.PENDING)
    credited_story(people=["Cy Ward"], status=Story.Status.HIDDEN)
    assert listed(facilitator_client.get(CREDITS)) == [("Ana Ruiz", 1)]


def test_the_list_is_paged(facilitator_client):
    for number in range(51):
        credited_story(people=[f"Person {number:02}"])
    first = facilitator_client.get(CREDITS)
    second = facilitator_client.get(CREDITS, {"page": 2})
    assert len(listed(first)) == 50
    assert listed(second) == [("Person 50", 1)]
    assert "Page 2 of 2" in second.content.decode()


def test_the_list_says_so_when_nobody_is_credited(facilitator_client):
    StoryFactory()
    assert "Nobody is credited yet" in facilitator_client.get(CREDITS).content.decode()


def test_a_credit_page_shows_its_published_stories_newest_first_with_links(facilitator_client):
    older = credited_story(people=["Ana Ruiz"], text="She called me back.", created_at=days_ago(3))
    newer = credited_story(people=["Ana Ruiz"], text="She found my parcel.", created_at=days_ago(1))
    credited_story(people=["Ana Ruiz"], text="Zq hidden deed", status=Story.Status.HIDDEN)
    credited_story(people=["Bo Lind"], text="Someone else's deed.")
    response = facilitator_client.get(credit_page("person", "ana-ruiz"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [newer, older]
    page = response.content.decode()
    assert "Credited in 2 customer stories" in page
    assert f'href="{newer.get_absolute_url()}"' in page
    assert "She found my parcel." in page
    assert "Zq hidden deed" not in page
    assert "Someone else" not in page
    assert f"?credit={Credit.objects.get(slug='ana-ruiz').pk}" in page


def test_a_credit_page_quotes_an_excerpt_of_a_long_story(facilitator_client):
    credited_story(people=["Ana"], text=" ".join(["word"] * 60) + " lastword")
    page = facilitator_client.get(credit_page("person", "ana")).content.decode()
    assert "word …" in page
    assert "lastword" not in page


def test_a_credit_page_is_paged(facilitator_client):
    for days in range(21):
        credited_story(teams=["Night shift"], text=f"Night {days}", created_at=days_ago(days))
    second = facilitator_client.get(credit_page("team", "night-shift"), {"page": 2})
    assert [story.text for story in second.context["page"].object_list] == ["Night 20"]


@pytest.mark.parametrize(
    "status", [Story.Status.HIDDEN, Story.Status.PENDING, Story.Status.WITHDRAWN]
)
def test_a_credit_whose_stories_are_not_published_names_nobody(facilitator_client, status):
    credited_story(people=["Zq Unseen"], status=status)
    assert facilitator_client.get(credit_page("person", "zq-unseen")).status_code == 404
    assert "Zq Unseen" not in facilitator_client.get(CREDITS).content.decode()


def test_unknown_credits_and_kinds_are_not_found(facilitator_client):
    credited_story(people=["Ana"])
    assert facilitator_client.get(credit_page("team", "ana")).status_code == 404
    assert facilitator_client.get(credit_page("person", "nobody")).status_code == 404
    assert facilitator_client.get("/stories/credits/robot/ana/").status_code == 404


def test_a_person_and_a_team_of_the_same_name_have_a_page_each(facilitator_client):
    credited_story(people=["Harbour"], text="The person.")
    credited_story(teams=["Harbour"], text="The team.")
    person = facilitator_client.get(credit_page("person", "harbour")).content.decode()
    team = facilitator_client.get(credit_page("team", "harbour")).content.decode()
    assert "The person." in person and "The team." not in person
    assert "The team." in team and "Harbour (team)" in team


def test_names_in_any_script_get_a_page(facilitator_client):
    credited_story(people=["Zoë Łukasz"], teams=["東京チーム"])
    page = facilitator_client.get(CREDITS).content.decode()
    for credit in Credit.objects.all():
        assert credit.get_absolute_url() in page
        assert facilitator_client.get(credit.get_absolute_url()).status_code == 200


def test_the_story_page_says_who_made_it_happen_with_links(facilitator_client):
    story = credited_story(people=["Ana Ruiz"], teams=["Night shift"])
    page = facilitator_client.get(story.get_absolute_url()).content.decode()
    assert "Made it happen" in page
    assert (
        '<a href="/stories/credits/person/ana-ruiz/">Ana Ruiz</a> · '
        '<a href="/stories/credits/team/night-shift/">Night shift (team)</a>'
    ) in page


def test_a_story_crediting_nobody_says_nothing_about_it(facilitator_client):
    story = StoryFactory()
    assert "Made it happen" not in facilitator_client.get(story.get_absolute_url()).content.decode()


def test_a_hidden_story_names_nobody_even_to_its_facilitator(facilitator, facilitator_client):
    story = credited_story(people=["Zq Hal"], status=Story.Status.HIDDEN)
    story.added_by = facilitator
    story.save()
    response = facilitator_client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert "Zq Hal" not in response.content.decode()


def test_names_are_escaped_on_every_credit_page(facilitator_client):
    story = credited_story(people=["<script>alert(1)</script>"])
    credit = Credit.objects.get()
    for url in [CREDITS, credit.get_absolute_url(), story.get_absolute_url()]:
        page = facilitator_client.get(url).content.decode()
        assert "<script>alert(1)" not in page, url
        assert "&lt;script&gt;alert(1)" in page, url


def test_staff_see_and_change_a_storys_credits(curator_client):
    story = credited_story(people=["Ana Ruiz"], teams=["Night shift"])
    form = curator_client.get(story.get_absolute_url()).context["curation_form"]
    assert form["people"].value() == "Ana Ruiz"
    assert form["teams"].value() == "Night shift"
    response = curator_client.post(
        reverse("stories:story-curate", args=[story.pk]),
        {"cx_level": "", "tags": "", "people": "Ana Ruiz; Bo Lind", "teams": ""},
        follow=True,
    )
    assert "Level, tags and credits saved." in response.content.decode()
    assert sorted(credit.label for credit in story.credits.all()) == ["Ana Ruiz", "Bo Lind"]
    # The team no story credits any more names nobody.
    assert curator_client.get(credit_page("team", "night-shift")).status_code == 404


def test_a_name_too_long_is_refused_and_changes_nothing(curator_client):
    story = credited_story(people=["Ana Ruiz"])
    response = curator_client.post(
        reverse("stories:story-curate", args=[story.pk]),
        {"cx_level": "moment", "tags": "", "people": "x" * 101, "teams": ""},
    )
    assert response.status_code == 400
    assert "at most 100 characters" in response.content.decode()
    story.refresh_from_db()
    assert story.cx_level == ""
    assert [credit.name for credit in story.credits.all()] == ["Ana Ruiz"]


def test_a_name_without_a_letter_or_digit_is_refused(curator_client):
    story = credited_story(people=["Ana Ruiz"])
    response = curator_client.post(
        reverse("stories:story-curate", args=[story.pk]),
        {"cx_level": "", "tags": "", "people": "Ana Ruiz, !!!", "teams": ""},
    )
    assert response.status_code == 400
    assert "“!!!” holds no letter or digit: write a name." in response.content.decode()
    assert [credit.name for credit in story.credits.all()] == ["Ana Ruiz"]
    # A name in any script is a name.
    curator_client.post(
        reverse("stories:story-curate", args=[story.pk]),
        {"cx_level": "", "tags": "", "people": "Ана, 李娜, 42", "teams": ""},
    )
    assert sorted(credit.name for credit in story.credits.all()) == ["42", "Ана", "李娜"]


def test_facilitators_cannot_change_credits(facilitator, facilitator_client):
    story = credited_story(people=["Ana Ruiz"], added_by=facilitator)
    response = facilitator_client.post(
        reverse("stories:story-curate", args=[story.pk]), {"people": "Someone Else"}
    )
    assert response.status_code == 403
    assert [credit.name for credit in story.credits.all()] == ["Ana Ruiz"]


def test_withdrawing_a_story_takes_its_credits_with_it(facilitator_client):
    story = credited_story(people=["Ana Ruiz"], author_token="t" * 22)
    sharing.withdraw(story)
    assert not story.credits.exists()
    assert facilitator_client.get(credit_page("person", "ana-ruiz")).status_code == 404


@pytest.mark.parametrize("stories", [5, 200])
def test_the_credit_pages_take_a_bounded_number_of_queries(
    facilitator_client, django_assert_max_num_queries, stories
):
    for number in range(stories):
        credited_story(
            people=[f"Person {number % 30}"], teams=["Night shift"], tags=["loyalty", "speed"]
        )
    # The user; the credits and their count (the list); the credit, its stories, their count
    # and their tags (its page): however many stories there are.
    with django_assert_max_num_queries(3):
        assert facilitator_client.get(CREDITS).status_code == 200
    with django_assert_max_num_queries(5):
        assert facilitator_client.get(credit_page("team", "night-shift")).status_code == 200


# The admin


@pytest.fixture
def superuser(curator):
    curator.is_superuser = True
    curator.save()
    return logged_in(curator)


def test_the_admin_finds_credits_by_name_and_counts_their_published_stories(superuser):
    credited_story(people=["Ana Ruiz"])
    credited_story(people=["Ana Ruiz"], status=Story.Status.HIDDEN)
    credited_story(teams=["Night shift"])
    response = superuser.get(reverse("admin:stories_credit_changelist"), {"q": "ruiz"})
    assert [(credit.name, credit.published) for credit in response.context["cl"].result_list] == [
        ("Ana Ruiz", 1)
    ]


def test_renaming_a_credit_in_the_admin_moves_its_page_and_refuses_a_name_taken(superuser):
    credited_story(people=["Ana Ruiz"])
    credited_story(people=["Bo Lind"])
    ana = Credit.objects.get(slug="ana-ruiz")
    url = reverse("admin:stories_credit_change", args=[ana.pk])
    response = superuser.post(url, {"kind": "person", "name": "Bo  Lind"})
    assert response.status_code == 200
    assert "There is already a credit of this kind with this name." in response.content.decode()
    superuser.post(url, {"kind": "person", "name": "Ana Ruiz-Ortega"})
    ana.refresh_from_db()
    assert (ana.name, ana.slug) == ("Ana Ruiz-Ortega", "ana-ruiz-ortega")
    assert superuser.get(ana.get_absolute_url()).status_code == 200


def test_the_story_admin_shows_a_storys_credits(superuser):
    story = credited_story(people=["Ana Ruiz"])
    response = superuser.get(reverse("admin:stories_story_change", args=[story.pk]))
    assert "Ana Ruiz" in response.content.decode()
