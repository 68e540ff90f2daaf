from django.urls import path

from sessions import consumers

websocket_urlpatterns = [
    path("ws/live/<int:pk>/host/", consumers.HostConsumer.as_asgi()),
    path("ws/live/<int:pk>/room/", consumers.RoomConsumer.as_asgi()),
    path("ws/join/<joincode:code>/", consumers.PhoneConsumer.as_asgi()),
]
