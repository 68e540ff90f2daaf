"""What the server's logs may hold: no room key, participant token, join code or client
address, whatever a URL carries (README, "Security and your data"). settings.LOGGING puts
these filters on the loggers that would write them.

Uvicorn writes a line for every WebSocket handshake at INFO even with its access log off, made
of the client's address and the URL with its query string
(`127.0.0.1:50312 - "WebSocket /ws/live/7/room/?key=…" [accepted]`); its access log lines are
made the same way. Django's warnings about 4xx and 5xx answers name the path, and a path can
be a private link (`/stories/mine/<token>/`) or a join code.
"""

import logging


class WithoutClientLines(logging.Filter):
    """Drops Uvicorn's lines about one client's request, which begin with its address."""

    def filter(self, record):
        return not str(record.msg).startswith('%s - "')


class RoutesForPaths(logging.Filter):
    """Names the route a request matched (`stories/mine/<token:token>/`) instead of its path."""

    def filter(self, record):
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if path is not None and isinstance(record.args, tuple) and path in record.args:
            match = getattr(request, "resolver_match", None)
            route = f"/{match.route}" if match else "(a path that matches no route)"
            record.args = tuple(route if arg == path else arg for arg in record.args)
        return True
