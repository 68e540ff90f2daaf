"""WebSockets of a live session: check who connects, join their group, send the current
state, then forward what `broadcast.py` sends."""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from sessions import screens
from sessions.broadcast import render_parts
from sessions.models import LiveSession
from sessions.presence import participant_for


class LiveConsumer(AsyncWebsocketConsumer):
    audience = ""

    async def connect(self):
        self.group = None
        session = await database_sync_to_async(self.authorized_session)()
        if session is None:
            await self.close(code=4403)
            return
        self.session = session
        self.group = session.group(self.audience)
        # Join before reading the state: an event in between arrives twice, never not at all.
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send(text_data=await database_sync_to_async(self.current_state)())

    async def disconnect(self, code):
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        """Screens only listen; every change is an HTTP request."""

    async def dispatch(self, message):
        # Channels closes stale database connections (a thread hop) before every handler.
        # Forwarding pre-rendered HTML touches no database, and a broadcast reaches every
        # socket at once: that hop per socket was a tenth of the server's time at 1,000 phones.
        if message["type"] == "live.html":
            await self.live_html(message)
        else:
            await super().dispatch(message)

    async def live_html(self, event):
        await self.send(text_data=event["html"])

    def session_pk(self):
        return self.scope["url_route"]["kwargs"].get("pk")

    def hosted_session(self):
        user = self.scope.get("user")
        if not user or not user.is_authenticated:
            return None
        return LiveSession.objects.filter(pk=self.session_pk(), facilitator=user).first()


class HostConsumer(LiveConsumer):
    audience = "host"

    def authorized_session(self):
        return self.hosted_session()

    def current_state(self):
        context = screens.host_context(LiveSession.objects.live().get(pk=self.session.pk))
        return render_parts("sessions/console.html", ["host-state"], context)


class RoomConsumer(LiveConsumer):
    audience = "room"

    def authorized_session(self):
        session = self.hosted_session()
        if session:
            return session
        key = parse_qs(self.scope.get("query_string", b"").decode()).get("key", [""])[0]
        if not key:
            return None
        return LiveSession.objects.filter(pk=self.session_pk(), room_key=key).first()

    def current_state(self):
        context = screens.room_context(LiveSession.objects.live().get(pk=self.session.pk))
        return render_parts("sessions/room.html", ["room-state"], context)


class PhoneConsumer(LiveConsumer):
    audience = "phones"

    def authorized_session(self):
        code = self.scope["url_route"]["kwargs"]["code"]
        session = LiveSession.objects.filter(join_code=code).order_by("-created_at").first()
        if session is None:
            return None
        self.participant = participant_for(self.scope.get("session"), session)
        return session if self.participant else None

    def current_state(self):
        session = LiveSession.objects.live().get(pk=self.session.pk)
        context = screens.phone_context(session, self.participant)
        # Not the answer form: a reconnect must never wipe what someone is typing.
        parts = ["phone-ended"] if not session.is_open else ["phone-turn", "phone-card"]
        return render_parts("sessions/phone.html", parts, context)
