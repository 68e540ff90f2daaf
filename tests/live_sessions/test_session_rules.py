"""The rules of a session: card order, reveal, turns and rounds, join codes."""

import pytest

from sessions.models import JOIN_CODE_ALPHABET, LiveSession
from tests.factories import CardFactory, DeckFactory
from tests.live_sessions.conftest import PROMPTS, start_session


def order(session):
    return list(session.cards.order_by("position").values_list("prompt", flat=True))


def test_an_unshuffled_session_keeps_the_deck_order(live_session):
    assert order(live_session) == PROMPTS


def test_the_shuffled_order_is_reproducible_from_the_stored_seed(facilitator):
    deck = DeckFactory(owner=facilitator)
    prompts = [f"Question {n}" for n in range(12)]
    for prompt in prompts:
        CardFactory(deck=deck, prompt=prompt)
    session = LiveSession.start(deck, facilitator, is_shuffled=True)
    replay = LiveSession(shuffle_seed=session.shuffle_seed, is_shuffled=True)
    assert order(session) == replay.shuffled(prompts, 0)
    assert sorted(order(session)) == sorted(prompts)
    assert order(session) != prompts  # 1 chance in 479 million of a false alarm


def test_reshuffling_moves_only_the_cards_nobody_has_seen(facilitator):
    deck = DeckFactory(owner=facilitator)
    for n in range(10):
        CardFactory(deck=deck, prompt=f"Question {n}")
    session = LiveSession.start(deck, facilitator, is_shuffled=False)
    session.reveal_next()
    session.reveal_next()
    before = order(session)
    session.reshuffle()
    after = order(session)
    assert after[:2] == before[:2]
    assert sorted(after[2:]) == sorted(before[2:])
    assert after[2:] == LiveSession(shuffle_seed=session.shuffle_seed).shuffled(before[2:], 1)


def test_next_back_and_next_again_walk_the_shown_cards(live_session):
    assert live_session.reveal_next().prompt == PROMPTS[0]
    assert live_session.reveal_next().prompt == PROMPTS[1]
    assert live_session.go_back().prompt == PROMPTS[0]
    assert live_session.current_card.is_open_for_answers
    assert live_session.reveal_next().prompt == PROMPTS[1]
    assert live_session.reveal_next().prompt == PROMPTS[2]
    assert live_session.progress() == (3, 3)
    assert live_session.reveal_next() is None


def test_revealing_a_card_closes_the_one_before(live_session):
    first = live_session.reveal_next()
    live_session.reveal_next()
    first.refresh_from_db()
    assert not first.is_open_for_answers


def test_skipping_sets_the_next_card_aside_unseen(live_session):
    live_session.reveal_next()
    skipped = live_session.skip_next()
    assert skipped.prompt == PROMPTS[1]
    assert live_session.reveal_next().prompt == PROMPTS[2]
    assert live_session.progress() == (2, 2)


def test_join_codes_avoid_look_alike_characters(facilitator):
    codes = {start_session(facilitator).join_code for _ in range(20)}
    for code in codes:
        assert len(code) == 6
        assert set(code) <= set(JOIN_CODE_ALPHABET)
        assert not set(code) & set("0O1IL")


def test_a_join_code_is_unique_among_open_sessions_only(live_session, facilitator):
    from django.db import IntegrityError, transaction

    twin = start_session(facilitator)
    twin.join_code = live_session.join_code
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    live_session.end()
    twin.save()
    assert LiveSession.objects.open().get(join_code=live_session.join_code) == twin


def names_in_turn(session, count, move="pass_turn"):
    names = []
    for _ in range(count):
        person = getattr(session, move)()
        names.append((person.display_name, session.round_number))
    return names


def test_turns_go_around_the_room_and_count_rounds(live_session):
    for name in ["Ana", "Bo", "Cy"]:
        live_session.join(name)
    assert names_in_turn(live_session, 4) == [("Ana", 1), ("Bo", 1), ("Cy", 1), ("Ana", 2)]


def test_a_late_joiner_goes_to_the_end_of_the_order(live_session):
    live_session.join("Ana")
    live_session.join("Bo")
    live_session.pass_turn()
    live_session.join("Late")
    assert names_in_turn(live_session, 3) == [("Bo", 1), ("Late", 1), ("Ana", 2)]


def test_skipping_someone_passes_the_turn_over_them(live_session):
    for name in ["Ana", "Bo", "Cy"]:
        live_session.join(name)
    live_session.pass_turn()
    assert live_session.skip_turn().display_name == "Cy"
    assert live_session.pass_turn().display_name == "Ana"
    assert live_session.round_number == 2


def test_a_random_turn_goes_to_someone_who_has_not_had_one_this_round(live_session):
    for name in ["Ana", "Bo", "Cy", "Dee"]:
        live_session.join(name)
    picked = [live_session.random_turn().display_name for _ in range(4)]
    assert sorted(picked) == ["Ana", "Bo", "Cy", "Dee"]
    assert live_session.round_number == 1
    live_session.random_turn()
    assert live_session.round_number == 2


def test_names_are_trimmed_and_a_taken_name_gets_a_number(live_session):
    assert live_session.join("  Ana  ")[0].display_name == "Ana"
    assert live_session.join("Ana")[0].display_name == "Ana 2"
    assert live_session.join("Ana")[0].display_name == "Ana 3"


def test_an_anonymous_participant_gets_a_guest_name(live_session):
    guest, _created = live_session.join("")
    assert guest.is_anonymous
    assert guest.display_name == "Guest 1"
