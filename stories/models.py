"""The story archive: customer memories that participants agreed to share."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import Tag


class Valence(models.TextChoices):
    VALUED = "valued", _("Made me feel valued")
    FRUSTRATED = "frustrated", _("Left me frustrated")
    MIXED = "mixed", _("Mixed")


class Consent(models.TextChoices):
    """What a participant said about their memory going into the archive."""

    NONE = "none", _("No, keep it in this room")
    NAMED = "named", _("Yes, with my name")
    ANONYMOUS = "anonymous", _("Yes, anonymously")
    WITHDRAWN = "withdrawn", _("Shared, then withdrawn")


class StoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Stories a signed-in user may open.

        Everyone sees visible stories; staff also see hidden ones, and a facilitator
        sees the hidden stories of their own sessions (so they can moderate them).
        Withdrawn stories have no text left and are shown to nobody.
        """
        stories = self.exclude(status=Story.Status.WITHDRAWN)
        if user.is_staff:
            return stories
        return stories.filter(Q(status=Story.Status.VISIBLE) | Q(session__facilitator=user))

    def tag_counts(self):
        """The tags of these stories, each with how many carry it (`n`), most used first."""
        return (
            Tag.objects.filter(
                taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(Story),
                taggit_taggeditem_items__object_id__in=self.values("pk"),
            )
            .annotate(n=Count("id"))
            .order_by("-n", "name")
        )

    def published(self):
        """Stories that may leave the app: in exports, digests and insights."""
        return self.filter(status=Story.Status.VISIBLE)


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
    # The author's private link (their participant's token), kept with the story so they can
    # still withdraw it after the session or the facilitator's account is deleted.
    author_token = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VISIBLE
    )
    is_featured = models.BooleanField(_("featured"), default=False)
    # A moderator's decision outlives the story's text: if its author takes the story back and
    # shares it again, it comes back hidden (stories.sharing).
    hidden_by_moderator = models.BooleanField(default=False, editable=False)
    # Who decided: a facilitator may show again what they hid, never what staff hid.
    hidden_by_staff = models.BooleanField(default=False, editable=False)
    # A default rather than auto_now_add, so seeded archives can spread over time.
    created_at = models.DateTimeField(_("shared"), default=timezone.now, editable=False)

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="story_status_newest"),
            models.Index(fields=["status", "valence"], name="story_status_valence"),
            models.Index(fields=["status", "cx_level"], name="story_status_level"),
            models.Index(
                fields=["-created_at"],
                condition=Q(is_featured=True),
                name="story_featured_newest",
            ),
        ]

    def __str__(self):
        # A number, not the memory: the admin's log keeps this name after the words are erased.
        return _("Story %(number)s") % {"number": self.pk}

    def get_absolute_url(self):
        return reverse("stories:story-detail", args=[self.pk])

    @property
    def author_label(self):
        return self.author_name or _("Anonymous")

    @property
    def is_visible(self):
        return self.status == self.Status.VISIBLE

    @property
    def is_hidden(self):
        return self.status == self.Status.HIDDEN

    def can_curate(self, user):
        """Featuring, levels and tags shape the whole archive: staff only."""
        return user.is_staff

    def set_featured(self, featured):
        self.is_featured = featured and self.is_visible
        self.save(update_fields=["is_featured"])

    @property
    def is_withdrawn(self):
        return self.status == self.Status.WITHDRAWN


class Match(models.Lookup):
    """`document__match`: SQLite's full-text MATCH operator."""

    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class FullTextField(models.TextField):
    """The hidden column of an FTS5 table that stands for the whole row."""


FullTextField.register_lookup(Match)


class StoryIndexEntry(models.Model):
    """A row of SQLite's full-text index of stories. Written by triggers, never by Django."""

    story = models.OneToOneField(
        Story,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="index_entry",
    )
    document = FullTextField(db_column="stories_story_fts")

    class Meta:
        managed = False
        db_table = "stories_story_fts"

    def __str__(self):
        return str(self.story_id)


class Digest(models.Model):
    """A "Feel Good Friday" newsletter: chosen stories, kept so it can be reopened."""

    title = models.CharField(_("title"), max_length=120)
    introduction = models.TextField(_("introduction"), max_length=2000, blank=True)
    date_from = models.DateField(_("stories shared from"), null=True, blank=True)
    date_to = models.DateField(_("until"), null=True, blank=True)
    featured_only = models.BooleanField(_("featured stories only"), default=False)
    stories = models.ManyToManyField(Story, related_name="digests", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="digests",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("digest")
        verbose_name_plural = _("digests")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("stories:digest-detail", args=[self.pk])

    def published_stories(self):
        """Chosen stories still fit to send: hidden or withdrawn ones drop out by themselves."""
        return self.stories.published().prefetch_related("tags").order_by("-created_at", "-id")
