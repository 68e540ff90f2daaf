"""Reactions to the answers on the wall: who may react to what (one rule,
`LiveSession.answers_open_to_reactions`), one of each kind per person per answer, tapping again
takes it back, the counts on the room, the console and the phones, and switching them off."""

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse

from sessions import screens
from sessions.broadcast import PHONE, render_parts
from sessions.models import Answer, NotReactable, Participant, Reaction
from tests.factories import CardFactory, DeckFactory
from tests.live_sessions.conftest import start_session
from tests.live_sessions.test_sockets import (
    command,
    connect,
    joined,
    logged_in,
    post,
    update_with,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


def answer_url(session):
    return reverse("live_sessions:answer", args=[session.join_code])


def react_url(session, answer):
    return reverse("live_sessions:react", args=[session.join_code, answer.pk])


def react(browser, session, answer, kind="heart", given=True, **headers):
    data = {"give" if given else "take_back": kind}
    return browser.post(react_url(session, answer), data, **headers)


def answered(browser, session, text, **fields):
    response = browser.post(answer_url(session), {"text": text, **fields})
    assert response.status_code == 302, response.content.decode()[:300]
    return Answer.objects.get(text=text)


@pytest.fixture
def wall(live_session, phone):
    """The first card up; Ana answered it for the room, Bo reacts."""
    live_session.reveal_next()
    ana, bo = phone(live_session, "Ana"), phone(live_session, "Bo")
    answer = answered(ana, live_session, "The baker knew my name.")
    live_session.refresh_from_db()
    return live_session, ana, bo, answer


def test_a_participant_reacts_once_of_each_kind_however_often_they_give_it(wall):
    session, _ana, bo, answer = wall
    assert react(bo, session, answer, "heart").status_code == 302
    assert react(bo, session, answer, "heart").status_code == 302
    assert react(bo, session, answer, "wow").status_code == 302
    assert sorted(answer.reactions.values_list("kind", flat=True)) == ["heart", "wow"]
    assert set(answer.reactions.values_list("participant__display_name", flat=True)) == {"Bo"}


def test_tapping_a_given_reaction_again_takes_it_back(wall):
    session, _ana, bo, answer = wall
    react(bo, session, answer, "laugh")
    page = react(bo, session, answer, "laugh", given=False, **HTMX).content.decode()
    assert not answer.reactions.exists()
    assert 'aria-pressed="true"' not in page


def test_the_phone_is_answered_with_the_buttons_of_that_answer_its_own_pressed(wall):
    session, ana, bo, answer = wall
    react(ana, session, answer, "heart")
    response = react(bo, session, answer, "heart", **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="phone-reactions-{answer.pk}"' in page
    assert f'data-mine="{answer.pk}:heart"' in page
    heart = page[page.index(f'data-reaction="{answer.pk}:heart"') :]
    assert 'aria-pressed="true"' in heart[: heart.index(">")]
    assert "Heart: 2" in page  # Ana's and Bo's
    # Pressed, the button now asks to take it back.
    assert 'name="take_back" value="heart"' in page
    assert 'name="give" value="wow"' in page


def test_a_participant_reacts_only_as_themselves(wall):
    session, ana, bo, answer = wall
    ana_id = Participant.objects.get(display_name="Ana").pk
    bo.post(react_url(session, answer), {"give": "heart", "participant": ana_id})
    assert list(answer.reactions.values_list("participant__display_name", flat=True)) == ["Bo"]


def test_nobody_who_has_not_joined_may_react(wall, facilitator_client):
    session, _ana, _bo, answer = wall
    assert react(Client(), session, answer).status_code == 403
    assert react(facilitator_client, session, answer).status_code == 403
    assert not answer.reactions.exists()


def test_an_answer_of_another_session_is_not_found(wall, other_session, phone):
    session, _ana, bo, _answer = wall
    other_session.reveal_next()
    elsewhere = answered(phone(other_session, "Cy"), other_session, "Somewhere else.")
    assert react(bo, session, elsewhere).status_code == 404
    assert not Reaction.objects.exists()


def test_a_private_answer_takes_no_reaction(wall, phone):
    session, _ana, bo, _answer = wall
    private = answered(phone(session, "Cy"), session, "Only for the facilitator.", is_private="on")
    assert react(bo, session, private).status_code == 403
    assert react(bo, session, private, **HTMX).status_code == 409
    assert not private.reactions.exists()


def test_a_hidden_answer_takes_no_reaction_and_its_buttons_say_why(wall, facilitator_client):
    session, _ana, bo, answer = wall
    facilitator_client.post(
        reverse("live_sessions:answer-moderate", args=[session.pk, answer.pk, "hide"])
    )
    assert react(bo, session, answer).status_code == 403
    response = react(bo, session, answer, **HTMX)
    assert response.status_code == 409
    assert "not on the wall any more" in response.content.decode()
    assert "The baker" not in response.content.decode()
    assert not answer.reactions.exists()


def test_the_rule_refuses_what_the_room_does_not_see(wall, phone):
    session, ana, bo, answer = wall
    bo_participant = Participant.objects.get(display_name="Bo")
    withdrawn = answered(phone(session, "Cy"), session, "Withdrawn.")
    Answer.objects.filter(pk=withdrawn.pk).update(archive_consent=Answer.Consent.WITHDRAWN)
    with pytest.raises(NotReactable):
        Reaction.react(bo_participant, withdrawn, "heart")
    # An answer of a card the room has moved on from.
    session.reveal_next()
    with pytest.raises(NotReactable):
        Reaction.react(bo_participant, answer, "heart")
    assert not Reaction.objects.exists()


def test_answers_the_facilitator_has_not_opened_to_the_room_take_no_reaction(facilitator, phone):
    session = start_session(facilitator, answers_live=False)
    session.reveal_next()
    answer = answered(phone(session, "Ana"), session, "Not shown yet.")
    bo = phone(session, "Bo")
    assert react(bo, session, answer).status_code == 403
    session.open_answers()
    assert react(bo, session, answer).status_code == 302
    assert answer.reactions.count() == 1


def test_no_reaction_once_reactions_are_switched_off_or_the_session_ended(wall, facilitator_client):
    session, _ana, bo, answer = wall
    facilitator_client.post(reverse("live_sessions:command", args=[session.pk, "reactions-off"]))
    assert react(bo, session, answer).status_code == 403
    facilitator_client.post(reverse("live_sessions:command", args=[session.pk, "reactions-on"]))
    assert react(bo, session, answer).status_code == 302
    facilitator_client.post(reverse("live_sessions:command", args=[session.pk, "end"]))
    assert react(bo, session, answer, "wow").status_code == 403
    assert list(answer.reactions.values_list("kind", flat=True)) == ["heart"]


def test_an_unknown_kind_of_reaction_or_two_at_once_are_refused(wall):
    session, _ana, bo, answer = wall
    assert react(bo, session, answer, "thumbs-down").status_code == 400
    both = bo.post(react_url(session, answer), {"give": "heart", "take_back": "wow"})
    assert both.status_code == 400
    assert not answer.reactions.exists()


def test_a_participant_tapping_without_end_is_slowed_down(wall, settings):
    settings.REACTION_RATE = "3/m"
    session, _ana, bo, answer = wall
    statuses = [react(bo, session, answer, kind).status_code for kind in Reaction.Kind.values]
    assert statuses == [302, 302, 302, 429]
    response = react(bo, session, answer, "wow", **HTMX)
    assert response.status_code == 429
    assert "a lot of reactions" in response.content.decode()
    assert answer.reactions.count() == 3


def test_the_room_and_the_console_show_the_counts(wall, phone, facilitator_client):
    session, ana, bo, answer = wall
    react(ana, session, answer, "heart")
    react(bo, session, answer, "heart")
    react(bo, session, answer, "applause")
    room = facilitator_client.get(reverse("live_sessions:room", args=[session.pk])).content
    console = facilitator_client.get(session.get_absolute_url()).content
    for page in (room.decode(), console.decode()):
        note = page[page.index("The baker knew my name.") :]
        counts = note[
            note.index('class="reaction-counts') : note.index("</p>", note.index("reaction-counts"))
        ]
        assert "Heart:</span> 2" in counts
        assert "Applause:</span> 1" in counts
        assert "Wow" not in counts  # none given


def test_switched_off_the_room_shows_no_counts_and_the_phones_no_wall(wall, facilitator_client):
    session, ana, bo, answer = wall
    react(bo, session, answer, "heart")
    facilitator_client.post(reverse("live_sessions:command", args=[session.pk, "reactions-off"]))
    room = facilitator_client.get(reverse("live_sessions:room", args=[session.pk])).content.decode()
    assert "reaction-counts" not in room
    phone_page = bo.get(session.join_path).content.decode()
    assert "On the wall" not in phone_page
    console = facilitator_client.get(session.get_absolute_url()).content.decode()
    assert "Switch reactions on" in console


def test_a_hidden_answers_reactions_leave_the_room(wall, facilitator_client):
    session, _ana, bo, answer = wall
    react(bo, session, answer, "heart")
    facilitator_client.post(
        reverse("live_sessions:answer-moderate", args=[session.pk, answer.pk, "hide"])
    )
    room = facilitator_client.get(reverse("live_sessions:room", args=[session.pk])).content.decode()
    assert "reaction-counts" not in room
    assert "The baker" not in room


def test_a_removed_participants_reactions_are_not_counted(wall, facilitator_client):
    session, _ana, bo, answer = wall
    react(bo, session, answer, "heart")
    bo_participant = Participant.objects.get(display_name="Bo")
    facilitator_client.post(
        reverse("live_sessions:participant-remove", args=[session.pk, bo_participant.pk])
    )
    assert react(bo, session, answer, "wow").status_code == 403
    room = facilitator_client.get(reverse("live_sessions:room", args=[session.pk])).content.decode()
    assert "reaction-counts" not in room


def test_the_phone_shows_the_wall_newest_first_with_its_own_reactions_pressed(wall, phone):
    session, ana, bo, answer = wall
    later = answered(phone(session, "Cy"), session, "The bus driver waited.")
    react(bo, session, answer, "wow")
    page = bo.get(session.join_path).content.decode()
    section = page[page.index('id="phone-wall"') :]
    assert section.index("The bus driver waited.") < section.index("The baker knew my name.")
    assert f'data-mine="{answer.pk}:wow"' in section
    wow = section[section.index(f'data-reaction="{answer.pk}:wow"') :]
    assert 'aria-pressed="true"' in wow[: wow.index(">")]
    other = section[section.index(f'data-reaction="{later.pk}:wow"') :]
    assert 'aria-pressed="false"' in other[: other.index(">")]


def test_the_wall_pushed_to_every_phone_carries_counts_but_nobodys_own_reactions(wall):
    session, _ana, bo, answer = wall
    react(bo, session, answer, "wow")
    pushed = render_parts(PHONE, ["phone-wall"], screens.phone_context(session))
    assert "data-mine" not in pushed
    assert 'aria-pressed="true"' not in pushed
    assert "Wow: 1" in pushed


def test_the_phones_wall_shows_a_bounded_number_of_answers_and_counts_the_rest(
    wall, django_assert_max_num_queries
):
    session, _ana, _bo, _answer = wall
    card = session.current_card
    people = Participant.objects.bulk_create(
        Participant(session=session, display_name=f"Person {n}", turn_position=10 + n)
        for n in range(40)
    )
    Answer.objects.bulk_create(
        Answer(session_card=card, participant=person, text=f"Answer number {n}")
        for n, person in enumerate(people)
    )
    with django_assert_max_num_queries(12):
        pushed = render_parts(PHONE, ["phone-wall"], screens.phone_context(session))
    assert pushed.count('class="phone-wall__note"') == screens.PHONE_WALL_ANSWERS
    assert f"+{41 - screens.PHONE_WALL_ANSWERS} more answers on the room screen" in pushed


def test_a_memory_shared_anonymously_shows_no_name_on_the_phones_wall(live_session, phone):
    live_session.reveal_next()
    live_session.reveal_next()  # the memory card
    writer = phone(live_session, "Zqanonymous Anaïs")
    answered(
        writer,
        live_session,
        "The nurse held my hand.",
        valence="valued",
        archive_consent="anonymous",
    )
    live_session.refresh_from_db()
    pushed = render_parts(PHONE, ["phone-wall"], screens.phone_context(live_session))
    page = phone(live_session, "Bo").get(live_session.join_path).content.decode()
    for html in (pushed, page[page.index('id="phone-wall"') :]):
        assert "The nurse held my hand." in html
        assert "Zqanonymous" not in html


def test_the_start_form_sets_reactions_and_highlights(facilitator_client, facilitator):
    deck = DeckFactory(owner=facilitator)
    CardFactory(deck=deck)
    response = facilitator_client.post(
        reverse("live_sessions:session-start", args=[deck.slug]),
        {"mode": "reveal", "answers_live": "on"},
    )
    assert response.status_code == 302
    session = deck.sessions.get()
    assert (session.reactions_enabled, session.highlights_shown) == (False, False)
    page = facilitator_client.get(reverse("live_sessions:session-start", args=[deck.slug]))
    assert "People may react to the answers on the wall" in page.content.decode()
    assert "Show the most-reacted answers on the closing screen" in page.content.decode()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_reaction_reaches_the_room_the_console_and_every_phone_as_counts(facilitator):
    session = await sync_to_async(start_session)(facilitator)
    host = await logged_in(facilitator)
    await post(host, command(session, "next"))
    ana, bo = await joined(session, "Ana"), await joined(session, "Bo")
    await post(ana, answer_url(session), {"text": "The baker knew my name."})
    answer = await sync_to_async(Answer.objects.get)()
    room, _ = await connect(f"/ws/live/{session.pk}/room/", host)
    console, _ = await connect(f"/ws/live/{session.pk}/host/", host)
    ana_phone, _ = await connect(f"/ws/join/{session.join_code}/", ana)
    first = {}
    for name, socket in [("room", room), ("console", console), ("ana", ana_phone)]:
        first[name] = await socket.receive_from()
    assert "data-mine" in first["ana"]  # a phone's own state comes on connect

    await post(bo, react_url(session, answer), {"give": "heart"})

    for socket in (room, console):
        await update_with(socket, "Heart:</span> 1")
    pushed = await update_with(ana_phone, "Heart: 1")
    assert "data-mine" not in pushed and 'aria-pressed="true"' not in pushed
    for socket in (room, console, ana_phone):
        await socket.disconnect()
