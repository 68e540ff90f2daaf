"""WebSockets of a live session: check who connects, join their group, send the current
state, then forward what `broadcast.py` sends."""

import asyncio
import logging
import weakref

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import translation

from cxworkshop import languages
from sessions import access, freshness, presence, screens
from sessions.broadcast import SEND_TIMEOUT, render_parts
from sessions.models import LiveSession

logger = logging.getLogger(__name__)

# Every few seconds each server process checks that its channel layer (Redis) still carries
# messages. If it does not, its live sockets are closed with "try again later": the screens
# say live updates are paused and reconnect, which the server refuses until the layer is back,
# then accepts with the whole current state. A screen is never left quietly out of date.
HEARTBEAT_SECONDS = 3
live_sockets = weakref.WeakSet()
heartbeats = weakref.WeakKeyDictionary()  # event loop -> its heartbeat task


async def layer_is_up(layer):
    try:
        await asyncio.wait_for(layer.group_send("heartbeat", {"type": "heartbeat"}), SEND_TIMEOUT)
    except Exception:  # noqa: BLE001 - any failure of the layer counts as down
        return False
    return True


async def heartbeat(layer):
    while live_sockets:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        if not await layer_is_up(layer):
            logger.warning("Channel layer unreachable: closing %s live sockets", len(live_sockets))
            for consumer in list(live_sockets):
                await consumer.close(code=1013)
                live_sockets.discard(consumer)
            continue
        # Consoles say again which language they read (sessions/presence.py), once a language.
        marks = {
            (consumer.session.pk, consumer.language)
            for consumer in list(live_sockets)
            if consumer.audience == "host" and consumer.language
        }
        for session_pk, language in marks:
            await presence.mark_language(session_pk, "host", language)


def watch(consumer):
    live_sockets.add(consumer)
    loop = asyncio.get_running_loop()
    task = heartbeats.get(loop)
    if task is None or task.done():
        heartbeats[loop] = loop.create_task(heartbeat(consumer.channel_layer))


class LiveConsumer(AsyncWebsocketConsumer):
    audience = ""
    participant = None
    counted = ()  # whom this socket counts against (sessions/presence.py)
    said_goodbye = False

    async def connect(self):
        self.group = None
        session = await database_sync_to_async(self.authorized_session)()
        if session is None:
            await self.close(code=4403)
            return
        # Refused before the handshake completes: the page sees a dropped connection and
        # retries a few seconds later (sessions/presence.py).
        counted = presence.holders(self.scope, self.participant)
        if not presence.admit(self, counted):
            logger.warning("Live socket refused: too many open from one participant or address")
            await self.close()
            return
        self.counted = counted
        self.session = session
        self.language = self.screen_language()
        if self.audience == "host":  # rendered once per language in use: say this one is
            await presence.mark_language(session.pk, self.audience, self.language)
        self.group = session.group(self.audience, self.language)
        # Join before reading the state: an event in between arrives twice, never not at all.
        try:
            for group in self.groups_to_join():
                await asyncio.wait_for(
                    self.channel_layer.group_add(group, self.channel_name), SEND_TIMEOUT
                )
        except Exception:  # noqa: BLE001 - Redis down: refuse, the page retries and says so
            logger.warning("Live socket refused: channel layer unreachable", exc_info=True)
            self.group = None
            presence.leave(self, self.counted)
            await self.close(code=1013)  # "try again later"
            return
        if not await database_sync_to_async(self.still_authorized)():
            # Access taken away while the groups were joined, before the goodbye could reach
            # this socket (a co-facilitator removed): refused as if checked a moment later.
            await self.disconnect(4403)
            self.group = None
            await self.close(code=4403)
            return
        await self.accept()
        watch(self)
        await self.send(text_data=await database_sync_to_async(self.state_unless_current)())

    async def disconnect(self, code):
        live_sockets.discard(self)
        presence.leave(self, self.counted)
        if self.group:
            try:
                for group in self.groups_to_join():
                    await asyncio.wait_for(
                        self.channel_layer.group_discard(group, self.channel_name), SEND_TIMEOUT
                    )
            except Exception:  # noqa: BLE001 - Redis down: its group memberships expire anyway
                logger.warning("Live socket left its group uncleanly", exc_info=True)

    async def receive(self, text_data=None, bytes_data=None):
        """Screens only listen; every change is an HTTP request. A socket that sends anything
        is not one of our pages: it is closed (1008, "policy violation", which the pages do not
        retry). The server refuses big frames before they get here (cxworkshop/serve.py's
        `ws_max_size`)."""
        await self.close(code=1008)

    async def dispatch(self, message):
        # Channels closes stale database connections (a thread hop) before every handler.
        # Forwarding pre-rendered HTML touches no database, and a broadcast reaches every
        # socket at once: that hop per socket was a tenth of the server's time at 1,000 phones.
        if message["type"] == "live.html":
            await self.live_html(message)
        else:
            await super().dispatch(message)

    async def live_html(self, event):
        if not self.said_goodbye:
            await self.send(text_data=self.in_my_language(event["html"]))

    def in_my_language(self, html):
        """A message said in every language ({code: html}) in this screen's; else as sent."""
        if not isinstance(html, dict):
            return html
        return html.get(self.language) or html[languages.of_room(self.session)]

    async def live_close(self, event):
        """Said goodbye to (a removed participant): the page is told why, then closed with a
        code the pages do not reconnect after; what the groups send meanwhile is dropped."""
        await self.live_html(event)
        self.said_goodbye = True
        await self.close(code=4403)

    def groups_to_join(self):
        return [self.group]

    def still_authorized(self):
        return True

    def screen_language(self):
        """The language this screen is read in, when its audience has one group a language
        (cxworkshop/languages.py); "" when the whole audience shares one (the room)."""
        return ""

    def state_unless_current(self):
        """The whole state; or, if the page that opened this socket already shows it
        (sessions/freshness.py), a message that says so and changes nothing: a page loaded a
        moment ago is not rendered twice, and still hears that its socket is live."""
        if freshness.page_is_current(self.scope, self.audience, self.session):
            return freshness.CURRENT
        return self.state_in_language()

    def state_in_language(self):
        with translation.override(self.language or languages.of_room(self.session)):
            return self.current_state()

    def session_pk(self):
        return self.scope["url_route"]["kwargs"].get("pk")


class HostConsumer(LiveConsumer):
    audience = "host"

    def screen_language(self):
        return languages.for_facilitator(self.scope["user"], languages.of_scope(self.scope))

    def authorized_session(self):
        return access.session_run_by(self.scope.get("user"), self.session_pk())

    def groups_to_join(self):
        # Its user's own group too: closed when they stop running the session (a
        # co-facilitator removed).
        return [self.group, self.session.group(f"host-user-{self.scope['user'].pk}")]

    def still_authorized(self):
        return self.authorized_session() is not None

    def current_state(self):
        context = screens.host_context(LiveSession.objects.live().get(pk=self.session.pk))
        return render_parts("sessions/console.html", ["host-state"], context)


class RoomConsumer(LiveConsumer):
    audience = "room"

    by_login = False  # let in by its user's login, not the room's key

    def authorized_session(self):
        session = access.room_socket_session(self.scope, self.session_pk())
        self.by_login = session is not None and access.room_socket_by_login(self.scope, session)
        return session

    def groups_to_join(self):
        if not self.by_login:
            return [self.group]
        # As the console's: closed when its user stops running the session.
        return [self.group, self.session.group(f"room-user-{self.scope['user'].pk}")]

    def still_authorized(self):
        return not self.by_login or self.authorized_session() is not None

    def current_state(self):
        context = screens.room_context(LiveSession.objects.live().get(pk=self.session.pk))
        # The level line sits outside the state (a live region of its own, never replaced).
        return render_parts("sessions/room.html", ["room-state", "room-level"], context)


class PhoneConsumer(LiveConsumer):
    audience = "phones"

    def screen_language(self):
        return languages.of_phone(self.participant)

    def authorized_session(self):
        code = self.scope["url_route"]["kwargs"]["code"]
        session, self.participant = access.joined_participant(self.scope.get("session"), code)
        return session if self.participant else None

    def groups_to_join(self):
        # Its own group too, for what is said to this participant alone (being removed).
        return [self.group, self.session.group(f"participant-{self.participant.pk}")]

    def current_state(self):
        session = LiveSession.objects.live().get(pk=self.session.pk)
        context = screens.phone_context(session, self.participant)
        # The answer form too, this participant's own: the phone keeps the one it has while
        # the card is the same (static/js/phone.js), so a reconnect never wipes what someone
        # is typing, and a card that changed meanwhile never shows under the old card's form.
        context["form"] = screens.answer_form(session, self.participant)
        parts = [
            "phone-turn",
            "phone-level",
            "phone-timer",
            "phone-card",
            "phone-draw",
            "phone-spread",
            "phone-answer",
            "phone-wall",
        ]
        if not session.is_open:
            parts = ["phone-ended"]
        return render_parts("sessions/phone.html", parts, context)
