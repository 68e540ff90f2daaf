"""WebSocket routes. Live sessions add their consumers here."""

websocket_urlpatterns = []
