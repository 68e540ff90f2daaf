"""Depth levels in a live session: dealt level by level, shuffled within each level, the next
level opened by the facilitator (once, however often it is asked at once)."""

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse

from sessions.models import LiveSession
from tests.factories import CardFactory, DeckFactory
from tests.live_sessions.test_sockets import connect, joined

pytestmark = pytest.mark.django_db

LEVELS = ["Perception", "Connection", "Reflection"]


def levelled_deck(owner, per_level=3, **fields):
    """A deck of three levels, its cards written level by level: "Perception 1", ..."""
    deck = DeckFactory(owner=owner, **fields)
    for name in LEVELS:
        for number in range(1, per_level + 1):
            CardFactory(deck=deck, prompt=f"{name} {number}", level=name)
    return deck


def start(deck, **options):
    options.setdefault("is_shuffled", False)
    return LiveSession.start(deck, deck.owner, join_base_url="http://testserver", **options)


def deal_all(session):
    """Reveal cards until none comes: the prompts in the order they came."""
    prompts = []
    while (card := session.reveal_next()) is not None:
        prompts.append(card.prompt)
    return prompts


def test_a_deck_lists_its_levels_in_the_order_their_first_cards_sit(facilitator):
    deck = DeckFactory(owner=facilitator)
    CardFactory(deck=deck, prompt="Warm-up")  # in no level
    CardFactory(deck=deck, prompt="b1", level="Connection")
    CardFactory(deck=deck, prompt="a1", level="Perception")
    CardFactory(deck=deck, prompt="b2", level="Connection")
    assert deck.levels() == ["Connection", "Perception"]


def test_a_session_starts_in_level_one_and_numbers_its_cards_by_level(facilitator):
    session = start(levelled_deck(facilitator), is_shuffled=True)
    assert session.current_level == 1
    numbers = list(session.cards.values_list("level_number", "level"))
    assert numbers == [(n, name) for n, name in enumerate(LEVELS, start=1) for _ in range(3)]
    levels = session.levels()
    assert (levels.count, levels.name, levels.next_name) == (3, "Perception", "Connection")


def test_a_deck_without_levels_deals_every_card_from_the_start(facilitator):
    deck = DeckFactory(owner=facilitator)
    for number in range(4):
        CardFactory(deck=deck, prompt=f"Card {number}")
    session = start(deck)
    assert session.current_level == 0
    assert not session.levels()
    assert deal_all(session) == [f"Card {number}" for number in range(4)]
    assert session.open_next_level() is None


def test_only_the_open_level_is_dealt_until_the_next_is_opened(facilitator):
    session = start(levelled_deck(facilitator))
    assert deal_all(session) == ["Perception 1", "Perception 2", "Perception 3"]
    assert session.open_next_level() == 2
    assert deal_all(session) == ["Connection 1", "Connection 2", "Connection 3"]
    assert session.open_next_level() == 3
    assert deal_all(session) == ["Reflection 1", "Reflection 2", "Reflection 3"]
    assert session.open_next_level() is None
    session.refresh_from_db()
    assert session.current_level == 3


def test_shuffling_keeps_the_levels_in_order_and_mixes_each_level(facilitator):
    deck = levelled_deck(facilitator, per_level=8)
    orders = set()
    for _session in range(4):
        session = start(deck, is_shuffled=True)
        dealt = []
        for _level in LEVELS:
            dealt += deal_all(session)
            session.open_next_level()
        assert [prompt.split()[0] for prompt in dealt] == [n for n in LEVELS for _ in range(8)]
        orders.add(tuple(dealt))
    assert len(orders) > 1  # four sessions, not all dealt alike


def test_reshuffling_mixes_each_level_within_itself(facilitator):
    session = start(levelled_deck(facilitator, per_level=6))
    session.reveal_next()
    session.reshuffle()
    names = [card.level for card in session.unseen_cards()]
    assert names == ["Perception"] * 5 + ["Connection"] * 6 + ["Reflection"] * 6
    assert session.cards.get(shown_order=1).prompt == "Perception 1"


def test_opening_the_next_level_early_sets_the_rest_of_the_level_aside(facilitator):
    session = start(levelled_deck(facilitator))
    session.reveal_next()
    session.open_next_level()
    assert session.reveal_next().prompt == "Connection 1"
    assert session.cards.filter(is_skipped=True).count() == 2
    assert session.progress() == (2, 7)  # card 2 of the 7 still in play


def test_asking_twice_for_the_same_level_opens_it_once(facilitator):
    session = start(levelled_deck(facilitator))
    assert session.open_next_level(level=2) == 2
    assert session.open_next_level(level=2) is None
    session.refresh_from_db()
    assert session.current_level == 2


def test_the_table_spread_lays_out_only_the_open_levels_blocks(facilitator, phone):
    session = start(levelled_deck(facilitator), mode="spread")
    assert set(session.face_down_cards().values_list("level", flat=True)) == {"Perception"}
    session.open_next_level()
    assert set(session.face_down_cards().values_list("level", flat=True)) == {"Connection"}


def test_the_console_opens_the_next_level_with_its_button(facilitator_client, facilitator):
    session = start(levelled_deck(facilitator))
    url = reverse("live_sessions:command", args=[session.pk, "open-next-level"])
    page = facilitator_client.get(session.get_absolute_url()).content.decode()
    assert "Level 1 of 3 — Perception" in page
    assert "Open Level 2 — Connection" in page
    response = facilitator_client.post(url, {"level": "2"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Level 2 of 3 — Connection" in page
    assert "Open Level 3 — Reflection" in page
    session.refresh_from_db()
    assert session.current_level == 2


def test_the_console_says_when_a_level_is_dealt_and_offers_the_next(
    facilitator_client, facilitator
):
    session = start(levelled_deck(facilitator, per_level=1))
    session.reveal_next()
    page = facilitator_client.get(session.get_absolute_url()).content.decode()
    assert "Every card of Level 1 — Perception is dealt." in page
    facilitator_client.post(reverse("live_sessions:command", args=[session.pk, "open-next-level"]))
    facilitator_client.post(reverse("live_sessions:command", args=[session.pk, "open-next-level"]))
    page = facilitator_client.get(session.get_absolute_url()).content.decode()
    assert "Level 3 — Reflection is the last level." in page
    assert 'data-shortcut="open-next-level"' not in page


def test_a_level_that_is_not_a_number_is_refused_with_a_message(facilitator_client, facilitator):
    session = start(levelled_deck(facilitator))
    url = reverse("live_sessions:command", args=[session.pk, "open-next-level"])
    response = facilitator_client.post(url, {"level": "two"})
    assert response.status_code == 400
    session.refresh_from_db()
    assert session.current_level == 1


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_phone_that_reconnects_is_told_the_level_open_now(facilitator):
    session = await sync_to_async(lambda: start(levelled_deck(facilitator)))()
    await sync_to_async(session.open_next_level)(level=2)
    ana = await joined(session, "Ana")

    phone, _ = await connect(f"/ws/join/{session.join_code}/", ana)

    assert "Level 2 of 3 is open: Connection" in await phone.receive_from()
    await phone.disconnect()
