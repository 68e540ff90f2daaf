"""WebSocket routes of every app."""

from sessions.routing import websocket_urlpatterns as live_session_sockets

websocket_urlpatterns = [*live_session_sockets]
