"""Who may do what on a live session: the one place that decides, for the HTTP views and the
WebSocket consumers alike.

- The **facilitator** runs their own sessions (logged in; staff get no exception), with the
  **co-facilitators** they added: the same console, commands, moderation, room screen and
  summary, for that session only, until the facilitator removes them (at once: their next
  request is refused and their open sockets are closed). Only the facilitator adds or removes
  co-facilitators.
- The **room screen** shows a session to its facilitator, or to a browser holding the room's
  secret key. The key travels in a cookie, never in a URL that gets logged: the private link
  (`/live/<pk>/room/?key=…`) sets the cookie and redirects to the clean room URL, and the room
  page and its socket read the cookie.
- A **participant** is whoever this browser joined a session as, remembered in the phone's
  Django session cookie, until the facilitator removes them: a removed participant's browser
  can do nothing more in that session (`REMOVED` says why).
- A **join code** names the newest session that used it (open or ended: an ended one still
  thanks its phones).

The functions that take a request answer in HTTP terms (403, 404, a log-in redirect); the
others return None when access is refused, which the consumers turn into a refused socket.
"""

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxworkshop import languages
from sessions.models import LiveSession, Participant

PARTICIPANTS_KEY = "live_participants"  # in the Django session: {live session pk: participant pk}
ROOM_KEY_COOKIE = "room_key"  # path: the room page
ROOM_SOCKET_COOKIE = "room_socket_key"  # path: the room's socket
REMOVED = gettext_lazy("The facilitator removed you from this session.")
CO_FACILITATOR_REMOVED = gettext_lazy(
    "%(facilitator)s removed you as co-facilitator of this session."
)


# Facilitator


def sessions_run_by(user):
    """The sessions `user` may run: their own and those they co-facilitate. The one rule of
    "may run this session"."""
    if user is None or not user.is_authenticated:
        return LiveSession.objects.none()
    return LiveSession.objects.filter(
        Q(facilitator=user) | Q(pk__in=user.co_facilitated_sessions.values("pk"))
    )


def session_run_by(user, pk):
    """Session `pk` if `user` may run it (its facilitator or a co-facilitator), else None."""
    return sessions_run_by(user).live().filter(pk=pk).first()


def is_facilitator_of(session, user):
    """Whether `user` is the session's own facilitator (not a co-facilitator)."""
    return user is not None and user.is_authenticated and session.facilitator_id == user.pk


def hosted_session(request, pk):
    """A session run by the logged-in facilitator: 403 for anyone else who is not logged in
    (participants included), 404 for another facilitator."""
    if not request.user.is_authenticated:
        raise PermissionDenied(_("Only the facilitator can do this."))
    session = session_run_by(request.user, pk)
    if session is None:
        raise Http404
    return session


def facilitated_session(request, pk):
    """A session whose own facilitator is logged in, for what only they may do (add or remove
    co-facilitators): 403 for a co-facilitator and for anyone not logged in, 404 for any other
    facilitator."""
    session = hosted_session(request, pk)
    if not is_facilitator_of(session, request.user):
        raise PermissionDenied(
            _("Only the session's facilitator can add or remove co-facilitators.")
        )
    return session


# Room screen


def holds_room_key(session, key):
    # Compared as bytes: compare_digest refuses str with characters beyond ASCII.
    return bool(key) and secrets.compare_digest(key.encode(), session.room_key.encode())


def room_session(user, pk, key):
    """Session `pk` for its room screen: its facilitator's, or whoever holds the room key."""
    session = session_run_by(user, pk)
    if session is not None:
        return session
    session = LiveSession.objects.live().filter(pk=pk).first()
    return session if session is not None and holds_room_key(session, key) else None


def room_screen_session(request, pk):
    """The room page's session (by login or the key's cookie); None if refused."""
    return room_session(request.user, pk, request.COOKIES.get(ROOM_KEY_COOKIE, ""))


def room_socket_session(scope, pk):
    return room_session(scope.get("user"), pk, scope.get("cookies", {}).get(ROOM_SOCKET_COOKIE, ""))


def room_socket_by_login(scope, session):
    """Whether the room's socket was let in by its user's login alone (not the room key): it
    is closed when that user stops running the session."""
    return not holds_room_key(session, scope.get("cookies", {}).get(ROOM_SOCKET_COOKIE, ""))


def room_paths(session):
    return {
        ROOM_KEY_COOKIE: reverse("live_sessions:room", args=[session.pk]),
        ROOM_SOCKET_COOKIE: f"/ws/live/{session.pk}/room/",
    }


def grant_room(response, pk, key):
    """The private link: if `key` is session `pk`'s room key, let this browser show its room
    screen by setting the key in two cookies, each sent only to the room page or to its
    socket. HttpOnly (no script reads it), SameSite=Lax (the link may be opened from an
    e-mail or a chat), Secure over HTTPS like the session cookie."""
    session = LiveSession.objects.filter(pk=pk).first()
    if session is None or not holds_room_key(session, key):
        return response
    for name, path in room_paths(session).items():
        response.set_cookie(
            name,
            session.room_key,
            path=path,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


# Participant


def session_by_code(code):
    """The newest session with this join code, open or ended; None if there is none."""
    return LiveSession.objects.live().filter(join_code=code).order_by("-created_at").first()


def remembered(django_session, live_session):
    """The participant this browser joined `live_session` as, removed or not; or None."""
    if django_session is None or live_session is None:
        return None
    participant_id = django_session.get(PARTICIPANTS_KEY, {}).get(str(live_session.pk))
    if participant_id is None:
        return None
    return Participant.objects.filter(pk=participant_id, session=live_session).first()


def participant_for(django_session, live_session):
    """The participant this browser joined `live_session` as, or None (also once removed)."""
    participant = remembered(django_session, live_session)
    return None if participant is None or participant.is_removed else participant


def was_removed(django_session, live_session):
    """Whether the facilitator removed the participant this browser joined as."""
    participant = remembered(django_session, live_session)
    return participant is not None and participant.is_removed


def remember(django_session, participant):
    joined = dict(django_session.get(PARTICIPANTS_KEY, {}))
    joined[str(participant.session_id)] = participant.pk
    django_session[PARTICIPANTS_KEY] = joined


def joined_participant(django_session, code):
    """(session, participant) for the session with this code and this browser's participant
    in it; either may be None."""
    session = session_by_code(code)
    return session, participant_for(django_session, session)


def participant_or_403(request, code):
    session, participant = joined_participant(request.session, code)
    if participant is None:
        if was_removed(request.session, session):
            raise PermissionDenied(REMOVED)
        raise PermissionDenied(_("Join the session first."))
    # The phone's own language, whatever the browser says (cxworkshop/languages.py).
    languages.activate(request, languages.of_phone(participant))
    return session, participant
