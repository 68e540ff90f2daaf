"""Tell the screens of a live session what changed.

Each event renders its HTML fragments once per audience (room, host, phones) and sends the
string to that audience's group; consumers only forward it. Events go out after the
transaction commits, so no screen ever shows something the database does not hold.

Joins and answers can arrive by the hundred in a second, and each re-renders a list that
grows with them. Those two events coalesce: while one render for a session is under way,
further events only ask for one more render, made from the database once it finishes. The
screens get every change, in fewer and larger updates (bench/answer_burst.py).

Phones hear of a change first: they are the most screens, and the console's list of everyone
in the room is the slowest fragment to render.
"""

import functools
import threading

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.template.loader import render_to_string

from sessions import screens

ROOM = "sessions/room.html"
HOST = "sessions/console.html"
PHONE = "sessions/phone.html"


def render_parts(template, parts, context):
    """Several partials of one page, concatenated: htmx swaps each by its id.

    Pushed fragments are the same for everyone, so their forms carry no CSRF token: htmx sends
    the page's own token in a header with every request.
    """
    return "".join(render_to_string(f"{template}#{part}", context) for part in parts)


def send(group, html):
    async_to_sync(get_channel_layer().group_send)(group, {"type": "live.html", "html": html})


class Coalesced:
    """Calls of `event(session)` for one session that arrive while an earlier call is still
    rendering fold into one more call after it (in this process; each re-reads the database).
    """

    def __init__(self, event):
        self.event = event
        self.lock = threading.Lock()
        self.again = {}  # session pk -> another render was asked for while one ran
        functools.update_wrapper(self, event)

    def __call__(self, session):
        pk = session.pk
        with self.lock:
            if pk in self.again:
                self.again[pk] = True
                return
            self.again[pk] = False
        try:
            while True:
                self.event(session)
                with self.lock:
                    if not self.again[pk]:
                        break
                    self.again[pk] = False
                session = type(session).objects.get(pk=pk)
        finally:
            with self.lock:
                del self.again[pk]


def after_commit(event):
    """Run the event once the current transaction (if any) has committed."""

    @functools.wraps(event)
    def schedule(session):
        pk = session.pk
        transaction.on_commit(lambda: event(type(session).objects.get(pk=pk)))

    return schedule


def to_room(session, *parts):
    send(session.group("room"), render_parts(ROOM, parts, screens.room_context(session)))


def to_host(session, *parts):
    send(session.group("host"), render_parts(HOST, parts, screens.host_context(session)))


def to_phones(session, *parts):
    send(session.group("phones"), render_parts(PHONE, parts, screens.phone_context(session)))


@after_commit
@Coalesced
def participant_joined(session):
    to_room(session, "room-people", "room-turn")
    to_host(session, "host-people", "host-controls")


@after_commit
def card_revealed(session):
    # The whole screen: the room leaves the lobby layout when the first card comes up.
    to_phones(session, "phone-card", "phone-turn")
    to_room(session, "room-state")
    to_host(session, "host-state")


@after_commit
def cards_reshuffled(session):
    to_phones(session, "phone-card")
    to_room(session, "room-progress")
    to_host(session, "host-controls")


@after_commit
@Coalesced
def answer_saved(session):
    to_room(session, "room-answers")
    to_host(session, "host-people", "host-answers")


@after_commit
def answers_changed(session):
    """Answers hidden, shown again, spotlighted, or opened to the room."""
    to_room(session, "room-answers")
    to_host(session, "host-controls", "host-answers")


@after_commit
def turn_passed(session):
    to_phones(session, "phone-turn", "phone-card")
    to_room(session, "room-turn")
    to_host(session, "host-controls", "host-people")


@after_commit
def session_ended(session):
    to_phones(session, "phone-ended")
    to_room(session, "room-ended")
    to_host(session, "host-ended")
