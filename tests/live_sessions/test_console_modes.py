"""The console fits the mode: its main button and keys follow the session's mode, it counts who
has answered the card up and names who has not (live), and it holds the links to share."""

import re

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse

from sessions import broadcast, screens
from sessions.models import Answer
from tests.live_sessions.conftest import start_session
from tests.live_sessions.test_sockets import connect, joined, logged_in, post

HTMX = {"HX-Request": "true"}


def primary_button(page):
    """The text of the console's one big button (and the action it sends)."""
    match = re.search(
        r'<button type="submit" class="button button--primary-action" data-shortcut="([\w-]+)"'
        r"[^>]*>\s*(.*?)\s*</button>",
        page,
        re.S,
    )
    return match.group(2), match.group(1)


def listed_keys(page):
    box = re.search(r'<ul class="plain-list shortcuts">(.*?)</ul>', page, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", item).split() for item in re.findall(r"<li>(.*?)</li>", box)]


def console(client, session):
    return client.get(session.get_absolute_url()).content.decode()


def test_in_a_table_spread_the_main_button_gives_the_next_turn(facilitator, facilitator_client):
    session = start_session(facilitator, mode="spread")
    session.join("Ana")
    page = console(facilitator_client, session)
    assert primary_button(page) == ("Next turn →", "turn-next")
    assert "Reveal a card yourself" in page  # nobody on turn yet: a quiet second button

    session.pass_turn()
    page = console(facilitator_client, session)
    assert re.search(r'button--quiet" data-shortcut="next"[^>]*>Reveal a card for them<', page)
    assert listed_keys(page)[:2] == [
        ["→", "or", "Space", "next", "turn"],
        ["r", "reveal", "a", "card", "for", "them"],
    ]


def test_in_reveal_mode_the_main_button_turns_the_next_card(facilitator, facilitator_client):
    session = start_session(facilitator)
    session.join("Ana")
    assert primary_button(console(facilitator_client, session)) == (
        "Reveal the first card →",
        "next",
    )
    session.reveal_next()
    page = console(facilitator_client, session)
    assert primary_button(page) == ("Next card →", "next")
    assert re.search(r'button--quiet" data-shortcut="turn-next"[^>]*>Next turn<', page)
    assert listed_keys(page)[:3] == [
        ["→", "or", "Space", "next", "card"],
        ["t", "next", "turn"],
        ["←", "back"],
    ]


def test_the_console_counts_who_answered_and_names_who_has_not(
    live_session, phone, facilitator_client
):
    browsers = {name: phone(live_session, name) for name in ["Ana", "Bo", "Cy"]}
    live_session.reveal_next()
    answer_url = reverse("live_sessions:answer", args=[live_session.join_code])
    browsers["Bo"].post(answer_url, {"text": "A warm welcome"})

    page = console(facilitator_client, live_session)

    assert "1 of 3 answered" in page
    not_answered = re.search(r'<details id="not-answered".*?</details>', page, re.S).group(0)
    assert "2 have not answered yet" in not_answered
    assert "Ana" in not_answered and "Cy" in not_answered and "Bo" not in not_answered


def test_a_long_list_of_who_has_not_answered_starts_folded(facilitator, facilitator_client):
    session = start_session(facilitator)
    for number in range(13):
        session.join(f"Person {number}")
    session.reveal_next()
    page = console(facilitator_client, session)
    assert "0 of 13 answered" in page
    assert re.search(r'<details id="not-answered" class="not-answered" data-remember\s*>', page)


@pytest.mark.parametrize("people", [10, 200])
def test_the_consoles_context_costs_the_same_queries_for_any_room(
    facilitator, people, django_assert_max_num_queries
):
    session = start_session(facilitator)
    for number in range(people):
        session.join(f"Person {number}")
    session.reveal_next()
    card = session.current_card
    Answer.objects.bulk_create(
        Answer(session_card=card, participant=person, text="Hello")
        for person in session.participants.all()[: people // 2]
    )
    session.refresh_from_db()
    # The numbers, the people, the card's answers: as many queries for 10 as for 200 people,
    # the page's whole live part rendered included.
    with django_assert_max_num_queries(5):
        context = screens.host_context(session)
        html = broadcast.render_parts(broadcast.HOST, ["host-state"], context)
    assert f"{people // 2} of {people} answered" in html
    assert context["answered_count"] == people // 2
    assert len(context["not_answered"]) == people - people // 2


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_the_console_hears_each_answer_and_join_with_the_new_count(facilitator):
    session = await sync_to_async(start_session)(facilitator)
    host = await logged_in(facilitator)
    ana = await joined(session, "Ana")
    await post(host, reverse("live_sessions:command", args=[session.pk, "next"]))
    socket, connected = await connect(f"/ws/live/{session.pk}/host/", host)
    assert connected
    assert "0 of 1 answered" in await socket.receive_from()

    await post(ana, reverse("live_sessions:answer", args=[session.join_code]), {"text": "Hi"})
    update = await socket.receive_from()
    assert "1 of 1 answered" in update and 'id="host-people"' in update

    await joined(session, "Bo")
    update = await socket.receive_from()
    assert "1 of 2 answered" in update
    assert re.search(r"1 has not answered yet.*Bo", update, re.S)
    await socket.disconnect()


def test_the_console_offers_the_join_and_room_links_with_copy_buttons(
    live_session, facilitator_client
):
    page = console(facilitator_client, live_session)
    assert re.search(r'<input id="join-link"[^>]*value="http://testserver/join/\w+/"', page)
    room_link = f"/live/{live_session.pk}/room/?key={live_session.room_key}"
    assert re.search(
        rf'<input id="room-link"[^>]*value="http://testserver{re.escape(room_link)}"', page
    )
    assert 'data-copy="#join-link"' in page and 'data-copy="#room-link"' in page
    assert "for the projector computer" in page
