"""Who made it happen: the people and teams a story credits.

The one place that turns typed names into `Credit` rows and says which credits may be named.
Every door that credits someone (the story-link form, a story added by hand, an import, a
curator's edit) passes its names through `CreditNamesField` and saves them with `set_credits`.
Credits are named only beside published stories (`named()`): a credit whose stories all wait
for moderation, are hidden or were withdrawn names nobody, anywhere. Every page, count, filter,
digest and export that names credits asks this module: `most_credited` (the list and the
archive's counts), `stories_of` (a credit's page), `of` (beside one story, in exports) and
`shout_outs` (the digest).
"""

import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from stories.models import Credit, Story

NAME_MAX_LENGTH = Credit._meta.get_field("name").max_length
MAX_NAMES = 20


def clean_names(text):
    """Names separated by commas, semicolons or new lines; spaces tidied; each once."""
    names, seen = [], set()
    for raw in re.split(r"[,;\n]", text or ""):
        name = " ".join(raw.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def credit_slug(name):
    return slugify(name, allow_unicode=True)[:120].strip("-")


def unnameable(name):
    """A problem with `name` as a credit's name, or None. A name must hold a letter or digit:
    "!!!" and "???" would otherwise have no address of their own."""
    if not any(character.isalnum() for character in name):
        return _("“%(name)s” holds no letter or digit: write a name.") % {"name": name}
    return None


class CreditNamesField(forms.CharField):
    """Names typed into one box ("Ana Ruiz, the night shift"), cleaned to a list of names."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MAX_NAMES * (NAME_MAX_LENGTH + 2))
        kwargs.setdefault("help_text", _("Separate names with commas. Optional."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(name) for name in value)
        return value

    def clean(self, value):
        names = clean_names(super().clean(value))
        if len(names) > MAX_NAMES:
            raise ValidationError(
                _("Name at most %(limit)s at a time."), code="too_many", params={"limit": MAX_NAMES}
            )
        if any(len(name) > NAME_MAX_LENGTH for name in names):
            raise ValidationError(
                _("A name can be at most %(limit)s characters long."),
                code="too_long",
                params={"limit": NAME_MAX_LENGTH},
            )
        problem = next(filter(None, map(unnameable, names)), None)
        if problem:
            raise ValidationError(problem, code="unnameable")
        return names


def credit_for(kind, name):
    """The credit of that kind and name, made the first time someone is credited."""
    slug = credit_slug(name)
    try:
        with transaction.atomic():
            credit, _created = Credit.objects.get_or_create(
                kind=kind, slug=slug, defaults={"name": name}
            )
    except IntegrityError:  # two stories crediting the same new name at the same instant
        credit = Credit.objects.get(kind=kind, slug=slug)
    return credit


def set_credits(story, *, people=(), teams=()):
    """Credit exactly these people and teams with `story` (names as `CreditNamesField` gives)."""
    credits = [credit_for(Credit.Kind.PERSON, name) for name in people]
    credits += [credit_for(Credit.Kind.TEAM, name) for name in teams]
    story.credits.set(credits)


def named():
    """Credits that may be named: those of at least one published story."""
    published = Story.objects.published()
    return Credit.objects.filter(stories__in=published).distinct()


def most_credited(stories=None):
    """Named credits, each with how many of `stories` (default: all) credit it (`n`), most
    credited first. Only published stories count, whatever `stories` holds."""
    published = Story.objects.published() if stories is None else stories.published()
    return (
        Credit.objects.filter(stories__in=published)
        .annotate(n=Count("stories"))
        .order_by("-n", "name", "pk")
    )


def stories_of(credit):
    """The published stories that credit `credit`, newest first."""
    return credit.stories.published().order_by("-created_at", "-id")


def of(story):
    """The credits named beside `story`: people first, then teams; none unless it is published.

    Uses `story.credits.all()`, so a prefetched list costs no query.
    """
    if not story.is_visible:
        return []
    return sorted(
        story.credits.all(),
        key=lambda credit: (credit.kind != Credit.Kind.PERSON, credit.name.casefold()),
    )


def names(story, kind):
    """The names of `story`'s credits of one kind, for its curation form: staff moderate a
    story whatever its status, so they see them; pages and files name them through `of`."""
    return sorted(credit.name for credit in story.credits.all() if credit.kind == kind)


@dataclass
class ShoutOut:
    """A person or team, and the published stories (of a digest) that credit them."""

    credit: Credit
    stories: list = field(default_factory=list)


def shout_outs(stories):
    """Who made these stories happen, most credited first: one ShoutOut per credit.

    `stories` is a list whose credits are prefetched; unpublished ones name nobody.
    """
    by_credit = {}
    for story in stories:
        for credit in of(story):
            by_credit.setdefault(credit.pk, ShoutOut(credit)).stories.append(story)
    return sorted(
        by_credit.values(),
        key=lambda shout: (-len(shout.stories), shout.credit.name.casefold(), shout.credit.pk),
    )


class CreditForm(forms.ModelForm):
    """A credit as the admin edits it. The slug follows the name as `credit_for` makes it, so
    the next story crediting the new name finds this credit instead of making a second one."""

    class Meta:
        model = Credit
        fields = ["kind", "name"]

    def clean(self):
        cleaned = super().clean()
        kind, name = cleaned.get("kind"), " ".join(cleaned.get("name", "").split())
        if name and unnameable(name):
            self.add_error("name", unnameable(name))
        elif kind and name:
            cleaned["name"] = name
            self.instance.slug = credit_slug(name)
            taken = Credit.objects.filter(kind=kind, slug=self.instance.slug)
            if taken.exclude(pk=self.instance.pk).exists():
                self.add_error("name", _("There is already a credit of this kind with this name."))
        return cleaned
