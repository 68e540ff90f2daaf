"""Locked answers: the facilitator's lock, and the lock of a timer that ran out. A locked card
takes no new answer and no change (409, nothing saved), its phones are told, and unlocking
opens it again. Answers racing a lock, against a real server: none is saved after it."""

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from sessions import screens
from sessions.models import Answer, LiveSession
from tests.factories import UserFactory
from tests.live_sessions import test_races as races

HTMX = {"HX-Request": "true"}
LOCKED = "Answers are locked for this card."


def answer_url(session):
    return reverse("live_sessions:answer", args=[session.join_code])


def command_url(session, name):
    return reverse("live_sessions:command", args=[session.pk, name])


@pytest.fixture
def card_up(live_session):
    live_session.reveal_next()
    return live_session


def fresh(session):
    return LiveSession.objects.live().get(pk=session.pk)


def test_a_locked_card_refuses_new_answers_and_changes_and_unlocking_opens_it_again(
    facilitator_client, phone, card_up
):
    ana, bo = phone(card_up, "Ana"), phone(card_up, "Bo")
    ana.post(answer_url(card_up), {"text": "Kept"}, headers=HTMX)

    response = facilitator_client.post(command_url(card_up, "lock-answers"), headers=HTMX)
    assert "Answers are locked: 1 answer in." in response.content.decode()
    assert "Unlock answers" in response.content.decode()

    for browser, text in [(ana, "Changed"), (bo, "Too late")]:
        response = browser.post(answer_url(card_up), {"text": text}, headers=HTMX)
        assert response.status_code == 409
        assert LOCKED in response.content.decode()
        assert "<form" not in response.content.decode()
    assert list(Answer.objects.values_list("text", flat=True)) == ["Kept"]
    assert "<textarea" not in bo.get(answer_url(card_up)).content.decode()  # no form to fill
    assert LOCKED in bo.get(card_up.join_path).content.decode()

    facilitator_client.post(command_url(card_up, "unlock-answers"), headers=HTMX)
    response = bo.post(answer_url(card_up), {"text": "Now in"}, headers=HTMX)
    assert response.status_code == 200
    assert "Saved." in response.content.decode()
    assert sorted(Answer.objects.values_list("text", flat=True)) == ["Kept", "Now in"]


def test_a_post_without_htmx_to_a_locked_card_is_refused_too(phone, card_up):
    ana = phone(card_up)
    card_up.lock_answers()
    response = ana.post(answer_url(card_up), {"text": "Plain form"})
    assert response.status_code == 409
    assert LOCKED in response.content.decode()
    assert not Answer.objects.exists()


def test_the_cards_key_changes_on_lock_and_unlock_so_every_phone_fetches_its_form_again(
    card_up,
):
    keys = [screens.card_key(fresh(card_up).current_card)]
    card_up.lock_answers()
    keys.append(screens.card_key(fresh(card_up).current_card))
    card_up.unlock_answers()
    keys.append(screens.card_key(fresh(card_up).current_card))
    card = fresh(card_up).current_card
    assert keys == [f"{card.pk}-open", f"{card.pk}-locked", f"{card.pk}-open"]


def test_only_the_facilitator_locks_answers(client, phone, other_client, card_up):
    ana = phone(card_up)
    for browser, status in [(client, 403), (ana, 403), (other_client, 404)]:
        assert browser.post(command_url(card_up, "lock-answers")).status_code == status
    assert not fresh(card_up).current_card.answers_locked


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(datetime.fromisoformat("2028-02-29T23:59:00+00:00"), tick=False)
    return time_machine


def test_answers_are_refused_once_a_locking_timer_has_run_out_with_no_event_needed(
    clock, phone, card_up
):
    ana = phone(card_up)
    card_up.set_timer(60)
    card_up.set_timer_locks_answers(True)
    card_up.start_timer()
    clock.shift(59)
    assert ana.post(answer_url(card_up), {"text": "Just in time"}, headers=HTMX).status_code == 200
    clock.shift(1)

    response = ana.post(answer_url(card_up), {"text": "Too late"}, headers=HTMX)

    assert response.status_code == 409
    assert LOCKED in response.content.decode()
    assert Answer.objects.get().text == "Just in time"
    card = fresh(card_up).current_card
    assert screens.card_key(card) == f"{card.pk}-locked"
    card_up.add_time(30)  # more time opens the card again
    assert ana.post(answer_url(card_up), {"text": "Extra"}, headers=HTMX).status_code == 200


def test_a_timer_that_does_not_lock_lets_answers_in_after_the_time_is_up(clock, phone, card_up):
    ana = phone(card_up)
    card_up.set_timer(60)
    card_up.start_timer()
    clock.shift(61)
    assert ana.post(answer_url(card_up), {"text": "Late but fine"}, headers=HTMX).status_code == 200


def test_a_card_whose_locking_timer_ran_out_stays_locked_after_the_next_card(clock, card_up):
    card_up.set_timer(60)
    card_up.set_timer_locks_answers(True)
    card_up.start_timer()
    clock.shift(61)
    card_up.reveal_next()  # the new card starts with the whole time
    assert fresh(card_up).current_card.is_open_for_answers
    card_up.go_back()
    assert fresh(card_up).current_card.answers_locked


# Against a real server, with requests released together (tests/live_sessions/test_races.py).


@pytest.fixture
def races_server(app_server):
    return app_server(CXW_ANSWER_RATE="100000/m", CXW_HTTP_CONCURRENCY="32")


@pytest.fixture
def host(db):
    return UserFactory()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_answers_racing_a_lock_are_saved_before_it_or_refused_after_it(races_server, host):
    session = races.start(host, races_server, cards=races.ROUNDS + 1)
    tab = races.facilitator_tab(races_server, host, session)
    phones = [races.join(races_server, session, f"P{number}") for number in range(8)]
    path = answer_url(session)
    for round_number in range(races.ROUNDS):
        session.reveal_next()
        card = fresh(session).current_card

        lock, *answers = races.at_once(
            races.command(tab, session, "lock-answers"),
            *[
                races.post(phone, path, {"text": f"Round {round_number} from P{number}"})
                for number, phone in enumerate(phones)
            ],
        )

        races.assert_no_server_errors([lock, *answers])
        assert lock[0] == 200
        # The count the console showed when the lock went through is the card's last word.
        in_at_lock = int(re.search(r"Answers are locked: (\d+) answers? in", lock[1]).group(1))
        saved = set(Answer.objects.filter(session_card=card).values_list("text", flat=True))
        assert len(saved) == in_at_lock
        for number, (status, page, _headers) in enumerate(answers):
            text = f"Round {round_number} from P{number}"
            assert (status, text in saved) in [(200, True), (409, False)], page[:300]
            assert ("Saved." if status == 200 else LOCKED) in page
        late = races.post(phones[0], path, {"text": "After the lock"})()
        assert late[0] == 409


def test_the_lock_key_is_listed_on_its_button(facilitator_client, card_up):
    page = facilitator_client.get(card_up.get_absolute_url()).content.decode()
    assert 'data-shortcut="lock-answers" aria-keyshortcuts="l"' in page


def test_a_countdown_that_ran_out_reads_as_time_up_on_the_console(
    clock, facilitator_client, card_up
):
    card_up.set_timer(60)
    card_up.set_timer_locks_answers(True)
    card_up.start_timer()
    clock.shift(timedelta(minutes=2))
    page = facilitator_client.get(card_up.get_absolute_url()).content.decode()
    assert "Time is up: answers are locked." in page
