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
        # A user's own language goes into their session as they log in (cxworkshop/languages.py).
        from django.contrib.auth.signals import user_logged_in

        from cxworkshop import languages

        user_logged_in.connect(languages.on_login, dispatch_uid="account-language")
