"""The counts beside each archive filter: how many stories each choice would show.

Each filter is counted over the stories the *other* filters select, so the counts
show what choosing another value would give.
"""

from dataclasses import dataclass

from django.db.models import Count
from django.utils import formats
from django.utils.timezone import localdate

from stories.models import Story, Valence

TOP = 10


@dataclass
class Option:
    value: str
    label: str
    count: int
    is_selected: bool = False


@dataclass
class Facet:
    options: list

    @property
    def selected(self):
        return next((option for option in self.options if option.is_selected), None)

    def __bool__(self):
        return bool(self.options)


def choice_options(stories, field, choices, selected):
    counts = dict(stories.values_list(field).annotate(n=Count("id")).order_by())
    return Facet(
        [Option(value, label, counts.get(value, 0), value == selected) for value, label in choices]
    )


def top_options(rows, selected):
    """The most frequent values; the selected one stays in the list even if rare."""
    options = [
        Option(str(value), label, count, str(value) == selected) for value, label, count in rows
    ]
    top = options[:TOP]
    if selected and not any(option.is_selected for option in top):
        top += [option for option in options if option.is_selected]
    return Facet(top)


def deck_options(stories, selected):
    rows = (
        stories.filter(session__deck__isnull=False)
        .values_list("session__deck", "session__deck__title")
        .annotate(n=Count("id"))
        .order_by("-n", "session__deck__title")
    )
    return top_options(rows, selected)


def session_options(stories, selected):
    rows = (
        stories.filter(session__isnull=False)
        .values_list("session", "session__title", "session__created_at")
        .annotate(n=Count("id"))
        .order_by("-n", "-session__created_at")
    )
    labelled = [
        (pk, f"{title} ({formats.date_format(localdate(started), 'SHORT_DATE_FORMAT')})", n)
        for pk, title, started, n in rows
    ]
    return top_options(labelled, selected)


def tag_options(stories, selected):
    return top_options(stories.tag_counts().values_list("slug", "name", "n"), selected)


def facets(form):
    """Options with counts for every filter of an ArchiveFilterForm."""
    values = {name: str(value) for name, value in form.values.items()}
    featured = form.stories(without="featured").filter(is_featured=True).count()
    return {
        "valence": choice_options(
            form.stories(without="valence"), "valence", Valence.choices, values.get("valence")
        ),
        "level": choice_options(
            form.stories(without="level"),
            "cx_level",
            Story.CxLevel.choices,
            values.get("level"),
        ),
        "featured": Option("1", form.fields["featured"].label, featured, "featured" in values),
        "deck": deck_options(form.stories(without="deck"), values.get("deck")),
        "session": session_options(form.stories(without="session"), values.get("session")),
        "tag": tag_options(form.stories(without="tag"), values.get("tag")),
    }
