"""The room's word cloud: the words of the answers the room may see, each without the stop words
of its writer's language, drawn on the server as SVG with every word escaped and none overlapping;
and the facilitator's switch between it and the answer wall."""

import itertools
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from cxworkshop.stopwords import stop_words
from sessions import wordcloud
from sessions.models import Answer, Participant, SessionCard

SVG = "{http://www.w3.org/2000/svg}"


def words_drawn(svg):
    return [text.text for text in ET.fromstring(svg).iter(f"{SVG}text")]


def command(session, name):
    return reverse("live_sessions:command", args=[session.pk, name])


def cloud_svg(page):
    """The word cloud's drawing, not the page's other pictures (the reactions' icons)."""
    start = page.index('<svg class="word-cloud"')
    return page[start : page.index("</svg>", start) + 6]


def room_page(client, session):
    return client.get(reverse("live_sessions:room", args=[session.pk])).content.decode()


@pytest.fixture
def cloud_up(live_session, facilitator_client):
    live_session.reveal_next()
    assert facilitator_client.post(command(live_session, "wall-cloud")).status_code == 302
    return live_session


def answer(phone, session, name, text, **fields):
    phone(session, name).post(
        reverse("live_sessions:answer", args=[session.join_code]), {"text": text, **fields}
    )


def test_stop_words_of_the_language_are_left_out():
    english = wordcloud.word_counts(["The staff were so kind and the coffee was hot"], "en")
    assert [word for word, _count in english] == ["coffee", "hot", "kind", "staff"]
    dutch = wordcloud.word_counts(["De koffie was heet en het personeel was vriendelijk"], "nl")
    assert [word for word, _count in dutch] == ["heet", "koffie", "personeel", "vriendelijk"]
    french = wordcloud.word_counts(["L'accueil et le café étaient parfaits"], "fr")
    assert [word for word, _count in french] == ["accueil", "café", "parfaits"]


def test_stop_words_take_a_regional_code_and_leave_unknown_languages_whole():
    assert stop_words("nl-BE") == stop_words("nl") and "het" in stop_words("nl")
    assert {"der", "und"} <= stop_words("de_AT")
    assert {"que", "los"} <= stop_words("es")
    assert stop_words("sv") == frozenset()
    assert wordcloud.word_counts(["och kaffe"], "sv") == [("kaffe", 1), ("och", 1)]


def test_words_are_counted_lower_case_without_punctuation():
    counts = wordcloud.word_counts(["Service! service? SERVICE, the customer's smile."], "en")
    assert counts == [("service", 3), ("customer", 1), ("smile", 1)]


def test_the_cloud_leaves_out_hidden_and_private_answers(phone, cloud_up, facilitator_client):
    answer(phone, cloud_up, "Ana", "Pancakes at the front desk")
    answer(phone, cloud_up, "Bo", "Zqsecret thoughts", is_private="on")
    answer(phone, cloud_up, "Cy", "Zqhidden remark")
    Answer.objects.filter(participant__display_name="Cy").update(is_hidden=True)

    page = room_page(facilitator_client, cloud_up)
    svg = cloud_svg(page)
    assert sorted(words_drawn(svg)) == ["desk", "front", "pancakes"]
    assert "zqsecret" not in page.lower() and "zqhidden" not in page.lower()


def test_every_word_is_escaped_and_nothing_in_an_answer_becomes_markup():
    texts = ["<script>alert('cloud')</script>", '<img src=x onerror="alert(1)"> & "quotes"']
    svg = str(wordcloud.render(texts, "en"))
    assert "<script" not in svg and "<img" not in svg
    drawn = words_drawn(svg)  # well-formed XML: every word and the label were escaped
    assert {"script", "alert", "cloud", "img", "onerror", "quotes"} <= set(drawn)


def test_the_label_lists_the_words_and_their_counts_for_screen_readers():
    svg = wordcloud.render(["coffee coffee tea", "coffee tea cake"], "en")
    element = ET.fromstring(svg)
    assert element.get("role") == "img"
    assert element.get("aria-label") == "Word cloud of the answers: coffee (3), tea (2), cake (1)"


def test_no_two_words_overlap_and_the_biggest_are_the_most_used():
    texts = [
        " ".join(f"word{number}" for number in range(count))
        for count in range(1, 60)  # word0 in every answer, word58 in one
    ]
    placed = wordcloud.layout(wordcloud.word_counts(texts, "en"))
    assert len(placed) == wordcloud.TOP
    for first, second in itertools.combinations(placed, 2):
        apart_across = abs(first.x - second.x) * 2 >= first.width + second.width
        apart_down = abs(first.y - second.y) * 2 >= first.height + second.height
        assert apart_across or apart_down, (first.word, second.word)
    sizes = [box.size for box in placed]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1]


def test_the_same_answers_always_draw_the_same_cloud():
    texts = ["kind staff", "hot coffee", "kind words", "coffee again", "a kind call"]
    assert wordcloud.render(texts, "en") == wordcloud.render(list(reversed(texts)), "en")


def test_a_cloud_with_no_words_yet_says_so(cloud_up, facilitator_client):
    page = room_page(facilitator_client, cloud_up)
    assert "The word cloud grows here as answers come in." in page
    assert '<svg class="word-cloud"' not in page


def phone_in(language, session, name):
    """A phone whose browser reads `language`: its person's language when they join."""
    browser = Client(HTTP_ACCEPT_LANGUAGE=language)
    joined = browser.post(
        reverse("live_sessions:join", args=[session.join_code]), {"display_name": name}
    )
    assert joined.status_code == 302
    return browser


def test_each_answer_loses_the_stop_words_of_its_writers_language(cloud_up, facilitator_client):
    cloud_up.deck.delete()  # the deck's language plays no part
    said = {
        ("en", "Ana"): "The coffee and the cake, I will die for them",
        ("nl", "Bram"): "De koffie en het gebak, die waren lekker",
        ("de", "Clara"): "Der Kaffee und die Torte, ich will mehr",
    }
    for (language, name), text in said.items():
        phone_in(language, cloud_up, name).post(
            reverse("live_sessions:answer", args=[cloud_up.join_code]), {"text": text}
        )
    assert set(Participant.objects.values_list("language", flat=True)) == {"en", "nl", "de"}
    drawn = set(words_drawn(cloud_svg(room_page(facilitator_client, cloud_up))))
    # Each answer's own little words are gone: "the", "and", "will"; "de", "het", "die";
    # "der", "und", "die", "ich", "will".
    assert drawn == {
        "coffee", "cake", "die",  # an English "die" is a word that matters
        "koffie", "gebak", "lekker",
        "kaffee", "torte", "mehr",
    }  # fmt: skip


def test_the_facilitator_switches_the_current_cards_wall(live_session, facilitator_client):
    live_session.reveal_next()
    console = facilitator_client.get(live_session.get_absolute_url()).content.decode()
    assert "Show a word cloud in the room" in console
    assert facilitator_client.post(command(live_session, "wall-cloud")).status_code == 302
    card = SessionCard.objects.get(pk=live_session.current_card_id)
    assert card.wall == SessionCard.Wall.CLOUD
    response = facilitator_client.post(
        command(live_session, "wall-answers"), headers={"HX-Request": "true"}
    )
    assert "Show a word cloud in the room" in response.content.decode()
    card.refresh_from_db()
    assert card.wall == SessionCard.Wall.ANSWERS
    assert live_session.cards.exclude(pk=card.pk).filter(wall="cloud").count() == 0


@pytest.mark.parametrize("name", ["wall-cloud", "wall-answers"])
def test_only_the_sessions_facilitator_switches_the_wall(
    name, live_session, phone, other_client, facilitator_client
):
    live_session.reveal_next()
    ana = phone(live_session, "Ana")
    assert ana.post(command(live_session, name)).status_code == 403
    assert other_client.post(command(live_session, name)).status_code == 404
    assert SessionCard.objects.filter(wall="cloud").count() == 0
    assert facilitator_client.post(command(live_session, name)).status_code == 302
