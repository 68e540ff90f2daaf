"""Who sees which language: the one owner of that rule.

- A participant's phone: the participant's own language (`Participant.language`), taken from
  their browser when they join and changed with the switch on the phone.
- The room screen: the session's language (`LiveSession.language`), chosen at start and
  defaulting to the deck's.
- A facilitator's pages: their account's setting (`User.language`), else their browser's.
- Anyone else (a visitor, the join page before joining): their browser's.

"Their browser's" is Django's own choice (the language cookie, then Accept-Language, then
LANGUAGE_CODE), made by LocaleMiddleware for a request and by `of_browser` for a WebSocket.
Pushed fragments are rendered once per language in use on that screen (sessions/broadcast.py).
"""

from django import forms
from django.conf import settings
from django.contrib import auth
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import trans_real


def shipped():
    """The languages with a complete catalogue, as codes: en, nl, fr, de, es."""
    return [code for code, _name in settings.LANGUAGES]


def choices():
    """(code, the language's own name) for each shipped language: a switch reads "Deutsch"
    whatever language the page is in, so someone who cannot read the page finds theirs."""
    names = [(code, translation.get_language_info(code)["name_local"]) for code in shipped()]
    return [(code, name[:1].upper() + name[1:]) for code, name in names]  # as pickers write it


def supported(code):
    """The shipped language for `code` ("de-AT" -> "de"), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def of_browser(cookies, accept_language):
    """What LocaleMiddleware chooses for a request, from a WebSocket's cookies and header."""
    chosen = supported(cookies.get(settings.LANGUAGE_COOKIE_NAME, ""))
    if chosen:
        return chosen
    for code, _quality in trans_real.parse_accept_lang_header(accept_language or ""):
        if code != "*" and (chosen := supported(code)):
            return chosen
    return supported(settings.LANGUAGE_CODE) or settings.LANGUAGE_CODE


def of_scope(scope):
    """The browser's language of a WebSocket's connection."""
    headers = dict(scope.get("headers") or ())
    accept = headers.get(b"accept-language", b"").decode("latin-1")
    return of_browser(scope.get("cookies") or {}, accept)


def for_facilitator(user, browser_language):
    """A signed-in user's pages: their own setting, else their browser's language."""
    return supported(getattr(user, "language", "")) or browser_language


def of_room(session):
    """The room screen's language: its session's."""
    return session.language


def of_phone(participant):
    """A phone's language: its person's (their browser's when they joined, or their choice)."""
    return participant.language


def room_default(deck, facilitators_language):
    """A new session's room language: its deck's where the app speaks it, else the
    facilitator's own."""
    return supported(deck.language if deck else "") or facilitators_language


class LanguageForm(forms.Form):
    """A phone's switch: one of the shipped languages, each named in itself."""

    language = forms.ChoiceField(label=_("Language"), choices=choices)


def remember_in_browser(response, code):
    """The browser's language cookie, so pages that follow the browser (the join page, the
    log-in page) follow this choice too."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
    )
    return response


def activate(request, code):
    """Use `code` for the rest of this request (the response's Content-Language included)."""
    translation.activate(code)
    request.LANGUAGE_CODE = translation.get_language()


# A signed-in user's own setting, kept in their Django session ("" for their browser's), so
# that choosing the language costs a request no query (an error page asks nothing of the
# database): written when they log in and when they change it (`remember_account_language`).
ACCOUNT_LANGUAGE = "account_language"


def remember_account_language(request, user):
    request.session[ACCOUNT_LANGUAGE] = supported(user.language) or ""


def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember_account_language(request, user)


class AccountLanguageMiddleware:
    """After LocaleMiddleware (the browser's language) and authentication: a signed-in user's
    own setting wins. Pages that belong to a room or a phone choose theirs in their views."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and auth.SESSION_KEY in session:
            if ACCOUNT_LANGUAGE not in session and request.user.is_authenticated:
                remember_account_language(request, request.user)  # logged in before it was kept
            chosen = supported(session.get(ACCOUNT_LANGUAGE)) or request.LANGUAGE_CODE
            if chosen != request.LANGUAGE_CODE:
                activate(request, chosen)
        return self.get_response(request)
