"""Passing: in a table spread or a draw-mode sharing turn, the person on turn may pass as many
times as the facilitator allows; the turn moves on and the room says who passed, no more
(a pass and the facilitator's "next" at once: tests/live_sessions/test_turn_races.py)."""

import pytest
from django.urls import reverse

from sessions import screens
from sessions.models import LiveSession
from tests.factories import CardFactory, DeckFactory
from tests.live_sessions.conftest import start_session

HTMX = {"HX-Request": "true"}


@pytest.fixture
def spread(facilitator):
    return start_session(facilitator, mode=LiveSession.Mode.SPREAD, passes_per_person=2)


def pass_url(session):
    return reverse("live_sessions:pass", args=[session.join_code])


def page_of(browser, session):
    return browser.get(reverse("live_sessions:join", args=[session.join_code])).content.decode()


def on_turn(session):
    session.refresh_from_db()
    return session.current_turn.display_name if session.current_turn else None


def test_the_person_on_turn_passes_and_the_turn_moves_on(phone, spread, facilitator_client):
    ana = phone(spread, "Ana")
    phone(spread, "Bo")
    spread.pass_turn()
    assert "2 passes left" in page_of(ana, spread)

    response = ana.post(pass_url(spread), headers=HTMX)

    assert response.status_code == 200
    assert "You passed" in response.content.decode()
    assert on_turn(spread) == "Bo"
    assert spread.participants.get(display_name="Ana").passes_used == 1
    room = facilitator_client.get(reverse("live_sessions:room", args=[spread.pk]))
    assert "Ana passed." in room.content.decode()
    console = facilitator_client.get(spread.get_absolute_url())
    assert "Ana passed." in console.content.decode()


def test_a_second_tap_on_pass_is_harmless(phone, spread):
    ana = phone(spread, "Ana")
    phone(spread, "Bo")
    phone(spread, "Cy")
    spread.pass_turn()

    ana.post(pass_url(spread), headers=HTMX)
    again = ana.post(pass_url(spread), headers=HTMX)

    assert again.status_code == 200
    assert "You passed" in again.content.decode()
    assert on_turn(spread) == "Bo"
    assert spread.participants.get(display_name="Ana").passes_used == 1


def test_only_the_person_on_turn_may_pass(phone, spread):
    phone(spread, "Ana")
    bo = phone(spread, "Bo")
    spread.pass_turn()

    response = bo.post(pass_url(spread), headers=HTMX)

    assert response.status_code == 409
    assert "It is not your turn" in response.content.decode()
    assert on_turn(spread) == "Ana"


def test_passing_is_off_until_the_facilitator_gives_passes(phone, facilitator):
    session = start_session(facilitator, mode=LiveSession.Mode.SPREAD)
    ana = phone(session, "Ana")
    session.pass_turn()
    assert "passes left" not in page_of(ana, session)

    response = ana.post(pass_url(session), headers=HTMX)

    assert response.status_code == 409
    assert "Passing is off" in response.content.decode()
    plain = ana.post(pass_url(session), follow=True)
    assert "Passing is off" in plain.content.decode()


def test_nobody_passes_more_often_than_allowed(phone, facilitator):
    session = start_session(facilitator, mode=LiveSession.Mode.SPREAD, passes_per_person=1)
    ana = phone(session, "Ana")
    phone(session, "Bo")
    session.pass_turn()
    ana.post(pass_url(session), headers=HTMX)
    session.pass_turn()  # round 2: Ana again
    assert on_turn(session) == "Ana"
    assert "Pass</button>" not in page_of(ana, session)

    response = ana.post(pass_url(session), headers=HTMX)

    assert response.status_code == 409
    assert "You have used all your passes" in response.content.decode()
    assert on_turn(session) == "Ana"


def test_there_is_no_pass_when_the_facilitator_reveals_the_cards(phone, facilitator):
    session = start_session(facilitator, passes_per_person=2)
    ana = phone(session, "Ana")
    session.pass_turn()

    response = ana.post(pass_url(session), headers=HTMX)

    assert response.status_code == 409
    assert "There are no turns to pass" in response.content.decode()


def test_in_draw_mode_the_person_sharing_may_pass_and_the_next_card_comes_up(phone, facilitator):
    session = start_session(facilitator, mode=LiveSession.Mode.DRAW, passes_per_person=1)
    ana, bo = phone(session, "Ana"), phone(session, "Bo")
    for browser in (ana, bo):
        browser.post(reverse("live_sessions:draw", args=[session.join_code]))
    session.pass_turn()

    ana.post(pass_url(session), headers=HTMX)

    session.refresh_from_db()
    assert session.current_turn.display_name == "Bo"
    assert session.current_card == session.participants.get(display_name="Bo").drawn_card()
    room = screens.room_context(LiveSession.objects.live().get(pk=session.pk))
    assert room["passed"].display_name == "Ana"


def test_the_passed_line_goes_once_the_turn_moves_on_again(phone, spread):
    ana = phone(spread, "Ana")
    phone(spread, "Bo")
    spread.pass_turn()
    ana.post(pass_url(spread), headers=HTMX)

    spread.pass_turn()

    spread.refresh_from_db()
    assert spread.passed_by is None


def test_the_facilitator_changes_how_many_passes_each_person_has(spread, facilitator_client):
    response = facilitator_client.post(
        reverse("live_sessions:passes", args=[spread.pk]), {"passes_per_person": 3}, headers=HTMX
    )

    assert response.status_code == 200
    spread.refresh_from_db()
    assert spread.passes_per_person == 3
    assert 'value="3"' in response.content.decode()


def test_a_number_of_passes_out_of_range_is_refused_with_a_message(spread, facilitator_client):
    response = facilitator_client.post(
        reverse("live_sessions:passes", args=[spread.pk]),
        {"passes_per_person": 99},
        headers=HTMX,
    )

    assert "less than or equal to 10" in response.content.decode()
    spread.refresh_from_db()
    assert spread.passes_per_person == 2


def test_a_next_turn_meant_for_someone_who_has_passed_moves_the_turn_no_further(
    phone, spread, facilitator_client
):
    ana = phone(spread, "Ana")
    phone(spread, "Bo")
    phone(spread, "Cy")
    spread.pass_turn()
    ana_id = spread.current_turn_id
    ana.post(pass_url(spread), headers=HTMX)  # the turn is Bo's now

    facilitator_client.post(
        reverse("live_sessions:command", args=[spread.pk, "turn-next"]),
        {"turn": ana_id},
        headers=HTMX,
    )

    assert on_turn(spread) == "Bo"


def test_the_start_form_sets_passes_and_redraws(facilitator, facilitator_client):
    deck = DeckFactory(owner=facilitator)
    CardFactory(deck=deck)
    facilitator_client.post(
        reverse("live_sessions:session-start", args=[deck.slug]),
        {"mode": "draw", "redraws": 1, "passes_per_person": 2, "is_shuffled": "on"},
    )

    session = LiveSession.objects.get()
    assert (session.mode, session.redraws, session.passes_per_person) == ("draw", 1, 2)
