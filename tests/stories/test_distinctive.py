"""What sets stories apart: the log-odds statistic on counts known by hand, and the insights
page that shows its terms, each linking to the stories that use it."""

import math
import re
from collections import Counter
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stories import distinctive
from stories.models import Story
from tests.factories import StoryFactory

INSIGHTS = reverse("stories:insights")


# The statistic, on counts


def test_a_term_one_group_uses_more_scores_positive_and_the_other_groups_negative():
    first = Counter(refund=10, queue=2, shop=5)
    second = Counter(refund=2, queue=10, shop=5)
    scores = distinctive.log_odds(first, second, first + second)
    assert scores["refund"] > 0 > scores["queue"]
    assert scores["refund"] == pytest.approx(-scores["queue"])
    assert scores["shop"] == pytest.approx(0)


def test_the_z_score_is_the_one_worked_out_by_hand():
    first = Counter(refund=10, queue=2, shop=5)
    second = Counter(refund=2, queue=10, shop=5)
    # alpha = 12 of 34; first: (10 + 12) against 17 + 34 - 22; second: (2 + 12) against 37.
    delta = math.log(22 / 29) - math.log(14 / 37)
    expected = delta / math.sqrt(1 / 22 + 1 / 14)
    assert expected == pytest.approx(2.035, abs=0.001)
    assert distinctive.log_odds(first, second, first + second)["refund"] == pytest.approx(expected)


def test_swapping_the_groups_only_flips_the_sign():
    first = Counter(refund=7, queue=1, shop=4, smile=3)
    second = Counter(refund=1, queue=6, shop=2)
    prior = first + second + Counter(shop=9, smile=1)
    forward = distinctive.log_odds(first, second, prior)
    backward = distinctive.log_odds(second, first, prior)
    for term, z in forward.items():
        assert backward[term] == pytest.approx(-z)


def test_the_prior_ranks_a_frequent_difference_above_a_rare_one():
    # "refund": 20 against 4; "kiosk": 2 against 0, a bigger ratio on too little evidence.
    first = Counter(refund=20, kiosk=2, shop=10)
    second = Counter(refund=4, shop=10)
    scores = distinctive.log_odds(first, second, first + second)
    ranking = sorted(scores, key=scores.get, reverse=True)
    assert ranking == ["refund", "kiosk", "shop"]


def test_stop_words_go_and_phrases_join_only_neighbouring_words():
    found = distinctive.terms("The nurse called me back the next morning, twice in 2024!")
    assert found == {
        "nurse",
        "called",
        "nurse called",
        "back",
        "next",
        "morning",
        "next morning",
        "twice",
    }


def test_each_storys_stop_words_are_its_own_languages():
    assert distinctive.terms("De fiets en het wiel", "nl") == {"fiets", "wiel"}
    assert distinctive.terms("The bike and the wheel", "en") == {"bike", "wheel"}
    # "die" is Dutch for "that" but English for dying.
    assert "die" not in distinctive.terms("De fiets die ik kocht", "nl")
    assert "die" in distinctive.terms("I nearly die of joy", "en")


def test_a_story_counts_a_term_once_and_possessives_name_the_owner():
    assert distinctive.terms("Refund, refund, refund! The shop's manager.") == {
        "refund",
        "shop",
        "manager",
        "shop manager",
    }


# The page


# Enough stories for words each side always uses and the other never to pass z = 1.96 (with
# six a side, they do not: see test_a_difference_too_small_to_trust_is_not_shown).
PER_SIDE = 20


def archive_of(valued, frustrated, **extra):
    for n in range(PER_SIDE):
        StoryFactory(text=f"{valued} number {n}", valence="valued", **extra)
        StoryFactory(text=f"{frustrated} number {n}", valence="frustrated", **extra)


def section(page, slug):
    match = re.search(
        rf'<section class="chart" aria-labelledby="apart-{slug}-title">(.*?)</section>', page, re.S
    )
    assert match, slug
    return match.group(1)


def links(html):
    return {
        unescape(text): unescape(href)
        for href, text in re.findall(r'<th scope="row"><a href="([^"]+)">([^<]+)</a>', html)
    }


@pytest.mark.django_db
def test_the_insights_page_shows_what_sets_valued_and_frustrated_stories_apart(
    facilitator_client,
):
    archive_of("The nurse remembered my name and smiled", "I waited on hold for hours")
    page = facilitator_client.get(INSIGHTS).content.decode()
    assert "What sets them apart" in page
    valence = section(page, "valence")
    valued, frustrated = valence.split("</table>")[:2]
    assert "More often in “Made me feel valued” (20 stories)" in valued
    assert {"nurse", "remembered", "smiled", "nurse remembered"} <= set(links(valued))
    assert {"waited", "hours"} <= set(links(frustrated))
    assert "remembered" not in links(frustrated)
    for stop_word in ["the", "and", "my", "for", "on"]:
        assert stop_word not in links(valence)


@pytest.mark.django_db
def test_the_insights_leave_out_the_stop_words_of_each_storys_language(facilitator_client):
    for n in range(PER_SIDE):
        StoryFactory(text=f"De verpleegster wist het nog {n}", valence="valued", language="nl")
        StoryFactory(text=f"The nurse forgot the order {n}", valence="frustrated")
    valence = section(facilitator_client.get(INSIGHTS).content.decode(), "valence")
    shown = set(links(valence))
    assert {"verpleegster", "wist", "nurse", "forgot"} <= shown
    assert not {"de", "het", "nog", "the"} & shown


@pytest.mark.django_db
def test_each_term_opens_the_stories_of_its_group_that_use_it(facilitator_client):
    archive_of("The nurse remembered my name", "I waited on hold for hours")
    StoryFactory(text="A nurse was rude to me", valence="frustrated")
    StoryFactory(text="Nothing to do with it", valence="valued")
    valence = section(facilitator_client.get(INSIGHTS).content.decode(), "valence")
    address = links(valence)["nurse"]
    assert parse_qs(urlsplit(address).query) == {"q": ['"nurse"'], "valence": ["valued"]}
    archive = facilitator_client.get(address).content.decode()
    assert archive.count("remembered my name number") == PER_SIDE
    assert "A nurse was rude to me" not in archive
    assert "Nothing to do with it" not in archive


@pytest.mark.django_db
def test_terms_keep_the_filters_in_use_and_add_to_the_search(facilitator_client):
    archive_of("The nurse remembered my name", "I waited on hold for hours", tags=["care"])
    page = facilitator_client.get(INSIGHTS, {"tag": "care", "q": "number", "page": "2"})
    address = links(section(page.content.decode(), "valence"))["nurse"]
    assert parse_qs(urlsplit(address).query) == {
        "tag": ["care"],
        "q": ['number "nurse"'],
        "valence": ["valued"],
    }


@pytest.mark.django_db
def test_each_cx_level_is_set_apart_from_the_other_two(facilitator_client):
    levels = {"jobs_done": "invoice fixed", "moment": "birthday cake", "be_more": "taught skills"}
    for level, words in levels.items():
        for n in range(PER_SIDE):
            StoryFactory(text=f"They {words} for me, visit {n}", cx_level=level)
    page = facilitator_client.get(INSIGHTS).content.decode()
    moment = links(section(page, "level-moment"))
    assert {"birthday", "cake", "birthday cake"} <= set(moment)
    assert not {"invoice", "taught"} & set(moment)
    assert parse_qs(urlsplit(moment["cake"]).query) == {"q": ['"cake"'], "level": ["moment"]}


@pytest.mark.django_db
def test_hidden_withdrawn_pending_and_rejected_stories_are_never_counted(facilitator_client):
    archive_of("The nurse remembered my name", "I waited on hold for hours")
    for status in [Story.Status.HIDDEN, Story.Status.PENDING]:
        for n in range(PER_SIDE):
            StoryFactory(text=f"Zanzibar ferry {n}", valence="valued", status=status)
    for status in Story.GONE:
        StoryFactory.create_batch(PER_SIDE, text="", valence="valued", status=status)
    page = facilitator_client.get(INSIGHTS).content.decode()
    apart = page[page.index('id="apart-title"') :]
    assert "zanzibar" not in apart.lower()
    assert "ferry" not in apart
    assert "(20 stories)" in apart


@pytest.mark.django_db
def test_a_tiny_archive_says_there_is_too_little_to_compare(facilitator_client):
    StoryFactory.create_batch(2, text="The nurse remembered my name", valence="valued")
    StoryFactory(text="I waited on hold for hours", valence="frustrated")
    page = facilitator_client.get(INSIGHTS).content.decode()
    assert "Too few stories to compare: each side needs at least 5." in section(page, "valence")
    assert '<table class="apart__table">' not in page


@pytest.mark.django_db
def test_only_the_newest_stories_up_to_the_sample_size_are_read(facilitator_client, monkeypatch):
    monkeypatch.setattr(distinctive, "SAMPLE_SIZE", 2 * PER_SIDE)
    archive_of("An old complaint about parking", "An old complaint about parking")
    archive_of("The nurse remembered my name", "I waited on hold for hours")
    page = facilitator_client.get(INSIGHTS).content.decode()
    assert "from the newest 40 published stories of these filters (at most 40)" in page
    assert "parking" not in page


@pytest.mark.django_db
def test_the_page_runs_the_same_queries_however_many_stories_it_reads(facilitator_client):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert facilitator_client.get(INSIGHTS).status_code == 200
        return len(context.captured_queries)

    archive_of("The nurse remembered my name", "I waited on hold for hours")
    few = queries()
    archive_of("A baker gave me bread", "The train was late again")
    assert queries() == few


@pytest.mark.django_db
def test_an_empty_archive_says_so(facilitator_client):
    StoryFactory(text="Hidden words", status=Story.Status.HIDDEN)
    page = facilitator_client.get(INSIGHTS).content.decode()
    assert "No published stories match these filters yet." in page
    assert "Too few stories to compare: each side needs at least 5." in section(page, "valence")
