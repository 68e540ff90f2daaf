"""What each screen of a live session shows, computed from the database.

One function per audience. Pages, socket connects and broadcasts all use these, so a screen
that reconnects sees exactly what a fresh page would show.
"""

import functools

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from sessions import wordcloud
from sessions.forms import AnswerForm
from sessions.models import Answer

# The lobby lists at most this many names, newest first; the room screen shows as many as fit
# and counts the rest ("+150 more").
LOBBY_NAMES = 300


def card_key(card):
    """Changes when the card does, or opens, locks, unlocks or closes: a phone fetches its
    answer form again then."""
    return f"{card.pk}-{card.answers_state}" if card else ""


def answer_key(session):
    """What a phone compares with the key it shows to know its answer form may have changed:
    the card up's key, or in pairs mode the round's (its pairs, and whether the time is up and
    locks answers), the same for every phone."""
    if session.is_pairs:
        state = "locked" if session.countdown().locks_answers_now else "open"
        return f"p{session.pair_round}.{session.pairs_version}-{state}"
    return card_key(session.current_card)


def answer_context(session, participant):
    """Just what a phone's answer form needs (posted by every phone at once, so kept lean)."""
    return {
        "session": session,
        "participant": participant,
        "card_key": answer_key(session),
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


def word_cloud(session, answers):
    """The cloud of the answers the room may see, without the stop words of the deck's
    language (English if the deck is gone)."""
    language = session.deck.language if session.deck_id else "en"
    return wordcloud.render([answer.text for answer in answers], language)


def room_context(session):
    context = common_context(session)
    card = session.current_card
    answers = list(card.room_answers()) if card else []
    for answer in answers:
        answer.note_size = note_size(answer.text)
    face_down = session.face_down_cards().count()
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
            "word_cloud": functools.partial(word_cloud, session, answers),
        }
    )
    if session.is_pairs:
        context.update(pairs_context(session, context["people_count"]))
    return context


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


def host_context(session):
    """The console. Who has not answered the current card comes from the two lists it already
    loads (the people, the card's answers): the same number of queries for 10 or 1,000 people
    (tests/live_sessions/test_console_modes.py)."""
    context = common_context(session)
    card = session.current_card
    people = list(context["participants"])
    answers = list(card.answers.select_related("participant")) if card else []
    answered = {answer.participant_id for answer in answers}
    face_down = session.face_down_cards().count()
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
    return context


def answer_form(session, participant=None, data=None, initial=None):
    """The answer form of the card now up, or None when it takes no answers.

    Without a participant: the empty form pushed to every phone with a new card, so the old
    card's form goes in the same swap as the old card. A phone whose participant may already
    have answered this card (someone has) then fetches its own.
    """
    card = session.card_for(participant)
    if card is None or not card.is_open_for_answers or not session.is_open:
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
    if participant is None:  # pushed to every phone
        context["form"] = answer_form(session)
        context["pushed"] = True
        context["card_has_answers"] = bool(card and card.answers.exists())
    return context


def summary_context(session):
    cards = list(
        session.shown_cards().annotate(
            answer_count=Count("answers"),
            hidden_count=Count("answers", filter=Q(answers__is_hidden=True)),
            # Participation is of the people still taking part (Answer.objects.by_people()).
            people_answer_count=Count(
                "answers", filter=Q(answers__participant__removed_at__isnull=True)
            ),
        )
    )
    answers = Answer.objects.filter(session_card__session=session).select_related(
        "participant", "session_card"
    )
    by_card = {}
    for answer in answers:
        by_card.setdefault(answer.session_card_id, []).append(answer)
    people = session.people().count()
    for card in cards:
        card.summary_answers = by_card.get(card.pk, [])
        card.participation = round(100 * card.people_answer_count / people) if people else 0
    return {"session": session, "cards": cards, "people": people}
