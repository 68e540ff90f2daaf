"""Live workshop sessions: a deck run in front of a room, cards revealed, answers collected.

All state lives here, in the database; screens are told about changes by `broadcast.py`.
"""

import functools
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import segno
from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from decks.models import PROMPT_MAX_LENGTH
from stories.models import Consent, Story, Valence

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
JOIN_CODE_LENGTH = 6
NAME_MAX_LENGTH = 40
ANSWER_MAX_LENGTH = 1000


def new_join_code():
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_join_code(text):
    """What a person typed, as a code: upper case, no spaces or dashes (nor anything outside
    A-Z and 0-9, such as "¹", which Python counts as a digit)."""
    return "".join(ch for ch in (text or "").upper() if ch.isascii() and ch.isalnum())


class SessionEnded(Exception):
    """A change was asked of a session that has ended (perhaps a moment before)."""


class JoiningLocked(Exception):
    """Someone new asked to join while the facilitator has closed joining."""


class ParticipantRemoved(Exception):
    """A browser whose participant the facilitator removed asked to join again."""


def one_change_at_a_time(method):
    """A change to a session's state, made in a transaction with the session's row locked and
    re-read first, so that changes arriving together (two facilitator tabs, a pick and a
    "next", a join and an "end") take turns, each starting from what the one before it left.

    PostgreSQL needs the row lock (its transactions otherwise read what was committed before
    the other's write); "no key" lets answers and stories that refer to the session be saved
    meanwhile. On SQLite the lock is a no-op, as every write transaction already starts
    IMMEDIATE and so runs alone. An ended session changes no more: SessionEnded.
    """

    @functools.wraps(method)
    def change(self, *args, **kwargs):
        with transaction.atomic():
            self.refresh_from_db(from_queryset=LiveSession.objects.select_for_update(no_key=True))
            if not self.is_open:
                raise SessionEnded
            return method(self, *args, **kwargs)

    return change


class LiveSessionQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=LiveSession.Status.ENDED)

    def run_by(self, user):
        return self.filter(facilitator=user)

    def live(self):
        """With the current card and turn loaded: every screen of a session shows both. The
        card's session too (the same row, in the same query): whether the card takes answers
        depends on the session's timer."""
        return self.select_related("current_card__session", "current_turn")


class LiveSession(models.Model):
    class Status(models.TextChoices):
        LOBBY = "lobby", _("Waiting for people to join")
        LIVE = "live", _("Live")
        ENDED = "ended", _("Ended")

    class Mode(models.TextChoices):
        REVEAL = "reveal", _("I reveal the cards")
        SPREAD = "spread", _("Table spread: whoever's turn it is picks a face-down block")

    deck = models.ForeignKey(
        "decks.Deck", on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_sessions"
    )
    title = models.CharField(_("title"), max_length=120)
    join_code = models.CharField(_("join code"), max_length=JOIN_CODE_LENGTH, db_index=True)
    room_key = models.CharField(max_length=64, default=secrets.token_urlsafe, editable=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.LOBBY)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.REVEAL)
    is_shuffled = models.BooleanField(_("shuffle the cards"), default=True)
    shuffle_seed = models.PositiveBigIntegerField(default=0)
    reshuffle_count = models.PositiveIntegerField(default=0)
    answers_live = models.BooleanField(
        _("show answers on the room screen as they arrive"), default=True
    )
    anonymous_allowed = models.BooleanField(_("people may join without a name"), default=False)
    joining_locked = models.BooleanField(_("joining is locked"), default=False)
    # A countdown, kept as server times that every screen computes from (whatever its own
    # clock says): running until `timer_ends_at`, or paused with `timer_left` to go.
    timer_seconds = models.PositiveIntegerField(
        _("time for each card or turn, in seconds"), null=True, blank=True
    )
    timer_ends_at = models.DateTimeField(null=True, blank=True)
    timer_left = models.DurationField(null=True, blank=True)
    timer_locks_answers = models.BooleanField(_("lock answers when the time is up"), default=False)
    current_card = models.ForeignKey(
        "SessionCard", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    current_turn = models.ForeignKey(
        "Participant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    round_number = models.PositiveIntegerField(default=1)
    turn_given_at = models.DateTimeField(null=True, blank=True)
    # Whether a new card was turned over since the turn was given: one block per turn, decided
    # by what happened rather than by comparing times (a clock that steps back must not allow a
    # second pick).
    card_turned_this_turn = models.BooleanField(default=False)
    join_base_url = models.CharField(
        max_length=200, blank=True, help_text=_("The address phones use to reach the app.")
    )
    # Reactions and the closing screen (Reaction, `answers_open_to_reactions`, `highlights`).
    reactions_enabled = models.BooleanField(
        _("people may react to the answers on the wall"), default=True
    )
    highlights_shown = models.BooleanField(
        _("show the most-reacted answers on the closing screen"), default=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = LiveSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["join_code"],
                condition=~Q(status="ended"),
                name="live_session_join_code_unique_while_open",
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.join_code})"

    def get_absolute_url(self):
        return reverse("live_sessions:console", args=[self.pk])

    @classmethod
    @transaction.atomic
    def start(cls, deck, facilitator, **options):
        """A new session of `deck`, with its own copy of every card, in shuffled order."""
        options.setdefault("title", deck.title)
        session = cls(deck=deck, facilitator=facilitator, **options)
        session.shuffle_seed = secrets.randbits(48)
        for _attempt in range(20):
            session.join_code = new_join_code()
            try:
                with transaction.atomic():
                    session.save()
                break
            except IntegrityError:
                continue
        else:
            raise RuntimeError("No free join code found.")
        cards = list(deck.cards.all())
        order = list(range(len(cards)))
        if session.is_shuffled:
            order = session.shuffled(order, 0)
        SessionCard.objects.bulk_create(
            SessionCard(session=session, position=position, **cards[index].content())
            for position, index in enumerate(order, start=1)
        )
        return session

    def shuffled(self, items, round_of_shuffling):
        """The items in this session's order: reproducible from the stored seed."""
        items = list(items)
        random.Random(f"{self.shuffle_seed}:{round_of_shuffling}").shuffle(items)
        return items

    @property
    def join_path(self):
        return reverse("live_sessions:join", args=[self.join_code])

    @property
    def join_url(self):
        return f"{self.join_base_url}{self.join_path}"

    def join_qr_svg(self):
        """The join link as a QR code, an SVG drawn on the server."""
        return segno.make(self.join_url, error="m").svg_inline(
            scale=10, border=2, dark="#14110e", light="#ffffff", omitsize=True
        )

    def group(self, audience):
        """The channel-layer group of one audience: "room", "host" or "phones"."""
        return f"live-{self.pk}-{audience}"

    @property
    def is_open(self):
        return self.status != self.Status.ENDED

    @property
    def is_spread(self):
        return self.mode == self.Mode.SPREAD

    # Cards

    def playable_cards(self):
        return self.cards.filter(is_skipped=False)

    def shown_cards(self):
        return self.cards.filter(shown_order__isnull=False).order_by("shown_order")

    def face_down_cards(self):
        return self.cards.filter(shown_order__isnull=True, is_skipped=False).order_by("position")

    def _show(self, card):
        now = timezone.now()
        if not self.is_spread and self.current_card_id != card.pk:
            self._restart_timer_for_the_next()
        if self.current_card_id and self.current_card_id != card.pk:
            self.cards.filter(pk=self.current_card_id).update(closed_at=now)
        if card.shown_order is None:
            top = self.cards.aggregate(top=Max("shown_order"))["top"] or 0
            card.shown_order = top + 1
            card.revealed_at = now
            self.card_turned_this_turn = True
        card.closed_at = None
        card.save()
        self.current_card = card
        self.status = self.Status.LIVE
        self.save(update_fields=["current_card", "status", "card_turned_this_turn"])
        return card

    @one_change_at_a_time
    def reveal_next(self):
        """Move on: to the next card already shown (after going back), else turn a new one."""
        current = self.current_card
        if current is not None:
            following = self.cards.filter(shown_order=current.shown_order + 1).first()
            if following:
                return self._show(following)
        card = self.face_down_cards().first()
        return self._show(card) if card else None

    @one_change_at_a_time
    def reveal(self, card):
        """Turn over a particular face-down card; None if it is face down no more."""
        return self._turn_over(card)

    def _turn_over(self, card):
        card = self.face_down_cards().filter(pk=card.pk).first()
        return self._show(card) if card else None

    @one_change_at_a_time
    def pick(self, participant, card):
        """The person whose turn it is turns over one face-down block of the table spread;
        None if it is not theirs to turn (any more)."""
        return self._turn_over(card) if self.may_pick(participant) else None

    def picked_this_turn(self, participant, card):
        """Whether `card` is the block `participant` turned over on their turn, still up: a
        second tap on it asks for what is already done."""
        current = self.current_card
        return (
            self.is_spread
            and self.current_turn_id == participant.pk
            and current is not None
            and current.pk == card.pk
            and self.card_turned_this_turn
        )

    @one_change_at_a_time
    def go_back(self):
        current = self.current_card
        if current is None or current.shown_order <= 1:
            return None
        return self._show(self.cards.get(shown_order=current.shown_order - 1))

    @one_change_at_a_time
    def skip_next(self):
        """Set the card that would come next aside, unseen, and reveal the one after it."""
        upcoming = self.face_down_cards().first()
        if upcoming is None:
            return None
        upcoming.is_skipped = True
        upcoming.save(update_fields=["is_skipped"])
        return upcoming

    @one_change_at_a_time
    def reshuffle(self):
        """Shuffle the cards nobody has seen yet; the ones shown keep their place."""
        remaining = list(self.face_down_cards())
        positions = sorted(card.position for card in remaining)
        self.reshuffle_count += 1
        self.save(update_fields=["reshuffle_count"])
        remaining = self.shuffled(remaining, self.reshuffle_count)
        for card, position in zip(remaining, positions, strict=True):
            card.position = position
        SessionCard.objects.bulk_update(remaining, ["position"])

    @one_change_at_a_time
    def open_answers(self):
        if self.current_card_id:
            self.cards.filter(pk=self.current_card_id).update(answers_open=True)
            self.current_card.refresh_from_db()

    @one_change_at_a_time
    def show_word_cloud(self):
        """The room shows the current card's answers as a word cloud."""
        self._set_wall(SessionCard.Wall.CLOUD)

    @one_change_at_a_time
    def show_answer_wall(self):
        """The room shows the current card's answers one by one (the default)."""
        self._set_wall(SessionCard.Wall.ANSWERS)

    def _set_wall(self, wall):
        if self.current_card_id:
            self.cards.filter(pk=self.current_card_id).update(wall=wall)
            self.current_card.refresh_from_db()

    @one_change_at_a_time
    def end(self):
        now = timezone.now()
        self.cards.filter(closed_at__isnull=True, revealed_at__isnull=False).update(closed_at=now)
        self.status = self.Status.ENDED
        self.ended_at = now
        self.save(update_fields=["status", "ended_at"])

    # Reactions and the closing screen

    @one_change_at_a_time
    def switch_reactions(self, enabled):
        self.reactions_enabled = enabled
        self.save(update_fields=["reactions_enabled"])

    def switch_reactions_on(self):
        self.switch_reactions(True)

    def switch_reactions_off(self):
        self.switch_reactions(False)

    @one_change_at_a_time
    def show_highlights(self, shown):
        self.highlights_shown = shown
        self.save(update_fields=["highlights_shown"])

    def show_highlights_on(self):
        self.show_highlights(True)

    def show_highlights_off(self):
        self.show_highlights(False)

    def room_answers(self):
        """Every answer of the session the room may see (or has seen): the session-wide form of
        `SessionCard.room_answers`, by the same rule (`AnswerQuerySet.in_room`)."""
        answers = Answer.objects.filter(session_card__session=self).in_room()
        if not self.answers_live:
            answers = answers.filter(session_card__answers_open=True)
        return answers

    def answers_open_to_reactions(self):
        """The one rule of what may be reacted to: the answers on the room's wall now (the
        current card's `room_answers`: not private, hidden or withdrawn, once answers are
        shown), while the session is open and reactions are on."""
        card = self.current_card
        if not self.is_open or not self.reactions_enabled or card is None:
            return Answer.objects.none()
        return card.room_answers()

    def highlights(self, count=3):
        """The most-reacted answers the room may see, for the closing screen, if the facilitator
        allows them: at most `count`, each with at least one reaction."""
        if not self.highlights_shown:
            return []
        answers = self.room_answers().with_reactions().filter(reaction_total__gt=0)
        return list(
            answers.select_related("participant").order_by("-reaction_total", "created_at", "pk")[
                :count
            ]
        )

    def closing_numbers(self):
        """How many joined (and were not removed), answered at least one card, and shared a
        story with the archive (not withdrawn), for the closing screen."""
        people = self.people()
        return {
            "joined": people.count(),
            "answered": people.filter(answers__isnull=False).distinct().count(),
            "stories": self.stories.exclude(status=Story.Status.WITHDRAWN).count(),
        }

    def progress(self):
        """(number of the current card, cards in play) for "card 3 of 12"."""
        total = self.playable_cards().count()
        number = self.current_card.shown_order if self.current_card else 0
        return number, total

    # Timer and locked answers. One countdown per card (revealing) or per turn (table spread),
    # kept as server times: running until `timer_ends_at`, else paused with `timer_left`.

    def countdown(self, now=None):
        """The timer as the screens show it, at the server's `now`."""
        return Countdown(
            seconds=self.timer_seconds,
            ends_at=self.timer_ends_at,
            left=self.timer_left,
            locks_answers=self.timer_locks_answers,
            now=now or timezone.now(),
        )

    def _save_timer(self):
        self.save(update_fields=["timer_seconds", "timer_ends_at", "timer_left"])

    def _reset_timer(self):
        self.timer_ends_at = None
        self.timer_left = timedelta(seconds=self.timer_seconds) if self.timer_seconds else None
        self._save_timer()

    def _restart_timer_for_the_next(self):
        """A new card (revealing) or a new turn (table spread) starts with the whole time, not
        running: the facilitator presses Start when the room is ready. A card whose time ran
        out with "lock answers when the time is up" stays locked (the facilitator may unlock
        it), rather than reopening because the countdown starts again for the next."""
        if self.timer_seconds is None and self.timer_left is None and self.timer_ends_at is None:
            return
        if self.current_card_id and self.countdown().locks_answers_now:
            self.cards.filter(pk=self.current_card_id).update(answers_locked=True)
        self._reset_timer()

    @one_change_at_a_time
    def set_timer(self, seconds):
        """Give each card (or turn) `seconds`, from the full time and not running; None: no
        timer."""
        self.timer_seconds = seconds
        self._reset_timer()

    @one_change_at_a_time
    def set_timer_locks_answers(self, locks):
        self.timer_locks_answers = locks
        self.save(update_fields=["timer_locks_answers"])

    @one_change_at_a_time
    def start_timer(self):
        """Start the countdown, or resume it where it was paused. Once the time is up it starts
        again only after a reset or added time."""
        countdown = self.countdown()
        if countdown.is_paused:
            self.timer_ends_at = countdown.now + countdown.left
            self.timer_left = None
            self._save_timer()

    @one_change_at_a_time
    def pause_timer(self):
        countdown = self.countdown()
        if countdown.ends_at is not None:
            self.timer_left = countdown.remaining
            self.timer_ends_at = None
            self._save_timer()

    @one_change_at_a_time
    def add_time(self, seconds):
        """More time on the countdown, running or paused. After the time is up it runs again
        with just the added time (and answers locked by the time open again)."""
        countdown = self.countdown()
        extra = timedelta(seconds=seconds)
        if countdown.ends_at is not None:
            self.timer_ends_at = max(countdown.ends_at, countdown.now) + extra
        elif countdown.left is not None:
            self.timer_left = countdown.left + extra
        else:
            return
        self._save_timer()

    @one_change_at_a_time
    def reset_timer(self):
        self._reset_timer()

    @one_change_at_a_time
    def lock_answers(self):
        """The current card takes no new answer and no change."""
        self._set_answers_locked(True)

    @one_change_at_a_time
    def unlock_answers(self):
        self._set_answers_locked(False)

    def _set_answers_locked(self, locked):
        # The update waits for the answers being written (they hold the card's row: see
        # SessionCard.still_open_for_answers); once it commits, the card's answers are final.
        self.cards.filter(pk=self.current_card_id).update(answers_locked=locked)

    # People and turns

    @one_change_at_a_time
    def join(self, display_name, browser_secret=""):
        """Add a participant at the end of the turn order; a taken name gets a number.
        `(participant, created)`, as Django's `get_or_create` answers.

        `browser_secret` is a secret the phone's browser sends with every form (its CSRF
        cookie): a second tap on "Join" from the same browser finds the participant the first
        made (`created` false: join limits count only people added). Only a keyed hash of it
        is kept, different in each session, so it links no one across sessions.
        """
        device = ""
        if browser_secret:
            salt = f"live-session-{self.pk}-join"
            device = salted_hmac(salt, browser_secret, algorithm="sha256").hexdigest()
            again = self.participants.filter(device=device).first()
            if again is not None:
                if again.is_removed:
                    raise ParticipantRemoved
                return again, False
        # Checked here, under the session's row lock, so a join racing the lock cannot slip in.
        if self.joining_locked:
            raise JoiningLocked
        top = self.participants.aggregate(top=Max("turn_position"))["top"] or 0
        participant = self.participants.create(
            display_name=self._free_name(display_name),
            turn_position=top + 1,
            is_anonymous=not display_name.strip(),
            device=device,
        )
        return participant, True

    def people(self):
        """Everyone taking part: the participants the facilitator has not removed."""
        return self.participants.present()

    @one_change_at_a_time
    def lock_joining(self):
        """Nobody new may join; whoever has joined carries on."""
        self.joining_locked = True
        self.save(update_fields=["joining_locked"])

    @one_change_at_a_time
    def unlock_joining(self):
        self.joining_locked = False
        self.save(update_fields=["joining_locked"])

    @one_change_at_a_time
    def remove(self, participant):
        """Take `participant` out of the session: out of every list, count and the turn order
        (the turn moves on if it was theirs). Their answers stay on record for the facilitator.
        False if they were already removed."""
        if not self.people().filter(pk=participant.pk).update(removed_at=timezone.now()):
            return False
        participant.refresh_from_db()
        if self.current_turn_id == participant.pk and self.pass_turn() is None:
            self.current_turn = None
            self.save(update_fields=["current_turn"])
        return True

    def _free_name(self, wanted, exclude=None):
        """`wanted` as a name nobody else in the session has: "Ana", else "Ana 2", "Ana 3"…;
        no name at all is "Guest <n>"."""
        others = (
            self.participants.all() if exclude is None else self.participants.exclude(pk=exclude.pk)
        )
        taken = set(others.values_list("display_name", flat=True))
        base = wanted.strip()[:NAME_MAX_LENGTH] or _("Guest")
        name, suffix = base, 2
        if not wanted.strip():
            name = f"{base} {len(taken) + 1}"
        while name in taken:
            name = f"{base} {suffix}"
            suffix += 1
        return name

    @one_change_at_a_time
    def rename(self, participant, wanted):
        """Give `participant` a new name (by the facilitator, or themselves), numbered like a
        join's if someone else has it. The name it got."""
        participant.display_name = self._free_name(wanted, exclude=participant)
        participant.is_anonymous = False
        participant.save(update_fields=["display_name", "is_anonymous"])
        return participant.display_name

    def _give_turn(self, participant):
        if self.is_spread:
            self._restart_timer_for_the_next()
        participant.last_turn_round = self.round_number
        participant.save(update_fields=["last_turn_round"])
        self.current_turn = participant
        self.turn_given_at = timezone.now()
        self.card_turned_this_turn = False
        self.save(
            update_fields=["current_turn", "round_number", "turn_given_at", "card_turned_this_turn"]
        )
        return participant

    def may_pick(self, participant):
        """In a table spread, the person whose turn it is picks one block per turn."""
        if not self.is_spread or participant is None or self.current_turn_id != participant.pk:
            return False
        return not self.card_turned_this_turn

    def _waiting_this_round(self):
        return self.people().filter(last_turn_round__lt=self.round_number).order_by("turn_position")

    def _next_in_order(self):
        """Who is next going around the room, and whether that starts a new round."""
        waiting = self._waiting_this_round()
        if self.current_turn is not None:
            later = waiting.filter(turn_position__gt=self.current_turn.turn_position)
            following = later.first() or waiting.first()
        else:
            following = waiting.first()
        if following is not None:
            return following, False
        return self.people().order_by("turn_position").first(), True

    @one_change_at_a_time
    def pass_turn(self):
        """The next person in the order who has not had a turn this round; then a new round."""
        following, new_round = self._next_in_order()
        if following is None:
            return None
        if new_round:
            self.round_number += 1
        return self._give_turn(following)

    @one_change_at_a_time
    def skip_turn(self):
        """Pass over the person who would be next: they sit this round out."""
        skipped, new_round = self._next_in_order()
        if skipped is None:
            return None
        if new_round:
            self.round_number += 1
            self.save(update_fields=["round_number"])
        skipped.last_turn_round = self.round_number
        skipped.save(update_fields=["last_turn_round"])
        return self.pass_turn()

    @one_change_at_a_time
    def random_turn(self):
        """Anyone who has not had a turn this round, by chance; then a new round."""
        waiting = list(self._waiting_this_round().exclude(pk=self.current_turn_id))
        if not waiting:
            if not self.people().exists():
                return None
            self.round_number += 1
            waiting = list(self._waiting_this_round().exclude(pk=self.current_turn_id))
            waiting = waiting or list(self.people())
        return self._give_turn(secrets.choice(waiting))


@dataclass(frozen=True)
class Countdown:
    """A session's timer at one moment (`now`, the server's time): what every screen shows.

    Off (no `seconds`), running (`ends_at`), or paused with `left` to go (a timer set or
    reset, not yet started, is paused at its full time). Screens get `ends_at` and `now` as
    numbers and count down from them with their own clock's offset (static/js/timer.js).
    """

    seconds: int | None
    ends_at: datetime | None
    left: timedelta | None
    locks_answers: bool
    now: datetime

    @property
    def is_set(self):
        return self.seconds is not None

    @property
    def remaining(self):
        if self.ends_at is not None:
            return max(self.ends_at - self.now, timedelta(0))
        return self.left

    @property
    def is_up(self):
        return self.is_set and self.remaining is not None and self.remaining <= timedelta(0)

    @property
    def is_running(self):
        return self.ends_at is not None and not self.is_up

    @property
    def is_paused(self):
        return self.ends_at is None and self.left is not None and not self.is_up

    @property
    def is_ready(self):
        """Set or reset, not started yet."""
        return self.is_paused and self.left == timedelta(seconds=self.seconds)

    @property
    def locks_answers_now(self):
        return self.locks_answers and self.is_up

    @property
    def state(self):
        if not self.is_set:
            return "off"
        if self.is_up:
            return "up"
        return "running" if self.is_running else "paused"

    @property
    def clock(self):
        """The time left as mm:ss, in whole seconds rounded up (as countdowns show it)."""
        left = self.remaining or timedelta(0)
        seconds = -int(-left.total_seconds() // 1)
        return f"{seconds // 60:02d}:{seconds % 60:02d}"

    @property
    def remaining_ms(self):
        return int((self.remaining or timedelta(0)).total_seconds() * 1000)

    @property
    def ends_at_ms(self):
        return int(self.ends_at.timestamp() * 1000) if self.ends_at else ""

    @property
    def now_ms(self):
        return int(self.now.timestamp() * 1000)


class SessionCard(models.Model):
    """The session's own copy of a card, so editing the deck never changes a past session."""

    class Wall(models.TextChoices):
        ANSWERS = "answers", _("Answers")
        CLOUD = "cloud", _("Word cloud")

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="cards")
    prompt = models.CharField(max_length=PROMPT_MAX_LENGTH)
    kind = models.CharField(max_length=10, default="question")
    follow_up = models.CharField(max_length=PROMPT_MAX_LENGTH, blank=True)
    position = models.PositiveIntegerField()
    shown_order = models.PositiveIntegerField(null=True, blank=True)
    is_skipped = models.BooleanField(default=False)
    answers_open = models.BooleanField(default=False)
    answers_locked = models.BooleanField(default=False)
    wall = models.CharField(max_length=8, choices=Wall.choices, default=Wall.ANSWERS)
    revealed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.prompt

    @property
    def is_memory(self):
        return self.kind == "memory"

    @property
    def shows_word_cloud(self):
        return self.wall == self.Wall.CLOUD

    @property
    def is_open_for_answers(self):
        """Whether this card takes answers now: the one rule for the phone's form, the answer
        view and the screens. Up (revealed, not moved on from) and not locked."""
        return self.revealed_at is not None and self.closed_at is None and not self.is_locked

    @property
    def is_locked(self):
        """Locked by the facilitator, or by the session's timer having run out with "lock
        answers when the time is up" (by the server's clock)."""
        return self.answers_locked or self.session.countdown().locks_answers_now

    @property
    def answers_state(self):
        """Whether the card is "open", "locked" or "closed" to answers: phones fetch their
        form again when it changes."""
        if self.is_open_for_answers:
            return "open"
        return "locked" if self.revealed_at and not self.closed_at else "closed"

    def still_open_for_answers(self):
        """Whether an answer being written in the current transaction may be saved, from the
        card's row as it is now. On PostgreSQL the row is read FOR SHARE: a lock, an "end" or
        the next card (which update the row) waits for the answers being written, and an
        answer that arrives after one of them waits for it, then sees it. Answers do not wait
        for each other. On SQLite every write transaction runs alone anyway."""
        table = connection.ops.quote_name(SessionCard._meta.db_table)
        query = SessionCard.objects.filter(pk=self.pk)
        if connection.vendor == "postgresql":
            query = SessionCard.objects.raw(
                f"SELECT * FROM {table} WHERE id = %s FOR SHARE", [self.pk]
            )
        fresh = next(iter(query), None)
        if fresh is None:
            return False
        fresh.session = LiveSession.objects.get(pk=self.session_id)
        return fresh.is_open_for_answers and fresh.session.is_open

    def answers_reach_room(self):
        return self.session.answers_live or self.answers_open

    def room_answers(self):
        """Answers the room may see: not private, not hidden, and once answers are shown."""
        if not self.answers_reach_room():
            return Answer.objects.none()
        visible = self.answers.in_room()
        # Oldest first: the room shows them in pages, which must not shift as answers arrive.
        return visible.select_related("participant").order_by("created_at", "pk")


class ParticipantQuerySet(models.QuerySet):
    def present(self):
        """Not removed by the facilitator: whoever is listed, counted and given turns."""
        return self.filter(removed_at__isnull=True)


class Participant(models.Model):
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="participants")
    display_name = models.CharField(max_length=NAME_MAX_LENGTH + 4)
    is_anonymous = models.BooleanField(default=False)
    token = models.CharField(max_length=64, default=secrets.token_urlsafe, unique=True)
    device = models.CharField(max_length=64, blank=True, editable=False)
    turn_position = models.PositiveIntegerField(default=0)
    last_turn_round = models.PositiveIntegerField(default=0)
    joined_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(auto_now=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["turn_position"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "display_name"], name="participant_name_unique_in_session"
            ),
            models.UniqueConstraint(
                fields=["session", "device"],
                condition=~Q(device=""),
                name="participant_device_unique_in_session",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def is_removed(self):
        return self.removed_at is not None

    def has_shared_stories(self):
        """Whether any of their answers went to the story archive (and was not withdrawn):
        only then does their phone offer the private link to them at the end."""
        shared = [Consent.NAMED, Consent.ANONYMOUS]
        return self.answers.filter(archive_consent__in=shared).exists()


class AnswerQuerySet(models.QuerySet):
    def by_people(self):
        """Answers of the people still taking part (Participant.objects.present()): what "23 of
        40 answered" and the room count; a removed participant's answers stay on record."""
        return self.filter(participant__removed_at__isnull=True)

    def in_room(self):
        """Answers the room may see once they are shown: of people still taking part, not
        private, not hidden, not withdrawn (its words are erased)."""
        visible = self.by_people().filter(is_private=False, is_hidden=False)
        return visible.exclude(archive_consent=Consent.WITHDRAWN)

    def with_reactions(self):
        """Each answer with its count of each kind of reaction (`reactions_<kind>`) and of all
        (`reaction_total`), from the people still taking part."""
        present = Q(reactions__participant__removed_at__isnull=True)
        counts = {
            f"reactions_{kind}": Count("reactions", filter=present & Q(reactions__kind=kind))
            for kind in Reaction.Kind.values
        }
        return self.annotate(**counts, reaction_total=Count("reactions", filter=present))


class Answer(models.Model):
    # What may become of a memory is the archive's rule (stories.sharing).
    Consent = Consent

    session_card = models.ForeignKey(SessionCard, on_delete=models.CASCADE, related_name="answers")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(max_length=ANSWER_MAX_LENGTH)
    is_private = models.BooleanField(default=False)
    is_hidden = models.BooleanField(default=False)
    is_spotlighted = models.BooleanField(default=False)
    valence = models.CharField(max_length=12, choices=Valence.choices, blank=True)
    share_with = models.TextField(max_length=ANSWER_MAX_LENGTH, blank=True)
    archive_consent = models.CharField(max_length=10, choices=Consent.choices, default=Consent.NONE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session_card", "participant"], name="one_answer_per_card"
            )
        ]

    def __str__(self):
        # A number, not the words: the admin's log keeps this name after they are erased.
        return _("Answer %(number)s") % {"number": self.pk}

    @property
    def is_shared_anonymously(self):
        """A memory shared anonymously: its writer's name is shown nowhere (room, console,
        records, archive)."""
        return self.archive_consent == self.Consent.ANONYMOUS

    @property
    def author_label(self):
        """Who wrote it, as records and the console show it."""
        return _("Anonymous") if self.is_shared_anonymously else self.participant.display_name

    @property
    def room_name(self):
        """The name the room screen shows beside it: none for a memory shared anonymously."""
        return "" if self.is_shared_anonymously else self.participant.display_name

    @property
    def is_withdrawn(self):
        return self.archive_consent == self.Consent.WITHDRAWN

    @property
    def reaction_counts(self):
        """[(kind, count)] of each kind of reaction, where `with_reactions` counted them."""
        return [(kind, getattr(self, f"reactions_{kind}", 0)) for kind in Reaction.Kind]

    @property
    def reactions_given(self):
        """[(kind, count)] of the kinds given at least once."""
        return [(kind, count) for kind, count in self.reaction_counts if count]


# Reactions: a participant's heart, applause, laugh or wow on an answer of the room's wall.

REACTION_EMOJI = {"heart": "❤️", "applause": "👏", "laugh": "😄", "wow": "😮"}


class NotReactable(Exception):
    """A reaction was asked for an answer that is not on the wall (any more), or while
    reactions are off or the session has ended."""


class Reaction(models.Model):
    """One participant's reaction of one kind to one answer: at most one of each kind (the
    unique constraint, which also settles two taps at the same instant).

    A tap says what the person wants, "give" or "take back" (the phone's button sends the
    opposite of its pressed state), rather than "flip": a double tap or an answer sent twice
    ends where the person meant, never back where it started."""

    class Kind(models.TextChoices):
        HEART = "heart", _("Heart")
        APPLAUSE = "applause", _("Applause")
        LAUGH = "laugh", _("Laugh")
        WOW = "wow", _("Wow")

        @property
        def emoji(self):
            return REACTION_EMOJI[self.value]

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="reactions")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="reactions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "participant", "kind"], name="one_reaction_of_a_kind"
            )
        ]

    def __str__(self):
        return f"{self.kind} ({self.answer_id})"

    @classmethod
    def react(cls, participant, answer, kind, given=True):
        """`participant` gives (or takes back) a reaction of `kind` to `answer`. Whether that
        changed anything: a reaction given already, perhaps by a tap a moment ago, is not
        given twice. NotReactable if the answer is not open to reactions
        (`LiveSession.answers_open_to_reactions`), read afresh from the database."""
        session = LiveSession.objects.live().get(pk=participant.session_id)
        present = session.people().filter(pk=participant.pk).exists()
        if not present or not session.answers_open_to_reactions().filter(pk=answer.pk).exists():
            raise NotReactable
        mine = cls.objects.filter(answer=answer, participant=participant, kind=kind)
        if not given:
            return mine.delete()[0] > 0
        try:
            with transaction.atomic():
                cls.objects.create(answer=answer, participant=participant, kind=kind)
        except IntegrityError:
            return False
        return True
