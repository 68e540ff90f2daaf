"""The room's answer wall and lobby, as the server renders them: how many have answered, the
answers oldest first with a type size by length, every one of them in the page (room.js pages
them; without it they all scroll), a constant number of queries however many answers there
are, and no name beside a memory shared anonymously, in the page or in any socket frame."""

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessions import screens
from sessions.broadcast import ROOM, render_parts
from sessions.models import Answer, LiveSession, Participant
from tests.live_sessions.conftest import start_session
from tests.live_sessions.test_sockets import connect, joined, logged_in, post

ANONYMOUS_NAME = "Zqanonymous Anaïs"


def answer_url(session):
    return reverse("live_sessions:answer", args=[session.join_code])


def room_page(client, session):
    return client.get(reverse("live_sessions:room", args=[session.pk])).content.decode()


def wall_of(page):
    return page[
        page.index('id="room-answers"') : page.index("</section>", page.index("room-answers"))
    ]


@pytest.fixture
def first_card_up(live_session):
    live_session.reveal_next()
    return live_session


def add_answers(session, count, text="Answer"):
    """`count` people here, each with an answer to the current card (in two queries)."""
    people = Participant.objects.bulk_create(
        Participant(session=session, display_name=f"Person {number}", turn_position=number)
        for number in range(1, count + 1)
    )
    Answer.objects.bulk_create(
        Answer(session_card=session.current_card, participant=person, text=f"{text} {number}")
        for number, person in enumerate(people, start=1)
    )


def test_the_room_says_how_many_of_those_here_have_answered(
    phone, first_card_up, facilitator_client
):
    for name in ["Ana", "Bo", "Cy", "Di", "Ed"]:
        phone(first_card_up, name)
    assert "0 of 5 answered" in room_page(facilitator_client, first_card_up)
    people = {person.display_name: person for person in first_card_up.participants.all()}
    card = first_card_up.current_card
    Answer.objects.create(session_card=card, participant=people["Ana"], text="Shown")
    Answer.objects.create(session_card=card, participant=people["Bo"], text="Mine", is_private=True)
    Answer.objects.create(session_card=card, participant=people["Cy"], text="No", is_hidden=True)
    Answer.objects.create(session_card=card, participant=people["Di"], text="Gone")
    people["Di"].removed_at = timezone.now()
    people["Di"].save()
    page = room_page(facilitator_client, first_card_up)
    assert "3 of 4 answered" in page  # private and hidden count; Di has left


def test_answers_are_on_the_wall_oldest_first_every_one_of_them(first_card_up, facilitator_client):
    add_answers(first_card_up, 60)
    wall = wall_of(room_page(facilitator_client, first_card_up))
    positions = [wall.index(f"Answer {number}<") for number in range(1, 61)]
    assert positions == sorted(positions)
    assert "60 of 60 answered" in wall


def test_long_answers_get_a_smaller_type_size_never_a_cut(phone, first_card_up, facilitator_client):
    texts = {"short": "Kind.", "medium": "m" * 200, "long": "l " * 200, "longest": "x" * 1000}
    for size, text in texts.items():
        phone(first_card_up, size).post(answer_url(first_card_up), {"text": text})
    wall = wall_of(room_page(facilitator_client, first_card_up))
    for size, text in texts.items():
        assert f"answer-note--{size}" in wall
        assert text.strip() in wall  # whole: the wall shows pages of whole notes


def test_the_answer_wall_costs_the_same_queries_for_ten_answers_or_a_thousand(
    first_card_up, django_assert_max_num_queries
):
    def render():
        session = LiveSession.objects.live().get(pk=first_card_up.pk)
        with CaptureQueriesContext(connection) as queries:
            html = render_parts(ROOM, ["room-answers"], screens.room_context(session))
        return len(queries), html

    add_answers(first_card_up, 10, text="First")
    few, html = render()
    assert "10 of 10 answered" in html
    first_card_up.participants.all().delete()
    add_answers(first_card_up, 1000, text="Later")
    session = LiveSession.objects.live().get(pk=first_card_up.pk)
    with django_assert_max_num_queries(few):
        html = render_parts(ROOM, ["room-answers"], screens.room_context(session))
    assert "1000 of 1000 answered" in html and html.count('class="answer-note ') == 1000


def test_the_lobby_counts_everyone_here_and_lists_the_newest_first(
    phone, live_session, facilitator_client
):
    for name in ["Ana", "Bo", "Cy"]:
        phone(live_session, name)
    live_session.participants.filter(display_name="Bo").update(removed_at=timezone.now())
    page = room_page(facilitator_client, live_session)
    people = page[
        page.index('id="room-people"') : page.index("</section>", page.index("room-people"))
    ]
    assert "2 people here" in people and "Bo" not in people
    assert people.index("Cy") < people.index("Ana")


def memories_shared(phone, session):
    """The memory card up, with two memories shared: one anonymously, Bo's with his name."""
    session.reveal_next()
    session.reveal_next()  # the memory card
    phone(session, ANONYMOUS_NAME).post(
        answer_url(session),
        {"text": "The baker who remembered my order", "archive_consent": "anonymous"},
    )
    phone(session, "Bo").post(
        answer_url(session), {"text": "A nurse who sang", "archive_consent": "named"}
    )


def test_an_anonymous_memory_shows_no_name_on_the_wall_or_in_the_spotlight(
    phone, live_session, facilitator_client
):
    memories_shared(phone, live_session)
    page = room_page(facilitator_client, live_session)
    assert "The baker who remembered my order" in page and "A nurse who sang" in page
    assert ANONYMOUS_NAME not in page
    assert 'answer-note__name">Bo<' in page  # named, named on the wall
    Answer.objects.filter(archive_consent="anonymous").update(is_spotlighted=True)
    page = room_page(facilitator_client, live_session)
    assert 'class="spotlight"' in page and ANONYMOUS_NAME not in page


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_an_anonymous_memory_sends_no_name_to_the_room_socket(facilitator):
    session = await sync_to_async(start_session)(facilitator)
    host = await logged_in(facilitator)
    command = reverse("live_sessions:command", args=[session.pk, "next"])
    await post(host, command)
    await post(host, command)  # the memory card
    anonymous = await joined(session, ANONYMOUS_NAME)
    room, connected = await connect(f"/ws/live/{session.pk}/room/", host)
    assert connected
    frames = [await room.receive_from()]
    await post(
        anonymous,
        answer_url(session),
        {"text": "The baker who remembered my order", "archive_consent": "anonymous"},
    )
    frames.append(await room.receive_from())
    assert "The baker who remembered my order" in frames[-1]
    answer = await sync_to_async(Answer.objects.get)()
    moderate = reverse("live_sessions:answer-moderate", args=[session.pk, answer.pk, "spotlight"])
    await post(host, moderate)
    frames.append(await room.receive_from())
    assert 'class="spotlight"' in frames[-1]
    await room.disconnect()
    room, _connected = await connect(f"/ws/live/{session.pk}/room/", host)  # a reconnect
    frames.append(await room.receive_from())
    await room.disconnect()
    assert [frame for frame in frames if ANONYMOUS_NAME in frame] == []


def test_a_withdrawn_memory_leaves_the_wall_with_its_writers_name(
    phone, live_session, facilitator_client
):
    from stories import sharing

    memories_shared(phone, live_session)
    sharing.withdraw(Answer.objects.get(archive_consent="anonymous").story)

    wall = wall_of(room_page(facilitator_client, live_session))
    assert "A nurse who sang" in wall
    assert ANONYMOUS_NAME not in wall  # no empty note under their name either
    assert wall.count('<li class="answer-note') == 1
    assert "2 of 2 answered" in wall  # they did answer: the count says so, without a name
