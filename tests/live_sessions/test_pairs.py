"""Pairs mode: the room talks in pairs (one three when odd), each pair over one card, new
pairs every round avoiding earlier partners, the timer starting again with each round."""

import re

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from sessions.models import Answer, LiveSession, PairMember, Participant
from sessions.pairing import partners
from tests.factories import CardFactory, DeckFactory
from tests.live_sessions.conftest import start_session

pytestmark = pytest.mark.django_db

NAMES = ["Ana", "Ben", "Cy", "Dee", "Eli", "Fay", "Gus", "Hal"]


@pytest.fixture
def pairs_session(facilitator):
    return start_session(facilitator, mode=LiveSession.Mode.PAIRS)


def people(session, count):
    return [session.join(name)[0] for name in NAMES[:count]]


def groups_of(session):
    return [{person.display_name for person in pair.people} for pair in session.current_pairs()]


def command(client, session, name="pair-up", **data):
    return client.post(reverse("live_sessions:command", args=[session.pk, name]), data)


def test_pairing_up_puts_everyone_in_one_pair_with_a_card_of_its_own(pairs_session):
    people(pairs_session, 4)
    pairs_session.pair_up()
    assert pairs_session.pair_round == 1
    groups = groups_of(pairs_session)
    assert sorted(len(group) for group in groups) == [2, 2]
    assert set().union(*groups) == set(NAMES[:4])
    cards = [pair.card for pair in pairs_session.current_pairs()]
    assert len({card.pk for card in cards}) == 2
    assert all(card.revealed_at and card.is_open_for_answers for card in cards)
    assert pairs_session.face_down_cards().count() == 1


def test_an_odd_room_makes_one_three(pairs_session):
    people(pairs_session, 5)
    pairs_session.pair_up()
    assert sorted(len(group) for group in groups_of(pairs_session)) == [2, 3]


def test_nobody_meets_an_earlier_partner_in_the_next_rounds_of_a_room_of_four(facilitator):
    deck = DeckFactory(owner=facilitator)
    for number in range(9):
        CardFactory(deck=deck, prompt=f"Card {number}")
    session = LiveSession.start(deck, facilitator, mode=LiveSession.Mode.PAIRS)
    people(session, 4)
    met = set()
    for _round in range(3):
        session.pair_up()
        round_partners = partners(tuple(group) for group in groups_of(session))
        assert not round_partners & met
        met |= round_partners
    assert len(met) == 6  # everyone met everyone once


def test_a_new_round_closes_the_last_rounds_cards_and_deals_new_ones(pairs_session):
    people(pairs_session, 2)
    pairs_session.pair_up()
    first = pairs_session.current_pairs()[0].card
    pairs_session.pair_up()
    second = pairs_session.current_pairs()[0].card
    first.refresh_from_db()
    assert first.closed_at is not None
    assert second.pk != first.pk and second.is_open_for_answers


def test_with_fewer_cards_than_pairs_pairs_get_cards_already_played_and_the_console_says_so(
    pairs_session, facilitator_client
):
    people(pairs_session, 8)  # four pairs, three cards
    pairs_session.pair_up()
    pairs = pairs_session.current_pairs()
    assert all(pair.card for pair in pairs)
    assert sum(pair.card_reused for pair in pairs) == 1
    page = facilitator_client.get(pairs_session.get_absolute_url()).content.decode()
    assert "1 pair got a card another pair has had" in page


def test_a_second_next_round_for_the_round_already_left_makes_no_third_round(
    pairs_session, facilitator_client
):
    people(pairs_session, 4)
    assert command(facilitator_client, pairs_session, round=0).status_code == 302
    assert command(facilitator_client, pairs_session, round=0).status_code == 302
    pairs_session.refresh_from_db()
    assert pairs_session.pair_round == 1
    assert pairs_session.pairs.count() == 2


def test_a_next_round_sent_with_a_round_that_is_no_number_is_refused(
    pairs_session, facilitator_client
):
    people(pairs_session, 2)
    assert command(facilitator_client, pairs_session, round="two").status_code == 400
    pairs_session.refresh_from_db()
    assert pairs_session.pair_round == 0


def test_one_person_alone_is_not_paired(pairs_session):
    people(pairs_session, 1)
    assert pairs_session.pair_up() is None
    assert pairs_session.pair_round == 0


def test_a_person_is_in_one_pair_per_round_by_the_databases_rule(pairs_session):
    ana, ben = people(pairs_session, 2)
    pair = pairs_session.pair_up()[0]
    other = pairs_session.pairs.create(round_number=1)
    with pytest.raises(IntegrityError):
        PairMember.objects.create(pair=other, participant=ana, round_number=pair.round_number)


def test_a_new_round_starts_the_timer_again_at_its_full_time(pairs_session):
    people(pairs_session, 2)
    pairs_session.set_timer(120)
    pairs_session.pair_up()
    pairs_session.start_timer()
    pairs_session.pair_up()
    countdown = pairs_session.countdown()
    assert countdown.is_ready and countdown.clock == "02:00"


def test_the_partner_of_someone_removed_joins_another_pair(pairs_session):
    people(pairs_session, 4)
    pairs_session.pair_up()
    ana = Participant.objects.get(display_name="Ana")
    partner = next(p for p in pairs_session.pair_of(ana).members.all() if p.pk != ana.pk)
    pairs_session.remove(ana)
    assert sorted(len(group) for group in groups_of(pairs_session)) == [3]
    assert partner.display_name in groups_of(pairs_session)[0]


def test_someone_left_alone_in_a_room_of_two_waits_for_the_next_round(pairs_session, phone):
    ana, ben = people(pairs_session, 2)
    pairs_session.pair_up()
    pairs_session.remove(ana)
    assert groups_of(pairs_session) == [{"Ben"}]


def test_someone_who_joins_during_a_round_is_paired_at_the_next(pairs_session, phone):
    people(pairs_session, 2)
    pairs_session.pair_up()
    late = phone(pairs_session, "Zoe")
    page = late.get(pairs_session.join_path).content.decode()
    assert "You're in! You joined during round 1: you are paired at the next round." in page
    pairs_session.pair_up()
    assert any("Zoe" in group for group in groups_of(pairs_session))


def test_each_phone_shows_its_partner_and_its_pairs_card(pairs_session, phone):
    phones = {name: phone(pairs_session, name) for name in NAMES[:3]}
    pairs_session.pair_up()
    for name, browser in phones.items():
        me = Participant.objects.get(display_name=name)
        pair = pairs_session.pair_of(me)
        others = sorted(p.display_name for p in pair.members.all() if p.pk != me.pk)
        page = browser.get(pairs_session.join_path).content.decode()
        assert f"Round 1 — you're with {' and '.join(others)}" in page
        assert pair.card.prompt.replace("'", "&#x27;") in page
        assert 'name="text"' in page  # the answer form of that card


def test_an_answer_goes_to_the_card_of_the_phones_own_pair(pairs_session, phone):
    ana_phone = phone(pairs_session, "Ana")
    phone(pairs_session, "Ben")
    phone(pairs_session, "Cy")
    phone(pairs_session, "Dee")
    pairs_session.pair_up()
    ana = Participant.objects.get(display_name="Ana")
    card = pairs_session.card_for(ana)
    answer_url = reverse("live_sessions:answer", args=[pairs_session.join_code])
    form = ana_phone.get(answer_url, headers={"HX-Request": "true"}).content.decode()
    assert re.search(rf'name="card" value="{card.pk}"', form)
    response = ana_phone.post(
        answer_url,
        {"text": "A shop that knew my name", "card": card.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert Answer.objects.get().session_card == card


def test_an_answer_for_the_last_rounds_card_is_refused_as_closed(pairs_session, phone):
    ana_phone = phone(pairs_session, "Ana")
    phone(pairs_session, "Ben")
    pairs_session.pair_up()
    old_card = pairs_session.card_for(Participant.objects.get(display_name="Ana"))
    pairs_session.pair_up()
    answer_url = reverse("live_sessions:answer", args=[pairs_session.join_code])
    response = ana_phone.post(answer_url, {"text": "Late words", "card": old_card.pk})
    assert response.status_code == 409
    assert not Answer.objects.exists()


def test_the_room_and_the_console_show_the_round_and_every_pair(pairs_session, facilitator_client):
    people(pairs_session, 5)
    pairs_session.pair_up()
    room = facilitator_client.get(reverse("live_sessions:room", args=[pairs_session.pk]))
    console = facilitator_client.get(pairs_session.get_absolute_url())
    for page in (room.content.decode(), console.content.decode()):
        assert "Round 1" in page
        for name in NAMES[:5]:
            assert name in page
    assert "Next round: new pairs" in console.content.decode()
    for pair in pairs_session.current_pairs():
        assert pair.card.prompt.replace("'", "&#x27;") in console.content.decode()
        # The room shows who is with whom; the cards are on the phones.
        assert pair.card.prompt.replace("'", "&#x27;") not in room.content.decode()


def test_a_participant_cannot_start_the_next_round(pairs_session, phone):
    browser = phone(pairs_session, "Ana")
    phone(pairs_session, "Ben")
    assert command(browser, pairs_session, round=0).status_code == 403
    pairs_session.refresh_from_db()
    assert pairs_session.pair_round == 0


def test_another_facilitator_cannot_start_the_next_round(pairs_session, other_client):
    people(pairs_session, 2)
    assert command(other_client, pairs_session, round=0).status_code == 404
    assert command(Client(), pairs_session, round=0).status_code == 403


@pytest.mark.parametrize("count", [10, 200])
def test_the_room_and_console_cost_the_same_queries_for_any_room_of_pairs(
    pairs_session, count, django_assert_max_num_queries
):
    from sessions import broadcast, screens

    Participant.objects.bulk_create(
        Participant(session=pairs_session, display_name=f"Person {number}", turn_position=number)
        for number in range(count)
    )
    pairs_session.pair_up()
    pairs_session = LiveSession.objects.live().get(pk=pairs_session.pk)
    with django_assert_max_num_queries(12):
        context = screens.room_context(pairs_session)
        room = broadcast.render_parts(broadcast.ROOM, ["room-state"], context)
    with django_assert_max_num_queries(12):
        context = screens.host_context(pairs_session)
        host = broadcast.render_parts(broadcast.HOST, ["host-state"], context)
    assert room.count('<li class="pair-note') == count // 2
    assert host.count('class="host-pair"') == count // 2


def test_a_new_name_reaches_the_partners_phone(pairs_session, phone):
    ana_phone = phone(pairs_session, "Ana")
    ben_phone = phone(pairs_session, "Ben")
    pairs_session.pair_up()
    rename = reverse("live_sessions:rename", args=[pairs_session.join_code])
    assert ben_phone.post(rename, {"display_name": "Benedict"}).status_code == 302
    assert "you're with Benedict" in ana_phone.get(pairs_session.join_path).content.decode()


def test_a_pairs_answer_never_reaches_the_room_not_even_as_a_closing_highlight(
    pairs_session, phone, facilitator_client
):
    phones = {name: phone(pairs_session, name) for name in NAMES[:4]}
    pairs_session.pair_up()
    ana = Participant.objects.get(display_name="Ana")
    card = pairs_session.card_for(ana)
    answer_url = reverse("live_sessions:answer", args=[pairs_session.join_code])
    phones["Ana"].post(answer_url, {"text": "Zq said only to my partner", "card": card.pk})
    answer = Answer.objects.get()
    # A "next card" posted in this mode puts a card up; its pair's answers stay off the wall.
    pairs_session.current_card = card
    pairs_session.save(update_fields=["current_card"])
    assert not pairs_session.answers_open_to_reactions().exists()
    react = reverse("live_sessions:react", args=[pairs_session.join_code, answer.pk])
    assert phones["Ben"].post(react, {"give": "heart"}).status_code == 403
    facilitator_client.post(reverse("live_sessions:command", args=[pairs_session.pk, "end"]))
    room = facilitator_client.get(reverse("live_sessions:room", args=[pairs_session.pk]))
    assert "Zq said only to my partner" not in room.content.decode()


def test_each_phone_says_which_numbered_pair_to_look_for_on_the_room(pairs_session, phone):
    phones = {name: phone(pairs_session, name) for name in NAMES[:6]}
    pairs_session.pair_up()
    listed = pairs_session.current_pairs()  # the room numbers them 1, 2, 3 in this order
    for name, browser in phones.items():
        number = next(
            n for n, pair in enumerate(listed, 1) if name in {p.display_name for p in pair.people}
        )
        page = browser.get(pairs_session.join_path).content.decode()
        assert f"You are pair {number} on the room screen." in page
