"""The end of a session: the room's closing screen (how many joined, answered and shared a
story, the most-reacted answers the facilitator allows, a thank-you), and the summary and its
exports, which the facilitator can open while the session is still live."""

import csv
import io

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse

from sessions.models import Answer, Participant, Reaction
from stories.models import Story
from tests.live_sessions.conftest import start_session
from tests.live_sessions.test_sockets import command, connect, joined, logged_in, post

HIGHLIGHTS = "The answers you loved most"


def answered(browser, session, text, **fields):
    response = browser.post(
        reverse("live_sessions:answer", args=[session.join_code]), {"text": text, **fields}
    )
    assert response.status_code == 302, response.content.decode()[:300]
    return Answer.objects.get(text=text)


def react(browser, session, answer, *kinds):
    for kind in kinds:
        response = browser.post(
            reverse("live_sessions:react", args=[session.join_code, answer.pk]),
            {"give": kind},
        )
        assert response.status_code == 302


def room_page(client, session):
    return client.get(reverse("live_sessions:room", args=[session.pk])).content.decode()


def end(client, session):
    client.post(reverse("live_sessions:command", args=[session.pk, "end"]))
    session.refresh_from_db()


@pytest.fixture
def played(live_session, phone, facilitator_client):
    """Five people: four answered the first card, two shared a memory (one anonymously), one
    wrote only for the facilitator; Ed answered nothing. Reactions on four answers."""
    session = live_session
    session.reveal_next()
    people = {name: phone(session, name) for name in ["Ana", "Bo", "Cy", "Zqanonymous Di", "Ed"]}
    first = answered(people["Ana"], session, "First: the baker knew my name.")
    second = answered(people["Bo"], session, "Second: the bus waited.")
    third = answered(people["Cy"], session, "Third: a hand-written note.")
    secret = answered(people["Zqanonymous Di"], session, "Zq only for you", is_private="on")
    for name in ["Bo", "Cy", "Ed"]:
        react(people[name], session, first, "heart", "wow")
    react(people["Ana"], session, second, "heart")
    react(people["Ed"], session, second, "laugh")
    react(people["Ed"], session, third, "applause")
    session.reveal_next()  # the memory card
    session.refresh_from_db()
    anonymous = answered(
        people["Zqanonymous Di"],
        session,
        "Fourth: the nurse held my hand.",
        valence="valued",
        archive_consent="anonymous",
    )
    answered(
        people["Ana"],
        session,
        "Fifth: the pharmacist called back.",
        valence="valued",
        archive_consent="named",
    )
    for name in ["Ana", "Bo", "Cy", "Ed"]:
        react(people[name], session, anonymous, "heart", "applause")
    # Made past the rule (it refuses them): a private answer is never a highlight anyway.
    Reaction.objects.bulk_create(
        Reaction(answer=secret, participant=person, kind=kind)
        for person in Participant.objects.all()
        for kind in Reaction.Kind.values
    )
    return session, people


def test_the_closing_screen_says_how_many_joined_answered_and_shared_stories(
    played, facilitator_client
):
    session, _people = played
    end(facilitator_client, session)
    page = room_page(facilitator_client, session)
    assert "Thank you, everyone!" in page
    assert "<strong>5</strong> people joined" in page
    assert "<strong>4</strong> people answered" in page
    assert "<strong>2</strong> stories shared" in page


def test_the_closing_screen_shows_the_three_most_reacted_answers_without_anonymous_names(
    played, facilitator_client
):
    session, _people = played
    end(facilitator_client, session)
    page = room_page(facilitator_client, session)
    highlights = page[page.index(HIGHLIGHTS) :]
    # The anonymous memory (8 reactions), the first answer (6), the second (2); not the third.
    order = [highlights.index(text) for text in ["Fourth:", "First:", "Second:"]]
    assert order == sorted(order)
    assert "Third:" not in highlights
    assert "Zqanonymous" not in page
    assert "Zq only for you" not in page


def test_a_hidden_or_withdrawn_answer_is_never_a_highlight(played, facilitator_client):
    session, _people = played
    first = Answer.objects.get(text__startswith="First:")
    facilitator_client.post(
        reverse("live_sessions:answer-moderate", args=[session.pk, first.pk, "hide"])
    )
    Answer.objects.filter(text__startswith="Fourth:").update(
        archive_consent=Answer.Consent.WITHDRAWN
    )
    end(facilitator_client, session)
    highlights = room_page(facilitator_client, session)
    highlights = highlights[highlights.index(HIGHLIGHTS) :]
    assert "First:" not in highlights and "Fourth:" not in highlights
    assert "Second:" in highlights and "Third:" in highlights


def test_the_facilitator_can_keep_the_highlights_off_the_closing_screen(played, facilitator_client):
    session, _people = played
    facilitator_client.post(reverse("live_sessions:command", args=[session.pk, "highlights-off"]))
    end(facilitator_client, session)
    page = room_page(facilitator_client, session)
    assert HIGHLIGHTS not in page
    assert "First:" not in page
    assert "<strong>5</strong> people joined" in page


def test_a_withdrawn_story_is_not_counted_as_shared(played, facilitator_client):
    session, _people = played
    Story.objects.filter(answer__text__startswith="Fifth:").update(status=Story.Status.WITHDRAWN)
    end(facilitator_client, session)
    assert "<strong>1</strong> story shared" in room_page(facilitator_client, session)


def test_the_console_links_to_the_summary_so_far(played, facilitator_client):
    session, _people = played
    console = facilitator_client.get(session.get_absolute_url()).content.decode()
    assert reverse("live_sessions:summary", args=[session.pk]) in console
    assert "Summary so far" in console


def test_the_summary_of_a_live_session_says_it_is_still_live_and_counts_reactions(
    played, facilitator_client
):
    session, _people = played
    page = facilitator_client.get(reverse("live_sessions:summary", args=[session.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "This session is still live" in text
    first = text[text.index("First: the baker") :]
    assert "Heart:</span> 3" in first[: first.index("</li>")]
    end(facilitator_client, session)
    after = facilitator_client.get(reverse("live_sessions:summary", args=[session.pk]))
    assert "still live" not in after.content.decode()


def test_the_exports_of_a_live_session_hold_the_reaction_counts(played, facilitator_client):
    session, _people = played
    response = facilitator_client.get(
        reverse("live_sessions:summary-export", args=[session.pk, "csv"])
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    first = next(row for row in rows if row["answer"].startswith("First:"))
    assert (first["reactions_heart"], first["reactions_wow"], first["reactions_laugh"]) == (
        "3",
        "3",
        "0",
    )
    markdown = facilitator_client.get(
        reverse("live_sessions:summary-export", args=[session.pk, "md"])
    ).content.decode()
    assert "still live" in markdown
    assert "Heart 3, Wow 3" in markdown


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_ending_sends_the_room_its_closing_screen(facilitator):
    session = await sync_to_async(start_session)(facilitator)
    host = await logged_in(facilitator)
    await post(host, command(session, "next"))
    ana, bo = await joined(session, "Ana"), await joined(session, "Bo")
    await post(ana, reverse("live_sessions:answer", args=[session.join_code]), {"text": "Hi all"})
    answer = await sync_to_async(Answer.objects.get)()
    react_url = reverse("live_sessions:react", args=[session.join_code, answer.pk])
    await post(bo, react_url, {"give": "heart"})
    room, _ = await connect(f"/ws/live/{session.pk}/room/", host)
    await room.receive_from()

    await post(host, command(session, "end"))

    frame = await room.receive_from()
    assert "Thank you, everyone!" in frame
    assert "<strong>2</strong> people joined" in frame
    assert "<strong>1</strong> person answered" in frame
    assert HIGHLIGHTS in frame and "Hi all" in frame
    await room.disconnect()
