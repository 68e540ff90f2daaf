"""Co-facilitators: another facilitator the session's facilitator adds runs that session with
them (console, commands, moderation, timer, people, room screen, summary), and nothing else;
removed, they lose it at once: the next request is refused and their open sockets close."""

import html

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.urls import reverse
from django.utils import translation

from cxworkshop.asgi import application
from sessions import access
from sessions.models import Answer
from tests.conftest import logged_in
from tests.factories import UserFactory
from tests.live_sessions import test_races as races
from tests.live_sessions.conftest import PROMPTS, start_session


def add_url(session):
    return reverse("live_sessions:co-facilitator-add", args=[session.pk])


def remove_url(session, user):
    return reverse("live_sessions:co-facilitator-remove", args=[session.pk, user.pk])


def command(session, name):
    return reverse("live_sessions:command", args=[session.pk, name])


@pytest.fixture
def colleague(db):
    return UserFactory(name="Chris Colleague", email="chris@example.com")


@pytest.fixture
def colleague_client(colleague):
    return logged_in(colleague)


@pytest.fixture
def added(live_session, facilitator_client, colleague):
    response = facilitator_client.post(add_url(live_session), {"email": colleague.email})
    assert response.status_code == 302
    return colleague


def test_the_facilitator_adds_a_colleague_by_their_accounts_address(
    live_session, facilitator_client, colleague
):
    response = facilitator_client.post(
        add_url(live_session), {"email": "  CHRIS@example.com "}, follow=True
    )
    assert "Chris Colleague can now run this session with you." in response.content.decode()
    assert list(live_session.co_facilitators.all()) == [colleague]
    panel = response.content.decode().split('id="host-co-facilitators"')[1]
    assert "chris@example.com" in panel and "Remove" in panel


def test_adding_over_htmx_answers_with_the_panel_alone(live_session, facilitator_client, colleague):
    response = facilitator_client.post(
        add_url(live_session), {"email": colleague.email}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="host-co-facilitators"')
    assert "Chris Colleague can now run this session with you." in page
    assert response["Vary"].count("HX-Request") == 1


@pytest.mark.parametrize(
    "email, message",
    [
        ("", "Type the e-mail address of their account."),
        ("not an address", "Enter a valid email address."),
        ("nobody@example.com", "No account has the address nobody@example.com."),
    ],
)
def test_an_address_that_names_no_account_is_refused_with_a_clear_message(
    live_session, facilitator_client, email, message
):
    response = facilitator_client.post(add_url(live_session), {"email": email})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not live_session.co_facilitators.exists()


def test_the_facilitator_cannot_add_themselves_nor_someone_twice(
    live_session, facilitator, facilitator_client, added
):
    itself = facilitator_client.post(add_url(live_session), {"email": facilitator.email.upper()})
    assert "That is you: you already run this session." in itself.content.decode()
    again = facilitator_client.post(
        add_url(live_session), {"email": added.email}, headers={"HX-Request": "true"}
    )
    assert "Chris Colleague is already a co-facilitator of this session." in again.content.decode()
    assert live_session.co_facilitators.count() == 1


def test_a_co_facilitator_runs_the_console_commands_moderation_and_timer(
    live_session, added, colleague_client, phone
):
    ana = phone(live_session, "Ana")
    console = colleague_client.get(live_session.get_absolute_url())
    assert console.status_code == 200
    page = console.content.decode()
    assert "Co-facilitating with" in page and "Add co-facilitator" not in page

    colleague_client.post(command(live_session, "next"))
    live_session.refresh_from_db()
    assert live_session.current_card.prompt == PROMPTS[0]

    ana.post(reverse("live_sessions:answer", args=[live_session.join_code]), {"text": "Oops"})
    answer = Answer.objects.get()
    hide = reverse("live_sessions:answer-moderate", args=[live_session.pk, answer.pk, "hide"])
    assert colleague_client.post(hide).status_code == 302
    answer.refresh_from_db()
    assert answer.is_hidden

    timer = reverse("live_sessions:timer", args=[live_session.pk])
    colleague_client.post(timer, {"action": "set", "seconds": "60"})
    live_session.refresh_from_db()
    assert live_session.timer_seconds == 60

    person = live_session.people().get()
    remove = reverse("live_sessions:participant-remove", args=[live_session.pk, person.pk])
    assert colleague_client.post(remove).status_code == 302
    assert not live_session.people().exists()
    summary = reverse("live_sessions:summary", args=[live_session.pk])
    assert colleague_client.get(summary).status_code == 200


def test_a_co_facilitator_gets_nothing_of_the_facilitators_other_sessions(
    live_session, facilitator, added, colleague_client
):
    other = start_session(facilitator)
    assert colleague_client.get(other.get_absolute_url()).status_code == 404
    assert colleague_client.post(command(other, "next")).status_code == 404
    other.refresh_from_db()
    assert other.current_card is None


def test_only_the_facilitator_adds_or_removes_co_facilitators(
    live_session, added, colleague_client
):
    stranger = UserFactory()
    assert (
        colleague_client.post(add_url(live_session), {"email": stranger.email}).status_code == 403
    )
    assert colleague_client.post(remove_url(live_session, added)).status_code == 403
    assert list(live_session.co_facilitators.all()) == [added]


def test_a_removed_co_facilitator_is_refused_at_their_next_request(
    live_session, facilitator_client, added, colleague_client
):
    response = facilitator_client.post(remove_url(live_session, added), follow=True)
    assert "Chris Colleague no longer runs this session." in response.content.decode()
    assert not live_session.co_facilitators.exists()
    assert colleague_client.get(live_session.get_absolute_url()).status_code == 404
    assert colleague_client.post(command(live_session, "next")).status_code == 404
    # Removing them again (a second tap) changes nothing and says the same.
    assert facilitator_client.post(remove_url(live_session, added)).status_code == 302


def test_the_session_list_shows_the_sessions_one_co_facilitates_labelled(
    live_session, facilitator, added, colleague_client
):
    page = colleague_client.get(reverse("live_sessions:session-list")).content.decode()
    assert live_session.title in page
    assert f"Co-facilitating with {facilitator}" in page


def test_an_ended_session_takes_no_new_co_facilitator(live_session, facilitator_client, colleague):
    live_session.end()
    response = facilitator_client.post(add_url(live_session), {"email": colleague.email})
    assert response.status_code == 302
    assert response.url == reverse("live_sessions:summary", args=[live_session.pk])
    assert not live_session.co_facilitators.exists()


# Their sockets


async def open_socket(path, browser):
    socket = WebsocketCommunicator(application, path, headers=socket_headers(browser))
    connected, _ = await socket.connect()
    return socket, connected


def socket_headers(browser):
    cookies = "; ".join(f"{name}={cookie.value}" for name, cookie in browser.cookies.items())
    return [
        (b"origin", b"http://testserver"),
        (b"host", b"testserver"),
        (b"cookie", cookies.encode()),
    ]


async def session_with_co_facilitator(facilitator, colleague):
    """A new session, its facilitator's browser and their colleague's, added as co-facilitator."""
    session = await sync_to_async(start_session)(facilitator)
    owner = await sync_to_async(logged_in)(facilitator)
    colleague_browser = await sync_to_async(logged_in)(colleague)
    await sync_to_async(owner.post)(add_url(session), {"email": colleague.email})
    return session, owner, colleague_browser


async def drain(socket):
    while not await socket.receive_nothing(timeout=0.3):
        await socket.receive_from()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_removing_a_co_facilitator_closes_their_console_and_room_screen_at_once(
    facilitator, colleague
):
    session, owner, chris = await session_with_co_facilitator(facilitator, colleague)
    sockets = {}
    for name, browser in [("owner", owner), ("chris", chris)]:
        for screen in ["host", "room"]:
            socket, connected = await open_socket(f"/ws/live/{session.pk}/{screen}/", browser)
            assert connected, (name, screen)
            await socket.receive_from()  # the whole state, as on every connect
            sockets[name, screen] = socket

    await sync_to_async(chris.post)(command(session, "next"))  # Chris reveals a card
    assert PROMPTS[0] in await sockets["owner", "room"].receive_from()
    for socket in sockets.values():
        await drain(socket)  # the reveal's frames

    await sync_to_async(owner.post)(remove_url(session, colleague))

    for screen in ["host", "room"]:
        goodbye = await sockets["chris", screen].receive_from()
        assert f"{facilitator} removed you as co-facilitator of this session." in goodbye
        closed = await sockets["chris", screen].receive_output()
        assert closed == {"type": "websocket.close", "code": 4403}
    _socket, connected = await open_socket(f"/ws/live/{session.pk}/host/", chris)
    assert not connected  # and it cannot come back
    await sync_to_async(owner.post)(command(session, "next"))
    assert PROMPTS[1] in await sockets["owner", "host"].receive_from()  # the owner's stay open
    for name in ["host", "room"]:
        await sockets["owner", name].disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_room_screen_opened_by_the_private_link_stays_open_when_its_opener_is_removed(
    facilitator, colleague
):
    session, owner, chris = await session_with_co_facilitator(facilitator, colleague)
    room_url = reverse("live_sessions:room", args=[session.pk])
    await sync_to_async(chris.get)(room_url, {"key": session.room_key})
    room, connected = await open_socket(f"/ws/live/{session.pk}/room/", chris)
    assert connected
    await room.receive_from()

    await sync_to_async(owner.post)(remove_url(session, colleague))
    await sync_to_async(owner.post)(command(session, "next"))
    assert PROMPTS[0] in await room.receive_from()  # the projector's link is anyone's who holds it
    await room.disconnect()


# Two tabs adding the same person at once


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_adding_the_same_colleague_from_two_tabs_at_once_adds_them_once(app_server):
    server = app_server(CXW_HTTP_CONCURRENCY="32")
    owner, colleague = UserFactory(), UserFactory(name="Chris Colleague")
    session = start_session(owner)
    tabs = [races.facilitator_tab(server, owner, session) for _ in range(2)]
    path = add_url(session)
    for _round in range(races.ROUNDS):
        taps = [
            races.post(tab, path, {"email": colleague.email}, htmx=htmx)
            for tab in tabs
            for htmx in (True, False)
        ]

        results = races.at_once(*taps)

        races.assert_no_server_errors(results)
        assert list(session.co_facilitators.all()) == [colleague]
        # Each tap added them (a plain post is then sent back to the console), or was told
        # that they already were one: one tap did add them.
        said = [
            "added" if status == 302 or "already a co-facilitator" not in page else "told"
            for status, page, _headers in results
        ]
        assert sorted(said) == ["added", "told", "told", "told"]
        session.remove_co_facilitator(colleague)


def test_after_the_session_the_facilitator_removes_a_co_facilitator_from_the_summary(
    live_session, facilitator_client, added, colleague_client
):
    live_session.end()
    summary = reverse("live_sessions:summary", args=[live_session.pk])
    assert colleague_client.get(summary).status_code == 200
    page = facilitator_client.get(summary).content.decode()
    assert 'Remove<span class="visually-hidden"> Chris Colleague</span>' in page
    assert "Add co-facilitator" not in page

    response = facilitator_client.post(remove_url(live_session, added))

    assert response.url == summary
    assert colleague_client.get(summary).status_code == 404


def test_only_the_facilitator_sees_the_room_screens_private_link(
    live_session, facilitator_client, added, colleague_client
):
    # The link opens the room without an account: a co-facilitator removed later would keep it.
    # They open the room screen by their login instead, which their removal closes.
    theirs = colleague_client.get(live_session.get_absolute_url()).content.decode()
    assert live_session.room_key not in theirs
    assert reverse("live_sessions:room", args=[live_session.pk]) in theirs
    assert (
        live_session.room_key
        in facilitator_client.get(live_session.get_absolute_url()).content.decode()
    )


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_removed_co_facilitator_is_told_in_their_consoles_language(facilitator, colleague):
    facilitator.language = "de"  # the one who removes reads German
    await sync_to_async(facilitator.save)()
    session, owner, chris = await session_with_co_facilitator(facilitator, colleague)
    headers = [*socket_headers(chris), (b"accept-language", b"fr-FR,fr;q=0.9")]
    console = WebsocketCommunicator(application, f"/ws/live/{session.pk}/host/", headers=headers)
    connected, _ = await console.connect()
    assert connected
    await console.receive_from()

    await sync_to_async(owner.post)(remove_url(session, colleague))

    goodbye = await console.receive_from()
    with translation.override("fr"):
        french = str(access.CO_FACILITATOR_REMOVED % {"facilitator": facilitator})
    with translation.override("de"):
        german = str(access.CO_FACILITATOR_REMOVED % {"facilitator": facilitator})
    assert html.escape(french) in goodbye
    assert html.escape(german) not in goodbye
    assert await console.receive_output() == {"type": "websocket.close", "code": 4403}
