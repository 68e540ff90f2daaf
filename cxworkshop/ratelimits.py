"""Rate limits on what people (or scripts) can repeat, all declared here as `Limit`s and
checked with `refuse` (or the `limit_posts` decorator): over a limit, a 429 page (or, for
htmx, the view's own fragment) that says why, never an error. Counts live in the cache (Redis
with REDIS_URL, shared by workers); keys are hashed into the cache key and expire with their
window. A socket can use the same declarations: a limit keyed on its context (a participant,
a session) reads nothing else from the request, so a consumer can call
`ANSWER.count(None, participant=participant)` from a thread (the cache is synchronous)."""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import _get_ip, get_usage

ADDRESS = "ip"  # the client's address (an IPv6 client's /64), as django-ratelimit reads it


def everyone(request, **context):
    """One count shared by every client: a budget for all of them together."""
    return "all"


def posted_address(request, **context):
    """The e-mail address typed into a log-in form, trimmed and lower-cased."""
    return request.POST.get("username", "").strip().lower()


def of_session(request, *, session, **context):
    return str(session.pk)


def address_in_session(request, *, session, **context):
    """The client's address, as `ADDRESS` reads it (django-ratelimit's own reading, so that
    one rule says what an address is), within one session: what one network does to one room
    leaves its other rooms, and its own sessions, out of it."""
    return f"{session.pk}:{_get_ip(request)}"


def of_link(request, *, link, **context):
    return str(link.pk)


def address_on_link(request, *, link, **context):
    """The client's address (as `ADDRESS` reads it) on one story link: an office sending its
    stories leaves the other links out of it."""
    return f"{link.pk}:{_get_ip(request)}"


def of_participant(request, *, participant, **context):
    return participant.token


def of_device(request, *, device, **context):
    return device


def typed_email(request, *, email, **context):
    return email.strip().lower()


def reset_link_state(request, *, user, **context):
    """What Django's password reset links are made from: once it changes (a log-in, a new
    password), the links already sent stop working, and so a new one may go at once."""
    return f"{user.pk}:{user.password}:{user.last_login}"


def typed_code(request, *, code, **context):
    return code


@dataclass(frozen=True)
class Limit:
    """At most `rate` (the name of a setting, read when counting, such as "10/5m") per value
    of `key`: `ADDRESS`, or `key(request, **context)`. With `distinct`, a value of
    `distinct(request, **context)` seen again in the same window is not counted again."""

    group: str
    key: str | Callable[..., str]
    rate: str
    message: str = ""
    distinct: Callable[..., str] | None = None

    def usage(self, request, context, *, increment, group=None):
        def value(group, request):
            return self.key(request, **context)

        key = value if callable(self.key) else self.key
        rate = getattr(settings, self.rate)
        # None when the cache cannot be reached: limits then open up (RATELIMIT_FAIL_OPEN).
        return get_usage(request, group or self.group, key=key, rate=rate, increment=increment)

    def count(self, request, **context):
        """Count one more; true when the count is now over the rate."""
        increment = True
        if self.distinct:
            # A first sighting in this window is counted, a repeat only compared: the marker's
            # own window is the same one (same key, same period), so both end together.
            seen = self.usage(
                request,
                context,
                increment=True,
                group=f"{self.group}:{self.distinct(request, **context)}",
            )
            increment = seen is None or seen["count"] == 1
        usage = self.usage(request, context, increment=increment)
        return bool(usage and usage["should_limit"])

    def is_over(self, request, **context):
        """True when the count is already over the rate, without counting."""
        usage = self.usage(request, context, increment=False)
        return bool(usage and usage["count"] >= usage["limit"])


# Live sessions. A join of an open session is not a guess: a whole room may join from one
# address. Only codes that match no session count as guesses, each different code once
# (README, "Security": the arithmetic).
WRONG_CODES = _(
    "Too many wrong join codes were tried from this network. Check the code on the room "
    "screen: the right code still works."
)
JOIN_MISS = Limit("join-miss", ADDRESS, "JOIN_MISS_RATE", WRONG_CODES, distinct=typed_code)
JOIN_MISS_ALL = Limit(
    "join-miss-all", everyone, "JOIN_MISS_ALL_RATE", WRONG_CODES, distinct=typed_code
)
# Joins of an open session count only once they add someone (sessions/views.py `join`): a
# form sent with a mistake, a second tap that finds the participant the first made, or a join
# the session's end refused adds nobody, so a flood of them from one script uses up no budget
# a real phone needs. People added are bounded per address in the session, and, higher, per
# session over all addresses (so one network never uses all of a session's budget); posts
# with a mistake are bounded per address in the session on their own.
JOIN_ADDRESS = Limit(
    "join-address",
    address_in_session,
    "JOIN_ADDRESS_RATE",
    _("So many people joined this session from this network just now. Wait a minute."),
)
JOIN_SESSION = Limit(
    "join-session",
    of_session,
    "JOIN_SESSION_RATE",
    _("So many people joined this session just now. Wait a minute."),
)
JOIN_INVALID = Limit(
    "join-invalid",
    address_in_session,
    "JOIN_INVALID_RATE",
    _(
        "Too many join forms with a mistake came from this network. Wait a minute, then "
        "check your name and try again."
    ),
)
ANSWER = Limit(
    "answer",
    of_participant,
    "ANSWER_RATE",
    _("That was a lot of answers at once. Wait a minute."),
)
RENAME = Limit(
    "rename",
    of_participant,
    "RENAME_RATE",
    _("That was a lot of new names at once. Wait a few minutes, then try again."),
)
# Reactions: a room taps many, and each tap may take one back; a script tapping without end
# is stopped (every change is one live update of the room's counts).
REACTION = Limit(
    "reaction",
    of_participant,
    "REACTION_RATE",
    _("That was a lot of reactions at once. Wait a moment."),
)

# Story links: anyone with the address may tell a story, and a whole office may do so from one
# network address. Every post to a link is counted per address on that link (generous: an
# office's stories in an hour fit) and, higher, over all addresses (a bound on a flood). Each
# e-mail address gets a few private-link mails an hour, so the form cannot be used to flood
# someone's inbox: past that the story is still taken, its page shows the link, no mail goes.
TELL_ADDRESS = Limit(
    "tell-address",
    address_on_link,
    "TELL_ADDRESS_RATE",
    _(
        "So many stories came through this link from your network just now. Your story was "
        "not sent: copy it somewhere safe and try again in an hour."
    ),
)
TELL_LINK = Limit(
    "tell-link",
    of_link,
    "TELL_LINK_RATE",
    _(
        "This story link received so many stories just now that it is pausing. Your story was "
        "not sent: copy it somewhere safe and try again in an hour."
    ),
)
TELL_MAIL = Limit("tell-mail", typed_email, "TELL_MAIL_RATE")


# Digest invitations: each one mails a confirmation link to an address that never asked, so a
# staff member's invitations (and resent confirmations) are bounded, and each address gets a few
# confirmation mails a day whoever asks.
def signed_in_user(request, **context):
    return str(request.user.pk)


DIGEST_INVITE = Limit(
    "digest-invite",
    signed_in_user,
    "DIGEST_INVITE_RATE",
    _("You have sent a lot of invitations just now. Nothing was sent: try again in an hour."),
)
DIGEST_ADDRESS = Limit(
    "digest-address",
    typed_email,
    "DIGEST_ADDRESS_RATE",
    _(
        "This address has had several confirmation mails today. Nothing was sent: ask its "
        "owner to look for the last one, or try again tomorrow."
    ),
)

# Accounts. A known device (accounts/devices.py) passes the per-address and per-account log-in
# limits, up to its own count of wrong passwords: guessing from anywhere else cannot lock the
# owner out, and a copied cookie does not guess without limit.
LOGIN_ADDRESS = Limit(
    "login",
    ADDRESS,
    "LOGIN_RATE",
    _("Too many tries to log in from this network. Wait a few minutes, or reset your password."),
)
LOGIN_ACCOUNT = Limit(
    "login-account",
    posted_address,
    "LOGIN_RATE",
    _(
        "Too many wrong passwords were tried for this account lately. You can still log in "
        "from a device you have logged in with before, or reset your password: the link in "
        "the mail works at once. Otherwise, try again in a few minutes."
    ),
)
LOGIN_DEVICE = Limit("login-device", of_device, "LOGIN_RATE")
SIGNUP = Limit(
    "signup",
    ADDRESS,
    "SIGNUP_RATE",
    _("Too many accounts created from this network. Try again in an hour."),
)
# Password reset refuses nobody and the page says the same whether a mail went or not. One
# mail per account in each PASSWORD_RESET_MAIL_RATE window while its link still works; from an
# address that has asked for more different accounts than PASSWORD_RESET_RATE, one an hour
# (PASSWORD_RESET_CROWDED_MAIL_RATE, counting mails sent): a suppressed mail always leaves a
# working link in the inbox, so a flood beside the owner never stops the owner's reset.
PASSWORD_RESET = Limit("password-reset", ADDRESS, "PASSWORD_RESET_RATE", distinct=typed_email)
PASSWORD_RESET_MAIL = Limit("password-reset-mail", reset_link_state, "PASSWORD_RESET_MAIL_RATE")
PASSWORD_RESET_CROWDED_MAIL = Limit(
    "password-reset-crowded-mail", reset_link_state, "PASSWORD_RESET_CROWDED_MAIL_RATE"
)


def too_many(request, message, fragment=None):
    """The 429 answer: for htmx with a `(template, context)` fragment, that fragment with the
    message as `problem`; otherwise the page, whose "Go back" link goes to the page the
    visitor came from on this site."""
    if fragment and request.htmx:
        template, context = fragment
        return render(request, template, {**context, "problem": message}, status=429)
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("home")
    return render(request, "too_many.html", {"message": message, "back": back}, status=429)


def refuse(request, *limits, fragment=None, **context):
    """Count this request against every limit (each is counted, so none is skipped by
    another); the 429 answer of the first one over, or None when none is."""
    over = [limit for limit in limits if limit.count(request, **context)]
    return too_many(request, over[0].message, fragment) if over else None


def limit_posts(*limits):
    """A view decorator: each POST counted against `limits`, over any of them the 429 page."""

    def decorate(view):
        @functools.wraps(view)
        def limited(request, *args, **kwargs):
            if request.method == "POST" and (refusal := refuse(request, *limits)):
                return refusal
            return view(request, *args, **kwargs)

        return limited

    return decorate
