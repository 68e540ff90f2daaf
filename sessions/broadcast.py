"""Tell the screens of a live session what changed.

Each event renders its HTML fragments once per audience (room, host, phones) and sends the
string to that audience's group; consumers only forward it. Events go out after the
transaction commits, so no screen ever shows something the database does not hold.
"""

import functools

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
def participant_joined(session):
    to_room(session, "room-people", "room-turn")
    to_host(session, "host-people", "host-controls")


@after_commit
def card_revealed(session):
    # The whole screen: the room leaves the lobby layout when the first card comes up.
    to_room(session, "room-state")
    to_host(session, "host-state")
    to_phones(session, "phone-card", "phone-turn")


@after_commit
def cards_reshuffled(session):
    to_room(session, "room-progress")
    to_host(session, "host-controls")
    to_phones(session, "phone-card")


@after_commit
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
    to_room(session, "room-turn")
    to_host(session, "host-controls", "host-people")
    to_phones(session, "phone-turn", "phone-card")


@after_commit
def session_ended(session):
    to_room(session, "room-ended")
    to_host(session, "host-ended")
    to_phones(session, "phone-ended")
