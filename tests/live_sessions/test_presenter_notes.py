"""Presenter notes reach the facilitator's console and nothing else: not the room, not a phone,
not a socket frame of theirs, not the summary's files, not the story archive."""

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse

from sessions.models import LiveSession
from tests.factories import CardFactory, DeckFactory
from tests.live_sessions.test_sockets import command, connect, joined, logged_in, post

NOTE = "Zn whisper: ask the quiet ones first"


def noted_session(owner):
    """Two levels of two cards each (the first a memory card), every card with a note."""
    deck = DeckFactory(owner=owner)
    for level in ["Perception", "Connection"]:
        for number in (1, 2):
            CardFactory(
                deck=deck,
                prompt=f"{level} question {number}",
                kind="memory" if number == 1 else "question",
                level=level,
                notes=f"{NOTE} ({level} {number})",
            )
    return LiveSession.start(deck, owner, join_base_url="http://testserver", is_shuffled=False)


@pytest.mark.django_db
def test_the_console_shows_the_current_cards_notes_beside_it(facilitator_client, facilitator):
    session = noted_session(facilitator)
    session.reveal_next()
    page = facilitator_client.get(session.get_absolute_url()).content.decode()
    assert f"{NOTE} (Perception 1)" in page
    assert "Your notes (only you see them)" in page
    assert "(Perception 2)" not in page  # the next card's notes wait for their card


@pytest.mark.django_db
def test_the_room_and_the_phones_never_show_the_notes(facilitator_client, facilitator, phone):
    session = noted_session(facilitator)
    ana = phone(session, "Ana")
    session.reveal_next()
    room = facilitator_client.get(reverse("live_sessions:room", args=[session.pk]))
    phone_page = ana.get(reverse("live_sessions:join", args=[session.join_code]))
    answer_form = ana.get(reverse("live_sessions:answer", args=[session.join_code]))
    for response in (room, phone_page, answer_form):
        assert response.status_code == 200
        text = response.content.decode()
        assert "Perception question 1" in text or response is answer_form
        assert NOTE not in text


@pytest.mark.django_db
def test_the_summary_and_its_files_leave_the_notes_out(facilitator_client, facilitator, phone):
    session = noted_session(facilitator)
    ana = phone(session, "Ana")
    session.reveal_next()
    ana.post(reverse("live_sessions:answer", args=[session.join_code]), {"text": "The baker"})
    session.end()
    urls = [
        reverse("live_sessions:summary", args=[session.pk]),
        reverse("live_sessions:summary-export", args=[session.pk, "csv"]),
        reverse("live_sessions:summary-export", args=[session.pk, "md"]),
    ]
    for url in urls:
        text = facilitator_client.get(url).content.decode()
        assert "The baker" in text
        assert NOTE not in text, url


@pytest.mark.django_db
def test_a_shared_memory_takes_no_notes_into_the_story_archive(
    facilitator_client, facilitator, phone
):
    session = noted_session(facilitator)
    ana = phone(session, "Ana")
    session.reveal_next()  # a memory card
    ana.post(
        reverse("live_sessions:answer", args=[session.join_code]),
        {"text": "The baker knew my name.", "valence": "valued", "archive_consent": "named"},
    )
    answer = session.current_card.answers.get()
    story = answer.story
    urls = [
        reverse("stories:mine", args=[answer.participant.token]),
        reverse("stories:archive"),
        reverse("stories:story-detail", args=[story.pk]),
        reverse("stories:archive-export", args=["csv"]),
        reverse("stories:archive-export", args=["json"]),
    ]
    for url in urls:
        text = facilitator_client.get(url).content.decode()
        assert "The baker knew my name." in text
        assert NOTE not in text, url


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_no_room_or_phone_socket_frame_carries_the_notes(facilitator):
    session = await sync_to_async(noted_session)(facilitator)
    host = await logged_in(facilitator)
    ana = await joined(session, "Ana")
    room, _ = await connect(f"/ws/live/{session.pk}/room/", host)
    ana_phone, _ = await connect(f"/ws/join/{session.join_code}/", ana)
    console, _ = await connect(f"/ws/live/{session.pk}/host/", host)
    frames = {"room": [await room.receive_from()], "phone": [await ana_phone.receive_from()]}
    console_frames = [await console.receive_from()]

    for name in ["next", "next", "open-next-level", "next"]:
        await post(host, command(session, name), {"level": "2"})
        for audience, socket in (("room", room), ("phone", ana_phone)):
            while not await socket.receive_nothing(timeout=0.3):
                frames[audience].append(await socket.receive_from())
        while not await console.receive_nothing(timeout=0.3):
            console_frames.append(await console.receive_from())

    assert any("Connection question 1" in frame for frame in frames["room"])
    assert any("Connection question 1" in frame for frame in frames["phone"])
    for audience, sent in frames.items():
        assert not [frame for frame in sent if NOTE in frame], audience
    assert any(f"{NOTE} (Connection 1)" in frame for frame in console_frames)
    for socket in (room, ana_phone, console):
        await socket.disconnect()
