"""What each screen of a live session shows, computed from the database.

One function per audience. Pages, socket connects and broadcasts all use these, so a screen
that reconnects sees exactly what a fresh page would show.
"""

from django.db.models import Count, Q

from sessions.models import Answer


def card_key(card):
    """Changes when the card does, or opens, locks, unlocks or closes: a phone fetches its
    answer form again then."""
    return f"{card.pk}-{card.answers_state}" if card else ""


def answer_context(session, participant):
    """Just what a phone's answer form needs (posted by every phone at once, so kept lean)."""
    return {
        "session": session,
        "participant": participant,
        "card_key": card_key(session.current_card),
    }


def common_context(session):
    number, total = session.progress()
    card = session.current_card
    return {
        "card_key": card_key(card),
        "session": session,
        "card": session.current_card,
        "card_number": number,
        "card_total": total,
        "turn": session.current_turn,
        "turn_may_pick": session.may_pick(session.current_turn),
        "countdown": session.countdown(),
        # Evaluated (once) only by the templates that list people.
        "participants": session.participants.all(),
    }


def room_context(session):
    context = common_context(session)
    card = session.current_card
    answers = list(card.room_answers()) if card else []
    face_down = session.face_down_cards().count()
    context.update(
        {
            "answers": [answer for answer in answers if not answer.is_spotlighted],
            "spotlight": next((answer for answer in answers if answer.is_spotlighted), None),
            "answers_waiting": bool(card and not card.answers_reach_room()),
            "face_down_count": face_down,
            "table": range(face_down) if session.is_spread else [],
            # A callable: the template draws the QR code only on the lobby screen.
            "qr_svg": session.join_qr_svg,
        }
    )
    return context


def host_context(session):
    context = common_context(session)
    card = session.current_card
    answered = set()
    answers = []
    if card:
        answers = list(card.answers.select_related("participant"))
        answered = {answer.participant_id for answer in answers}
    context.update(
        {
            "answers": answers,
            "answered_ids": answered,
            "face_down_count": session.face_down_cards().count(),
        }
    )
    return context


def phone_context(session, participant=None):
    context = common_context(session)
    context.update(
        {
            "participant": participant,
            "face_down_cards": list(session.face_down_cards()) if session.is_spread else [],
        }
    )
    return context


def summary_context(session):
    cards = list(
        session.shown_cards().annotate(
            answer_count=Count("answers"),
            hidden_count=Count("answers", filter=Q(answers__is_hidden=True)),
        )
    )
    answers = Answer.objects.filter(session_card__session=session).select_related(
        "participant", "session_card"
    )
    by_card = {}
    for answer in answers:
        by_card.setdefault(answer.session_card_id, []).append(answer)
    people = session.participants.count()
    for card in cards:
        card.summary_answers = by_card.get(card.pk, [])
        card.participation = round(100 * card.answer_count / people) if people else 0
    return {"session": session, "cards": cards, "people": people}
