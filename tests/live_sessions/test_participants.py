"""The facilitator manages the people in the room: removes someone (their phone is told at once
and can do nothing more, nor join again from that browser), renames someone, and locks
joining for late comers."""

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.test import Client
from django.urls import reverse

from sessions import screens
from sessions.models import Answer, JoiningLocked, Participant
from tests.live_sessions.conftest import start_session
from tests.live_sessions.test_races import ROUNDS, Browser, joins_racing
from tests.live_sessions.test_sockets import connect, joined, logged_in, post

REMOVED = "The facilitator removed you from this session."
LOCKED = "Joining is closed for this session. Ask the facilitator to open it."
HTMX = {"HX-Request": "true"}


def person_url(session, person, action):
    return reverse(f"live_sessions:participant-{action}", args=[session.pk, person.pk])


def command(session, name):
    return reverse("live_sessions:command", args=[session.pk, name])


def answer_url(session):
    return reverse("live_sessions:answer", args=[session.join_code])


def person(session, name):
    return session.participants.get(display_name=name)


def join_from_a_browser(session, name, browser=None):
    """Join as a phone does: open the page (its form token sets the browser's CSRF cookie, from
    which the session knows this browser again), then send the name."""
    browser = browser or Client()
    browser.get(session.join_path)
    return browser, browser.post(session.join_path, {"display_name": name})


# Removing someone


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_removed_participants_phone_is_told_at_once_and_its_socket_closed(facilitator):
    session = await sync_to_async(start_session)(facilitator)
    ana = await joined(session, "Ana")
    bo = await joined(session, "Bo")
    ana_phone, connected = await connect(f"/ws/join/{session.join_code}/", ana)
    assert connected
    bo_phone, _connected = await connect(f"/ws/join/{session.join_code}/", bo)
    await ana_phone.receive_from()
    await bo_phone.receive_from()
    host = await logged_in(facilitator)
    ana_person = await sync_to_async(person)(session, "Ana")

    response = await post(host, person_url(session, ana_person, "remove"))

    assert response.status_code == 302
    goodbye = await ana_phone.receive_from()
    assert REMOVED in goodbye and 'id="phone-state"' in goodbye
    closed = await ana_phone.receive_output()
    assert closed == {"type": "websocket.close", "code": 4403}
    assert REMOVED not in await bo_phone.receive_from()  # the others are not told they left
    _socket, connected = await connect(f"/ws/join/{session.join_code}/", ana)
    assert not connected  # and the removed phone cannot reconnect
    await bo_phone.disconnect()


def test_a_removed_participant_can_no_longer_answer_or_pick(
    live_session, phone, facilitator_client
):
    live_session.mode = "spread"
    live_session.save()
    ana = phone(live_session, "Ana")
    live_session.reveal_next()
    live_session.pass_turn()
    block = live_session.face_down_cards().first()

    facilitator_client.post(person_url(live_session, person(live_session, "Ana"), "remove"))

    response = ana.post(answer_url(live_session), {"text": "Still here?"}, headers=HTMX)
    assert response.status_code == 403
    assert not Answer.objects.exists()
    pick = reverse("live_sessions:pick", args=[live_session.join_code, block.pk])
    assert ana.post(pick).status_code == 403
    block.refresh_from_db()
    assert block.shown_order is None
    page = ana.get(live_session.join_path)
    assert page.status_code == 403
    assert REMOVED in page.content.decode()


def test_a_removed_participant_cannot_join_again_from_the_same_browser(
    live_session, facilitator_client
):
    browser, _response = join_from_a_browser(live_session, "Ana")
    facilitator_client.post(person_url(live_session, person(live_session, "Ana"), "remove"))

    again = browser.post(live_session.join_path, {"display_name": "Ana again"})
    assert again.status_code == 403
    assert REMOVED in again.content.decode()
    # Without the phone's session cookie (cleared, a private tab kept open), the browser itself
    # is known again: the same answer.
    del browser.cookies[settings.SESSION_COOKIE_NAME]
    again = browser.post(live_session.join_path, {"display_name": "Ana again"})
    assert again.status_code == 403
    assert REMOVED in again.content.decode()
    assert list(live_session.participants.values_list("display_name", flat=True)) == ["Ana"]
    # Someone else joins as before.
    _browser, response = join_from_a_browser(live_session, "Bo")
    assert response.status_code == 302


def test_a_removed_participant_leaves_every_list_and_count_but_their_answers_stay_on_record(
    live_session, phone, facilitator_client
):
    ana, _bo = phone(live_session, "Ana"), phone(live_session, "Bo")
    live_session.reveal_next()
    ana.post(answer_url(live_session), {"text": "Zq the baker knew my name"})

    facilitator_client.post(person_url(live_session, person(live_session, "Ana"), "remove"))

    room = facilitator_client.get(reverse("live_sessions:room", args=[live_session.pk]))
    assert "Zq the baker" not in room.content.decode()  # off the wall
    live_session.refresh_from_db()
    in_the_room = screens.room_context(live_session)["participants"]
    assert [person.display_name for person in in_the_room] == ["Bo"]
    console = facilitator_client.get(live_session.get_absolute_url()).content.decode()
    assert "1 participant" in console and "0 of 1 answered" in console
    assert "Zq the baker" in console  # the facilitator still has it
    assert ">Ana</a>" not in console
    live_session.end()
    summary = facilitator_client.get(reverse("live_sessions:summary", args=[live_session.pk]))
    text = summary.content.decode()
    assert "Zq the baker" in text and "1 participant" in text


def test_removing_the_person_whose_turn_it_is_moves_the_turn_on(live_session, phone):
    for name in ["Ana", "Bo", "Cy"]:
        phone(live_session, name)
    live_session.pass_turn()
    live_session.pass_turn()
    assert live_session.current_turn.display_name == "Bo"

    assert live_session.remove(person(live_session, "Bo"))

    live_session.refresh_from_db()
    assert live_session.current_turn.display_name == "Cy"
    turns = []
    for _turn in range(3):
        turns.append(live_session.pass_turn().display_name)
    assert "Bo" not in turns


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_removing_the_picker_in_a_spread_hands_the_blocks_to_the_next_person(facilitator):
    session = await sync_to_async(start_session)(facilitator, mode="spread")
    ana = await joined(session, "Ana")
    bo = await joined(session, "Bo")
    await sync_to_async(session.pass_turn)()  # Ana's turn to pick
    bo_phone, _connected = await connect(f"/ws/join/{session.join_code}/", bo)
    room, _connected = await connect(f"/ws/live/{session.pk}/room/", await logged_in(facilitator))
    assert "Ana" in await room.receive_from()
    await bo_phone.receive_from()
    host = await logged_in(facilitator)

    await post(host, person_url(session, await sync_to_async(person)(session, "Ana"), "remove"))

    update = await bo_phone.receive_from()
    bo_person = await sync_to_async(person)(session, "Bo")
    assert f'data-turn-of="{bo_person.pk}"' in update
    assert reverse("live_sessions:pick", args=[session.join_code, 1])[:-2] in update  # blocks
    room_update = await room.receive_from()
    assert "<strong>Bo</strong>, pick a block" in room_update and "Ana" not in room_update
    for socket in (bo_phone, room):
        await socket.disconnect()
    del ana


def test_the_summary_counts_participation_of_those_still_here(live_session, phone):
    live_session.reveal_next()
    for name in ["Ana", "Bo"]:
        phone(live_session, name).post(answer_url(live_session), {"text": f"From {name}"})
    live_session.remove(person(live_session, "Ana"))
    card = screens.summary_context(live_session)["cards"][0]
    assert card.participation == 100  # Bo, the one person here, answered: not 200 %
    assert [answer.text for answer in card.summary_answers] == ["From Ana", "From Bo"]


def test_removing_the_only_person_on_turn_leaves_nobody_on_turn(live_session, phone):
    phone(live_session, "Ana")
    live_session.pass_turn()
    live_session.remove(person(live_session, "Ana"))
    live_session.refresh_from_db()
    assert live_session.current_turn is None
    assert live_session.pass_turn() is None
    assert live_session.random_turn() is None


def test_removing_from_the_console_asks_first_and_answers_htmx_with_the_console(
    live_session, phone, facilitator_client
):
    phone(live_session, "Ana")
    ana = person(live_session, "Ana")
    panel = facilitator_client.get(person_url(live_session, ana, "detail"), headers=HTMX)
    assert 'hx-confirm="Remove Ana from the session?' in panel.content.decode()
    assert "HX-Request" in panel["Vary"]
    response = facilitator_client.post(person_url(live_session, ana, "remove"), headers=HTMX)
    assert "Ana was removed from the session." in response.content.decode()
    ana.refresh_from_db()
    assert ana.removed_at is not None
    # Gone from the people the console links to: her page is no more.
    assert facilitator_client.get(person_url(live_session, ana, "detail")).status_code == 404


# Renaming someone


def test_renaming_gives_a_taken_name_a_number(live_session, phone, facilitator_client):
    phone(live_session, "Ana")
    phone(live_session, "Oops")
    response = facilitator_client.post(
        person_url(live_session, person(live_session, "Oops"), "rename"),
        {"display_name": "  Ana  "},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Renamed to Ana 2." in response.content.decode()
    assert sorted(live_session.participants.values_list("display_name", flat=True)) == [
        "Ana",
        "Ana 2",
    ]


def test_renaming_follows_the_join_forms_rules(live_session, phone, facilitator_client):
    live_session.anonymous_allowed = True
    live_session.save()
    phone(live_session, "Ana")
    url = person_url(live_session, person(live_session, "Ana"), "rename")
    too_long = facilitator_client.post(url, {"display_name": "x" * 41})
    assert too_long.status_code == 400
    assert "at most 40 characters" in too_long.content.decode()
    empty = facilitator_client.post(url, {"display_name": "   "}, headers=HTMX)
    assert empty.status_code == 200  # htmx swaps the form with its message
    assert "Type the name you want the room to see." in empty.content.decode()
    assert person(live_session, "Ana")


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_new_name_reaches_their_phone_the_room_and_the_console(facilitator):
    session = await sync_to_async(start_session)(facilitator)
    oops_browser = await joined(session, "Oops")
    bo_browser = await joined(session, "Bo")
    host = await logged_in(facilitator)
    room, _ = await connect(f"/ws/live/{session.pk}/room/", host)
    console, _ = await connect(f"/ws/live/{session.pk}/host/", host)
    oops_phone, _ = await connect(f"/ws/join/{session.join_code}/", oops_browser)
    bo_phone, _ = await connect(f"/ws/join/{session.join_code}/", bo_browser)
    for socket in (room, console, oops_phone, bo_phone):
        await socket.receive_from()
    oops = await sync_to_async(person)(session, "Oops")

    await post(host, person_url(session, oops, "rename"), {"display_name": "Dana"})

    own = await oops_phone.receive_from()
    assert own == '<span id="phone-me" class="phone-header__me">Dana</span>'
    assert "Dana" not in await bo_phone.receive_from()  # only their own header says it
    room_update = await room.receive_from()
    assert "Dana" in room_update and "Oops" not in room_update
    assert "Dana" in await console.receive_from()
    for socket in (room, console, oops_phone, bo_phone):
        await socket.disconnect()


# Locking joining


def test_a_late_joiner_is_told_joining_is_closed_and_nothing_is_created(
    live_session, phone, facilitator_client
):
    facilitator_client.post(command(live_session, "lock-joining"))

    late = Client()
    page = late.get(live_session.join_path)
    assert page.status_code == 403
    assert LOCKED in page.content.decode()
    assert 'name="display_name"' not in page.content.decode()
    response = late.post(live_session.join_path, {"display_name": "Late"})
    assert response.status_code == 403
    assert LOCKED in response.content.decode()
    assert not Participant.objects.exists()


def test_a_phone_that_joined_before_the_lock_keeps_working(live_session, phone):
    ana = phone(live_session, "Ana")
    live_session.reveal_next()
    live_session.lock_joining()
    page = ana.get(live_session.join_path)
    assert page.status_code == 200 and "Send my answer" in page.content.decode()
    ana.post(answer_url(live_session), {"text": "Still answering"})
    assert Answer.objects.get().text == "Still answering"


def test_unlocking_lets_people_join_again(live_session, phone, facilitator_client):
    facilitator_client.post(command(live_session, "lock-joining"))
    live_session.refresh_from_db()
    assert live_session.joining_locked
    console = facilitator_client.get(live_session.get_absolute_url()).content.decode()
    assert "Joining is closed." in console and "Open joining again" in console

    facilitator_client.post(command(live_session, "unlock-joining"))

    phone(live_session, "Late but welcome")
    assert live_session.participants.get().display_name == "Late but welcome"


def test_the_lock_is_checked_by_the_session_itself(live_session):
    live_session.lock_joining()
    with pytest.raises(JoiningLocked):
        live_session.join("Sneaky")
    assert not live_session.participants.exists()


def test_only_the_facilitator_may_lock_joining(live_session, phone, other_client):
    ana = phone(live_session, "Ana")
    assert ana.post(command(live_session, "lock-joining")).status_code == 403
    assert other_client.post(command(live_session, "lock-joining")).status_code == 404
    live_session.refresh_from_db()
    assert not live_session.joining_locked


@pytest.fixture
def server(app_server):
    # Room for every request of the race to be in a view at once, none turned away by a limit.
    return app_server(CXW_JOIN_SESSION_RATE="100000/m", CXW_HTTP_CONCURRENCY="32")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_joins_racing_the_lock_are_either_in_or_told_joining_is_closed(server, facilitator):
    """Real concurrent requests against a server process, as tests/live_sessions/test_races.py
    makes them: the lock is taken under the session's row lock, so each join lands wholly
    before it (in) or after it (refused, nobody created)."""
    for _round in range(ROUNDS):
        session, phones, results, joined, refused = joins_racing(
            server, facilitator, "lock-joining"
        )
        assert results[0][0] == 200
        assert all(status == 403 and LOCKED in page for status, page, _headers in refused)
        assert session.participants.count() == len(joined)
        for phone, (status, _page, _headers) in zip(phones, results[1:], strict=True):
            if status == 302:  # in before the lock: still in
                assert "You're in!" in phone.send(session.join_path)[1]
        late_status, late_page, _headers = Browser(server.url).send(session.join_path)
        assert late_status == 403 and LOCKED in late_page
