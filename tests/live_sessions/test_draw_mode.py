"""Everyone draws their own card: each phone draws a card of its own and answers it, the room
and the console show who drew what, and the facilitator calls on whoever shares next
(concurrent draws: tests/live_sessions/test_turn_races.py; in a browser:
tests/e2e/test_draw_mode.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions import screens
from sessions.models import Answer, Draw, LiveSession, Refused
from tests.live_sessions.conftest import PROMPTS, start_session

HTMX = {"HX-Request": "true"}


@pytest.fixture
def draw_session(facilitator):
    return start_session(facilitator, mode=LiveSession.Mode.DRAW)


def url(name, session):
    return reverse(f"live_sessions:{name}", args=[session.join_code])


def page_of(browser, session):
    return browser.get(url("join", session)).content.decode()


def person(session, name):
    return session.participants.get(display_name=name)


def draw(browser, session):
    return browser.post(url("draw", session), headers=HTMX)


def card_of(session, name):
    return person(session, name).drawn_card()


# Drawing


def test_each_person_draws_a_card_nobody_else_holds_while_there_are_some(phone, draw_session):
    phones = [phone(draw_session, name) for name in ["Ana", "Bo", "Cy"]]

    for browser in phones:
        assert draw(browser, draw_session).status_code == 200

    prompts = [card_of(draw_session, name).prompt for name in ["Ana", "Bo", "Cy"]]
    assert sorted(prompts) == sorted(PROMPTS)


def test_once_every_card_is_held_a_card_is_drawn_again_the_least_drawn_first(phone, draw_session):
    for name in ["Ana", "Bo", "Cy", "Di"]:
        draw(phone(draw_session, name), draw_session)
    fifth = phone(draw_session, "Ed")

    draw(fifth, draw_session)

    held = [card_of(draw_session, name).pk for name in ["Ana", "Bo", "Cy", "Di", "Ed"]]
    assert len(set(held)) == 3  # three cards, each held by one or two people
    assert sorted(held.count(pk) for pk in set(held)) == [1, 2, 2]


def test_a_second_tap_on_draw_shows_the_same_card_and_draws_no_other(phone, draw_session):
    ana = phone(draw_session, "Ana")

    first = draw(ana, draw_session)
    second = draw(ana, draw_session)

    assert first.status_code == second.status_code == 200
    assert Draw.objects.count() == 1
    card = card_of(draw_session, "Ana")
    assert card.prompt in second.content.decode()


def test_the_phone_gets_its_card_and_its_answer_form_with_the_draw(phone, draw_session):
    ana = phone(draw_session, "Ana")
    assert "Draw your card" in page_of(ana, draw_session)

    html = draw(ana, draw_session).content.decode()

    card = card_of(draw_session, "Ana")
    assert card.prompt in html
    assert 'id="phone-answer"' in html and 'hx-swap-oob="outerHTML"' in html
    assert f'name="card" value="{card.pk}"' in html  # the form answers this card
    assert "Draw your card" not in html


def test_a_plain_form_draw_goes_back_to_the_phone_page_showing_the_card(phone, draw_session):
    ana = phone(draw_session, "Ana")

    response = ana.post(url("draw", draw_session))

    assert response.status_code == 302
    assert card_of(draw_session, "Ana").prompt in page_of(ana, draw_session)


def test_nobody_draws_a_card_in_a_session_where_the_facilitator_deals(phone, live_session):
    ana = phone(live_session, "Ana")

    response = draw(ana, live_session)

    assert response.status_code == 409
    assert "the facilitator deals the cards" in response.content.decode()
    assert not Draw.objects.exists()
    plain = ana.post(url("draw", live_session), follow=True)
    assert "the facilitator deals the cards" in plain.content.decode()


def test_drawing_deals_only_cards_still_to_deal(phone, draw_session):
    skipped = draw_session.face_down_cards().first()
    skipped.is_skipped = True
    skipped.save()
    for name in ["Ana", "Bo", "Cy"]:
        draw(phone(draw_session, name), draw_session)

    assert skipped.pk not in {card_of(draw_session, n).pk for n in ["Ana", "Bo", "Cy"]}


# Redrawing


def redraw(browser, session, card):
    return browser.post(url("redraw", session), {"card": card.pk}, headers=HTMX)


def test_redraws_are_off_unless_the_facilitator_allows_them(phone, draw_session):
    ana = phone(draw_session, "Ana")
    draw(ana, draw_session)
    card = card_of(draw_session, "Ana")
    assert "Put it back" not in page_of(ana, draw_session)

    response = redraw(ana, draw_session, card)

    assert response.status_code == 409
    assert "Redraws are off in this session" in response.content.decode()
    assert card_of(draw_session, "Ana") == card


def test_a_redraw_puts_the_card_back_for_others_and_draws_another(phone, facilitator):
    session = start_session(facilitator, mode=LiveSession.Mode.DRAW, redraws=1)
    ana, bo = phone(session, "Ana"), phone(session, "Bo")
    draw(ana, session)
    first = card_of(session, "Ana")
    assert "1 redraw left" in page_of(ana, session)

    response = redraw(ana, session, first)

    assert response.status_code == 200
    second = card_of(session, "Ana")
    assert second != first and second.prompt in response.content.decode()
    draw(bo, session)
    assert card_of(session, "Bo") == first  # back in the pile, drawn again
    assert "Put it back" not in page_of(ana, session)  # no redraw left
    assert redraw(ana, session, second).status_code == 409


def test_a_second_tap_on_redraw_draws_no_third_card(phone, facilitator):
    session = start_session(facilitator, mode=LiveSession.Mode.DRAW, redraws=2)
    ana = phone(session, "Ana")
    draw(ana, session)
    first = card_of(session, "Ana")

    redraw(ana, session, first)
    again = redraw(ana, session, first)

    assert again.status_code == 200
    assert Draw.objects.filter(is_put_back=True).count() == 1
    assert session.redraws_left(person(session, "Ana")) == 1


def test_a_card_once_answered_is_kept(phone, facilitator):
    session = start_session(facilitator, mode=LiveSession.Mode.DRAW, redraws=1)
    ana = phone(session, "Ana")
    draw(ana, session)
    card = card_of(session, "Ana")
    ana.post(url("answer", session), {"card": card.pk, "text": "Mine", "archive_consent": "none"})

    response = redraw(ana, session, card)

    assert response.status_code == 409
    assert "You have answered this card" in response.content.decode()
    assert card_of(session, "Ana") == card
    assert not Draw.objects.filter(is_put_back=True).exists()


def test_a_redraw_with_no_other_card_left_keeps_the_card(phone, facilitator):
    session = start_session(facilitator, mode=LiveSession.Mode.DRAW, redraws=1)
    session.cards.exclude(pk=session.face_down_cards().first().pk).update(is_skipped=True)
    ana = phone(session, "Ana")
    draw(ana, session)
    card = card_of(session, "Ana")

    response = redraw(ana, session, card)

    assert response.status_code == 409
    assert "No other card is left" in response.content.decode()
    assert card_of(session, "Ana") == card


# Answering one's own card


def test_each_phone_answers_its_own_card(phone, draw_session):
    ana, bo = phone(draw_session, "Ana"), phone(draw_session, "Bo")
    draw(ana, draw_session)
    draw(bo, draw_session)

    for browser, name in [(ana, "Ana"), (bo, "Bo")]:
        card = card_of(draw_session, name)
        data = {"card": card.pk, "text": f"{name}'s answer", "archive_consent": "none"}
        response = browser.post(url("answer", draw_session), data, headers=HTMX)
        assert "Saved" in response.content.decode()

    for name in ["Ana", "Bo"]:
        answer = Answer.objects.get(participant__display_name=name)
        assert answer.session_card == card_of(draw_session, name)
        assert answer.text == f"{name}'s answer"


def test_a_phone_without_a_card_has_no_answer_form(phone, draw_session):
    ana = phone(draw_session, "Ana")

    response = ana.post(url("answer", draw_session), {"text": "Nothing to answer"}, headers=HTMX)

    assert response.status_code == 409
    assert not Answer.objects.exists()
    assert screens.answer_form(draw_session, person(draw_session, "Ana")) is None


def test_an_answer_for_a_card_put_back_is_refused_and_its_words_stay(phone, facilitator):
    session = start_session(facilitator, mode=LiveSession.Mode.DRAW, redraws=1)
    ana = phone(session, "Ana")
    draw(ana, session)
    first = card_of(session, "Ana")
    redraw(ana, session, first)

    response = ana.post(url("answer", session), {"card": first.pk, "text": "Old"}, headers=HTMX)

    assert response.status_code == 409
    assert "Old" in response.content.decode()
    assert not Answer.objects.exists()


def test_a_card_the_facilitator_locked_takes_no_answer(phone, draw_session):
    ana = phone(draw_session, "Ana")
    draw(ana, draw_session)
    card = card_of(draw_session, "Ana")
    card.answers_locked = True
    card.save()

    response = ana.post(url("answer", draw_session), {"card": card.pk, "text": "Hi"}, headers=HTMX)

    assert response.status_code == 409
    assert "Answers are locked for this card" in response.content.decode()


def test_an_anonymous_memory_stays_off_the_room_which_knows_whose_card_it_is(phone, draw_session):
    memory = draw_session.cards.get(kind="memory")
    draw_session.cards.exclude(pk=memory.pk).update(is_skipped=True)
    ana = phone(draw_session, "Ana")
    draw(ana, draw_session)
    page = page_of(ana, draw_session)
    assert "The room does not see your memory" in page

    ana.post(
        url("answer", draw_session),
        {"card": memory.pk, "text": "Zq my anonymous memory", "archive_consent": "anonymous"},
    )
    draw_session.give_turn_to(person(draw_session, "Ana"))

    draw_session.refresh_from_db()
    room = screens.room_context(LiveSession.objects.live().get(pk=draw_session.pk))
    assert room["card"] == memory
    assert not room["answers"]


# Sharing turns: the card up is the card of the person on turn


def test_the_person_called_to_share_has_their_card_up_on_the_room(phone, draw_session):
    ana, bo = phone(draw_session, "Ana"), phone(draw_session, "Bo")
    draw(ana, draw_session)
    draw(bo, draw_session)

    draw_session.pass_turn()
    draw_session.refresh_from_db()
    assert draw_session.current_turn.display_name == "Ana"
    assert draw_session.current_card == card_of(draw_session, "Ana")
    assert draw_session.status == LiveSession.Status.LIVE

    draw_session.pass_turn()
    draw_session.refresh_from_db()
    assert draw_session.current_card == card_of(draw_session, "Bo")


def test_someone_called_before_they_drew_puts_their_card_up_by_drawing(phone, draw_session):
    ana = phone(draw_session, "Ana")
    draw_session.pass_turn()
    draw_session.refresh_from_db()
    assert draw_session.current_card is None

    draw(ana, draw_session)

    draw_session.refresh_from_db()
    assert draw_session.current_card == card_of(draw_session, "Ana")


def test_the_facilitator_calls_on_one_person_to_share_next(phone, draw_session, facilitator_client):
    phone(draw_session, "Ana")
    cy = phone(draw_session, "Cy")
    draw(cy, draw_session)
    cy_id = person(draw_session, "Cy").pk

    response = facilitator_client.post(
        reverse("live_sessions:participant-turn", args=[draw_session.pk, cy_id]), headers=HTMX
    )

    assert response.status_code == 200
    assert "Cy&#x27;s turn" in response.content.decode()
    draw_session.refresh_from_db()
    assert draw_session.current_turn.display_name == "Cy"
    assert draw_session.current_card == card_of(draw_session, "Cy")


def test_a_new_round_lets_everyone_draw_a_new_card(phone, draw_session):
    ana = phone(draw_session, "Ana")
    draw(ana, draw_session)
    first = card_of(draw_session, "Ana")
    draw_session.pass_turn()  # Ana shares
    assert "Draw your card" not in page_of(ana, draw_session)

    draw_session.pass_turn()  # everyone has had a turn: round 2, Ana again
    draw_session.refresh_from_db()
    assert draw_session.round_number == 2
    assert draw_session.current_card is None
    assert "Draw your card for this round" in page_of(ana, draw_session)
    draw(ana, draw_session)

    assert card_of(draw_session, "Ana") != first


# What the screens show


def test_the_room_shows_who_drew_what_and_who_is_sharing(phone, draw_session):
    for name in ["Ana", "Bo"]:
        draw(phone(draw_session, name), draw_session)
    phone(draw_session, "Cy")
    draw_session.pass_turn()

    ana = person(draw_session, "Ana")
    ana.answers.create(session_card=ana.drawn_card(), text="Mine")

    room = screens.room_context(LiveSession.objects.live().get(pk=draw_session.pk))
    assert (room["drawn_count"], room["answered_count"], room["people_count"]) == (2, 1, 3)
    assert [d.participant.display_name for d in room["newest_draws"]] == ["Bo", "Ana"]


def test_the_room_page_lists_draws_and_the_sharer(phone, draw_session, facilitator_client):
    for name in ["Ana", "Bo"]:
        draw(phone(draw_session, name), draw_session)
    draw_session.pass_turn()

    html = facilitator_client.get(
        reverse("live_sessions:room", args=[draw_session.pk])
    ).content.decode()

    assert "2 of 2 drew a card" in html
    assert "Sharing now: <strong>Ana</strong>" in html
    assert card_of(draw_session, "Bo").prompt in html


def test_the_room_keeps_to_a_few_names_and_counts_the_rest(phone, draw_session):
    draw_session.cards.update(is_skipped=False)
    for number in range(screens.ROOM_DRAWS + 4):
        draw(phone(draw_session, f"P{number}"), draw_session)

    room = screens.room_context(LiveSession.objects.live().get(pk=draw_session.pk))

    assert len(room["newest_draws"]) == screens.ROOM_DRAWS
    assert room["more_draws"] == 4


def test_the_console_lists_each_persons_card_and_who_answered_it(
    phone, draw_session, facilitator_client
):
    ana = phone(draw_session, "Ana")
    phone(draw_session, "Bo")
    draw(ana, draw_session)
    card = card_of(draw_session, "Ana")
    ana.post(url("answer", draw_session), {"card": card.pk, "text": "Yes", "archive_consent": ""})

    html = facilitator_client.get(draw_session.get_absolute_url()).content.decode()

    assert card.prompt in html
    assert "no card yet" in html
    assert "1 of 2 drew a card" in html
    context = screens.host_context(LiveSession.objects.live().get(pk=draw_session.pk))
    assert [p.display_name for p in context["not_answered"]] == ["Bo"]


def test_the_console_needs_as_many_queries_for_many_people_as_for_few(phone, draw_session):
    def queries_for(count):
        for number in range(count):
            browser = phone(draw_session, f"N{count}-{number}")
            draw(browser, draw_session)
        with CaptureQueriesContext(connection) as captured:
            context = screens.host_context(LiveSession.objects.live().get(pk=draw_session.pk))
            [p.drawn for p in context["participants"]]
        return len(captured)

    assert queries_for(2) == queries_for(8)


def test_the_model_refuses_a_draw_outside_draw_mode(live_session):
    ana, _created = live_session.join("Ana")
    with pytest.raises(Refused):
        live_session.draw(ana)


def test_the_summary_keeps_answers_to_cards_that_never_came_up(
    phone, draw_session, facilitator_client
):
    ana, bo = phone(draw_session, "Ana"), phone(draw_session, "Bo")
    for browser, name in [(ana, "Ana"), (bo, "Bo")]:
        draw(browser, draw_session)
        card = card_of(draw_session, name)
        browser.post(url("answer", draw_session), {"card": card.pk, "text": f"{name} wrote"})
    draw_session.pass_turn()  # only Ana's card comes up
    draw_session.end()

    summary = facilitator_client.get(reverse("live_sessions:summary", args=[draw_session.pk]))
    csv = facilitator_client.get(
        reverse("live_sessions:summary-export", args=[draw_session.pk, "csv"])
    )

    html = summary.content.decode()
    assert "Ana wrote" in html and "Bo wrote" in html
    assert card_of(draw_session, "Bo").prompt in html and "None" not in html
    assert (
        "Bo wrote" in b"".join(csv.streaming_content if csv.streaming else [csv.content]).decode()
    )


def test_a_card_held_by_someone_removed_is_dealt_again(phone, draw_session):
    ana = phone(draw_session, "Ana")
    draw(ana, draw_session)
    held = card_of(draw_session, "Ana")
    draw_session.remove(person(draw_session, "Ana"))

    draw(phone(draw_session, "Bo"), draw_session)

    assert card_of(draw_session, "Bo") == held


def test_a_private_answer_stays_with_the_facilitator_when_its_card_comes_up(
    phone, draw_session, facilitator_client
):
    ana, bo = phone(draw_session, "Ana"), phone(draw_session, "Bo")
    draw(ana, draw_session)
    draw(bo, draw_session)
    card = card_of(draw_session, "Ana")
    ana.post(url("answer", draw_session), {"card": card.pk, "text": "Zq mine", "is_private": "on"})
    draw_session.pass_turn()  # Ana shares: her card is up on the room

    room = facilitator_client.get(reverse("live_sessions:room", args=[draw_session.pk]))
    console = facilitator_client.get(draw_session.get_absolute_url())

    assert card.prompt in room.content.decode()
    assert "Zq mine" not in room.content.decode()
    assert "Zq mine" not in page_of(bo, draw_session)
    assert "Zq mine" in console.content.decode()


def test_a_memory_drawn_says_honestly_what_sharing_it_without_a_name_keeps(phone, draw_session):
    ana = phone(draw_session, "Ana")
    ana_person = person(draw_session, "Ana")
    # The room lists who drew which card, so an anonymous memory can still be guessed at.
    memory = draw_session.cards.get(kind="memory")
    draw_session.draws.create(participant=ana_person, session_card=memory)
    page = page_of(ana, draw_session)
    assert "whoever saw who drew this card may guess it is yours" in page
