from django.apps import AppConfig
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = _("Story archive")

    def ready(self):
        from stories import sharing

        # Answers also go in cascades (a session, a participant, an account deleted), which
        # call no method of theirs: only a signal sees every one.
        pre_delete.connect(
            sharing.answer_deleted, sender="live_sessions.Answer", dispatch_uid="answer-erased"
        )
