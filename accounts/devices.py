"""Known devices: a browser that has logged in to an account (or set its password from a reset
link) keeps a signed cookie saying so, and passes the log-in limits for that account. Someone
guessing the password from anywhere else slows only themselves; the owner is never locked out.

The cookie holds a keyed hash of the account's e-mail address, not the address, so a shared
computer does not show whose it was; it is signed and dated, and lasts a year."""

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

COOKIE = "cxw_device"
SALT = "accounts.devices"
MAX_AGE = 365 * 24 * 60 * 60


def fingerprint(email):
    return salted_hmac(SALT, email.strip().lower()).hexdigest()


def remember(response, user):
    """Mark the browser that gets `response` as a known device of `user`."""
    response.set_signed_cookie(
        COOKIE,
        fingerprint(user.email),
        salt=SALT,
        max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def is_known(request, email):
    """True when this browser has logged in to the account with this e-mail address."""
    try:
        held = request.get_signed_cookie(COOKIE, salt=SALT, max_age=MAX_AGE)
    except (KeyError, signing.BadSignature):
        return False
    return constant_time_compare(held, fingerprint(email))
