"""The session's timer: server times through start, pause, resume, added time and reset (on a
controlled clock), the console's form, a new card or turn starting the time again, and the
times every screen is drawn from."""

import re
from datetime import datetime, timedelta

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse

from sessions.models import LiveSession
from tests.live_sessions import test_sockets as sockets
from tests.live_sessions.conftest import start_session

START = datetime.fromisoformat("2028-02-29T23:59:00+00:00")
HTMX = {"HX-Request": "true"}


@pytest.fixture
def clock(time_machine):
    """The server's clock, stopped at START: `clock.shift(seconds)` moves it on. Asked for
    before the browsers that log in, so their sessions start on this clock."""
    time_machine.move_to(START, tick=False)
    return time_machine


def timer_url(session):
    return reverse("live_sessions:timer", args=[session.pk])


def fresh(session):
    return LiveSession.objects.live().get(pk=session.pk)


def test_the_timer_counts_down_from_server_times_through_start_pause_resume_and_added_time(
    live_session, clock
):
    live_session.set_timer(120)
    countdown = fresh(live_session).countdown()
    assert (countdown.state, countdown.is_ready, countdown.clock) == ("paused", True, "02:00")

    live_session.start_timer()
    assert fresh(live_session).timer_ends_at == START + timedelta(seconds=120)
    clock.shift(30)
    assert fresh(live_session).countdown().clock == "01:30"

    live_session.pause_timer()
    clock.shift(100)  # paused: the time left stays
    countdown = fresh(live_session).countdown()
    assert (countdown.state, countdown.is_ready, countdown.clock) == ("paused", False, "01:30")

    live_session.add_time(30)
    live_session.start_timer()  # resumed
    clock.shift(60)
    live_session.add_time(60)
    countdown = fresh(live_session).countdown()
    assert (countdown.state, countdown.clock) == ("running", "02:00")

    clock.shift(121)
    countdown = fresh(live_session).countdown()
    assert (countdown.state, countdown.is_up, countdown.clock) == ("up", True, "00:00")
    live_session.start_timer()  # once up, Start does nothing: reset or add time
    assert fresh(live_session).countdown().is_up

    live_session.add_time(30)  # after the time is up: just the added time, from now
    assert fresh(live_session).countdown().clock == "00:30"
    live_session.reset_timer()
    countdown = fresh(live_session).countdown()
    assert (countdown.state, countdown.is_ready, countdown.clock) == ("paused", True, "02:00")


def test_a_countdown_shows_whole_seconds_rounded_up(live_session, clock):
    live_session.set_timer(60)
    live_session.start_timer()
    clock.shift(0.2)
    assert fresh(live_session).countdown().clock == "01:00"
    clock.shift(59.5)
    assert fresh(live_session).countdown().clock == "00:01"


def test_the_console_sets_the_timer_from_a_preset_or_typed_minutes(
    clock, facilitator_client, live_session
):
    response = facilitator_client.post(
        timer_url(live_session), {"action": "set", "seconds": "120"}, headers=HTMX
    )
    assert response.status_code == 200
    assert 'id="host-timer"' in response.content.decode()
    assert fresh(live_session).timer_seconds == 120

    facilitator_client.post(timer_url(live_session), {"action": "set", "minutes": "1.5"})
    assert fresh(live_session).timer_seconds == 90
    facilitator_client.post(timer_url(live_session), {"action": "locks", "locks_answers": "on"})
    facilitator_client.post(timer_url(live_session), {"action": "start"})
    clock.shift(10)
    facilitator_client.post(timer_url(live_session), {"action": "add", "seconds": "30"})
    session = fresh(live_session)
    assert session.timer_locks_answers
    assert session.countdown().clock == "01:50"
    facilitator_client.post(timer_url(live_session), {"action": "pause"})
    assert fresh(live_session).countdown().state == "paused"
    facilitator_client.post(timer_url(live_session), {"action": "off"})
    session = fresh(live_session)
    assert (session.timer_seconds, session.timer_left, session.timer_ends_at) == (None, None, None)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"action": "set", "minutes": "0"}, "between 10 seconds and 120 minutes"),
        ({"action": "set", "minutes": "500"}, "between 10 seconds and 120 minutes"),
        ({"action": "set", "minutes": "soon"}, "Enter a number."),
        ({"action": "set", "minutes": "NaN"}, "Enter a number."),
        ({"action": "set", "seconds": "-60"}, "between 10 seconds and 120 minutes"),
        ({"action": "set"}, "Type how many minutes each card gets."),
        ({"action": "add", "seconds": "86400"}, "Add between 1 second and 10 minutes."),
        ({"action": "explode"}, "Select a valid choice."),
    ],
)
def test_a_bad_timer_value_gets_a_message_and_changes_nothing(
    facilitator_client, live_session, data, message
):
    live_session.set_timer(60)
    before = timer_fields(live_session)

    response = facilitator_client.post(timer_url(live_session), data, headers=HTMX)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert timer_fields(live_session) == before
    # Without htmx: back to the console, which says what was wrong.
    response = facilitator_client.post(timer_url(live_session), data, follow=True)
    assert response.redirect_chain[-1][0] == live_session.get_absolute_url()
    assert message in response.content.decode()
    assert timer_fields(live_session) == before


def timer_fields(session):
    session = fresh(session)
    fields = ["timer_seconds", "timer_left", "timer_ends_at", "timer_locks_answers"]
    return [getattr(session, name) for name in fields]


def test_a_new_card_starts_the_whole_time_again_paused(live_session, clock):
    live_session.set_timer(60)
    live_session.reveal_next()
    live_session.start_timer()
    clock.shift(20)
    live_session.reveal_next()
    countdown = fresh(live_session).countdown()
    assert (countdown.is_ready, countdown.clock) == (True, "01:00")
    live_session.start_timer()
    clock.shift(5)
    live_session.go_back()
    assert fresh(live_session).countdown().is_ready


def test_in_a_table_spread_a_new_turn_starts_the_time_again_and_a_pick_does_not(facilitator, clock):
    session = start_session(facilitator, mode=LiveSession.Mode.SPREAD)
    ana, _created = session.join("Ana")
    session.join("Bo")
    session.set_timer(90)
    session.pass_turn()
    session.start_timer()
    clock.shift(30)
    session.pick(ana, session.face_down_cards().first())  # Ana's pick, on her own time
    assert fresh(session).countdown().clock == "01:00"
    session.pass_turn()
    countdown = fresh(session).countdown()
    assert (countdown.is_ready, countdown.clock) == (True, "01:30")


def timer_attributes(html):
    match = re.search(
        r'data-state="(\w+)" data-ends-at="(\d*)" data-left="(\d+)" data-server-now="(\d+)"', html
    )
    assert match, html
    state, ends_at, left, now = match.groups()
    return state, int(ends_at or 0), int(left), int(now)


def test_every_screen_gets_the_servers_end_time_and_its_now(
    clock, facilitator_client, phone, live_session
):
    live_session.reveal_next()
    live_session.set_timer(120)
    live_session.start_timer()
    clock.shift(15)
    ana = phone(live_session)
    pages = [
        facilitator_client.get(live_session.get_absolute_url()),
        facilitator_client.get(reverse("live_sessions:room", args=[live_session.pk])),
        ana.get(live_session.join_path),
    ]
    end_ms = int((START + timedelta(seconds=120)).timestamp() * 1000)
    now_ms = int((START + timedelta(seconds=15)).timestamp() * 1000)
    for page in pages:
        html = page.content.decode()
        assert timer_attributes(html) == ("running", end_ms, 105_000, now_ms)
        assert ">01:45<" in html


def test_only_the_facilitator_changes_the_timer(client, phone, other_client, live_session):
    ana = phone(live_session)
    for browser, status in [(client, 403), (ana, 403), (other_client, 404)]:
        response = browser.post(timer_url(live_session), {"action": "set", "seconds": "60"})
        assert response.status_code == status
    assert fresh(live_session).timer_seconds is None


def test_the_timer_of_an_ended_session_changes_no_more(facilitator_client, live_session):
    live_session.end()
    response = facilitator_client.post(timer_url(live_session), {"action": "set", "seconds": "60"})
    assert response.status_code == 302
    assert response.url == reverse("live_sessions:summary", args=[live_session.pk])
    assert fresh(live_session).timer_seconds is None


def test_the_console_asks_for_its_timer_again_as_the_server_sees_it(
    facilitator_client, client, phone, other_client, live_session
):
    live_session.set_timer(60)
    response = facilitator_client.get(timer_url(live_session), headers=HTMX)
    assert response.status_code == 200
    assert 'id="host-timer"' in response.content.decode()
    assert ">01:00<" in response.content.decode()
    ana = phone(live_session)
    for browser, status in [(client, 403), (ana, 403), (other_client, 404)]:
        assert browser.get(timer_url(live_session), headers=HTMX).status_code == status


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_timer_change_and_a_lock_reach_the_room_the_phones_and_the_console(facilitator):
    session = await sync_to_async(start_session)(facilitator)
    host = await sockets.logged_in(facilitator)
    ana = await sockets.joined(session, "Ana")
    await sync_to_async(session.reveal_next)()
    screens = {
        "room": (await sockets.connect(f"/ws/live/{session.pk}/room/", host))[0],
        "console": (await sockets.connect(f"/ws/live/{session.pk}/host/", host))[0],
        "phone": (await sockets.connect(f"/ws/join/{session.join_code}/", ana))[0],
    }
    for socket in screens.values():
        await socket.receive_from()  # the current state

    await sockets.post(host, timer_url(session), {"action": "set", "seconds": "90"})
    for name, socket in screens.items():
        frame = await socket.receive_from()
        assert 'data-state="paused"' in frame and ">01:30<" in frame, name

    await sockets.post(host, sockets.command(session, "lock-answers"))
    card = await sync_to_async(lambda: fresh(session).current_card)()
    frames = {name: await socket.receive_from() for name, socket in screens.items()}
    assert f'data-card="{card.pk}-locked"' in frames["phone"]  # phones fetch their form again
    assert "Answers are locked" in frames["room"]
    assert "Unlock answers" in frames["console"]
    for socket in screens.values():
        await socket.disconnect()
