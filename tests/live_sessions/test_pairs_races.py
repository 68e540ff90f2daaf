"""Pairs mode under taps at the same moment (as tests/live_sessions/test_races.py runs them: a
real server, requests released together): two "Next round" taps make one round, and a phone
joining or answering as the round changes ends in a state some order of them explains."""

import pytest
from django.urls import reverse

from sessions.models import Answer, LiveSession, PairMember, Participant
from tests.live_sessions import test_races
from tests.live_sessions.test_races import (
    ROUNDS,
    assert_no_server_errors,
    at_once,
    facilitator_tab,
    join,
    new_phone,
    post,
    start,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

server = test_races.server  # the app in a process of its own, as the races there run it
host = test_races.host


def next_round(tab, session, seen):
    path = reverse("live_sessions:command", args=[session.pk, "pair-up"])
    return post(tab, path, {"round": seen})


def assert_everyone_in_one_pair_a_round(session):
    for number in range(1, session.pair_round + 1):
        members = PairMember.objects.filter(pair__session=session, round_number=number)
        people = list(members.values_list("participant_id", flat=True))
        assert len(people) == len(set(people))


def test_two_next_round_taps_at_once_make_one_new_round(server, host):
    session = start(host, server, cards=30, mode=LiveSession.Mode.PAIRS)
    for name in ["Ana", "Bo", "Cy", "Dee", "Eli"]:
        session.join(name)
    tabs = [facilitator_tab(server, host, session) for _ in range(2)]
    for number in range(ROUNDS):
        results = at_once(*[next_round(tab, session, number) for tab in tabs])
        assert [status for status, *_rest in results] == [200, 200]
        session.refresh_from_db()
        assert session.pair_round == number + 1
        assert session.pairs.filter(round_number=number + 1).count() == 2  # a pair and a three
        assert_everyone_in_one_pair_a_round(session)


def test_a_phone_joining_as_the_round_changes_is_in_a_pair_or_waits_for_the_next(server, host):
    session = start(host, server, cards=30, mode=LiveSession.Mode.PAIRS)
    for name in ["Ana", "Bo", "Cy"]:
        session.join(name)
    tab = facilitator_tab(server, host, session)
    for number in range(ROUNDS):
        phone = new_phone(server, session)
        results = at_once(
            next_round(tab, session, number),
            post(phone, session.join_path, {"display_name": f"Late {number}"}, htmx=False),
        )
        assert_no_server_errors(results)
        session.refresh_from_db()
        late = Participant.objects.get(display_name=f"Late {number}")
        paired = session.pair_of(late) is not None
        status, page, _headers = phone.send(session.join_path)
        assert status == 200
        if paired:
            assert "you're with" in page
        else:
            assert "you are paired at the next round" in page
        assert_everyone_in_one_pair_a_round(session)


def test_an_answer_sent_as_the_round_changes_is_saved_on_its_card_or_refused(server, host):
    session = start(host, server, cards=30, mode=LiveSession.Mode.PAIRS)
    phones = {name: join(server, session, name) for name in ["Ana", "Bo"]}
    tab = facilitator_tab(server, host, session)
    session.pair_up()
    answer_path = reverse("live_sessions:answer", args=[session.join_code])
    for number in range(1, ROUNDS + 1):
        ana = Participant.objects.get(display_name="Ana")
        card = session.card_for(ana)
        phones["Ana"].open(session.join_path)
        results = at_once(
            next_round(tab, session, number),
            post(phones["Ana"], answer_path, {"text": f"Words {number}", "card": card.pk}),
        )
        assert_no_server_errors(results)
        assert results[1][0] in (200, 409)
        saved = Answer.objects.filter(text=f"Words {number}").first()
        assert (saved is not None) == (results[1][0] == 200)
        if saved:
            assert saved.session_card_id == card.pk
        session.refresh_from_db()
