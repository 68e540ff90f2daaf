"""Draw mode over the real sockets: a phone's own card is never pushed to the others, a
reconnecting phone gets its own card back, and a draw or a pass reaches the room."""

import re

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse

from sessions.models import LiveSession
from tests.live_sessions.conftest import start_session
from tests.live_sessions.test_sockets import command, connect, joined, logged_in, post

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def session(facilitator):
    return start_session(facilitator, mode=LiveSession.Mode.DRAW, passes_per_person=1)


def draw_url(session):
    return reverse("live_sessions:draw", args=[session.join_code])


async def card_of(session, name):
    return await sync_to_async(
        lambda: session.participants.get(display_name=name).drawn_card().prompt
    )()


async def test_a_draw_reaches_the_room_but_no_other_phone(session, facilitator):
    host = await logged_in(facilitator)
    ana, bo = await joined(session, "Ana"), await joined(session, "Bo")
    room, _ = await connect(f"/ws/live/{session.pk}/room/", host)
    bo_phone, _ = await connect(f"/ws/join/{session.join_code}/", bo)
    for socket in (room, bo_phone):
        await socket.receive_from()

    await post(ana, draw_url(session))

    prompt = await card_of(session, "Ana")
    assert prompt in await room.receive_from()
    assert await bo_phone.receive_nothing(timeout=0.2)
    for socket in (room, bo_phone):
        await socket.disconnect()


async def test_a_new_sharer_reaches_every_phone_without_anyones_own_card(session, facilitator):
    host = await logged_in(facilitator)
    ana, bo = await joined(session, "Ana"), await joined(session, "Bo")
    await post(ana, draw_url(session))
    await post(bo, draw_url(session))
    bo_phone, _ = await connect(f"/ws/join/{session.join_code}/", bo)
    first = await bo_phone.receive_from()
    assert await card_of(session, "Bo") in first and 'id="phone-draw"' in first

    await post(host, command(session, "turn-next"))

    pushed = await bo_phone.receive_from()
    assert "Ana is sharing now." in pushed
    assert 'id="phone-card"' not in pushed and 'id="phone-answer"' not in pushed
    await bo_phone.disconnect()


async def test_a_pass_is_said_on_the_room(session, facilitator):
    host = await logged_in(facilitator)
    ana = await joined(session, "Ana")
    await joined(session, "Bo")
    await post(host, command(session, "turn-next"))
    room, _ = await connect(f"/ws/live/{session.pk}/room/", host)
    await room.receive_from()

    await post(ana, reverse("live_sessions:pass", args=[session.join_code]))

    update = await room.receive_from()
    assert "Ana passed." in update and "<strong>Bo</strong>" in update
    await room.disconnect()


def draw_keys(html, part):
    """The round and the card up that a part of the phone says (screens.draw_key)."""
    found = re.search(rf'id="{part}"[^>]*data-draw-round="(\d+)" data-draw-up="([^"]*)"', html)
    return found.groups() if found else None


async def test_a_new_round_changes_the_draw_key_pushed_to_every_phone(session, facilitator):
    host = await logged_in(facilitator)
    ana, bo = await joined(session, "Ana"), await joined(session, "Bo")
    await post(ana, draw_url(session))
    bo_phone, _ = await connect(f"/ws/join/{session.join_code}/", bo)
    first = await bo_phone.receive_from()
    assert draw_keys(first, "phone-turn") == draw_keys(first, "phone-draw") == ("1", "")

    await post(host, command(session, "turn-next"))  # Ana shares her card: round 1
    ana_up = draw_keys(await bo_phone.receive_from(), "phone-turn")
    await post(host, command(session, "turn-next"))  # Bo
    await post(host, command(session, "turn-next"))  # everyone had a turn: round 2, Ana
    await bo_phone.receive_from()

    pushed = await bo_phone.receive_from()
    assert ana_up[0] == "1" and ana_up[1].endswith("-open")
    # Round 2: Ana is called again and has no card of this round yet (none up).
    assert draw_keys(pushed, "phone-turn") == ("2", "")
    assert 'id="phone-draw"' not in pushed  # the phone fetches its own
    own = await sync_to_async(bo.get)(reverse("live_sessions:own-draw", args=[session.join_code]))
    assert draw_keys(own.content.decode(), "phone-draw") == ("2", "")
    assert "Draw your card" in own.content.decode()
    await bo_phone.disconnect()
