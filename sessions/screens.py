"""What each screen of a live session shows, computed from the database.

One function per audience. Pages, socket connects and broadcasts all use these, so a screen
that reconnects sees exactly what a fresh page would show.
"""

import functools

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from sessions import wordcloud
from sessions.forms import AnswerForm
from sessions.models import Answer, Reaction

# The lobby lists at most this many names, newest first; the room screen shows as many as fit
# and counts the rest ("+150 more").
LOBBY_NAMES = 300
# A phone shows this many of the wall's answers to react to, newest first, and counts the rest:
# the same fragment goes to every phone with every new answer or reaction, so it stays small
# (a few screens of a phone) whether the room has 10 people or 1,000.
PHONE_WALL_ANSWERS = 12


def card_key(card):
    """Changes when the card does, or opens, locks, unlocks or closes: a phone fetches its
    answer form again then."""
    return f"{card.pk}-{card.answers_state}" if card else ""


def answer_key(session, participant=None):
    """What a phone compares with the key it shows to know its answer form may have changed:
    the card up's key; in pairs mode the round's (its pairs, and whether the time is up and
    locks answers), the same for every phone; in draw mode the key of the phone's own card
    (never pushed: broadcast.to_phones leaves draw mode's card and form out)."""
    if session.is_pairs:
        state = "locked" if session.countdown().locks_answers_now else "open"
        return f"p{session.pair_round}.{session.pairs_version}-{state}"
    if session.is_draw:
        return own_card_key(session.card_for(participant))
    return card_key(session.current_card)


def own_card_key(card):
    """Draw mode: the key of a card someone drew, which changes when it does or its answers are
    locked or unlocked, the only changes to its form. Not whether the room shows it: coming up
    or going leaves the form as it is, and what is typed in it."""
    if card is None:
        return ""
    return f"{card.pk}-{'locked' if card.answers_locked else 'open'}"


def draw_key(session):
    """Draw mode: what of the session a phone's own card and draw buttons depend on, the same
    for every phone (pushed with the turn): the round (everyone may draw again) and the card up
    with its lock (the sharer's card is marked up, may not be put back). A phone compares it
    with what its own parts were made for and fetches them again when it differs; only the
    person on turn (and the one before) cares about the card up, so the others fetch only when
    a round turns over (static/js/phone.js)."""
    return {"draw_round": session.round_number, "draw_up": own_card_key(session.current_card)}


def answer_context(session, participant):
    """Just what a phone's answer form needs (posted by every phone at once, so kept lean)."""
    return {
        "session": session,
        "participant": participant,
        "card_key": answer_key(session, participant),
        **pair_context(session, participant),
    }


def names_in_words(names):
    """ "Ana", "Ana and Ben", "Ana, Ben and Cy"."""
    names = list(names)
    if len(names) < 2:
        return "".join(names)
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def pair_context(session, participant):
    """A phone in pairs mode: its pair this round, the others in it, and its card."""
    if not session.is_pairs or participant is None:
        return {}
    pair = session.pair_of(participant)
    partners = []
    if pair is not None:
        partners = pair.members.present().exclude(pk=participant.pk).order_by("turn_position")
    return {
        "pair": pair,
        "pair_number": session.pair_number(pair) if pair is not None else None,
        "partner_names": names_in_words(person.display_name for person in partners),
        "pair_card": session.card_for(participant),
    }


def common_context(session):
    number, total = session.progress()
    card = session.current_card
    if card is not None:
        card.session = session  # the card's timer lock reads this session, not another copy
    return {
        "card_key": answer_key(session),
        "session": session,
        "card": session.current_card,
        "card_number": number,
        "card_total": total,
        "turn": session.current_turn,
        "turn_may_pick": session.may_pick(session.current_turn),
        "turn_may_pass": session.may_pass(session.current_turn),
        "turn_passes_left": (
            session.passes_left(session.current_turn) if session.current_turn else 0
        ),
        "passed": session.passed_by,
        **(draw_key(session) if session.is_draw else {}),
        "countdown": session.countdown(),
        "levels": session.levels(),
        # Evaluated (once) only by the templates that list people.
        "participants": session.people(),
    }


def note_size(text):
    """A type size for an answer on the room's wall, by its length: a long answer is set
    smaller (and across the wall) so that it fits a page whole, never cut off."""
    length = len(text)
    if length <= 120:
        return "short"
    if length <= 240:
        return "medium"
    if length <= 480:
        return "long"
    return "longest"


def table_size(face_down):
    """How big the room draws the face-down blocks, so that all of them fit on the screen."""
    if face_down <= 12:
        return "large"
    if face_down <= 24:
        return "medium"
    if face_down <= 48:
        return "small"
    return "tiny"


def word_cloud(answers):
    """The cloud of the answers the room may see, each without the stop words of the language
    its writer's phone is in (sessions/wordcloud.py says why)."""
    texts = [answer.text for answer in answers]
    return wordcloud.render(texts, [answer.participant.language for answer in answers])


def room_context(session):
    context = common_context(session)
    card = session.current_card
    answers = list(card.room_answers().with_reactions()) if card else []
    for answer in answers:
        answer.note_size = note_size(answer.text)
    face_down = session.face_down_count()
    present = session.people()
    context.update(
        {
            "answers": [answer for answer in answers if not answer.is_spotlighted],
            "spotlight": next((answer for answer in answers if answer.is_spotlighted), None),
            "answers_waiting": bool(card and not card.answers_reach_room()),
            # Every answer counts here, private and hidden ones too: "23 of 40 answered".
            "answered_count": card.answers.by_people().count() if card else 0,
            "people_count": present.count(),
            # Evaluated (once) only by the lobby's list of names.
            "people": present.order_by("-joined_at", "-pk")[:LOBBY_NAMES],
            "face_down_count": face_down,
            "table": range(face_down) if session.is_spread else [],
            "table_size": table_size(face_down),
            # Callables: the template draws the QR code only in the lobby, the cloud only when
            # the card's wall is one.
            "qr_svg": session.join_qr_svg,
            "word_cloud": functools.partial(word_cloud, answers),
        }
    )
    if session.is_pairs:
        context.update(pairs_context(session, context["people_count"]))
    if session.is_draw:
        context.update(room_draws(session))
    if not session.is_open:
        context.update(closing_context(session))
    return context


# Draw mode: the room lists who drew what, newest first, at most this many (with counts).
ROOM_DRAWS = 4


def drawn_this_round(session):
    """The cards held this round, with whether their holder answered them."""
    mine = Answer.objects.filter(
        session_card=OuterRef("session_card"), participant=OuterRef("participant")
    )
    return session.draws_this_round().annotate(answered=Exists(mine))


def room_draws(session):
    """Who drew what, for the room: counts, and the newest few names with their card."""
    drawn = drawn_this_round(session)
    drawn_count = drawn.count()
    newest = drawn.select_related("participant", "session_card").order_by("-pk")[:ROOM_DRAWS]
    return {
        "drawn_count": drawn_count,
        # Here: who answered their own card, not the card up ("12 of 40 answered").
        "answered_count": drawn.filter(answered=True).count(),
        "newest_draws": list(newest),
        "more_draws": max(drawn_count - ROOM_DRAWS, 0),
    }


def pairs_context(session, people_count):
    """The room's and the console's view of this round's pairs, and of who is in none (joined
    during the round: they are paired at the next)."""
    pairs = session.current_pairs()
    return {
        "pairs": pairs,
        "unpaired_count": people_count - sum(len(pair.people) for pair in pairs),
        "reused_count": sum(pair.card_reused for pair in pairs),
    }


def pair_answers(pairs):
    """The answers of this round: each person's, to their own pair's card."""
    mine = {(person.pk, pair.card_id) for pair in pairs for person in pair.people}
    answers = Answer.objects.filter(
        session_card__in={pair.card_id for pair in pairs if pair.card_id},
        participant__in={person for person, _card in mine},
    ).select_related("participant", "session_card")
    return [answer for answer in answers if (answer.participant_id, answer.session_card_id) in mine]


def closing_context(session):
    """The room's closing screen: the numbers, and the most-reacted answers if allowed."""
    return {"closing": session.closing_numbers(), "highlights": session.highlights()}


def host_context(session):
    """The console. Who has not answered the current card comes from the two lists it already
    loads (the people, the card's answers): the same number of queries for 10 or 1,000 people
    (tests/live_sessions/test_console_modes.py)."""
    context = common_context(session)
    card = session.current_card
    people = list(context["participants"])
    answers = list(card.answers.with_reactions().select_related("participant")) if card else []
    answered = {answer.participant_id for answer in answers}
    face_down = session.face_down_count()
    levels = context["levels"]
    context.update(
        {
            # A card already shown comes next after going back, else a face-down one.
            "can_reveal_next": bool(face_down)
            or bool(
                card and session.shown_cards().filter(shown_order__gt=card.shown_order).exists()
            ),
            # The level's cards are all dealt: time to open the next one.
            "level_dealt": levels.has_next and not face_down,
            "participants": people,
            "answers": answers,
            "answered_ids": answered,
            "not_answered": [person for person in people if person.pk not in answered],
            "answered_count": sum(person.pk in answered for person in people),
            "face_down_count": face_down,
        }
    )
    if session.is_pairs:
        context.update(pairs_context(session, len(people)))
        answers = pair_answers(context["pairs"])
        answered = {answer.participant_id for answer in answers}
        context.update(
            {
                "answers": answers,
                "answered_ids": answered,
                "not_answered": [person for person in people if person.pk not in answered],
                "answered_count": sum(person.pk in answered for person in people),
            }
        )
    if session.is_draw:
        context.update(host_draws(session, people))
    return context


def host_draws(session, people):
    """Draw mode on the console: each person's card this round, and who answered theirs."""
    drawn = {
        draw.participant_id: draw
        for draw in drawn_this_round(session).select_related("session_card")
    }
    answered = {pk for pk, draw in drawn.items() if draw.answered}
    for person in people:
        person.drawn = drawn.get(person.pk)
    return {
        "drawn_count": len(drawn),
        "undrawn_count": session.face_down_cards().exclude(pk__in=session.held_cards()).count(),
        "answered_ids": answered,
        "not_answered": [person for person in people if person.pk not in answered],
        "answered_count": len(answered),
    }


def answer_form(session, participant=None, data=None, initial=None):
    """The answer form of the card `participant` answers now (`LiveSession.card_to_answer`:
    the card up, or in draw mode their own), or None when it takes no answers.

    Without a participant: the empty form pushed to every phone with a new card, so the old
    card's form goes in the same swap as the old card. A phone whose participant may already
    have answered this card (someone has) then fetches its own.
    """
    card = session.card_to_answer(participant)
    if card is None:
        return None
    answer = card.answers.filter(participant=participant).first() if participant else None
    return AnswerForm(data, instance=answer, initial=initial, card=card, participant=participant)


def phone_context(session, participant=None):
    context = common_context(session)
    card = session.current_card
    context.update(
        {
            "participant": participant,
            "face_down_cards": list(session.face_down_cards()) if session.is_spread else [],
            **pair_context(session, participant),
        }
    )
    if session.is_draw and participant is not None:
        context.update(phone_draw(session, participant))
    context.update(phone_wall(session, participant))
    if participant is None:  # pushed to every phone
        context["form"] = answer_form(session)
        context["pushed"] = True
        context["card_has_answers"] = bool(card and card.answers.exists())
    return context


def phone_draw(session, participant):
    """Draw mode: this phone's own card (never pushed: broadcast.to_phones leaves it out) and
    what it may do with it."""
    card = participant.drawn_card()
    answered = card is not None and card.answers.filter(participant=participant).exists()
    redraws_left = session.redraws_left(participant)
    on_turn = session.current_turn_id == participant.pk
    is_up = bool(card and on_turn and session.current_card_id == card.pk)
    return {
        "card": card,
        "card_key": own_card_key(card),
        "card_is_up": is_up,
        # What these parts were made for (screens.draw_key): the card up only if on turn.
        "own_draw_up": draw_key(session)["draw_up"] if on_turn else "",
        "may_draw": session.may_draw(participant),
        "redraws_left": redraws_left,
        "may_redraw": bool(card and redraws_left and not answered and not is_up),
    }


def phone_wall(session, participant=None):
    """The answers a phone may react to (`answers_open_to_reactions`), newest first, with their
    counts. Pushed to every phone alike; only a page or a reconnect of one phone (`participant`)
    says which reactions are its own (`wall_mine`, "answer:kind"). Between those the phone
    keeps its own from the answers to its taps (static/js/phone.js), so a broadcast never
    renders once per phone."""
    answers = session.answers_open_to_reactions()
    shown = list(answers.with_reactions().order_by("-created_at", "-pk")[:PHONE_WALL_ANSWERS])
    mine = mark_mine(shown, participant)
    more = answers.count() - len(shown) if len(shown) == PHONE_WALL_ANSWERS else 0
    return {
        "wall_answers": shown,
        "wall_more": more,
        "wall_mine": mine,
        "wall_personal": participant is not None,
        "wall_open": session.is_open and session.reactions_enabled and session.current_card,
    }


def mark_mine(answers, participant):
    """Mark which reactions to `answers` are `participant`'s own (`answer.my_reactions`, kinds;
    none without a participant); the same as "answer:kind" words, for the phone's script."""
    pairs = []
    if participant is not None and answers:
        given = Reaction.objects.filter(participant=participant, answer__in=answers)
        pairs = list(given.values_list("answer", "kind"))
    for answer in answers:
        answer.my_reactions = {kind for answer_pk, kind in pairs if answer_pk == answer.pk}
    return " ".join(f"{answer_pk}:{kind}" for answer_pk, kind in pairs)


def summary_context(session):
    cards = list(
        session.summary_cards().annotate(
            answer_count=Count("answers"),
            hidden_count=Count("answers", filter=Q(answers__is_hidden=True)),
            # Participation is of the people still taking part (Answer.objects.by_people()).
            people_answer_count=Count(
                "answers", filter=Q(answers__participant__removed_at__isnull=True)
            ),
        )
    )
    answers = (
        Answer.objects.filter(session_card__session=session)
        .with_reactions()
        .select_related("participant", "session_card")
    )
    last_shown = max((card.shown_order for card in cards if card.shown_order), default=0)
    for number, card in enumerate((c for c in cards if c.shown_order is None), last_shown + 1):
        card.shown_order = number  # a card answered but never up (draw mode): numbered after
    by_card = {}
    for answer in answers:
        by_card.setdefault(answer.session_card_id, []).append(answer)
    people = session.people().count()
    for card in cards:
        card.summary_answers = by_card.get(card.pk, [])
        card.participation = round(100 * card.people_answer_count / people) if people else 0
    return {"session": session, "cards": cards, "people": people}
