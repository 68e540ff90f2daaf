"""The counts beside each archive filter: how many stories each choice would show.

Each filter is counted over the stories the *other* filters select, so the counts
show what choosing another value would give.

They cost more than the results (every selected story is counted, not twenty of them), so
the archive page shows its results first, its filter panel without counts (`uncounted`: every
input, with its value, so a search sent before the counts keeps every filter), and the counts
route (`stories:archive-counts`) fills the panel in after. And they are counted in three
queries, not one per filter:

- `grouped_counts`: one pass over the stories selected by every filter but feeling, CX level,
  featured, source, deck and session, grouped by session, with one conditional count per
  choice (each leaving out its own filter). The choice counts are the sums of those rows;
  deck and session counts are the rows themselves, a session's deck looked up for the few
  thousand sessions at most. One pass instead of six.
- tags and credits: a query each (a story carries several; they cannot share the pass).

All in one query (a materialized CTE of the selected stories, counted by a UNION ALL of the
three) was measured on a million stories and left out: searches a fifth faster on SQLite,
slightly slower on PostgreSQL (which does not scan a materialized CTE in parallel), and the
archive without words twice as slow on SQLite (a million rows written to a temporary table).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q
from django.utils import formats
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from taggit.models import Tag

from decks.models import Deck
from sessions.models import LiveSession
from stories.models import Credit, Source, Story, Valence

TOP = 10
# The filters a grouped pass counts: each with its story field and its choices (featured
# has one choice; deck and session are decided from the pass's rows, by session).
CHOICES = {
    "valence": ("valence", Valence.values),
    "level": ("cx_level", Story.CxLevel.values),
    "featured": ("is_featured", [True]),
    "source": ("source", Source.values),
}
BY_SESSION = ("deck", "session")
# The filters whose options are the values counted (the most frequent ones).
COUNTED = ("deck", "session", "tag", "credit")
ALL = "all"


def labels():
    """The options of the choice filters, fixed whatever the counts."""
    return {
        "valence": Valence.choices,
        "level": Story.CxLevel.choices,
        "source": Source.choices,
    }


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


def counted_options(rows, selected):
    """A facet of (value, label, count) rows, as `most_first` chose them."""
    return Facet(
        [Option(str(value), label, count, str(value) == selected) for value, label, count in rows]
    )


def selected_values(form):
    """The value of each filter in use, as the options' values are written (text)."""
    return {name: str(value) for name, value in form.values.items()}


def count_name(name, value):
    return f"count_{name}_{value}"


def grouped_counts(form):
    """Rows per session (None: stories told elsewhere): {count_name: count}, with ALL the
    stories every choice filter selects and one count per choice leaving its own filter out."""
    values = form.values
    wanted = {
        name: Q(**{field: True if name == "featured" else values[name]})
        for name, (field, _choices) in CHOICES.items()
        if name in values
    }

    def all_but(left_out):
        condition = Q()
        for name, rule in wanted.items():
            if name != left_out:
                condition &= rule
        return condition

    counts = {ALL: Count("pk", filter=all_but(None))}
    for name, (field, choices) in CHOICES.items():
        others = all_but(name)
        for value in choices:
            counts[count_name(name, value)] = Count("pk", filter=others & Q(**{field: value}))
    stories = form.stories(without=[*CHOICES, *BY_SESSION])
    # Run as SQL and read straight from the cursor: a few thousand rows through the ORM's
    # converters cost a tenth of the counts on 100,000 stories.
    sql, params = stories.values("session").annotate(**counts).order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description][1:]
        rows = cursor.fetchall()
    return {session: dict(zip(names, row, strict=True)) for session, *row in rows}


def choice_facets(form, rows, sessions):
    """Feeling, CX level, featured and source, from the grouped rows."""
    values = selected_values(form)
    # Each count summed over the sessions the deck and session filters keep (every row has
    # the same counts, in the same order).
    in_scope = [row.values() for pk, row in rows.items() if sessions.selects(pk, values)]
    names = next(iter(rows.values()), {}).keys()
    totals = dict(zip(names, map(sum, zip(*in_scope, strict=True)), strict=False))

    def total(name, value):
        return totals.get(count_name(name, value), 0)

    found = {
        name: Facet(
            [
                Option(value, label, total(name, value), value == values.get(name))
                for value, label in choices
            ]
        )
        for name, choices in labels().items()
    }
    found["featured"] = Option(
        "1", form.fields["featured"].label, total("featured", True), "featured" in values
    )
    return found


def keep_selected(facet, name, selected, count=0):
    """The facet with its selected value among its options, counted or not (a deck with no
    story left: count 0; the counts not there yet: None): a filter in use is never dropped
    from the form. Named without a lookup (a tag by its slug, the others "The one chosen"),
    so no query, and no name of a deck, session or person the counts would not show."""
    if selected and not facet.selected:
        label = selected if name == "tag" else _("The one chosen")
        facet.options.append(Option(selected, label, count, True))
    return facet


def uncounted(form):
    """The filter panel before its counts: every choice filter's options and the value chosen
    for the others (their options are the most counted), each count None. No query."""
    values = selected_values(form)
    found = {
        name: Facet([Option(v, label, None, v == values.get(name)) for v, label in pairs])
        for name, pairs in labels().items()
    }
    found["featured"] = Option("1", form.fields["featured"].label, None, "featured" in values)
    for name in COUNTED:
        found[name] = keep_selected(Facet([]), name, values.get(name), count=None)
    found["total"] = None
    return found


class Sessions:
    """The decks of the grouped rows' sessions, looked up once."""

    def __init__(self, pks):
        self.decks = dict(
            LiveSession.objects.filter(pk__in=[pk for pk in pks if pk])
            .values_list("pk", "deck_id")
            .order_by()
        )

    def deck_of(self, pk):
        return self.decks.get(pk)

    def selects(self, pk, values, without=None):
        """Whether the deck and session filters (but `without`) keep this session's stories."""
        if without != "deck" and "deck" in values and str(self.deck_of(pk)) != values["deck"]:
            return False
        return without == "session" or "session" not in values or str(pk) == values["session"]


def most_first(counts, tie_break, selected):
    """The TOP values of {value: count}, most first, and the selected one however rare."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], tie_break(item[0])))
    shown = ordered[:TOP]
    if selected and not any(str(value) == selected for value, _n in shown):
        shown += [(value, n) for value, n in ordered if str(value) == selected]
    return shown


def session_facets(form, rows, sessions):
    """Deck and session, from the grouped rows."""
    values = selected_values(form)
    per_session = {
        pk: row[ALL]
        for pk, row in rows.items()
        if pk and row[ALL] and sessions.selects(pk, values, without="session")
    }
    # Titles and dates only for the sessions that can be shown: the TOP most counted (and
    # those tied with the last of them, ties going to the newest) and the one selected.
    cut = sorted(per_session.values(), reverse=True)[TOP - 1 : TOP] or [0]
    wanted = [
        pk for pk, n in per_session.items() if n >= cut[0] or str(pk) == values.get("session")
    ]
    found = {
        pk: (title, started)
        for pk, title, started in LiveSession.objects.filter(pk__in=wanted).values_list(
            "pk", "title", "created_at"
        )
    }
    newest_first = lambda pk: -found[pk][1].timestamp()  # noqa: E731
    candidates = {pk: per_session[pk] for pk in found}
    shown = most_first(candidates, newest_first, values.get("session"))
    session = counted_options(
        [(pk, session_label(*found[pk]), n) for pk, n in shown], values.get("session")
    )
    per_deck = defaultdict(int)
    for pk, row in rows.items():
        deck = sessions.deck_of(pk)
        if deck and row[ALL] and sessions.selects(pk, values, without="deck"):
            per_deck[deck] += row[ALL]
    titles = dict(Deck.objects.filter(pk__in=list(per_deck)).values_list("pk", "title"))
    shown = most_first(per_deck, titles.get, values.get("deck"))
    return {
        "deck": counted_options([(pk, titles[pk], n) for pk, n in shown], values.get("deck")),
        "session": session,
    }


def session_label(title, started):
    day = formats.date_format(localdate(started), "SHORT_DATE_FORMAT")
    return f"{title} ({day})"


def tag_options(stories, selected):
    """The most used tags among these stories. Counted from the stories' side (a join), so
    the database reads only the tags of the stories selected."""
    counts = dict(
        stories.filter(tags__isnull=False)
        .values_list("tags__slug")
        .annotate(n=Count("pk"))
        .order_by()
    )
    names = dict(Tag.objects.filter(slug__in=list(counts)).values_list("slug", "name"))
    shown = most_first(counts, names.get, selected)
    return counted_options([(slug, names[slug], n) for slug, n in shown], selected)


def credit_options(stories, selected):
    """The most credited people and teams among these stories: published ones only, as
    `credits.most_credited` counts them. Counted from the stories' side, as tags are."""
    counts = dict(
        stories.published()
        .filter(credits__isnull=False)
        .values_list("credits")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {credit.pk: credit for credit in Credit.objects.filter(pk__in=list(counts))}
    shown = most_first(counts, lambda pk: (found[pk].name, pk), selected)
    return counted_options([(pk, found[pk].label, n) for pk, n in shown], selected)


def facets(form):
    """Options with counts for every filter of an ArchiveFilterForm, and `total`: how many
    stories all the filters select."""
    values = selected_values(form)
    rows = grouped_counts(form)
    sessions = Sessions(rows)
    found = {
        **choice_facets(form, rows, sessions),
        **session_facets(form, rows, sessions),
        "tag": tag_options(form.stories(without="tag"), values.get("tag")),
        "credit": credit_options(form.stories(without="credit"), values.get("credit")),
        "total": sum(row[ALL] for pk, row in rows.items() if sessions.selects(pk, values)),
    }
    for name in COUNTED:
        keep_selected(found[name], name, values.get(name))
    return found
