"""The story archive: customer memories that their tellers agreed to share, wherever they were
told (a live session, a story link, an interview recorded by hand, an imported spreadsheet)."""

import datetime
import functools
import secrets
import zoneinfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
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


class Source(models.TextChoices):
    """Where a story came from."""

    SESSION = "session", _("A live session")
    LINK = "link", _("A story link")
    HAND = "hand", _("Added by hand")
    IMPORT = "import", _("Imported")


class StoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Stories a signed-in user may open.

        Everyone sees visible stories; staff also see hidden ones and those waiting for
        moderation, and a facilitator sees the hidden stories of their own sessions and of
        those they recorded by hand (so they can moderate them). Withdrawn and rejected
        stories have no text left and are shown to nobody.
        """
        stories = self.exclude(status__in=Story.GONE)
        if user.is_staff:
            return stories
        return stories.filter(
            Q(status=Story.Status.VISIBLE)
            | Q(status=Story.Status.HIDDEN, session__facilitator=user)
            | Q(status=Story.Status.HIDDEN, added_by=user)
        )

    def joined_between(self, start, end):
        """Stories that joined the archive from `start` until before `end`: when published from
        the moderation queue, else when shared. A story told on Thursday and published on
        Monday belongs to Monday's week, so a weekly digest neither misses nor repeats it."""
        joined = Coalesce("published_at", "created_at")
        return self.alias(joined_at=joined).filter(joined_at__gte=start, joined_at__lt=end)

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


# What the archive's filter counts read of each story, in one index (see Story.Meta).
FACET_FIELDS = ("status", "session", "valence", "cx_level", "source", "is_featured")


class Story(models.Model):
    """A memory in the archive. It exists only where its author consented to share it."""

    class Status(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HIDDEN = "hidden", _("Hidden by a moderator")
        WITHDRAWN = "withdrawn", _("Withdrawn by its author")
        PENDING = "pending", _("Waiting for moderation")
        REJECTED = "rejected", _("Rejected by a moderator")

    # Stories whose words are erased: nobody opens them, nothing counts them.
    GONE = (Status.WITHDRAWN, Status.REJECTED)

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
    # The language it was told in: its search stems and its stop words are that language's
    # (stories/search.py, stories/distinctive.py). Set where stories are made (stories/sharing.py).
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
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
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.SESSION
    )
    submission_link = models.ForeignKey(
        "stories.SubmissionLink",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
        verbose_name=_("story link"),
    )
    # Who recorded a story told elsewhere (by hand or in an import), and how its teller agreed.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories_added",
        verbose_name=_("added by"),
    )
    consent_note = models.CharField(
        _("how the teller agreed"),
        max_length=300,
        blank=True,
        help_text=_("For example: asked at the end of the interview on 2 December."),
    )
    credits = models.ManyToManyField(
        "stories.Credit", related_name="stories", blank=True, verbose_name=_("made it happen")
    )
    # The author's private link (their participant's token, or a token of their own for a story
    # told through a link), kept with the story so they can still withdraw it after the session
    # or the facilitator's account is deleted.
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
    # When staff published it from the moderation queue; a story that joined the archive as it
    # was shared has none (`joined_between` reads created_at for it).
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        # The archive's pages, filtered or not, newest first; and its filter counts, read
        # from the indexes alone (stories/facets.py; measured in bench/archive_search.py).
        indexes = [
            models.Index(fields=["status", "-created_at"], name="story_status_newest"),
            models.Index(fields=["status", "valence", "-created_at"], name="story_valence_newest"),
            models.Index(fields=["status", "cx_level", "-created_at"], name="story_level_newest"),
            models.Index(fields=["status", "source", "-created_at"], name="story_source_newest"),
            models.Index(fields=[*FACET_FIELDS], name="story_facets"),
            models.Index(fields=["id", *FACET_FIELDS], name="story_facets_by_id"),
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

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def is_gone(self):
        return self.status in self.GONE

    @property
    def is_rejected(self):
        return self.status == self.Status.REJECTED

    @property
    def came_through_link(self):
        return self.source == Source.LINK

    @property
    def was_added_by_hand(self):
        return self.source == Source.HAND

    @property
    def was_imported(self):
        return self.source == Source.IMPORT


class Credit(models.Model):
    """A person or a team a story credits with making the experience happen.

    Named only beside published stories: a credit's page, the archive's filter and the digest's
    shout-outs count published stories alone, so a credit from a story waiting for moderation,
    hidden or withdrawn names nobody.
    """

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        TEAM = "team", _("Team")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120, allow_unicode=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("credit")
        verbose_name_plural = _("credits")
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="credit_unique_kind_slug")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stories:credit-detail", args=[self.kind, self.slug])

    @property
    def is_team(self):
        return self.kind == self.Kind.TEAM

    @property
    def label(self):
        """The name as pages show it: a team says it is one."""
        if self.is_team:
            return _("%(name)s (team)") % {"name": self.name}
        return self.name


def new_link_token():
    return secrets.token_urlsafe(16)


class SubmissionLink(models.Model):
    """A "tell us your story" page anyone with its address can open, without an account.

    What it receives waits for moderation (Story.Status.PENDING) until staff publish it.
    """

    campaign = models.CharField(
        _("campaign"),
        max_length=120,
        blank=True,
        help_text=_("Optional, for example “Customer week 2027”."),
    )
    introduction = models.TextField(
        _("introduction"),
        max_length=2000,
        blank=True,
        help_text=_("A few words at the top of the form. Optional."),
    )
    token = models.CharField(max_length=32, unique=True, default=new_link_token, editable=False)
    is_open = models.BooleanField(_("open for stories"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="submission_links",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("story link")
        verbose_name_plural = _("story links")

    def __str__(self):
        return self.campaign or _("Story link %(number)s") % {"number": self.pk}


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
    # A digest a schedule made for its period (stories.delivery), and how it went out.
    schedule = models.ForeignKey(
        "stories.DigestSchedule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digests",
    )
    period_start = models.DateTimeField(null=True, blank=True, editable=False)
    period_end = models.DateTimeField(null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digests_approved",
        editable=False,
    )
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "period_start"], name="digest_once_per_period"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("stories:digest-detail", args=[self.pk])

    @property
    def is_scheduled(self):
        return self.schedule_id is not None

    @property
    def is_approved(self):
        return self.approved_at is not None

    @property
    def is_sent(self):
        return self.sent_at is not None

    @property
    def can_be_deleted(self):
        """A schedule's digest is the record that its week was made (and maybe mailed):
        deleting it would make that week's draft, and its mail, again."""
        return not self.is_scheduled

    @property
    def can_be_edited(self):
        """A digest that went out is the record of what its readers got: it stays as sent."""
        return not self.is_sent

    @property
    def awaits_approval(self):
        """A scheduled draft that goes out only once staff approve it (stories.delivery): its
        schedule waits for approval, or stopped waiting only after the draft was made."""
        return (
            self.is_scheduled
            and not self.is_sent
            and not self.is_approved
            and (self.schedule.needs_approval or self.period_end < self.schedule.changed_at)
        )

    def published_stories(self):
        """Chosen stories still fit to send: hidden or withdrawn ones drop out by themselves."""
        return self.stories.published().prefetch_related("tags").order_by("-created_at", "-id")


# Feel Good Fridays by mail: who receives the digest, when it goes out, and what was sent to
# whom (stories.delivery owns the rules; these are the records).


def new_subscription_token():
    return secrets.token_urlsafe(24)


@functools.cache
def time_zone_names():
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(name):
    if name not in time_zone_names():
        raise ValidationError(
            _("“%(name)s” is not a time zone we know. Choose one from the list, such as "
              "Europe/London."),
            code="unknown_time_zone",
            params={"name": str(name)[:64]},
        )  # fmt: skip


class SubscriptionQuerySet(models.QuerySet):
    def live(self):
        """Not unsubscribed: at most one a row per address (the constraint)."""
        return self.filter(unsubscribed_at__isnull=True)

    def receiving(self):
        """Live and confirmed: the addresses a digest goes to."""
        return self.live().filter(confirmed_at__isnull=False)


class Subscription(models.Model):
    """An address that receives the digest by mail: a signed-in user's own, or an address staff
    invited. Either receives nothing until its owner confirms through the link mailed to it
    (double opt-in: sign-up does not verify addresses). Unsubscribing keeps the row, stamped, so an
    old link still says "unsubscribed"; subscribing again makes a new one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="digest_subscriptions",
    )
    email = models.EmailField(_("e-mail address"))
    # In the confirm and unsubscribe links: whoever holds it may confirm or unsubscribe.
    token = models.CharField(
        max_length=64, unique=True, default=new_subscription_token, editable=False
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # The digest's language for this address: that of the page its owner confirmed on.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digest_invitations",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["email", "-created_at"]
        verbose_name = _("digest subscription")
        verbose_name_plural = _("digest subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(unsubscribed_at__isnull=True),
                name="subscription_one_live_per_address",
            )
        ]

    def __str__(self):
        return self.email

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    @property
    def is_unsubscribed(self):
        return self.unsubscribed_at is not None

    @property
    def is_receiving(self):
        return self.is_confirmed and not self.is_unsubscribed


class DigestSchedule(models.Model):
    """When the digest goes out: a weekday and a time of day in a time zone. Each period is the
    week that ends at a scheduled moment; its draft is made then, from that week's stories."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    DATE_MARK = "{date}"

    title_template = models.CharField(
        _("title"),
        max_length=120,
        # Translators: keep {date} as it is: the day the digest goes out takes its place.
        default=_("Feel Good Friday, {date}"),
        help_text=_("{date} becomes the day the digest goes out."),
    )
    weekday = models.PositiveSmallIntegerField(
        _("day"), choices=Weekday.choices, default=Weekday.FRIDAY
    )
    time_of_day = models.TimeField(_("time"), default=datetime.time(9, 0))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    needs_approval = models.BooleanField(
        _("staff approve each digest before it goes out"),
        default=True,
        help_text=_(
            "Each week's draft is made at the time above; it goes out once someone approves it. "
            "Untick to send it at that time without waiting."
        ),
    )
    story_count = models.PositiveSmallIntegerField(
        _("stories"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Featured stories first, then the most reacted to, then the newest."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="digest_schedules",
    )
    # Only moments after the last change count (stories.delivery.draft_due).
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["weekday", "time_of_day", "pk"]
        verbose_name = _("digest schedule")
        verbose_name_plural = _("digest schedules")

    def __str__(self):
        return _("%(day)s at %(time)s (%(zone)s)") % {
            "day": self.get_weekday_display(),
            "time": self.time_of_day.strftime("%H:%M"),
            "zone": self.time_zone,
        }

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def moment_on(self, day):
        """The scheduled moment on a local date, in UTC (a time the clocks skip is read with
        the offset before the change, as zoneinfo does)."""
        local = datetime.datetime.combine(day, self.time_of_day, tzinfo=self.zone)
        return local.astimezone(datetime.UTC)

    def latest_moment(self, now):
        """The last scheduled moment at or before `now`."""
        today = now.astimezone(self.zone).date()
        day = today - datetime.timedelta(days=(today.weekday() - self.weekday) % 7)
        moment = self.moment_on(day)
        if moment > now:
            moment = self.moment_on(day - datetime.timedelta(days=7))
        return moment

    def period_ending(self, moment):
        """(start, end): the week of wall-clock time that ends at `moment`."""
        local_day = moment.astimezone(self.zone).date()
        return self.moment_on(local_day - datetime.timedelta(days=7)), moment

    def title_for(self, moment):
        """The title, with its date as digits (2026-12-04): the title is sent as staff wrote
        it to readers of every language, and an ISO date reads the same in all of them."""
        day = moment.astimezone(self.zone).date().isoformat()
        return " ".join(self.title_template.replace(self.DATE_MARK, day).split())[:120]


class DeliveryQuerySet(models.QuerySet):
    def sent(self):
        return self.filter(sent_at__isnull=False)

    def unconfirmed(self):
        """Claimed but never marked sent: a run stopped between claiming and marking, or the
        server refused the address (`problem`). Never sent again (stories.delivery)."""
        return self.filter(sent_at__isnull=True)


class Delivery(models.Model):
    """One digest to one subscription. The row is claimed (inserted, under the unique
    constraint) before the mail is handed to the server and marked sent after, so two runs
    at once, or a run after a crash, never mail anyone the same digest twice."""

    digest = models.ForeignKey(
        "stories.Digest", on_delete=models.CASCADE, related_name="deliveries"
    )
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # What the mail server answered when it refused this address.
    problem = models.CharField(max_length=300, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["digest", "subscription"], name="delivery_once_per_digest"
            )
        ]

    def __str__(self):
        return f"{self.digest_id} → {self.subscription_id}"
