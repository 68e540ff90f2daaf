"""Which participant a phone is: remembered in the phone's Django session cookie."""

from sessions.models import Participant

SESSION_KEY = "live_participants"


def participant_for(django_session, live_session):
    """The participant this browser joined `live_session` as, or None."""
    if django_session is None:
        return None
    participant_id = django_session.get(SESSION_KEY, {}).get(str(live_session.pk))
    if participant_id is None:
        return None
    return Participant.objects.filter(pk=participant_id, session=live_session).first()


def remember(django_session, participant):
    joined = dict(django_session.get(SESSION_KEY, {}))
    joined[str(participant.session_id)] = participant.pk
    django_session[SESSION_KEY] = joined
