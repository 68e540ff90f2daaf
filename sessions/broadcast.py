"""Tell the screens of a live session what changed.

Each event renders its HTML fragments once per audience (room, host, phones) and sends the
string to that audience's group; consumers only forward it. Events go out after the
transaction commits, so no screen ever shows something the database does not hold.

Joins and answers can arrive by the hundred in a second, and each re-renders a list that
grows with them. Those two events are batched (`Coalesced`): the screens get every change,
in fewer and larger updates (bench/answer_burst.py).

Phones hear of a change first: they are the most screens, and the console's list of everyone
in the room is the slowest fragment to render.
"""

import asyncio
import contextvars
import functools
import logging
import threading
import time

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from cxworkshop import languages
from sessions import access, freshness, presence, screens

JOIN = "sessions/join.html"
ROOM = "sessions/room.html"
HOST = "sessions/console.html"
PHONE = "sessions/phone.html"

logger = logging.getLogger(__name__)


def render_parts(template, parts, context):
    """Several partials of one page, concatenated: htmx swaps each by its id.

    Pushed fragments are the same for everyone, so their forms carry no CSRF token: htmx sends
    the page's own token in a header with every request.
    """
    return "".join(render_to_string(f"{template}#{part}", context) for part in parts)


# How long a live update may wait for the channel layer (Redis) before it is given up.
SEND_TIMEOUT = 3


async def send_message(group, message):
    await asyncio.wait_for(get_channel_layer().group_send(group, message), SEND_TIMEOUT)


async def send_async(group, html):
    await send_message(group, {"type": "live.html", "html": html})


def send(group, html):
    """Send to a group's screens. If the channel layer is unreachable (Redis down), the update
    is dropped with a warning: what changed is saved, and every screen gets the whole current
    state when its socket reconnects. A request never fails because a screen was not told."""
    try:
        async_to_sync(send_async)(group, html)
    except Exception:  # noqa: BLE001 - any layer failure; the data is already committed
        logger.warning(
            "Live update to %s not sent: channel layer unreachable", group, exc_info=True
        )


class Coalesced:
    """`event(session)`, batched for one session (in this process).

    A call with no render of its session under way or just made renders at once, in the
    caller's thread. Calls that arrive while it renders, or for `pause` seconds after (at least
    as long as the render took), only ask for another render. That one is made by a task on
    the server's event loop once the pause is over, from the database as it is then, in a
    worker thread; and so on while calls keep arriving. No request waits for another's render,
    and a room answering steadily, one answer after another, is pushed a few updates a second
    rather than one per answer to every screen (bench/results: at 1,000 phones, a push per
    answer to every phone took the server's time away from the answers themselves).
    """

    # Every follow-up under way, of every batched event: the loop keeps only weak references to
    # its tasks, and tests wait for these before a screen connects (tests/live_sessions).
    tasks = set()

    def __init__(self, event, pause=0.25):
        self.event, self.pause = event, pause  # seconds
        self.lock = threading.Lock()
        self.waiting = {}  # session pk -> True once a call has come since the last render
        functools.update_wrapper(self, event)

    def __call__(self, session):
        pk = session.pk
        with self.lock:
            if pk in self.waiting:
                self.waiting[pk] = True
                return
            self.waiting[pk] = False
        try:
            took = self.timed(session)
        except BaseException:
            with self.lock:
                del self.waiting[pk]
            raise
        async_to_sync(self.follow_up)(pk, took)  # the pause, and what comes during it

    def timed(self, session):
        started = time.monotonic()
        self.event(session)
        return time.monotonic() - started

    def render_fresh(self, pk):
        from sessions.models import LiveSession

        return self.timed(as_committed(LiveSession, pk))

    async def follow_up(self, pk, took):
        # A context of its own: not the finished request's (its thread executor is gone).
        task = asyncio.get_running_loop().create_task(
            self.flush(pk, took), context=contextvars.Context()
        )
        self.tasks.add(task)
        task.add_done_callback(functools.partial(self.finished, pk))

    def finished(self, pk, task):
        self.tasks.discard(task)
        if task.cancelled():
            # Cancelled with its event loop (outside a server), perhaps before it even started:
            # the next call for this session renders at once again instead of waiting for it.
            with self.lock:
                self.waiting.pop(pk, None)

    async def flush(self, pk, took):
        try:
            while True:
                await asyncio.sleep(max(self.pause, took))
                with self.lock:
                    if not self.waiting[pk]:  # no call during the pause: the next renders at once
                        del self.waiting[pk]
                        return
                    self.waiting[pk] = False
                took = await database_sync_to_async(self.render_fresh, thread_sensitive=False)(pk)
        except Exception:
            with self.lock:
                self.waiting.pop(pk, None)
            logger.exception("Live update of session %s failed", pk)


def as_committed(model, pk):
    """The session read once for all of one event's renders, which share its counts too."""
    session = model.objects.live().get(pk=pk)
    session.counts_of_one_event = {}
    return session


def after_commit(event):
    """Run the event once the current transaction (if any) has committed."""

    @functools.wraps(event)
    def schedule(session):
        pk = session.pk
        transaction.on_commit(lambda: event(as_committed(type(session), pk)))

    return schedule


def to_room(session, *parts):
    with translation.override(languages.of_room(session)):
        html = render_parts(ROOM, parts, screens.room_context(session))
    freshness.count_update("room", session.pk, session.join_code)  # committed, not sent yet
    send(session.group("room"), html)


def to_each_language(session, audience, template, parts, context):
    """Render once per language the audience's screens are read in, to each language's group."""
    freshness.count_update(audience, session.pk, session.join_code)  # committed, not sent yet
    for language in presence.languages_in_use(session, audience):
        with translation.override(language):
            html = render_parts(template, parts, context)
        send(session.group(audience, language), html)


def to_host(session, *parts):
    to_each_language(session, "host", HOST, parts, screens.host_context(session))


# In draw mode a phone's card and answer form are its own: never pushed to every phone (a phone
# gets them from its draw's response and, on reconnect, from screens.phone_context).
OWN_IN_DRAW_MODE = {"phone-card", "phone-answer"}


def to_phones(session, *parts):
    if session.is_draw:
        parts = [part for part in parts if part not in OWN_IN_DRAW_MODE]
    to_each_language(session, "phones", PHONE, parts, screens.phone_context(session))


@after_commit
@Coalesced
def participant_joined(session):
    # "23 of 41 answered"; in pairs mode "2 people are paired at the next round" too.
    pairs = ["room-unpaired"] if session.is_pairs else []
    to_room(session, "room-people", "room-turn", "room-answered", *pairs)
    to_host(session, "host-people", "host-controls")


@after_commit
def card_revealed(session):
    # The whole screen: the room leaves the lobby layout when the first card comes up. Phones
    # get the new card's empty answer form with it, so the old form never shows under it.
    to_phones(
        session,
        "phone-card",
        "phone-spread",
        "phone-answer",
        "phone-turn",
        "phone-timer",
        "phone-wall",
    )
    to_room(session, "room-state")
    to_host(session, "host-state")


@after_commit
def pairs_formed(session):
    """A new round of pairs. Every phone gets the same news (the round's key changed) and
    fetches its own pair and card; the room and the console get their whole state."""
    to_phones(session, "phone-card", "phone-turn", "phone-timer")
    to_room(session, "room-state")
    to_host(session, "host-state")


@after_commit
def cards_reshuffled(session):
    to_phones(session, "phone-card", "phone-spread")
    to_room(session, "room-progress")
    to_host(session, "host-controls")


# How often at most a room's phones are pushed their wall of answers while answers and
# reactions keep coming: each push goes to every phone, and the wall is read, not watched.
PHONE_WALL_PAUSE = 1.0  # seconds


def push_phone_wall(session):
    to_phones(session, "phone-wall")


phone_wall_changed = Coalesced(push_phone_wall, pause=PHONE_WALL_PAUSE)


@after_commit
@Coalesced
def answer_saved(session):
    if session.reactions_enabled:  # the phones' wall, to react to
        phone_wall_changed(session)
    to_room(session, "room-answers")
    to_host(session, "host-people", "host-answers")


@after_commit
def level_opened(session):
    """The next level's cards may be dealt: phones and the room show the level open now and say
    it once (their level lines are live regions), and a table spread lays out its blocks."""
    to_phones(session, "phone-level", "phone-spread")
    to_room(session, "room-level", "room-turn")
    to_host(session, "host-controls")


@after_commit
def answers_changed(session):
    """Answers hidden, shown again, spotlighted, or opened to the room."""
    to_phones(session, "phone-wall")
    to_room(session, "room-answers")
    to_host(session, "host-controls", "host-answers")


@after_commit
def turn_passed(session):
    to_phones(session, "phone-turn", "phone-card", "phone-spread", "phone-timer")
    # In the lobby the first turn makes room for the blocks: the join panel becomes a line.
    # In draw mode the card up is the new sharer's.
    # A new turn starts the timer again. Each audience gets one render of all its parts.
    lobby = session.status == session.Status.LOBBY
    if lobby or session.is_draw:
        room = ["room-state"]  # holds the progress bar and its timer
    else:
        room = ["room-turn", *(["room-progress"] if session.takes_turns else [])]
    to_room(session, *room)
    host = ["host-controls", "host-people"]
    host += ["host-answers"] if session.is_draw else []
    host += ["host-timer"] if session.takes_turns else []
    to_host(session, *host)


# Draw mode and passes.


@after_commit
@Coalesced
def card_drawn(session):
    """Someone drew (or redrew) their own card: who drew what, on the room and the console.
    Batched: a whole room draws at once."""
    to_room(session, "room-draws")
    to_host(session, "host-controls", "host-people")  # "12 of 40 drew a card", and who


@after_commit
def shared_card_changed(session):
    """The person sharing drew their card: it is the card up now."""
    to_phones(session, "phone-turn")
    to_room(session, "room-state")
    to_host(session, "host-state")


@after_commit
def passes_changed(session):
    """The facilitator changed how many passes each person has."""
    to_phones(session, "phone-turn")
    to_host(session, "host-people")


@after_commit
def timer_changed(session):
    """The timer set, started, paused, given more time or reset. Phones get their card again:
    its key changes when the timer's lock does, and then they fetch their form again."""
    to_phones(session, "phone-timer", "phone-card")
    to_room(session, "room-progress")
    to_host(session, "host-timer")


@after_commit
def answers_lock_changed(session):
    """The facilitator locked or unlocked the current card's answers. In draw mode the card is
    its sharer's own: the turn says its new key (screens.draw_key), and their phone fetches it."""
    to_phones(session, "phone-timer", "phone-card", *(["phone-turn"] if session.is_draw else []))
    to_room(session, "room-progress")
    to_host(session, "host-timer")


@after_commit
def joining_changed(session):
    """Joining locked or opened again."""
    to_room(session, "room-people")
    to_host(session, "host-people")


def participant_renamed(session, participant):
    """A new name: on that person's own phone, and wherever names are shown."""
    with translation.override(languages.of_phone(participant)):
        html = render_to_string(f"{PHONE}#phone-me", {"participant": participant})
    to_participant(session, participant, html)
    names_changed(session)


@after_commit
def names_changed(session):
    # The pairs name people too (partners' phones fetch theirs again): one render per audience.
    pairs = session.is_pairs
    to_phones(session, "phone-turn", "phone-wall", *(["phone-card"] if pairs else []))
    to_room(session, "room-people", "room-turn", "room-answers", *(["room-pairs"] if pairs else []))
    to_host(session, "host-people", "host-answers", *(["host-controls"] if pairs else []))


def participant_removed(session, participant):
    """Tell the removed participant's phone why, and close its socket; then the screens, where
    they are gone from every list (and from the turn, which moved on)."""
    context = {"session": session, "refused": access.REMOVED}
    with translation.override(languages.of_phone(participant)):
        goodbye = render_to_string(f"{JOIN}#phone-removed", context)
    to_participant(session, participant, goodbye, close=True)
    participant_left(session)


def to_participant(session, participant, html, close=False):
    """After the commit, send `html` to one participant's phone alone (its socket's own group);
    `close`: then close that socket for good."""
    group = session.group(f"participant-{participant.pk}")
    to_group_after_commit(session, "phones", group, html, close)


def to_group_after_commit(session, audience, group, html, close=False):
    message = {"type": "live.close" if close else "live.html", "html": html}
    pk, code = session.pk, session.join_code

    def send_it():
        freshness.count_update(audience, pk, code)
        try:
            async_to_sync(send_message)(group, message)
        except Exception:  # noqa: BLE001 - as in send(): the data is committed
            logger.warning("Live update to %s not sent", group, exc_info=True)

    transaction.on_commit(send_it)


def co_facilitator_removed(session, user):
    """Close the removed co-facilitator's open console and room screen (those opened by their
    login, not by the room's private link), each told who removed them."""
    # Their consoles may each be read in a language of its own (their browsers'): said in every
    # language, each console takes its own (LiveConsumer.live_html); the room in the session's.
    goodbyes = {}
    for language in languages.shipped():
        with translation.override(language):
            removed = access.CO_FACILITATOR_REMOVED % {"facilitator": session.facilitator}
            context = {"session": session, "removed": removed}
            goodbyes[language] = render_to_string(f"{HOST}#host-removed", context)
    to_group_after_commit(session, "host", session.group(f"host-user-{user.pk}"), goodbyes, True)
    with translation.override(languages.of_room(session)):
        removed = access.CO_FACILITATOR_REMOVED % {"facilitator": session.facilitator}
        room_goodbye = render_to_string(
            f"{ROOM}#room-removed", {"session": session, "removed": removed}
        )
    room_group = session.group(f"room-user-{user.pk}")
    to_group_after_commit(session, "room", room_group, room_goodbye, True)


@after_commit
def participant_left(session):
    """Someone was removed: they leave every list and count, and the turn may have moved on (a
    new turn restarts the timer; in the lobby the join panel may come back). Rare enough to
    send the room its whole state; the console keeps its open person panel."""
    to_phones(session, "phone-turn", "phone-timer", "phone-card", "phone-spread", "phone-wall")
    to_room(session, "room-state")
    to_host(session, "host-controls", "host-timer", "host-people", "host-answers")


@after_commit
@Coalesced
def reactions_changed(session):
    """Reactions given or taken back: a room can tap hundreds a second, so batched like
    answers. Counts only: which ones are a phone's own it keeps itself (screens.phone_wall)."""
    phone_wall_changed(session)
    to_room(session, "room-answers")
    to_host(session, "host-answers")


@after_commit
def reactions_switched(session):
    """Reactions switched on or off: the phones' wall and the room's counts come or go."""
    to_phones(session, "phone-wall")
    to_room(session, "room-answers")
    to_host(session, "host-reactions")


@after_commit
def highlights_switched(session):
    """Whether the closing screen shows the most-reacted answers: the console's switch."""
    to_host(session, "host-reactions")


@after_commit
def session_ended(session):
    to_phones(session, "phone-ended")
    to_room(session, "room-ended")
    to_host(session, "host-ended")
