"""Hostile probes of issue 14's routes and screens (draws, redraws, passes, reactions,
co-facilitators, turns, levels, pairs, the closing screen, printing, the summary while live):
what a careless or hostile participant or facilitator sends. Every probe ends in a clear 4xx or
a harmless no-op that saves nothing it should not, never a server error, never a leak."""

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse

from sessions.models import Answer, Draw, LiveSession, Pair, Reaction
from tests.conftest import logged_in
from tests.factories import CardFactory, DeckFactory, UserFactory
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


# Passes


def on_turn(session, facilitator_client, *names):
    browsers = [joined(session, name) for name in names]
    facilitator_client.post(command(session, "turn-next"))
    session.refresh_from_db()
    return browsers


def test_a_pass_from_someone_not_on_turn_or_tapped_again_passes_nobody_else(
    draw_session, facilitator_client
):
    ana, bo = on_turn(draw_session, facilitator_client, "Ana", "Bo")
    assert draw_session.current_turn == person(draw_session, "Ana")
    before = state(draw_session)
    response = bo.post(url("pass", draw_session.join_code), **HTMX)
    assert response.status_code == 409
    assert "It is not your turn" in response.content.decode()
    assert state(draw_session) == before
    for _tap in range(5):
        assert ana.post(url("pass", draw_session.join_code)).status_code == 302
    draw_session.refresh_from_db()
    assert draw_session.current_turn == person(draw_session, "Bo")
    assert person(draw_session, "Ana").passes_used == 1


def test_a_pass_in_reveal_or_pairs_mode_is_refused_in_words(facilitator):
    for mode in (LiveSession.Mode.REVEAL, LiveSession.Mode.PAIRS):
        session = start_session(facilitator, mode=mode, passes_per_person=3)
        ana = joined(session)
        before = state(session)
        response = ana.post(url("pass", session.join_code), **HTMX)
        assert response.status_code == 409
        assert "no turns to pass" in response.content.decode()
        assert state(session) == before


def test_passes_set_to_garbage_or_out_of_range_numbers_keep_the_setting(
    draw_session, facilitator_client
):
    before = state(draw_session)
    for value in [*(n for n in NUMBERS if n != "0"), "11", "32768", "-32769"]:
        response = facilitator_client.post(
            url("passes", draw_session.pk), {"passes_per_person": value}
        )
        assert response.status_code == 302, value
        response = facilitator_client.post(
            url("passes", draw_session.pk), {"passes_per_person": value}, **HTMX
        )
        assert response.status_code == 200, value
    assert state(draw_session) == before


def test_a_participant_or_another_facilitator_cannot_set_passes(draw_session, other_client):
    ana = joined(draw_session)
    before = state(draw_session)
    assert ana.post(url("passes", draw_session.pk), {"passes_per_person": 9}).status_code == 403
    response = other_client.post(url("passes", draw_session.pk), {"passes_per_person": 9})
    assert response.status_code == 404
    assert state(draw_session) == before


# Turns given by the facilitator


def test_a_turn_given_to_another_sessions_removed_or_unknown_person_is_a_404(
    draw_session, facilitator_client, other_reveal_session
):
    joined(draw_session, "Ana")
    joined(draw_session, "Bo")
    joined(other_reveal_session, "Cy")
    draw_session.remove(person(draw_session, "Bo"))
    before = state(draw_session)
    for participant_id in (
        person(other_reveal_session, "Cy").pk,
        person(draw_session, "Bo").pk,
        2**63,
        10**30,
    ):
        response = facilitator_client.post(url("participant-turn", draw_session.pk, participant_id))
        assert response.status_code == 404, participant_id
    assert state(draw_session) == before


def test_a_turn_cannot_be_given_by_a_participant_or_another_facilitator(draw_session, other_client):
    ana = joined(draw_session, "Ana")
    joined(draw_session, "Bo")
    bo = person(draw_session, "Bo")
    before = state(draw_session)
    assert ana.post(url("participant-turn", draw_session.pk, bo.pk)).status_code == 403
    assert other_client.post(url("participant-turn", draw_session.pk, bo.pk)).status_code == 404
    assert state(draw_session) == before


def test_a_turn_given_after_the_end_is_refused_and_changes_nothing(
    draw_session, facilitator_client
):
    joined(draw_session, "Ana")
    ana = person(draw_session, "Ana")
    draw_session.end()
    before = state(draw_session)
    response = facilitator_client.post(url("participant-turn", draw_session.pk, ana.pk))
    assert response.status_code == 403
    assert state(draw_session) == before


# Commands in the wrong mode, with garbage, after the end, replayed


def test_pair_up_in_reveal_draw_or_spread_mode_pairs_nobody_and_deals_no_card(facilitator):
    for mode in (LiveSession.Mode.REVEAL, LiveSession.Mode.DRAW, LiveSession.Mode.SPREAD):
        session = start_session(facilitator, mode=mode)
        browser = logged_in(facilitator)
        for name in ("Ana", "Bo", "Cy"):
            joined(session, name)
        before = state(session)
        response = browser.post(command(session, "pair-up"), {"round": 0})
        assert response.status_code < 500
        assert state(session) == before, mode
        assert not session.cards.filter(revealed_at__isnull=False).exists()


def test_open_next_level_without_levels_or_with_garbage_levels_changes_nothing(
    reveal_session, facilitator_client
):
    before = state(reveal_session)
    for level in ["", "2", "1", "0", "-1", "abc", HUGE, "1001", "\x00"]:
        response = facilitator_client.post(
            command(reveal_session, "open-next-level"), {"level": level}
        )
        assert response.status_code in (302, 400), level
    assert state(reveal_session) == before
    assert not reveal_session.cards.filter(is_skipped=True).exists()


def levelled_session(owner):
    deck = DeckFactory(owner=owner)
    for level in ("Perception", "Connection"):
        for number in (1, 2):
            CardFactory(deck=deck, prompt=f"{level} {number}", level=level)
    return LiveSession.start(deck, owner, join_base_url="http://testserver", is_shuffled=False)


def test_open_next_level_asked_for_a_level_not_next_or_many_times_opens_one_level(
    facilitator, facilitator_client
):
    session = levelled_session(facilitator)
    before = state(session)
    for level in ["3", "1", "0", "-2", HUGE, "abc"]:
        response = facilitator_client.post(command(session, "open-next-level"), {"level": level})
        assert response.status_code in (302, 400), level
    assert state(session) == before
    for _tap in range(5):
        facilitator_client.post(command(session, "open-next-level"), {"level": "2"})
        facilitator_client.post(command(session, "open-next-level"))
    session.refresh_from_db()
    assert session.current_level == 2


def test_pair_up_with_garbage_rounds_or_replayed_makes_one_round(facilitator, facilitator_client):
    session = start_session(facilitator, mode=LiveSession.Mode.PAIRS)
    for name in ("Ana", "Bo", "Cy", "Dee"):
        joined(session, name)
    before = state(session)
    for value in ["-1", "abc", HUGE, "-" + HUGE, "\x00", "1.5"]:
        response = facilitator_client.post(command(session, "pair-up"), {"round": value})
        assert response.status_code in (302, 400), value
    assert state(session) == before
    for _tap in range(5):
        facilitator_client.post(command(session, "pair-up"), {"round": 0})
    session.refresh_from_db()
    assert session.pair_round == 1
    assert Pair.objects.filter(session=session).count() == 2


def test_every_new_command_after_the_end_goes_to_the_summary_and_changes_nothing(
    facilitator, facilitator_client
):
    session = levelled_session(facilitator)
    joined(session, "Ana")
    session.end()
    before = state(session)
    for name in [
        "open-next-level",
        "pair-up",
        "reactions-on",
        "reactions-off",
        "highlights-on",
        "highlights-off",
    ]:
        response = facilitator_client.post(command(session, name))
        assert response.status_code == 302, name
        assert response.url == url("summary", session.pk)
    assert state(session) == before


def test_new_post_only_routes_refuse_a_get_and_change_nothing(
    draw_session, facilitator_client, facilitator
):
    ana = joined(draw_session, "Ana")
    ana_id = person(draw_session, "Ana").pk
    before = state(draw_session)
    code = draw_session.join_code
    for browser, address in [
        (ana, url("draw", code)),
        (ana, url("redraw", code)),
        (ana, url("pass", code)),
        (ana, url("react", code, 1)),
        (facilitator_client, url("co-facilitator-add", draw_session.pk)),
        (facilitator_client, url("co-facilitator-remove", draw_session.pk, facilitator.pk)),
        (facilitator_client, url("participant-turn", draw_session.pk, ana_id)),
        (facilitator_client, url("passes", draw_session.pk)),
        *[
            (facilitator_client, command(draw_session, name))
            for name in [
                "open-next-level",
                "pair-up",
                "reactions-on",
                "reactions-off",
                "highlights-on",
                "highlights-off",
            ]
        ],
    ]:
        assert browser.get(address).status_code == 405, address
    assert state(draw_session) == before


def test_a_ten_megabyte_body_on_a_new_route_is_refused_and_saves_nothing(
    draw_session, facilitator_client
):
    ana = joined(draw_session, "Ana")
    before = state(draw_session)
    big = "x" * 10_000_000
    for browser, address, field in [
        (ana, url("redraw", draw_session.join_code), "card"),
        (facilitator_client, url("passes", draw_session.pk), "passes_per_person"),
        (facilitator_client, url("co-facilitator-add", draw_session.pk), "email"),
        (facilitator_client, command(draw_session, "open-next-level"), "level"),
    ]:
        response = browser.post(address, {field: big})
        assert response.status_code == 400, address
    assert state(draw_session) == before


# Reactions


@pytest.fixture
def wall(reveal_session):
    """The first card up; Ana answered it for the room, Bo reacts."""
    reveal_session.reveal_next()
    ana, bo = joined(reveal_session, "Ana"), joined(reveal_session, "Bo")
    ana.post(url("answer", reveal_session.join_code), {"text": "The baker knew my name."})
    reveal_session.refresh_from_db()
    return reveal_session, ana, bo, Answer.objects.get(text="The baker knew my name.")


def test_a_reaction_of_an_unknown_kind_both_give_and_take_back_or_none_is_a_400(wall):
    session, _ana, bo, answer = wall
    for data in [
        {},
        {"give": "poop"},
        {"give": "HEART"},
        {"give": "heart\x00"},
        {"give": SCRIPT},
        {"give": "x" * 100_000},
        {"take_back": "💩"},
        {"give": "heart", "take_back": "heart"},
        {"give": "heart", "take_back": "wow"},
        {"give": ""},
    ]:
        response = bo.post(url("react", session.join_code, answer.pk), data)
        assert response.status_code == 400, data
        assert "Choose a reaction." in response.content.decode()
    assert not Reaction.objects.exists()


def test_a_reaction_to_another_sessions_answer_or_an_unknown_one_is_a_404(
    wall, other_reveal_session
):
    session, _ana, bo, _answer = wall
    other_reveal_session.reveal_next()
    cy = joined(other_reveal_session, "Cy")
    cy.post(url("answer", other_reveal_session.join_code), {"text": "Elsewhere"})
    theirs = Answer.objects.get(text="Elsewhere")
    for answer_id in (theirs.pk, 2**63, 10**25):
        response = bo.post(url("react", session.join_code, answer_id), {"give": "heart"})
        assert response.status_code == 404, answer_id
    # Cy's own session's code with Bo's browser: Bo has not joined it.
    response = bo.post(url("react", other_reveal_session.join_code, theirs.pk), {"give": "heart"})
    assert response.status_code == 403
    assert not Reaction.objects.exists()


def test_a_reaction_to_a_private_or_hidden_answer_is_refused_and_never_shows_its_words(wall):
    session, _ana, bo, answer = wall
    cy = joined(session, "Cy")
    cy.post(url("answer", session.join_code), {"text": "Secret words", "is_private": "on"})
    private = Answer.objects.get(text="Secret words")
    Answer.objects.filter(pk=answer.pk).update(is_hidden=True)
    for target in (private, answer):
        response = bo.post(url("react", session.join_code, target.pk), {"give": "heart"})
        assert response.status_code == 403
        response = bo.post(url("react", session.join_code, target.pk), {"give": "heart"}, **HTMX)
        assert response.status_code == 409
        shown = response.content.decode()
        assert "not on the wall any more" in shown
        assert target.text not in shown
    assert not Reaction.objects.exists()


def test_a_removed_participant_and_a_stranger_cannot_react(wall):
    session, _ana, bo, answer = wall
    session.remove(person(session, "Bo"))
    response = bo.post(url("react", session.join_code, answer.pk), {"give": "heart"})
    assert response.status_code == 403
    assert "removed you" in response.content.decode()
    response = Client().post(url("react", session.join_code, answer.pk), {"give": "heart"})
    assert response.status_code == 403
    assert not Reaction.objects.exists()


def test_a_reaction_while_reactions_are_off_or_after_the_end_is_refused(wall, facilitator_client):
    session, _ana, bo, answer = wall
    facilitator_client.post(command(session, "reactions-off"))
    assert bo.post(url("react", session.join_code, answer.pk), {"give": "wow"}).status_code == 403
    facilitator_client.post(command(session, "reactions-on"))
    session.end()
    assert bo.post(url("react", session.join_code, answer.pk), {"give": "wow"}).status_code == 403
    assert not Reaction.objects.exists()


def test_a_reaction_replayed_many_times_counts_once_and_then_is_rate_limited(wall):
    session, _ana, bo, answer = wall
    statuses = {
        bo.post(url("react", session.join_code, answer.pk), {"give": "heart"}).status_code
        for _tap in range(200)
    }
    assert statuses <= {302, 429} and 429 in statuses
    assert answer.reactions.count() == 1


def test_a_participant_can_only_take_back_their_own_reaction(wall):
    session, ana, bo, answer = wall
    bo.post(url("react", session.join_code, answer.pk), {"give": "heart"})
    ana.post(url("react", session.join_code, answer.pk), {"take_back": "heart"})
    assert list(answer.reactions.values_list("participant__display_name", flat=True)) == ["Bo"]


# Co-facilitators


@pytest.fixture
def colleague(db):
    return UserFactory(name="Chris Colleague", email="chris@example.com")


def test_removing_a_user_who_is_no_co_facilitator_tells_nothing_about_their_account(
    reveal_session, facilitator_client
):
    stranger = UserFactory(name="Sam Secret", email="sam.secret@example.com")
    for user_id in (stranger.pk, 2**63, 10**30):
        for headers in ({}, HTMX):
            response = facilitator_client.post(
                url("co-facilitator-remove", reveal_session.pk, user_id), follow=True, **headers
            )
            assert response.status_code in (200, 404)
            shown = response.content.decode()
            assert "Sam Secret" not in shown and "sam.secret" not in shown
    assert not reveal_session.co_facilitators.exists()


def test_removing_a_co_facilitator_twice_removes_them_once_and_tells_the_second_tap_plainly(
    reveal_session, facilitator_client, colleague
):
    reveal_session.co_facilitators.add(colleague)
    remove = url("co-facilitator-remove", reveal_session.pk, colleague.pk)
    response = facilitator_client.post(remove, follow=True)
    assert "Chris Colleague no longer runs this session." in response.content.decode()
    again = facilitator_client.post(remove, follow=True)
    assert "They no longer run this session." in again.content.decode()
    assert not reveal_session.co_facilitators.exists()


def test_a_co_facilitator_cannot_add_or_remove_co_facilitators(reveal_session, colleague):
    reveal_session.co_facilitators.add(colleague)
    third = UserFactory(email="third@example.com")
    chris = logged_in(colleague)
    response = chris.post(url("co-facilitator-add", reveal_session.pk), {"email": third.email})
    assert response.status_code == 403
    response = chris.post(url("co-facilitator-remove", reveal_session.pk, colleague.pk))
    assert response.status_code == 403
    assert list(reveal_session.co_facilitators.all()) == [colleague]


def test_a_removed_co_facilitator_can_no_longer_drive_read_or_export_the_session(
    reveal_session, facilitator_client, colleague
):
    reveal_session.co_facilitators.add(colleague)
    chris = logged_in(colleague)
    facilitator_client.post(url("co-facilitator-remove", reveal_session.pk, colleague.pk))
    joined(reveal_session, "Ana")
    ana = person(reveal_session, "Ana")
    before = state(reveal_session)
    for address in [
        command(reveal_session, "next"),
        command(reveal_session, "reactions-off"),
        command(reveal_session, "highlights-off"),
        command(reveal_session, "open-next-level"),
        url("passes", reveal_session.pk),
        url("participant-turn", reveal_session.pk, ana.pk),
    ]:
        assert chris.post(address, {"passes_per_person": 5}).status_code == 404, address
    for address in [
        url("console", reveal_session.pk),
        url("summary", reveal_session.pk),
        url("summary-export", reveal_session.pk, "csv"),
        url("summary-export", reveal_session.pk, "md"),
        url("room", reveal_session.pk),
    ]:
        assert chris.get(address).status_code == 404, address
    assert state(reveal_session) == before


def test_another_facilitator_cannot_add_themselves_or_anyone_to_a_session(
    reveal_session, other_client, other_facilitator, colleague
):
    for email in (other_facilitator.email, colleague.email):
        response = other_client.post(url("co-facilitator-add", reveal_session.pk), {"email": email})
        assert response.status_code == 404
    assert (
        Client().post(url("co-facilitator-add", reveal_session.pk), {"email": "x@y.z"}).status_code
        == 403
    )
    assert not reveal_session.co_facilitators.exists()


def test_a_co_facilitator_address_full_of_garbage_is_a_form_error_said_escaped(
    reveal_session, facilitator_client, facilitator
):
    for email in [
        "",
        "\x00@example.com",
        f'"{SCRIPT}"@example.com',
        "a" * 100_000 + "@example.com",
        "chris@exa\u202emple.com",
        facilitator.email,
        facilitator.email.upper(),
        "' OR 1=1 --",
    ]:
        response = facilitator_client.post(
            url("co-facilitator-add", reveal_session.pk), {"email": email}
        )
        assert response.status_code == 400, email
        assert SCRIPT not in response.content.decode()
    assert not reveal_session.co_facilitators.exists()


def test_a_co_facilitator_added_many_times_is_added_once(
    reveal_session, facilitator_client, colleague
):
    for _tap in range(5):
        facilitator_client.post(
            url("co-facilitator-add", reveal_session.pk), {"email": colleague.email}
        )
    assert list(reveal_session.co_facilitators.all()) == [colleague]


def test_an_inactive_account_cannot_be_made_co_facilitator(reveal_session, facilitator_client):
    gone = UserFactory(email="gone@example.com", is_active=False)
    response = facilitator_client.post(
        url("co-facilitator-add", reveal_session.pk), {"email": gone.email}
    )
    assert response.status_code == 400
    assert not reveal_session.co_facilitators.exists()


# Script in every new text field: escaped in pages, frames, exports and the print page


def assert_escaped(text, where):
    assert SCRIPT not in text, where
    assert "<script>alert" not in text, where


def test_a_team_named_with_a_script_is_escaped_on_every_page(facilitator, facilitator_client):
    deck = DeckFactory(owner=facilitator)
    CardFactory(deck=deck, prompt="Hello")
    start = url("session-start", deck.slug)
    response = facilitator_client.post(
        start, {"mode": "reveal", "team_name": SCRIPT, "seen_cards": "last"}
    )
    assert response.status_code == 302
    session = LiveSession.objects.get(deck=deck)
    assert session.team.name == SCRIPT
    for address in [
        start,
        url("console", session.pk),
        url("session-list"),
        url("room", session.pk),
        url("summary", session.pk),
    ]:
        page = facilitator_client.get(address).content.decode()
        assert_escaped(page, address)
    assert ESCAPED in facilitator_client.get(start).content.decode()


def test_a_team_name_of_nul_bytes_or_past_its_length_is_a_form_error(
    facilitator, facilitator_client
):
    deck = DeckFactory(owner=facilitator)
    CardFactory(deck=deck, prompt="Hello")
    for name in ["a\x00b", "x" * 81, "x" * 5_000_000]:
        response = facilitator_client.post(
            url("session-start", deck.slug), {"mode": "reveal", "team_name": name}
        )
        assert response.status_code in (200, 400), len(name)
    assert not LiveSession.objects.filter(deck=deck).exists()
    assert not facilitator.teams.exists()


@pytest.fixture
def scripted_session(facilitator):
    """A session whose level names, notes, prompts and people are all scripts."""
    deck = DeckFactory(owner=facilitator)
    for number, level in enumerate((SCRIPT, f"Two {SCRIPT}")):
        CardFactory(
            deck=deck,
            prompt=f"{SCRIPT} prompt {number}",
            follow_up=f"{SCRIPT} follow-up",
            level=level,
            notes=f"NOTE-{number} {SCRIPT}",
        )
    return LiveSession.start(
        deck, facilitator, join_base_url="http://testserver", is_shuffled=False
    )


def test_level_names_notes_and_prompts_with_scripts_are_escaped_and_notes_stay_on_the_console(
    scripted_session, facilitator_client
):
    session = scripted_session
    ana = joined(session, SCRIPT)
    facilitator_client.post(command(session, "next"))
    ana.post(url("answer", session.join_code), {"text": f"Answer {SCRIPT}"})
    facilitator_client.post(command(session, "open-next-level"), {"level": 2})
    facilitator_client.post(command(session, "next"))
    console = facilitator_client.get(url("console", session.pk)).content.decode()
    assert_escaped(console, "console")
    assert "NOTE-1" in console and ESCAPED in console
    for where, page in [
        ("room", facilitator_client.get(url("room", session.pk)).content.decode()),
        ("phone", ana.get(url("join", session.join_code)).content.decode()),
        ("print", facilitator_client.get(reverse("decks:deck-print", args=[session.deck.slug]))),
    ]:
        page = page if isinstance(page, str) else page.content.decode()
        assert_escaped(page, where)
        assert "NOTE-" not in page, where
    for file_format in ("csv", "md"):
        exported = facilitator_client.get(url("summary-export", session.pk, file_format))
        text = exported.content.decode()
        assert exported.status_code == 200
        assert "NOTE-" not in text, file_format
        if file_format == "md":
            assert "<script>" not in text


def test_the_frames_of_levels_draws_pairs_and_passes_escape_names_and_levels(
    scripted_session, facilitator
):
    from sessions import screens
    from sessions.broadcast import HOST, PHONE, ROOM, render_parts

    session = scripted_session
    for name in (SCRIPT, f"B {SCRIPT}"):
        joined(session, name)
    session.open_next_level(level=2)
    session.refresh_from_db()
    room = render_parts(ROOM, ["room-state"], screens.room_context(session))
    host = render_parts(HOST, ["host-state"], screens.host_context(session))
    phone = render_parts(
        PHONE, ["phone-card"], screens.phone_context(session, person(session, SCRIPT))
    )
    for where, frame in (("room", room), ("host", host), ("phone", phone)):
        assert_escaped(frame, where)
        if where != "host":
            assert "NOTE-" not in frame


def test_a_co_facilitator_or_facilitator_named_with_a_script_is_escaped_everywhere_they_show(
    facilitator_client, colleague
):
    boss = UserFactory(name=SCRIPT, email="boss@example.com")
    session = start_session(boss)
    chris_named = UserFactory(name=f"Chris {SCRIPT}", email="chris2@example.com")
    owner = logged_in(boss)
    response = owner.post(
        url("co-facilitator-add", session.pk), {"email": chris_named.email}, follow=True
    )
    assert_escaped(response.content.decode(), "added")
    chris = logged_in(chris_named)
    for address in [url("console", session.pk), url("session-list"), url("summary", session.pk)]:
        for browser in (owner, chris):
            assert_escaped(browser.get(address).content.decode(), address)
    response = owner.post(
        url("co-facilitator-remove", session.pk, chris_named.pk), follow=True, **HTMX
    )
    assert_escaped(response.content.decode(), "removed")
    from django.template.loader import render_to_string

    from sessions.access import CO_FACILITATOR_REMOVED

    goodbye = render_to_string(
        "sessions/console.html#host-removed",
        {"session": session, "removed": CO_FACILITATOR_REMOVED % {"facilitator": boss}},
    )
    assert_escaped(goodbye, "goodbye")


def test_the_summary_and_its_exports_while_live_are_the_facilitators_only(wall, other_client):
    session, ana, _bo, _answer = wall
    for address in [
        url("summary", session.pk),
        url("summary-export", session.pk, "csv"),
        url("summary-export", session.pk, "md"),
    ]:
        assert other_client.get(address).status_code == 404
        assert ana.get(address).status_code == 302  # to log in
        assert Client().get(address).status_code == 302


def test_a_private_answer_never_reaches_the_closing_highlights(wall, facilitator_client):
    session, _ana, bo, answer = wall
    cy = joined(session, "Cy")
    cy.post(url("answer", session.join_code), {"text": "Secret words", "is_private": "on"})
    private = Answer.objects.get(text="Secret words")
    for browser in (bo, cy):
        browser.post(url("react", session.join_code, answer.pk), {"give": "heart"})
    Reaction.objects.create(answer=private, participant=person(session, "Bo"), kind="wow")
    facilitator_client.post(command(session, "highlights-on"))
    facilitator_client.post(command(session, "end"))
    room = facilitator_client.get(url("room", session.pk)).content.decode()
    assert "The baker knew my name." in room
    assert "Secret words" not in room


def test_the_exports_of_a_draw_session_whose_answered_cards_never_came_up_say_no_none(
    draw_session, facilitator_client
):
    ana = joined(draw_session, "Ana")
    ana.post(url("draw", draw_session.join_code))
    ana.post(url("answer", draw_session.join_code), {"text": f"Mine {SCRIPT}"})
    assert Answer.objects.filter(text=f"Mine {SCRIPT}").exists()
    markdown = facilitator_client.get(url("summary-export", draw_session.pk, "md"))
    text = markdown.content.decode()
    assert "Mine" in text and "<script>" not in text
    assert "None" not in text
    csv_text = facilitator_client.get(url("summary-export", draw_session.pk, "csv"))
    assert "None" not in csv_text.content.decode()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_removed_participants_socket_cannot_come_back_nor_draw(facilitator):
    from tests.live_sessions.test_sockets import connect, post

    session = await sync_to_async(start_session)(facilitator, mode=LiveSession.Mode.DRAW)
    ana = await sync_to_async(joined)(session, "Ana")
    socket, connected = await connect(f"/ws/join/{session.join_code}/", ana)
    assert connected
    await socket.receive_from()
    await sync_to_async(lambda: session.remove(session.participants.get()))()
    await socket.disconnect()
    _socket, connected = await connect(f"/ws/join/{session.join_code}/", ana)
    assert not connected
    response = await post(ana, url("draw", session.join_code))
    assert response.status_code == 403
    assert not await sync_to_async(Draw.objects.filter(session=session).exists)()
