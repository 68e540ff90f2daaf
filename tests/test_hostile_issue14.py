"""Hostile probes of issue 14's routes and screens (draws, redraws, passes, reactions,
co-facilitators, turns, levels, pairs, the closing screen, printing, the summary while live):
what a careless or hostile participant or facilitator sends. Every probe ends in a clear 4xx or
a harmless no-op that saves nothing it should not, never a server error, never a leak."""

import pytest
from django.test import Client
from django.urls import reverse

from sessions.models import Draw, LiveSession, Pair, Reaction
from tests.live_sessions.conftest import start_session

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
HUGE = "9" * 40
NUMBERS = ["-1", "0", "abc", "1e3", "3.5", HUGE, "-" + HUGE, "\x00", "١٢", "", "0x1", "1 OR 1=1"]


def url(name, *args):
    return reverse(f"live_sessions:{name}", args=args)


def command(session, name):
    return url("command", session.pk, name)


def joined(session, name="Ana"):
    browser = Client()
    response = browser.post(url("join", session.join_code), {"display_name": name})
    assert response.status_code == 302, response.content.decode()[:300]
    return browser


def person(session, name):
    return session.participants.get(display_name=name)


def state(session):
    """What a probe must leave as it was: the session row's play state and what people saved."""
    session.refresh_from_db()
    return {
        "session": (
            session.status,
            session.current_card_id,
            session.current_turn_id,
            session.current_level,
            session.pair_round,
            session.passes_per_person,
            session.reactions_enabled,
            session.highlights_shown,
            session.round_number,
        ),
        "cards": list(
            session.cards.order_by("pk").values_list("shown_order", "is_skipped", "closed_at")
        ),
        "draws": list(Draw.objects.filter(session=session).values_list("pk", "is_put_back")),
        "pairs": Pair.objects.filter(session=session).count(),
        "passes": list(session.participants.order_by("pk").values_list("passes_used", flat=True)),
        "reactions": Reaction.objects.filter(answer__session_card__session=session).count(),
        "co_facilitators": list(session.co_facilitators.values_list("pk", flat=True)),
    }


@pytest.fixture
def draw_session(facilitator):
    return start_session(facilitator, mode=LiveSession.Mode.DRAW, redraws=1, passes_per_person=1)


@pytest.fixture
def reveal_session(facilitator):
    return start_session(facilitator)


@pytest.fixture
def other_reveal_session(other_facilitator):
    return start_session(other_facilitator)


# Draws and redraws


def test_a_redraw_naming_a_card_by_garbage_or_a_number_no_row_can_have_is_refused_in_words(
    draw_session,
):
    ana = joined(draw_session)
    assert ana.post(url("draw", draw_session.join_code)).status_code == 302
    before = state(draw_session)
    for card in NUMBERS:
        for headers in ({}, HTMX):
            response = ana.post(url("redraw", draw_session.join_code), {"card": card}, **headers)
            assert response.status_code in (302, 409), (card, response.status_code)
            if headers:
                assert "not yours to put back" in response.content.decode()
    assert state(draw_session) == before


def test_a_redraw_of_another_persons_or_another_sessions_card_puts_nothing_back(
    draw_session, facilitator
):
    ana, bo = joined(draw_session, "Ana"), joined(draw_session, "Bo")
    other = start_session(facilitator, mode=LiveSession.Mode.DRAW, redraws=1)
    cy = joined(other, "Cy")
    for browser, session in ((ana, draw_session), (bo, draw_session), (cy, other)):
        browser.post(url("draw", session.join_code))
    bos_card = person(draw_session, "Bo").drawn_card()
    cys_card = person(other, "Cy").drawn_card()
    before = state(draw_session)
    for card in (bos_card, cys_card):
        response = ana.post(url("redraw", draw_session.join_code), {"card": card.pk}, **HTMX)
        assert response.status_code == 409
        assert "not yours to put back" in response.content.decode()
    assert state(draw_session) == before
    assert person(draw_session, "Bo").drawn_card() == bos_card


def test_a_redraw_tapped_many_times_uses_one_redraw_and_draws_one_card(draw_session):
    ana = joined(draw_session)
    ana.post(url("draw", draw_session.join_code))
    first = person(draw_session, "Ana").drawn_card()
    for _tap in range(5):
        ana.post(url("redraw", draw_session.join_code), {"card": first.pk})
    assert Draw.objects.filter(session=draw_session, is_put_back=True).count() == 1
    assert Draw.objects.filter(session=draw_session, is_put_back=False).count() == 1


def test_a_draw_tapped_many_times_draws_one_card(draw_session):
    ana = joined(draw_session)
    for _tap in range(6):
        assert ana.post(url("draw", draw_session.join_code)).status_code == 302
    assert Draw.objects.filter(session=draw_session).count() == 1


def test_a_draw_or_redraw_outside_draw_mode_is_refused_in_words_and_draws_nothing(
    facilitator,
):
    for mode in (LiveSession.Mode.REVEAL, LiveSession.Mode.SPREAD, LiveSession.Mode.PAIRS):
        session = start_session(facilitator, mode=mode)
        ana = joined(session)
        for route, data in (("draw", {}), ("redraw", {"card": session.cards.first().pk})):
            response = ana.post(url(route, session.join_code), data, **HTMX)
            assert response.status_code == 409, (mode, route)
            assert "draw" in response.content.decode().lower()
        assert not Draw.objects.filter(session=session).exists()
