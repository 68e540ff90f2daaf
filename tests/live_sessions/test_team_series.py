"""A series for one team: the cards the team saw in its earlier sessions are dealt after the
others, or left out, as the facilitator chooses when starting the session."""

import pytest
from django.urls import reverse

from sessions.models import LiveSession, NothingLeftToDeal, Team
from tests.factories import CardFactory, DeckFactory

PROMPTS = ["What made you smile?", "Who helped you?", "What surprised you?", "What next?"]


@pytest.fixture
def deck(facilitator):
    deck = DeckFactory(owner=facilitator, title="Team deck")
    for prompt in PROMPTS:
        CardFactory(deck=deck, prompt=prompt)
    return deck


@pytest.fixture
def team(facilitator):
    return Team.objects.create(owner=facilitator, name="Support crew")


def earlier_session(deck, facilitator, team, revealed):
    """A session of the team in which the first `revealed` cards (in deck order) were shown."""
    session = LiveSession.start(deck, facilitator, team=team, is_shuffled=False)
    for _card in range(revealed):
        session.reveal_next()
    session.end()
    return session


def start_url(deck):
    return reverse("live_sessions:session-start", args=[deck.slug])


def dealt(session):
    return list(session.face_down_cards().values_list("prompt", flat=True))


def start(client, deck, **data):
    return client.post(start_url(deck), {"mode": "reveal", "seen_cards": "last", **data})


def test_the_cards_a_team_has_seen_are_dealt_after_the_others(deck, facilitator, team):
    earlier_session(deck, facilitator, team, revealed=2)

    session = LiveSession.start(deck, facilitator, team=team, is_shuffled=True)

    prompts = dealt(session)
    assert sorted(prompts[:2]) == sorted(PROMPTS[2:])  # unseen first
    assert sorted(prompts[2:]) == sorted(PROMPTS[:2])
    assert [card.seen_before for card in session.face_down_cards()] == [False, False, True, True]


def test_the_facilitator_may_leave_the_seen_cards_out(deck, facilitator, team):
    earlier_session(deck, facilitator, team, revealed=3)

    session = LiveSession.start(deck, facilitator, team=team, seen_cards="leave_out")

    assert dealt(session) == [PROMPTS[3]]
    assert session.progress() == (0, 1)


def test_seen_means_revealed_whatever_the_case_and_spaces_of_the_prompt(facilitator, deck, team):
    other_deck = DeckFactory(owner=facilitator)
    CardFactory(deck=other_deck, prompt="  what MADE you   smile? ")
    CardFactory(deck=other_deck, prompt=PROMPTS[1])  # in that session, never revealed
    earlier_session(other_deck, facilitator, team, revealed=1)

    session = LiveSession.start(deck, facilitator, team=team, is_shuffled=False)

    assert dealt(session) == [*PROMPTS[1:], PROMPTS[0]]


def test_another_team_and_a_one_off_session_deal_every_card_in_order(deck, facilitator, team):
    earlier_session(deck, facilitator, team, revealed=4)
    other_team = Team.objects.create(owner=facilitator, name="Sales")

    for team_of_session in [other_team, None]:
        session = LiveSession.start(
            deck, facilitator, team=team_of_session, is_shuffled=False, seen_cards="leave_out"
        )
        assert dealt(session) == PROMPTS


def test_reshuffling_keeps_the_seen_cards_last(deck, facilitator, team):
    earlier_session(deck, facilitator, team, revealed=2)
    session = LiveSession.start(deck, facilitator, team=team, is_shuffled=False)

    for _time in range(5):
        session.reshuffle()
        assert sorted(dealt(session)[2:]) == sorted(PROMPTS[:2])


def test_starting_with_a_new_team_name_makes_the_team_and_the_same_name_finds_it_again(
    facilitator, facilitator_client, deck
):
    response = start(facilitator_client, deck, team_name="  Support   crew ")
    first = LiveSession.objects.get()
    assert response.url == first.get_absolute_url()
    assert first.team.name == "Support crew"
    first.reveal_next()

    start(facilitator_client, deck, team_name="SUPPORT CREW")

    assert Team.objects.count() == 1
    second = LiveSession.objects.latest("created_at")
    assert second.team == first.team
    assert dealt(second)[-1] == first.current_card.prompt


def test_teams_are_each_facilitators_own(deck, facilitator, other_facilitator, other_client, team):
    earlier_session(deck, facilitator, team, revealed=4)
    deck.status = deck.Status.APPROVED  # in the library: anyone may run it
    deck.save()
    assert "Support crew" not in other_client.get(start_url(deck)).content.decode()

    start(other_client, deck, team_name="Support crew", seen_cards="leave_out")

    session = LiveSession.objects.get(facilitator=other_facilitator)
    assert session.team.owner == other_facilitator and session.team != team
    assert sorted(dealt(session)) == sorted(PROMPTS)


def test_leaving_out_every_card_a_team_has_seen_is_refused_on_the_form(
    deck, facilitator, facilitator_client, team
):
    earlier_session(deck, facilitator, team, revealed=4)

    response = start(facilitator_client, deck, team_name="support crew", seen_cards="leave_out")

    assert response.status_code == 200
    assert (
        "Support crew has already seen every card of this deck: choose to deal the seen cards "
        "last, or run another deck." in response.content.decode()
    )
    assert LiveSession.objects.count() == 1  # only the earlier one


def test_the_start_form_says_how_many_of_the_decks_cards_each_team_has_seen(
    deck, facilitator, facilitator_client, team
):
    earlier_session(deck, facilitator, team, revealed=3)
    Team.objects.create(owner=facilitator, name="Sales")

    page = facilitator_client.get(start_url(deck)).content.decode()

    assert "<strong>Support crew</strong>: 3 of 4 cards seen" in page
    assert "<strong>Sales</strong>: 0 of 4 cards seen" in page
    assert '<option value="Support crew">' in page and 'list="team-names"' in page


def test_the_console_and_the_session_list_show_the_team(deck, facilitator_client):
    start(facilitator_client, deck, team_name="Support crew")
    session = LiveSession.objects.get()

    console = facilitator_client.get(session.get_absolute_url()).content.decode()
    assert "Series for Support crew" in console
    listing = facilitator_client.get(reverse("live_sessions:session-list")).content.decode()
    assert "Team: Support crew" in listing


def test_a_session_that_would_deal_no_card_is_not_started(deck, facilitator, team):
    earlier_session(deck, facilitator, team, revealed=4)

    with pytest.raises(NothingLeftToDeal):
        LiveSession.start(deck, facilitator, team=team, seen_cards="leave_out")

    assert LiveSession.objects.count() == 1


def test_leaving_out_a_level_the_team_has_seen_deals_the_next_levels_from_level_one(
    facilitator, team
):
    deck = DeckFactory(owner=facilitator, title="Levels deck")
    for level, prompt in [("Perception", "P1"), ("Perception", "P2"), ("Connection", "C1")]:
        CardFactory(deck=deck, prompt=prompt, level=level)
    CardFactory(deck=deck, prompt="R1", level="Reflection")
    earlier_session(deck, facilitator, team, revealed=2)  # all of Perception

    session = LiveSession.start(deck, facilitator, team=team, seen_cards="leave_out")

    levels = session.levels()
    assert (levels.count, levels.name) == (2, "Connection")
    assert dealt(session) == ["C1"]
    assert session.open_next_level(level=2) == 2
    assert dealt(session) == ["R1"]


def test_a_card_drawn_and_kept_in_draw_mode_counts_as_seen_by_the_team(deck, facilitator, team):
    earlier = LiveSession.start(
        deck, facilitator, team=team, is_shuffled=False, mode=LiveSession.Mode.DRAW
    )
    ana, _created = earlier.join("Ana")
    drawn = earlier.draw(ana)  # answered on her phone, never shared on the room
    earlier.end()

    session = LiveSession.start(deck, facilitator, team=team, seen_cards="leave_out")

    assert drawn.card.prompt not in dealt(session)
    assert len(dealt(session)) == len(PROMPTS) - 1
