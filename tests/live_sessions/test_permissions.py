"""Every facilitator action, tried by everyone who is not that session's facilitator."""

import pytest
from django.test import Client
from django.urls import reverse

from sessions.models import Answer, LiveSession
from sessions.views import COMMANDS

COMMAND_NAMES = list(COMMANDS)


@pytest.fixture
def started(live_session, phone):
    live_session.reveal_next()
    ana = phone(live_session, "Ana")
    ana.post(reverse("live_sessions:answer", args=[live_session.join_code]), {"text": "Hello"})
    return live_session


def state(session):
    session.refresh_from_db()
    answer = Answer.objects.get()
    return (
        session.status,
        session.current_card_id,
        session.current_turn_id,
        session.round_number,
        list(session.cards.values_list("position", "shown_order", "is_skipped", "answers_open")),
        (answer.is_hidden, answer.is_spotlighted),
    )


def facilitator_requests(session):
    answer = Answer.objects.get()
    urls = [reverse("live_sessions:command", args=[session.pk, name]) for name in COMMAND_NAMES]
    urls += [
        reverse("live_sessions:answer-moderate", args=[session.pk, answer.pk, action])
        for action in ["hide", "unhide", "spotlight", "unspotlight"]
    ]
    return urls


def pages(session):
    return [
        reverse("live_sessions:console", args=[session.pk]),
        reverse("live_sessions:summary", args=[session.pk]),
        reverse("live_sessions:summary-export", args=[session.pk, "csv"]),
    ]


@pytest.fixture
def visitors(started, other_session, phone, other_client):
    """Everyone but the facilitator, with the status each must get for an action."""
    return {
        "not logged in": (Client(), 403),
        "participant of this session": (phone(started, "Bo"), 403),
        "participant of another session": (phone(other_session, "Cy"), 403),
        "another facilitator": (other_client, 404),
    }


def test_nobody_but_the_facilitator_can_drive_a_session(started, visitors):
    before = state(started)
    for who, (browser, status) in visitors.items():
        for url in facilitator_requests(started):
            response = browser.post(url)
            assert response.status_code == status, (who, url, response.status_code)
    assert state(started) == before


def test_nobody_but_the_facilitator_sees_the_console_or_summary(started, visitors):
    for who, (browser, _status) in visitors.items():
        for url in pages(started):
            response = browser.get(url)
            if who == "another facilitator":
                assert response.status_code == 404, (who, url)
            else:
                assert response.status_code == 302, (who, url)
                assert response.url.startswith("/accounts/login/"), (who, url)


def test_the_room_screen_needs_the_facilitator_or_the_secret_link(started, visitors):
    url = reverse("live_sessions:room", args=[started.pk])
    for who, (browser, _status) in visitors.items():
        response = browser.get(url)
        assert response.status_code in (302, 404), who
        assert "Hello" not in response.content.decode()
    projector = Client()
    response = projector.get(url, {"key": started.room_key})
    assert response.status_code == 302 and response.url == url  # the key leaves the address
    page = projector.get(url)
    assert page.status_code == 200 and "Hello" in page.content.decode()
    assert started.room_key not in page.content.decode()  # nor is it in the socket's URL
    stranger = Client()
    assert stranger.get(url, {"key": "wrong"}).url == url
    assert stranger.get(url).url.startswith("/accounts/login/")
    assert "key" not in stranger.get(url).url  # nor in the log-in link


def test_the_private_link_keeps_the_key_in_cookies_for_the_room_page_and_its_socket(started):
    projector = Client()
    projector.get(reverse("live_sessions:room", args=[started.pk]), {"key": started.room_key})
    page_cookie = projector.cookies["room_key"]
    socket_cookie = projector.cookies["room_socket_key"]
    assert page_cookie.value == socket_cookie.value == started.room_key
    assert page_cookie["path"] == f"/live/{started.pk}/room/"
    assert socket_cookie["path"] == f"/ws/live/{started.pk}/room/"
    for cookie in (page_cookie, socket_cookie):
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
        assert not cookie["secure"]  # plain HTTP: a secure cookie would never come back


def test_over_https_the_room_key_cookies_are_secure(started, settings):
    settings.SESSION_COOKIE_SECURE = True
    projector = Client()
    url = reverse("live_sessions:room", args=[started.pk])
    projector.get(url, {"key": started.room_key}, secure=True)
    assert projector.cookies["room_key"]["secure"] is True
    assert projector.cookies["room_socket_key"]["secure"] is True


def test_a_wrong_key_sets_no_cookie_and_a_key_for_another_session_opens_only_that_one(
    started, other_session
):
    projector = Client()
    url = reverse("live_sessions:room", args=[started.pk])
    projector.get(url, {"key": "wrong"})
    assert "room_key" not in projector.cookies
    projector.get(url, {"key": other_session.room_key})
    assert "room_key" not in projector.cookies
    assert projector.get(url).status_code == 302


def test_a_room_key_of_any_characters_is_refused_without_a_server_error(started):
    url = reverse("live_sessions:room", args=[started.pk])
    for key in ["é", "\x00", "☃" * 100, started.room_key + "é"]:
        response = Client().get(url, {"key": key})
        assert response.status_code == 302, key


@pytest.mark.parametrize("command", COMMAND_NAMES)
def test_the_facilitator_can_run_every_command(facilitator_client, started, command):
    response = facilitator_client.post(
        reverse("live_sessions:command", args=[started.pk, command]), headers={"HX-Request": "true"}
    )
    if not started.offers(command):  # another mode's (tests/live_sessions/test_mode_commands.py)
        assert response.status_code == 409
        return
    assert response.status_code in (200, 204)
    if command == "end":
        started.refresh_from_db()
        assert started.status == LiveSession.Status.ENDED
        assert response["HX-Redirect"] == reverse("live_sessions:summary", args=[started.pk])


def test_hiding_an_answer_takes_it_off_the_room_screen(facilitator_client, started):
    answer = Answer.objects.get()
    room_url = reverse("live_sessions:room", args=[started.pk])
    assert "Hello" in facilitator_client.get(room_url).content.decode()
    facilitator_client.post(
        reverse("live_sessions:answer-moderate", args=[started.pk, answer.pk, "hide"])
    )
    assert "Hello" not in facilitator_client.get(room_url).content.decode()
    console = facilitator_client.get(started.get_absolute_url()).content.decode()
    assert "Hello" in console and "Hidden from the room" in console


def test_a_participant_cannot_pick_a_block_out_of_turn(phone, facilitator):
    from tests.live_sessions.conftest import start_session

    session = start_session(facilitator, mode="spread")
    ana, bo = phone(session, "Ana"), phone(session, "Bo")
    session.pass_turn()
    block = session.face_down_cards().last()
    response = bo.post(reverse("live_sessions:pick", args=[session.join_code, block.pk]))
    assert response.status_code == 403
    ana.post(reverse("live_sessions:pick", args=[session.join_code, block.pk]))
    session.refresh_from_db()
    assert session.current_card == block


def test_a_turn_allows_one_pick_from_the_table(phone, facilitator):
    from tests.live_sessions.conftest import start_session

    session = start_session(facilitator, mode="spread")
    ana = phone(session, "Ana")
    phone(session, "Bo")
    session.pass_turn()
    first, second = list(session.face_down_cards())[:2]
    ana.post(reverse("live_sessions:pick", args=[session.join_code, first.pk]))
    response = ana.post(reverse("live_sessions:pick", args=[session.join_code, second.pk]))
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.current_card == first
    session.pass_turn()
    session.pass_turn()
    ana.post(reverse("live_sessions:pick", args=[session.join_code, second.pk]))
    session.refresh_from_db()
    assert session.current_card == second


def test_only_a_participant_of_this_session_can_answer_or_pick_in_it(
    started, other_session, phone, facilitator_client, other_client
):
    answer_url = reverse("live_sessions:answer", args=[started.join_code])
    block = started.face_down_cards().first()
    pick_url = reverse("live_sessions:pick", args=[started.join_code, block.pk])
    outsiders = {
        "not logged in": Client(),
        "participant of another session": phone(other_session, "Cy"),
        "the facilitator, who has not joined as a participant": facilitator_client,
        "another facilitator": other_client,
    }
    for who, browser in outsiders.items():
        assert browser.post(answer_url, {"text": "Intruder"}).status_code == 403, who
        assert browser.post(pick_url).status_code == 403, who
    assert not Answer.objects.filter(text="Intruder").exists()


@pytest.mark.parametrize("step", [-1, 0], ids=["clock stepped back", "clock stood still"])
def test_a_turn_allows_one_pick_whatever_the_servers_clock_does(
    phone, facilitator, time_machine, step
):
    """One block per turn is decided by what happened: a server clock that stands still (a
    coarse clock) or steps back (a time sync) neither allows a second pick nor refuses the
    next person theirs."""
    from tests.live_sessions.conftest import start_session

    time_machine.move_to("2028-02-29 23:59:30+00:00", tick=False)
    session = start_session(facilitator, mode="spread")
    ana, bo = phone(session, "Ana"), phone(session, "Bo")
    first, second, third = list(session.face_down_cards())[:3]
    session.pass_turn()
    time_machine.shift(step * 60)
    ana.post(reverse("live_sessions:pick", args=[session.join_code, first.pk]))
    response = ana.post(reverse("live_sessions:pick", args=[session.join_code, second.pk]))
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.current_card == first
    session.pass_turn()
    bo.post(reverse("live_sessions:pick", args=[session.join_code, third.pk]))
    session.refresh_from_db()
    assert session.current_card == third
