"""The story archive: customer memories that participants agreed to share."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager


class Valence(models.TextChoices):
    VALUED = "valued", _("Made me feel valued")
    FRUSTRATED = "frustrated", _("Left me frustrated")
    MIXED = "mixed", _("Mixed")


class Story(models.Model):
    """A memory in the archive. It exists only where its author consented to share it."""

    class Status(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HIDDEN = "hidden", _("Hidden by a moderator")
        WITHDRAWN = "withdrawn", _("Withdrawn by its author")

    class CxLevel(models.TextChoices):
        JOBS_DONE = "jobs_done", _("Help me get my jobs done")
        MOMENT = "moment", _("Help me have a moment")
        BE_MORE = "be_more", _("Help me be more")

    text = models.TextField(_("memory"), blank=True)
    prompt = models.CharField(_("question asked"), max_length=300)
    author_name = models.CharField(
        _("author"), max_length=60, blank=True, help_text=_("Empty when shared anonymously.")
    )
    valence = models.CharField(_("feeling"), max_length=12, choices=Valence.choices, blank=True)
    share_with = models.TextField(_("who they would share it with, and why"), blank=True)
    cx_level = models.CharField(_("CX level"), max_length=12, choices=CxLevel.choices, blank=True)
    tags = TaggableManager(_("tags"), blank=True)
    session = models.ForeignKey(
        "live_sessions.LiveSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
    )
    answer = models.OneToOneField(
        "live_sessions.Answer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="story",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VISIBLE
    )
    is_featured = models.BooleanField(_("featured"), default=False)
    created_at = models.DateTimeField(_("shared"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")

    def __str__(self):
        return self.text[:60] or _("(withdrawn)")

    def withdraw(self):
        """Erase what the author shared; only the fact that a story was withdrawn remains."""
        self.text = ""
        self.share_with = ""
        self.author_name = ""
        self.status = self.Status.WITHDRAWN
        self.is_featured = False
        self.save()
        self.tags.clear()
