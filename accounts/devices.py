"""Known devices: a browser that has logged in to an account (or set its password from a reset
link) keeps a signed cookie saying so, and passes the per-address and per-account log-in limits
for that account, so someone guessing the password from anywhere else cannot lock its owner out.

The cookie holds a random name for this one device and a keyed hash of that name with the
account's password hash, as Django's session hash does: it shows nobody whose it was, a copy
of it is one device (with its own limit of wrong passwords, LOGIN_DEVICE), and a new password
makes every device unknown again. It is signed and dated, and lasts a year."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

COOKIE = "cxw_device"
SALT = "accounts.devices"
MAX_AGE = 365 * 24 * 60 * 60


def proof(device, user):
    return salted_hmac(SALT, f"{device}:{user.pk}:{user.password}", algorithm="sha256").hexdigest()


def remember(response, user):
    """Mark the browser that gets `response` as a new known device of `user`."""
    device = secrets.token_urlsafe(18)
    response.set_signed_cookie(
        COOKIE,
        f"{device}:{proof(device, user)}",
        salt=SALT,
        max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def known_device(request, email):
    """This browser's device name when it has logged in to the account with this e-mail
    address since the account's password last changed; otherwise None."""
    try:
        held = request.get_signed_cookie(COOKIE, salt=SALT, max_age=MAX_AGE)
    except (KeyError, signing.BadSignature):
        return None
    device, _, held_proof = held.partition(":")
    try:
        user = get_user_model()._default_manager.get_by_natural_key(email.strip())
    except get_user_model().DoesNotExist:
        return None
    return device if constant_time_compare(held_proof, proof(device, user)) else None
