"""WebSockets only from the app's own pages: a handshake whose Origin is not this app's own
origin (scheme, host and port) nor one of DJANGO_CSRF_TRUSTED_ORIGINS is refused.

Browsers send cookies with a WebSocket handshake from any page of the same *site*, and
SameSite=Lax counts http://localhost:9999 as the same site as http://localhost:8861. Channels'
AllowedHostsOriginValidator compares host names only, so a page served on another port (or
over the other scheme) could open the facilitator's console socket with their cookie and read
it, private answers included. The rule here is Django's CSRF origin rule for HTTP: the Origin
must equal the origin the request came to (https when the socket came over TLS, or from a
trusted proxy that says so in X-Forwarded-Proto: Uvicorn's --proxy-headers puts that in the
scope's scheme, which is what Django's request.is_secure() reads), on a host that
ALLOWED_HOSTS accepts; or be trusted by settings.CSRF_TRUSTED_ORIGINS.
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain

# What Django's request.get_host() accepts when DEBUG is on and ALLOWED_HOSTS is empty.
DEBUG_HOSTS = [".localhost", "127.0.0.1", "[::1]"]


def header(scope, name):
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return None


def own_origin(scope):
    """scheme://host[:port] that this socket request came to; None for a host that
    ALLOWED_HOSTS does not accept."""
    host = header(scope, b"host")
    domain, _port = split_domain_port(host or "")
    allowed = settings.ALLOWED_HOSTS or (DEBUG_HOSTS if settings.DEBUG else [])
    if not domain or not validate_host(domain, allowed):
        return None
    scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
    return f"{scheme}://{host}"


def is_trusted(origin):
    """Listed in CSRF_TRUSTED_ORIGINS, exactly or under a wildcard (https://*.example.com)."""
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    try:
        parsed = urlsplit(origin)
    except ValueError:
        return False
    return any(
        trusted.scheme == parsed.scheme and is_same_domain(parsed.netloc, trusted.netloc[1:])
        for trusted in map(urlsplit, settings.CSRF_TRUSTED_ORIGINS)
        if trusted.netloc.startswith("*")
    )


def is_allowed(scope):
    origin = header(scope, b"origin")
    if not origin:
        return False
    here = own_origin(scope)
    return here is not None and (origin == here or is_trusted(origin))


class SameOriginOnly:
    """ASGI middleware: WebSockets pass only if `is_allowed`; others are refused before they
    reach a consumer (the browser sees the handshake fail)."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not is_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
