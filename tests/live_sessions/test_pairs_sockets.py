"""Pairs mode over the real WebSockets and channel layer: a phone's connect frame holds its
own pair and card; the new round pushed to every phone is one string that names no pair."""

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse

from sessions.models import LiveSession
from tests.live_sessions.conftest import start_session
from tests.live_sessions.test_sockets import connect, joined, logged_in, post

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def test_each_phone_connects_to_its_own_pair_and_hears_the_new_round_unnamed(facilitator):
    session = await sync_to_async(start_session)(facilitator, mode=LiveSession.Mode.PAIRS)
    phones = {name: await joined(session, name) for name in ["Ana", "Ben", "Cy", "Dee"]}
    host = await logged_in(facilitator)
    next_round = reverse("live_sessions:command", args=[session.pk, "pair-up"])
    assert (await post(host, next_round, {"round": 0})).status_code == 302
    await sync_to_async(session.refresh_from_db)()

    sockets = {}
    for name, browser in phones.items():
        socket, connected = await connect(f"/ws/join/{session.join_code}/", browser)
        assert connected
        frame = await socket.receive_from()
        me = await sync_to_async(session.participants.get)(display_name=name)
        card = await sync_to_async(session.card_for)(me)
        assert "Round 1 — you're with" in frame and card.prompt in frame
        sockets[name] = socket

    assert (await post(host, next_round, {"round": 1})).status_code == 302
    frames = [await socket.receive_from() for socket in sockets.values()]
    assert len(set(frames)) == 1  # rendered once for every phone
    assert "Round 2" in frames[0] and "you're with" not in frames[0]
    prompts = await sync_to_async(list)(session.cards.values_list("prompt", flat=True))
    assert not any(prompt in frames[0] for prompt in prompts)
    for socket in sockets.values():
        await socket.disconnect()
