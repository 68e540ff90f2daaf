from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveSessionsConfig(AppConfig):
    # The label "sessions" belongs to django.contrib.sessions.
    name = "sessions"
    label = "live_sessions"
    verbose_name = _("Live sessions")
