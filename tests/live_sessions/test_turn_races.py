"""Draws and passes at the same moment, as a room makes them: a room drawing at once, double
taps, a pass and the facilitator's "next" together, a redraw as the answer to the card is sent.
Real requests to the app served as `make run` serves it, released together (the helpers of
tests/live_sessions/test_races.py)."""

import pytest
from django.urls import reverse

from sessions.models import Answer, Draw
from tests.live_sessions import test_races
from tests.live_sessions.test_races import (
    ROUNDS,
    assert_no_server_errors,
    at_once,
    facilitator_tab,
    join,
    post,
    start,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# The same fixtures as there: the app in a process of its own, and its facilitator.
server = test_races.server
host = test_races.host


def path(name, session):
    return reverse(f"live_sessions:{name}", args=[session.join_code])


def test_phones_drawing_at_once_never_get_one_card_while_others_are_free(server, host):
    for _round in range(ROUNDS):
        session = start(host, server, cards=6, mode="draw")
        phones = [join(server, session, f"P{number}") for number in range(6)]

        results = at_once(*[post(phone, path("draw", session)) for phone in phones])

        assert_no_server_errors(results)
        assert [status for status, *_rest in results] == [200] * 6
        held = list(Draw.objects.filter(session=session).values_list("session_card", flat=True))
        assert len(held) == len(set(held)) == 6


def test_a_phone_tapping_draw_several_times_at_once_draws_one_card(server, host):
    session = start(host, server, cards=6, mode="draw")
    phones = [join(server, session, f"P{number}") for number in range(3)]

    results = at_once(*[post(phone, path("draw", session)) for phone in phones for _tap in "abc"])

    assert_no_server_errors(results)
    assert [status for status, *_rest in results] == [200] * 9
    assert Draw.objects.filter(session=session).count() == 3
    held = set(Draw.objects.values_list("session_card", flat=True))
    assert len(held) == 3


def test_a_pass_and_the_facilitators_next_together_move_the_turn_once(server, host):
    for _round in range(ROUNDS):
        session = start(host, server, mode="spread", passes_per_person=1)
        tab = facilitator_tab(server, host, session)
        ana = join(server, session, "Ana")
        for name in ["Bo", "Cy"]:
            join(server, session, name)
        session.pass_turn()  # Ana's turn
        anas = session.current_turn
        next_turn = reverse("live_sessions:command", args=[session.pk, "turn-next"])

        passed, following = at_once(
            post(ana, path("pass", session)), post(tab, next_turn, {"turn": anas.pk})
        )

        assert_no_server_errors([passed, following])
        assert following[0] == 200
        session.refresh_from_db()
        assert session.current_turn.display_name == "Bo"  # one move, whichever came first
        anas.refresh_from_db()
        if passed[0] == 200:  # passed first: a pass used, and the room says so
            assert (anas.passes_used, session.passed_by) == (1, anas)
        else:  # "next" first: nothing left to pass
            assert passed[0] == 409 and "not your turn" in passed[1]
            assert (anas.passes_used, session.passed_by) == (0, None)


def test_a_redraw_and_an_answer_to_the_card_together_keep_it_or_refuse_the_answer(server, host):
    for _round in range(ROUNDS):
        session = start(host, server, cards=6, mode="draw", redraws=1)
        ana = join(server, session, "Ana")
        ana.send(path("draw", session), {}, htmx=True)
        card = Draw.objects.get(session=session).session_card
        ana.open(path("join", session))

        redrawn, answered = at_once(
            post(ana, path("redraw", session), {"card": card.pk}),
            post(ana, path("answer", session), {"card": card.pk, "text": "Mine"}),
        )

        assert_no_server_errors([redrawn, answered])
        kept = Draw.objects.get(session=session, is_put_back=False)
        saved = Answer.objects.filter(session_card__session=session)
        if kept.session_card == card:  # answered first: the card is theirs to keep
            assert redrawn[0] == 409 and answered[0] == 200
            assert saved.get().session_card == card
        else:  # put back first: the answer to it is refused, its words kept on the phone
            assert redrawn[0] == 200 and answered[0] == 409
            assert not saved.exists()
