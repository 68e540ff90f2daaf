"""Live workshop sessions: a deck run in front of a room, cards revealed, answers collected.

All state lives here, in the database; screens are told about changes by `broadcast.py`.
"""

import functools
import random
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import segno
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from decks.models import LEVEL_MAX_LENGTH, NOTES_MAX_LENGTH, PROMPT_MAX_LENGTH, levels_in_order
from sessions import pairing
from stories.models import Consent, Story, Valence

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
JOIN_CODE_LENGTH = 6
NAME_MAX_LENGTH = 40
ANSWER_MAX_LENGTH = 1000
TURN_ALLOWANCE_MAX = 10  # redraws or passes a person may be given


def new_join_code():
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_join_code(text):
    """What a person typed, as a code: upper case, no spaces or dashes (nor anything outside
    A-Z and 0-9, such as "¹", which Python counts as a digit)."""
    return "".join(ch for ch in (text or "").upper() if ch.isascii() and ch.isalnum())


class NothingLeftToDeal(Exception):
    """A session of a team's series would deal no card: the team has seen every card of the
    deck, and the facilitator chose to leave seen cards out."""


class SessionEnded(Exception):
    """A change was asked of a session that has ended (perhaps a moment before)."""


class JoiningLocked(Exception):
    """Someone new asked to join while the facilitator has closed joining."""


class ParticipantRemoved(Exception):
    """A browser whose participant the facilitator removed asked to join again."""


class Refused(Exception):
    """A participant asked for what the session does not allow now (a draw, a redraw, a pass):
    `str(error)` tells them why, in words for people."""


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


# The console's commands that mean nothing in a mode (LiveSession.offers; "give-turn" is the
# person panel's "Give Ana the turn"): turning cards in
# pairs mode (each pair gets its card with the round) and in draw mode (each person draws
# theirs; the card up is the sharer's), turns in pairs mode, rounds of pairs in the others.
COMMANDS_LEFT_OUT = {
    "reveal": {"pair-up"},
    "spread": {"pair-up"},
    "draw": {"pair-up", "next", "previous", "skip", "reshuffle"},
    "pairs": {"next", "previous", "skip", "turn-next", "turn-skip", "turn-random", "give-turn"},
}


class LiveSessionQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=LiveSession.Status.ENDED)

    def live(self):
        """With the current card and turn loaded: every screen of a session shows both. The
        card knows its session as this very object (whether it takes answers depends on the
        session's timer), set as the rows are read rather than joined in again: the session's
        row read twice was a third of the columns of the query every phone request makes."""
        live = self.select_related("current_card", "current_turn", "deck")
        live._iterable_class = CardKnowsItsSession
        return live


class CardKnowsItsSession(models.query.ModelIterable):
    def __iter__(self):
        for session in super().__iter__():
            if session.current_card is not None:
                session.current_card.session = session
            yield session


class LiveSession(models.Model):
    class Status(models.TextChoices):
        LOBBY = "lobby", _("Waiting for people to join")
        LIVE = "live", _("Live")
        ENDED = "ended", _("Ended")

    class Mode(models.TextChoices):
        REVEAL = "reveal", _("I reveal the cards")
        SPREAD = "spread", _("Table spread: whoever's turn it is picks a face-down block")
        PAIRS = "pairs", _("Pairs: each pair talks over one card")
        DRAW = "draw", _("Everyone draws their own card")

    class SeenCards(models.TextChoices):
        LAST = "last", _("Deal them last, after the cards the team has not seen")
        LEAVE_OUT = "leave_out", _("Leave them out")

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
    # The room screen's language (cxworkshop/languages.py); the phones follow their people's.
    language = models.CharField(
        _("language of the room screen"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
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
    # The deck's levels are dealt in order: cards of levels up to this one may be dealt (0: the
    # deck has no levels). See `face_down_cards` and `open_next_level`.
    current_level = models.PositiveSmallIntegerField(default=0)
    # Pairs mode: the round of pairs now (0: none yet), and a count that moves whenever this
    # round's pairs change (a new round, someone moved to another pair): phones fetch their own
    # pair again when it does.
    pair_round = models.PositiveIntegerField(default=0)
    pairs_version = models.PositiveIntegerField(default=0)
    join_base_url = models.CharField(
        max_length=200, blank=True, help_text=_("The address phones use to reach the app.")
    )
    # Draw mode and passes (turn-taking modes).
    redraws = models.PositiveSmallIntegerField(
        _("redraws for each person"),
        default=0,
        validators=[MaxValueValidator(TURN_ALLOWANCE_MAX)],
        help_text=_(
            "Everyone draws their own card: how many times each person may put their card back "
            "and draw another (before answering it)."
        ),
    )
    passes_per_person = models.PositiveSmallIntegerField(
        _("passes for each person"),
        default=0,
        validators=[MaxValueValidator(TURN_ALLOWANCE_MAX)],
        help_text=_(
            "Table spread and draw mode: how many times each person may pass on their turn "
            "(0: nobody passes). You can change it on the console."
        ),
    )
    # Who passed the turn to the person who has it now ("Ben passed"), until the turn moves on.
    passed_by = models.ForeignKey(
        "Participant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
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
    # Co-facilitators: other facilitators' accounts that run this session with its
    # facilitator (sessions/access.py decides what that allows).
    co_facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_facilitated_sessions"
    )
    # A team's series: its sessions deal the cards the team saw before last, or leave them out.
    team = models.ForeignKey(
        "Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    seen_cards = models.CharField(
        _("cards the team has already seen"),
        max_length=10,
        choices=SeenCards.choices,
        default=SeenCards.LAST,
    )

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
        cards = list(deck.cards.all())
        order = list(range(len(cards)))
        if session.is_shuffled:
            order = session.shuffled(order, 0)
        dealt = session.series_order([cards[index] for index in order])
        if not dealt:
            raise NothingLeftToDeal
        # Level 1, 2, 3... in the order the deck's levels come, of the cards dealt (a team's
        # series may leave a whole level out); a card without a level is in none (0) and may be
        # dealt from the start.
        kept = {id(card) for card, _seen in dealt}
        level_numbers = {
            name: number
            for number, name in enumerate(
                levels_in_order(card.level for card in cards if id(card) in kept), start=1
            )
        }
        session.current_level = 1 if level_numbers else 0
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
        # A stable sort: the levels in order, each shuffled (or in deck order) within itself,
        # and within a level the cards the team saw before (series_order) last.
        dealt.sort(key=lambda pair: (level_numbers.get(pair[0].level, 0), pair[1]))
        SessionCard.objects.bulk_create(
            SessionCard(
                session=session,
                position=position,
                seen_before=seen_before,
                level_number=level_numbers.get(card.level, 0),
                **card.content(),
            )
            for position, (card, seen_before) in enumerate(dealt, start=1)
        )
        return session

    def series_order(self, cards):
        """The cards in dealing order for this session's team, as (card, seen before): those
        whose prompt the team saw in its earlier sessions come after the others (each group in
        the order given), or are left out. Without a team: all, none seen before."""
        seen = self.team.seen_prompts() if self.team_id else set()
        unseen = [(card, False) for card in cards if prompt_key(card.prompt) not in seen]
        seen_before = [(card, True) for card in cards if prompt_key(card.prompt) in seen]
        if self.seen_cards == self.SeenCards.LEAVE_OUT:
            return unseen
        return unseen + seen_before

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

    def group(self, audience, language=""):
        """The channel-layer group of one audience: "room", "host" or "phones"; the phones and
        consoles reading one language have a group of their own ("phones", "de")."""
        return f"live-{self.pk}-{audience}" + (f"-{language}" if language else "")

    @property
    def words_language(self):
        """The language its cards are written in: its deck's ("" once the deck is deleted)."""
        return self.deck.language if self.deck_id else ""

    @property
    def is_open(self):
        return self.status != self.Status.ENDED

    @property
    def is_spread(self):
        return self.mode == self.Mode.SPREAD

    @property
    def is_pairs(self):
        return self.mode == self.Mode.PAIRS

    @property
    def is_draw(self):
        return self.mode == self.Mode.DRAW

    def offers(self, command):
        """Whether the console's `command` (a name of sessions.views.COMMANDS) means something
        in this session's mode: the console shows only those, and the others are refused (a
        "next card" in pairs mode would use up the next round's card; a "pair-up" outside
        pairs mode would close the card up)."""
        return command not in COMMANDS_LEFT_OUT.get(self.mode, ())

    @property
    def takes_turns(self):
        """Whether the room goes round in turns (a block picked, a drawn card shared): the
        timer is per turn, and the person on turn may pass."""
        return self.mode in (self.Mode.SPREAD, self.Mode.DRAW)

    # Cards

    def playable_cards(self):
        return self.cards.filter(is_skipped=False)

    def shown_cards(self):
        return self.cards.filter(shown_order__isnull=False).order_by("shown_order")

    def summary_cards(self):
        """The cards a summary lists: those shown, in order, then (in draw mode) the cards
        answered that never came up on the room, so no answer is left out."""
        answered = Answer.objects.filter(session_card__session=self).values("session_card")
        cards = self.cards.filter(Q(shown_order__isnull=False) | Q(pk__in=answered))
        return cards.order_by(F("shown_order").asc(nulls_last=True), "position")

    def unseen_cards(self):
        """Every card nobody has seen yet and not set aside, in every level."""
        return self.cards.filter(shown_order__isnull=True, is_skipped=False).order_by("position")

    def face_down_cards(self):
        """The cards still to deal, next first: the unseen cards of the levels opened so far.
        Every way of taking a new card (revealing, picking, skipping, the table spread, the
        other modes) takes it from here."""
        return self.unseen_cards().filter(level_number__lte=self.current_level)

    def face_down_count(self):
        return self.counted("face down", lambda: self.face_down_cards().count())

    def counted(self, name, count):
        """`count()`, read once per broadcast event: an event renders the room, the consoles
        and the phones (in each language) from one copy of the session as committed
        (`sessions.broadcast.after_commit` marks it), and nothing changes it meanwhile. Any
        other copy, which a request may change between two renders, counts every time."""
        counts = getattr(self, "counts_of_one_event", None)
        if counts is None:
            return count()
        if name not in counts:
            counts[name] = count()
        return counts[name]

    def _show(self, card):
        now = timezone.now()
        if not self.takes_turns and self.current_card_id != card.pk:
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
        """Shuffle the cards nobody has seen yet, each level within itself (the levels keep
        their order); the ones shown keep their place."""
        self.reshuffle_count += 1
        self.save(update_fields=["reshuffle_count"])
        by_level = {}
        for card in self.unseen_cards():
            by_level.setdefault(card.level_number, []).append(card)
        changed = []
        for number, remaining in sorted(by_level.items()):
            positions = [card.position for card in remaining]
            # Without levels (all in 0), the same shuffle as before levels existed.
            round_of_shuffling = (
                f"{self.reshuffle_count}:{number}" if number else self.reshuffle_count
            )
            remaining = self.shuffled(remaining, round_of_shuffling)
            remaining.sort(key=lambda card: card.seen_before)  # a team's seen cards stay last
            for card, position in zip(remaining, positions, strict=True):
                card.position = position
            changed += remaining
        SessionCard.objects.bulk_update(changed, ["position"])

    # Levels

    def levels(self):
        """The session's levels as the screens show them (`Levels`). A session of a deck
        without levels never opens one: no query then."""
        if not self.current_level:
            return Levels(names=(), current=0)
        named = (
            self.cards.filter(level_number__gt=0)
            .order_by("level_number")
            .values_list("level_number", "level")
            .distinct()
        )
        return Levels(names=tuple(dict(named).values()), current=self.current_level)

    @one_change_at_a_time
    def open_next_level(self, level=None):
        """Open the level after the current one: its cards may be dealt now. The cards of the
        levels before it that were not dealt are set aside (as "skip" does), so the next card
        is the new level's. `level`: the level the facilitator asked to open (the console's
        button names it); asked again once it is open (a double tap, a second tab), nothing
        changes. The level opened, or None."""
        following = self.current_level + 1
        if not self.current_level or following > self.levels().count:
            return None
        if level is not None and level != following:
            return None
        undealt = self.face_down_cards().filter(level_number__gt=0)
        if self.is_draw:  # a card someone holds stays theirs, shared or not
            undealt = undealt.exclude(pk__in=self.held_cards())
        undealt.update(is_skipped=True)
        self.current_level = following
        self.save(update_fields=["current_level"])
        return following

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
        answers = Answer.objects.filter(session_card__session=self).in_room(self)
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
        total = self.counted("playable", lambda: self.playable_cards().count())
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
    def join(self, display_name, browser_secret="", language=settings.LANGUAGE_CODE):
        """Add a participant at the end of the turn order; a taken name gets a number.
        `(participant, created)`, as Django's `get_or_create` answers. `language` is their
        phone's (their browser's, as they join).

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
            language=language,
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
        self._leave_pair(participant)
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
        base = wanted.strip()[:NAME_MAX_LENGTH] or _("Guest")
        # Only the names this one could clash with ("Ana", "Ana 2"...), not the whole room's:
        # a join in a room of a thousand reads a few names, not a thousand.
        near = others.filter(Q(display_name=base) | Q(display_name__startswith=f"{base} "))
        taken = set(near.values_list("display_name", flat=True))
        name, suffix = base, 2
        if not wanted.strip():
            name = f"{base} {others.count() + 1}"
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
        if self.pair_of(participant) is not None:
            self.pairs_version += 1  # their partners' phones name them
            self.save(update_fields=["pairs_version"])
        return participant.display_name

    def _give_turn(self, participant):
        if self.takes_turns:
            self._restart_timer_for_the_next()
        participant.last_turn_round = self.round_number
        participant.save(update_fields=["last_turn_round"])
        self.current_turn = participant
        self.turn_given_at = timezone.now()
        self.card_turned_this_turn = False
        self.passed_by = None
        self.save(
            update_fields=[
                "current_turn",
                "round_number",
                "turn_given_at",
                "card_turned_this_turn",
                "passed_by",
            ]
        )
        if self.is_draw:
            self._show_card_of(participant)
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

    # Co-facilitators

    @one_change_at_a_time
    def add_co_facilitator(self, user):
        """Let `user` run this session with its facilitator; False if they already did (two
        taps at once add them once)."""
        if self.co_facilitators.filter(pk=user.pk).exists():
            return False
        self.co_facilitators.add(user)
        return True

    def remove_co_facilitator(self, user):
        """Take away `user`'s rights to this session (ended or not); False if they had none."""
        removed, _rows = self.co_facilitators.through.objects.filter(
            livesession=self, user=user
        ).delete()
        return bool(removed)

    # Pairs: the room talks in pairs (one three when the count is odd), a card for each pair,
    # new pairs each round, avoiding earlier partners (sessions/pairing.py).

    def pair_of(self, participant):
        """`participant`'s pair this round, or None (joined since, or no round yet)."""
        if participant is None or not self.pair_round:
            return None
        mine = self.pairs.filter(round_number=self.pair_round, members=participant)
        return mine.select_related("card").first()

    def current_pairs(self):
        """This round's pairs, each with its card and the people still taking part in it (as
        `people`), in the order they were made; pairs left with nobody are not listed."""
        present = Participant.objects.present().order_by("turn_position", "pk")
        pairs = (
            self.pairs.filter(round_number=self.pair_round)
            .select_related("card")
            .prefetch_related(models.Prefetch("members", queryset=present, to_attr="people"))
            .order_by("pk")
        )
        return [pair for pair in pairs if pair.people]

    def pair_number(self, pair):
        """The number the room screen shows beside `pair` (its place in `current_pairs`), so a
        phone can say which pair to look for."""
        listed = self.pairs.filter(
            round_number=pair.round_number, pk__lte=pair.pk, members__removed_at__isnull=True
        )
        return listed.values("pk").distinct().count()

    def partners_so_far(self):
        """How often each two people of the session were in one group: {frozenset: count}."""
        groups = {}
        for pair_id, person_id in PairMember.objects.filter(pair__session=self).values_list(
            "pair_id", "participant_id"
        ):
            groups.setdefault(pair_id, []).append(person_id)
        return Counter(pairing.partners(groups.values()))

    @one_change_at_a_time
    def pair_up(self, after_round=None):
        """The next round: this round's cards close, the people here now are paired (avoiding
        earlier partners), each pair gets the next face-down card, and the timer starts again
        at its full time. `after_round`: the round the facilitator saw when asking; if the
        round has moved on since (a second tap, another tab), nothing more happens. The new
        round's pairs, or None; None outside pairs mode, whose cards and turns pairs would
        upset."""
        if not self.is_pairs:
            return None
        if after_round is not None and after_round != self.pair_round:
            return None
        people = self.shuffled(self.people().order_by("pk").values_list("pk", flat=True), "pairs")
        if len(people) < 2:
            return None
        seed = random.Random(f"{self.shuffle_seed}:pairs:{self.pair_round + 1}")
        groups = pairing.group_people(
            people, self.partners_so_far(), seed, circle_round=self.pair_round
        )
        now = timezone.now()
        self._restart_timer_for_the_next()
        self.cards.filter(revealed_at__isnull=False, closed_at__isnull=True).update(closed_at=now)
        cards = self._deal_to_pairs(groups, now)
        self.pair_round += 1
        self.pairs_version += 1
        self.status = self.Status.LIVE
        self.save(update_fields=["pair_round", "pairs_version", "status"])
        pairs = Pair.objects.bulk_create(
            Pair(session=self, round_number=self.pair_round, card=card, card_reused=reused)
            for card, reused in cards
        )
        PairMember.objects.bulk_create(
            PairMember(pair=pair, participant_id=person, round_number=self.pair_round)
            for pair, group in zip(pairs, groups, strict=True)
            for person in group
        )
        return pairs

    def _deal_to_pairs(self, groups, now):
        """A card for each group, as [(card, reused)]: the next face-down cards while they
        last; then, when there are fewer cards than pairs, cards already played, the ones the
        group's people have not had first, then the least used."""
        fresh = list(self.face_down_cards()[: len(groups)])
        top = self.cards.aggregate(top=Max("shown_order"))["top"] or 0
        for number, card in enumerate(fresh, start=top + 1):
            card.shown_order, card.revealed_at, card.closed_at = number, now, None
        SessionCard.objects.bulk_update(fresh, ["shown_order", "revealed_at", "closed_at"])
        dealt = [(card, False) for card in fresh]
        played = list(self.shown_cards().exclude(pk__in=[card.pk for card in fresh]))
        if len(dealt) == len(groups) or not (played or fresh):
            return dealt + [(None, False)] * (len(groups) - len(dealt))
        played = played or fresh
        uses = Counter(self.pairs.values_list("card_id", flat=True))
        uses.update(card.pk for card in fresh)
        had = {}
        for person, card in PairMember.objects.filter(pair__session=self).values_list(
            "participant_id", "pair__card_id"
        ):
            had.setdefault(person, set()).add(card)
        for group in groups[len(dealt) :]:
            card = min(
                played,
                key=lambda c: (
                    sum(c.pk in had.get(person, ()) for person in group),
                    uses[c.pk],
                    c.shown_order,
                ),
            )
            uses[card.pk] += 1
            dealt.append((card, True))
        self.cards.filter(pk__in=[card.pk for card, _reused in dealt]).update(closed_at=None)
        return dealt

    def _leave_pair(self, participant):
        """A removed participant leaves their pair; a partner left alone joins the smallest
        other pair of the round (a three), or, with no other pair, waits for the next round."""
        pair = self.pair_of(participant)
        if pair is None:
            return
        self.pairs_version += 1  # their partners' phones no longer name them
        self.save(update_fields=["pairs_version"])
        alone = list(pair.members.present())
        if len(alone) != 1:
            return
        others = self.pairs.filter(round_number=self.pair_round).exclude(pk=pair.pk)
        others = others.annotate(
            size=models.Count("members", filter=Q(members__removed_at__isnull=True))
        )
        other = others.filter(size__gt=0).order_by("size", "pk").first()
        if other is None:
            return
        PairMember.objects.filter(pair=pair, participant=alone[0]).update(pair=other)

    # Everyone draws their own card (draw mode), and passes. Each person draws a card of their
    # own on their phone and answers it; the facilitator gives the turn to whoever shares next,
    # and the card of the person on turn is the room's current card (`_give_turn`).

    def card_for(self, participant):
        """The card `participant` answers: their own card in draw mode, their pair's card this
        round in pairs mode (none for a phone not yet in a pair, or for every phone at once),
        else the card up (open to answers or not)."""
        if self.is_draw:
            return participant.drawn_card() if participant is not None else None
        if self.is_pairs:
            pair = self.pair_of(participant)
            card = pair.card if pair else None
            if card is not None:
                card.session = self  # its timer lock reads this session, not another copy
            return card
        return self.current_card

    def card_to_answer(self, participant):
        """The card `participant` may answer now, or None: the one rule for the phone's form,
        the answer view and the screens. In draw mode their own card, unless its answers are
        locked (`answers_locked`: the countdown is the sharing turn's, and running out does not
        lock everyone's card); else the card up, while it takes answers
        (`SessionCard.is_open_for_answers`)."""
        card = self.card_for(participant) if self.is_open else None
        if card is None:
            return None
        if self.is_draw:
            return None if self.answers_locked_on(card) else card
        return card if card.is_open_for_answers else None

    def answers_locked_on(self, card):
        """Whether `card` is locked to answers (shown, not moved on from): in draw mode by the
        facilitator's lock alone (the countdown is the sharing turn's), else by the lock or by
        the timer running out (`SessionCard.answers_state`)."""
        return card.answers_locked if self.is_draw else card.answers_state == "locked"

    def draws_this_round(self):
        """The cards held this round (not put back) by the people still taking part."""
        return self.draws.filter(
            is_put_back=False,
            round_number=self.round_number,
            participant__removed_at__isnull=True,
        )

    def held_cards(self):
        """Draw mode: the cards someone taking part holds now (drawn, not put back), as a
        subquery of card ids."""
        held = self.draws.filter(is_put_back=False, participant__removed_at__isnull=True)
        return held.values("session_card")

    def _draw_this_round(self, participant):
        return (
            participant.draws.filter(is_put_back=False, round_number=self.round_number)
            .select_related("session_card")
            .first()
        )

    def may_draw(self, participant):
        """Draw mode: each person draws one card a round."""
        if not self.is_draw or not self.is_open or participant is None:
            return False
        return self._draw_this_round(participant) is None

    def redraws_left(self, participant):
        return max(self.redraws - participant.draws.filter(is_put_back=True).count(), 0)

    def _card_to_draw(self, participant, instead_of=None):
        """The card a draw gives `participant`: the first card still to deal (the one owner of
        which is `face_down_cards`) that nobody holds. Once every one is held, a held card
        again: one this person has not had, else the least drawn. Never `instead_of`, the card
        being put back, nor one they hold."""
        held = self.held_cards()
        theirs = participant.draws.filter(is_put_back=False).values("session_card")
        avoid = [instead_of.pk] if instead_of is not None else []
        card = self.face_down_cards().exclude(pk__in=held).exclude(pk__in=avoid).first()
        if card is not None:
            return card
        had = Draw.objects.filter(participant=participant, session_card=OuterRef("pk"))
        again = (
            self.playable_cards()
            .filter(pk__in=held)
            .exclude(pk__in=theirs)
            .exclude(pk__in=avoid)
            .annotate(had=Exists(had), times=Count("draws", filter=Q(draws__is_put_back=False)))
            .order_by("had", "times", "position")
        )
        return again.first()

    @one_change_at_a_time
    def draw(self, participant):
        """`participant` draws their card for this round (a second tap gets the card the first
        drew). Two phones drawing at once take turns here, so they never get one card while
        cards nobody holds remain. If they are the one on turn, the room shows it."""
        if not self.is_draw:
            raise Refused(NO_OWN_CARDS)
        kept = self._draw_this_round(participant)
        if kept is not None:
            return Drawn(kept.session_card, is_new=False, is_up=False)
        card = self._card_to_draw(participant)
        if card is None:
            raise Refused(_("There is no card left to draw. Ask the facilitator."))
        self.draws.create(
            participant=participant, session_card=card, round_number=self.round_number
        )
        is_up = self.current_turn_id == participant.pk
        if is_up:
            self._show(card)
        return Drawn(card, is_new=True, is_up=is_up)

    @one_change_at_a_time
    def redraw(self, participant, card_id):
        """`participant` puts back the card they hold (`card_id`, the one their phone showed),
        which others may then draw, and draws another. Refused once they have answered it or
        it is up on the room screen, and when they have no redraws left or no other card is
        left. A second tap (the card already put back) gets the card the first drew."""
        if not self.is_draw:
            raise Refused(NO_OWN_CARDS)
        kept = self._draw_this_round(participant)
        if kept is None:
            raise Refused(_("Draw your card first."))
        if kept.session_card_id != card_id:
            if participant.draws.filter(session_card_id=card_id, is_put_back=True).exists():
                return Drawn(kept.session_card, is_new=False, is_up=False)
            raise Refused(_("That card is not yours to put back."))
        if self.redraws_left(participant) == 0:
            if not self.redraws:
                raise Refused(_("Redraws are off in this session: this card is yours."))
            raise Refused(_("You have no redraws left: this card is yours."))
        if self.current_turn_id == participant.pk and self.current_card_id == card_id:
            raise Refused(_("Your card is up on the room screen, so it is yours to keep."))
        # Put back before looking for an answer: on PostgreSQL this waits for an answer to it
        # being saved (which holds the draw: SessionCard.still_open_for_answers), then sees it.
        Draw.objects.filter(pk=kept.pk).update(is_put_back=True)
        if kept.session_card.answers.filter(participant=participant).exists():
            raise Refused(_("You have answered this card, so it is yours to keep."))
        card = self._card_to_draw(participant, instead_of=kept.session_card)
        if card is None:
            raise Refused(_("No other card is left to draw: this one is yours."))
        self.draws.create(
            participant=participant, session_card=card, round_number=self.round_number
        )
        return Drawn(card, is_new=True, is_up=False)

    def _show_card_of(self, participant):
        """Draw mode: the room shows the card of the person on turn, none until they draw."""
        kept = self._draw_this_round(participant)
        if kept is not None:
            self._show(kept.session_card)
        elif self.current_card_id is not None:
            self.current_card = None
            self.save(update_fields=["current_card"])

    @one_change_at_a_time
    def give_turn_to(self, participant):
        """The facilitator calls on `participant` (to share their card, to pick a block); None
        if they are no longer taking part."""
        if not self.people().filter(pk=participant.pk).exists():
            return None
        return self._give_turn(participant)

    def passes_left(self, participant):
        return max(self.passes_per_person - participant.passes_used, 0)

    def may_pass(self, participant):
        """Whether `participant` is on turn in a turn-taking mode with a pass left."""
        if not self.takes_turns or participant is None or self.current_turn_id != participant.pk:
            return False
        return self.passes_left(participant) > 0

    @one_change_at_a_time
    def pass_on_turn(self, participant):
        """The person on turn passes, using one of their passes: the turn moves on as the
        facilitator's "next" moves it (`pass_turn`), and the screens say who passed. False for
        a second tap (they passed, the turn has moved on); Refused if they may not pass."""
        if self.passed_by_id == participant.pk and self.current_turn_id != participant.pk:
            return False
        if not self.takes_turns:
            raise Refused(_("There are no turns to pass in this session."))
        if self.current_turn_id != participant.pk:
            raise Refused(_("It is not your turn, so there is nothing to pass."))
        participant.refresh_from_db(fields=["passes_used"])
        if not self.passes_per_person:
            raise Refused(_("Passing is off in this session."))
        if self.passes_left(participant) == 0:
            raise Refused(_("You have used all your passes."))
        participant.passes_used += 1
        participant.save(update_fields=["passes_used"])
        self.pass_turn()
        self.passed_by = participant
        self.save(update_fields=["passed_by"])
        return True

    @one_change_at_a_time
    def set_passes(self, passes):
        """How many passes each person has (0: passing is off), from now on."""
        self.passes_per_person = passes
        self.save(update_fields=["passes_per_person"])

    @one_change_at_a_time
    def turn_moved_on_from(self, participant_id):
        """Whether the turn is no longer `participant_id`'s (None: no one's), read holding the
        session's lock until the caller's transaction ends: a facilitator's "next turn" meant
        for Ben that arrives just after Ben passed moves the turn no further."""
        return self.current_turn_id != participant_id


@dataclass(frozen=True)
class Levels:
    """A session's levels at one moment: their names (level 1 first) and the one open now."""

    names: tuple
    current: int

    @property
    def count(self):
        return len(self.names)

    @property
    def name(self):
        return self.names[self.current - 1] if 0 < self.current <= self.count else ""

    @property
    def has_next(self):
        return 0 < self.current < self.count

    @property
    def next_number(self):
        return self.current + 1 if self.has_next else None

    @property
    def next_name(self):
        return self.names[self.current] if self.has_next else ""

    def __bool__(self):
        return bool(self.names)


NO_OWN_CARDS = _(
    "In this session the facilitator deals the cards: there is none of your own to draw."
)


@dataclass(frozen=True)
class Drawn:
    """What a draw gave: the card, whether it was drawn now (not by an earlier tap), and
    whether the room shows it now (its drawer is the one sharing)."""

    card: "SessionCard"
    is_new: bool
    is_up: bool


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
    level = models.CharField(max_length=LEVEL_MAX_LENGTH, blank=True)
    # For the facilitator's console alone: never on the room, a phone or an export.
    notes = models.TextField(max_length=NOTES_MAX_LENGTH, blank=True)
    # The level's place in the session's order (1, 2, 3...); 0: the card is in no level.
    level_number = models.PositiveSmallIntegerField(default=0)
    position = models.PositiveIntegerField()
    shown_order = models.PositiveIntegerField(null=True, blank=True)
    is_skipped = models.BooleanField(default=False)
    answers_open = models.BooleanField(default=False)
    answers_locked = models.BooleanField(default=False)
    wall = models.CharField(max_length=8, choices=Wall.choices, default=Wall.ANSWERS)
    revealed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The session's team saw this card in an earlier session of its series: it is dealt last.
    seen_before = models.BooleanField(default=False)

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

    def still_open_for_answers(self, participant=None):
        """Whether `participant`'s answer being written in the current transaction may be
        saved, from the card's row as it is now. On PostgreSQL the row is read FOR SHARE: a
        lock, an "end" or the next card (which update the row) waits for the answers being
        written, and an answer that arrives after one of them waits for it, then sees it.
        Answers do not wait for each other. On SQLite every write transaction runs alone
        anyway. In draw mode the card must still be theirs (`LiveSession.card_to_answer`):
        their draw is read FOR SHARE too, so a redraw putting it back waits likewise."""
        fresh = next(iter(self._read_for_share(SessionCard, self.pk)), None)
        if fresh is None:
            return False
        fresh.session = LiveSession.objects.get(pk=self.session_id)
        if fresh.session.is_draw:
            kept = participant.draws.filter(session_card=self, is_put_back=False).last()
            held = kept and next(iter(self._read_for_share(Draw, kept.pk)), None)
            if not held or held.is_put_back:
                return False
            return fresh.session.card_to_answer(participant) == fresh
        return fresh.is_open_for_answers and fresh.session.is_open

    @staticmethod
    def _read_for_share(model, pk):
        if connection.vendor != "postgresql":
            return model.objects.filter(pk=pk)
        table = connection.ops.quote_name(model._meta.db_table)
        return model.objects.raw(f"SELECT * FROM {table} WHERE id = %s FOR SHARE", [pk])

    def answers_reach_room(self):
        return self.session.answers_live or self.answers_open

    def room_answers(self):
        """Answers the room may see: not private, not hidden, and once answers are shown."""
        if not self.answers_reach_room():
            return Answer.objects.none()
        visible = self.answers.in_room(self.session)
        # Oldest first: the room shows them in pages, which must not shift as answers arrive.
        return visible.select_related("participant").order_by("created_at", "pk")


# A team's series


def prompt_key(prompt):
    """A card's prompt as a series compares it: the same words, whatever the case or spaces."""
    return " ".join(prompt.split()).casefold()


class TeamQuerySet(models.QuerySet):
    def named(self, owner, name):
        """`owner`'s team called `name` (compared without case), made if there is none."""
        name = " ".join(name.split())
        team = self.filter(owner=owner, name__iexact=name).first()
        if team is not None:
            return team
        try:
            with transaction.atomic():
                return self.create(owner=owner, name=name)
        except IntegrityError:  # made a moment ago, by another tab
            return self.get(owner=owner, name__iexact=name)


TEAM_NAME_MAX_LENGTH = 80


class Team(models.Model):
    """A team a facilitator runs a series of sessions for: no card twice while others remain."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teams"
    )
    name = models.CharField(_("team"), max_length=TEAM_NAME_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="team_name_unique_per_owner")
        ]

    def __str__(self):
        return self.name

    def seen_prompts(self):
        """The prompts (as `prompt_key` gives them) of every card this team saw in its
        sessions: revealed (on the room, or to a pair), or drawn and kept by someone (draw
        mode, where a card may be answered without ever coming up on the room)."""
        seen = Q(revealed_at__isnull=False) | Q(draws__is_put_back=False)
        prompts = SessionCard.objects.filter(seen, session__team=self).distinct()
        return {prompt_key(prompt) for prompt in prompts.values_list("prompt", flat=True)}

    def seen_count(self, deck):
        """How many of `deck`'s cards this team has already seen."""
        seen = self.seen_prompts()
        return sum(
            prompt_key(prompt) in seen for prompt in deck.cards.values_list("prompt", flat=True)
        )


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
    passes_used = models.PositiveSmallIntegerField(default=0)
    # Their phone's language: their browser's when they joined, then what they chose on it.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

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

    def drawn_card(self):
        """Draw mode: the card they hold, their latest draw not put back; None before a draw."""
        kept = self.draws.filter(is_put_back=False).select_related("session_card__session")
        kept = kept.order_by("-pk").first()
        return kept.session_card if kept is not None else None

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

    def in_room(self, session):
        """Answers the room of `session` may see once they are shown: of people still taking
        part, not private, not hidden, not withdrawn (its words are erased). In draw mode the
        room knows whose card is whose, so a memory shared without a name stays off it too.
        In pairs mode the room shows who is with whom, never an answer (the phone says so)."""
        if session.is_pairs:
            return self.none()
        visible = self.by_people().filter(is_private=False, is_hidden=False)
        visible = visible.exclude(archive_consent=Consent.WITHDRAWN)
        if session.is_draw:
            visible = visible.exclude(archive_consent=Consent.ANONYMOUS)
        return visible

    def with_reactions(self):
        """Each answer with its count of each kind of reaction (`reactions_<kind>`) and of all
        (`reaction_total`), from the people still taking part."""
        present = Q(reactions__participant__removed_at__isnull=True)
        counts = {
            f"reactions_{kind}": Count("reactions", filter=present & Q(reactions__kind=kind))
            for kind in Reaction.Kind.values
        }
        counted = self.annotate(**counts, reaction_total=Count("reactions", filter=present))
        # Counting groups the rows, and Django leaves Meta.ordering out of a grouped query:
        # without this, PostgreSQL gave a card's answers in any order (the summary, the console).
        return counted if self.query.order_by else counted.order_by(*self.model._meta.ordering)


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
        # Two phones may answer within the same clock tick; the row that came first stays first.
        ordering = ["created_at", "pk"]
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


class Pair(models.Model):
    """A group of two (or three) people talking over one card in one round of pairs mode."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="pairs")
    round_number = models.PositiveIntegerField()
    card = models.ForeignKey(
        SessionCard, on_delete=models.SET_NULL, null=True, blank=True, related_name="pairs"
    )
    # Dealt again because there were fewer new cards than pairs.
    card_reused = models.BooleanField(default=False)
    members = models.ManyToManyField(Participant, through="PairMember", related_name="pairs")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round_number", "pk"]

    def __str__(self):
        return _("Pair %(number)s of round %(round)s") % {
            "number": self.pk,
            "round": self.round_number,
        }


class PairMember(models.Model):
    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="memberships")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="pair_memberships"
    )
    round_number = models.PositiveIntegerField()  # the pair's: one pair per person per round

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "round_number"], name="one_pair_per_person_per_round"
            )
        ]

    def __str__(self):
        return f"{self.participant} ({self.pair})"


class Draw(models.Model):
    """A card a participant drew in draw mode, kept as history: a redraw marks the card put
    back (others may draw it again) and adds a draw. A person holds one card a round; their
    card is their latest draw not put back (`Participant.drawn_card`)."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="draws")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="draws")
    session_card = models.ForeignKey(SessionCard, on_delete=models.CASCADE, related_name="draws")
    round_number = models.PositiveIntegerField(default=1)
    is_put_back = models.BooleanField(default=False)
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "round_number"],
                condition=Q(is_put_back=False),
                name="one_card_held_per_round",
            )
        ]

    def __str__(self):
        return _("%(person)s drew %(card)s") % {
            "person": self.participant,
            "card": self.session_card,
        }


# Reactions: a participant's heart, applause, laugh or wow on an answer of the room's wall.


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
