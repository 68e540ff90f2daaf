"""Question decks and their cards, and the rules of the library.

A deck belongs to one facilitator. It is in the library once a curator approves it;
featured decks are approved decks shown first.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Count, Max, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

PROMPT_MAX_LENGTH = 300
LEVEL_MAX_LENGTH = 60
NOTES_MAX_LENGTH = 1000
TITLE_MAX_LENGTH = 120
DESCRIPTION_MAX_LENGTH = 1000
LIBRARY_MIN_CARDS = 3
# Deck URLs live beside these pages, so no deck may take their names.
RESERVED_SLUGS = {"new", "import", "review", "library"}

LANGUAGE_CHOICES = [
    ("en", _("English")),
    ("nl", _("Dutch")),
    ("fr", _("French")),
    ("de", _("German")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("it", _("Italian")),
    ("sv", _("Swedish")),
    ("da", _("Danish")),
    ("pl", _("Polish")),
]


class DeckQuerySet(models.QuerySet):
    def in_library(self):
        return self.filter(status=Deck.Status.APPROVED)

    def owned_by(self, user):
        return self.filter(owner=user)

    def visible_to(self, user):
        """Decks a facilitator may open: their own and the library; curators see all."""
        if user.is_staff:
            return self.all()
        return self.filter(Q(owner=user) | Q(status=Deck.Status.APPROVED))

    def awaiting_review(self):
        return self.filter(status=Deck.Status.SUBMITTED).order_by("submitted_at")

    def with_card_count(self):
        return self.annotate(card_count=Count("cards", distinct=True))

    def featured_first(self, language=None):
        """Featured decks first; with `language`, the reader's, decks in it before the rest."""
        if language is None:
            return self.order_by("-is_featured", "title")
        theirs = Case(When(language=language, then=Value(0)), default=Value(1))
        return self.order_by(theirs, "-is_featured", "title")


class Deck(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for review")
        APPROVED = "approved", _("In the library")
        REJECTED = "rejected", _("Not accepted")

    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="decks",
        verbose_name=_("owner"),
    )
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, default="en")
    status = models.CharField(
        _("library status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    is_featured = models.BooleanField(_("featured"), default=False)
    review_note = models.TextField(
        _("reason given by the curator"), max_length=DESCRIPTION_MAX_LENGTH, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    tags = TaggableManager(_("tags"), blank=True, help_text=_("Separate tags with commas."))

    objects = DeckQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("deck")
        verbose_name_plural = _("decks")
        indexes = [models.Index(fields=["status", "is_featured"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self.title)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("decks:deck-detail", args=[self.slug])

    # Who may do what

    def can_edit(self, user):
        return user.is_authenticated and self.owner_id == user.pk

    @property
    def in_library(self):
        return self.status == self.Status.APPROVED

    # Cards

    def next_position(self):
        return (self.cards.aggregate(top=Max("position"))["top"] or 0) + 1

    def levels(self):
        """The names of the deck's levels, in the order their first cards sit in the deck."""
        return levels_in_order(self.cards.values_list("level", flat=True))

    def room_for_cards(self):
        return settings.DECK_MAX_CARDS - self.cards.count()

    @transaction.atomic
    def add_card(self, **data):
        """One new card: after the last card of its level if the deck has that level already,
        else at the end."""
        if self.room_for_cards() < 1:
            raise ValidationError(
                _("A deck holds at most %(limit)s cards.") % {"limit": settings.DECK_MAX_CARDS}
            )
        card = self.add_cards([data])[0]
        if card.level:
            cards = list(self.cards.select_for_update().only("id", "position", "level"))
            added = cards.pop()  # the last, as just added
            same_level = [i for i, other in enumerate(cards) if other.level == card.level]
            if same_level:
                cards.insert(same_level[-1] + 1, added)
                renumber(cards)
                card.refresh_from_db(fields=["position"])
        return card

    def add_cards(self, cards):
        """New cards after the last one, from `Card.data()`-shaped dicts (tags optional)."""
        position = self.next_position()
        added = []
        for offset, data in enumerate(cards):
            content = {name: value for name, value in data.items() if name != "tags"}
            card = Card.objects.create(deck=self, position=position + offset, **content)
            if data.get("tags"):
                card.tags.set(data["tags"])
            added.append(card)
        return added

    @transaction.atomic
    def reorder(self, card_ids):
        """Put the cards in the order given; the list must name every card exactly once."""
        cards = {card.pk: card for card in self.cards.select_for_update().only("id", "position")}
        if sorted(card_ids) != sorted(cards):
            raise ValidationError(_("The new order must name every card of the deck once."))
        renumber([cards[pk] for pk in card_ids])

    @transaction.atomic
    def copy_for(self, user, title=None):
        """A private draft copy of this deck, with every card, owned by `user`."""
        copy = Deck.objects.create(
            title=title or self.title,
            description=self.description,
            language=self.language,
            owner=user,
        )
        copy.tags.set(self.tags.names())
        copy.add_cards(card.data() for card in self.cards.prefetch_related("tags"))
        return copy

    # Curation

    @property
    def submission_problem(self):
        """Why the deck cannot be submitted to the library now; None when it can."""
        if self.status not in (self.Status.DRAFT, self.Status.REJECTED):
            return _("This deck is already waiting for review or in the library.")
        if self.cards.count() < LIBRARY_MIN_CARDS:
            return _("A library deck needs at least %(count)s cards.") % {
                "count": LIBRARY_MIN_CARDS
            }
        return None

    @property
    def can_be_submitted(self):
        return self.submission_problem is None

    def submit(self):
        if problem := self.submission_problem:
            raise ValidationError(problem)
        self.status = self.Status.SUBMITTED
        self.submitted_at = timezone.now()
        self.review_note = ""
        self.save(update_fields=["status", "submitted_at", "review_note", "updated_at"])

    def withdraw(self):
        self.status = self.Status.DRAFT
        self.is_featured = False
        self.save(update_fields=["status", "is_featured", "updated_at"])

    def review(self, curator, status, *, note="", featured=None):
        self.status = status
        self.review_note = note
        self.is_featured = bool(featured) and status == self.Status.APPROVED
        self.reviewed_by = curator
        self.reviewed_at = timezone.now()
        self.save()

    def approve(self, curator, *, featured=False):
        self.review(curator, self.Status.APPROVED, featured=featured)

    def reject(self, curator, reason):
        self.review(curator, self.Status.REJECTED, note=reason)


class Card(models.Model):
    class Kind(models.TextChoices):
        QUESTION = "question", _("Question")
        MEMORY = "memory", _("Memory")

    # What a card says, in the order files write it; the rest (deck, position, dates) is where
    # it sits. The card form, import and export, a deck's copy and a session's snapshot all read
    # this list and the fields' limits below, so a new field is declared here and nowhere else
    # (a session keeps its own copy: SessionCard needs the column too).
    CONTENT_FIELDS = ("prompt", "kind", "follow_up", "level", "notes")

    deck = models.ForeignKey(
        Deck, on_delete=models.CASCADE, related_name="cards", verbose_name=_("deck")
    )
    prompt = models.CharField(_("question"), max_length=PROMPT_MAX_LENGTH)
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=Kind.choices,
        default=Kind.QUESTION,
        help_text=_(
            "A memory card asks for a customer memory; the answers can go to the story archive."
        ),
    )
    follow_up = models.CharField(_("follow-up prompt"), max_length=PROMPT_MAX_LENGTH, blank=True)
    # A deck's levels are the names its cards carry, in the order their first cards sit
    # (`Deck.levels()`); a card without one belongs to no level.
    level = models.CharField(
        _("level"),
        max_length=LEVEL_MAX_LENGTH,
        blank=True,
        help_text=_("Cards of a level are dealt together, the first level first. Optional."),
    )
    notes = models.TextField(
        _("notes for the facilitator"),
        max_length=NOTES_MAX_LENGTH,
        blank=True,
        help_text=_(
            "Tips and follow-up questions for you, shown only on your console beside the card "
            "(never to the room or the phones). Optional."
        ),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    tags = TaggableManager(_("tags"), blank=True, help_text=_("Separate tags with commas."))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("card")
        verbose_name_plural = _("cards")

    def __str__(self):
        return self.prompt

    @property
    def is_memory(self):
        return self.kind == self.Kind.MEMORY

    def content(self):
        """The card's CONTENT_FIELDS, to copy into another deck, a session or a file."""
        return {name: getattr(self, name) for name in self.CONTENT_FIELDS}

    def data(self):
        """The content and the tag names (sorted): everything a copy of the card carries."""
        return {**self.content(), "tags": sorted(tag.name for tag in self.tags.all())}

    @transaction.atomic
    def remove(self):
        """Delete the card and close the gap it leaves in the numbering."""
        deck = self.deck
        self.delete()
        renumber(list(deck.cards.select_for_update().only("id", "position")))

    @transaction.atomic
    def move(self, direction):
        """Swap places with the card above ("up") or below ("down"); at an end, stay put."""
        siblings = list(self.deck.cards.select_for_update().only("id", "position"))
        index = next(i for i, card in enumerate(siblings) if card.pk == self.pk)
        other = index - 1 if direction == "up" else index + 1
        if other < 0 or other >= len(siblings):
            return False
        siblings[index], siblings[other] = siblings[other], siblings[index]
        renumber(siblings)
        self.refresh_from_db(fields=["position"])
        return True


def levels_in_order(names):
    """The distinct non-empty level names of `names` (in deck order), first seen first."""
    return list(dict.fromkeys(name for name in names if name))


def renumber(cards):
    """Give the cards the positions 1, 2, 3... in the order given."""
    changed = []
    for number, card in enumerate(cards, start=1):
        if card.position != number:
            card.position = number
            changed.append(card)
    Card.objects.bulk_update(changed, ["position"])


def unique_slug(title):
    base = slugify(title)[:60].strip("-") or "deck"
    slug = base
    suffix = 2
    while slug in RESERVED_SLUGS or Deck.objects.filter(slug=slug).exists():
        slug = f"{base}-{suffix}"
        suffix += 1
    return slug
