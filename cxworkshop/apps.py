"""The project's own infrastructure as an app: what must be in place before any route is read
is set up here, once, when Django starts."""

from django.apps import AppConfig
from django.urls import register_converter

from cxworkshop.converters import JoinCodeConverter, TokenConverter


class CXWorkshopConfig(AppConfig):
    name = "cxworkshop"
    verbose_name = "CX Workshop"

    def ready(self):
        # Before the HTTP routes (sessions/urls.py, stories/urls.py) and the socket routes
        # (sessions/routing.py) that use them are read.
        register_converter(JoinCodeConverter, "joincode")
        register_converter(TokenConverter, "token")
