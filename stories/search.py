"""Full-text search over the story archive: PostgreSQL text search, or SQLite FTS5.

Both index the memory, "who would you share it with" and the question it answered,
in that order of weight. Matches come back ranked, with a highlighted excerpt that
`highlight()` turns into safe HTML.

Languages (issue 16). On PostgreSQL each story is indexed with its own language's
configuration (`Story.language`: "wandelingen" finds "wandeling" in a Dutch story, "waited"
finds "waiting" in an English one), in a generated column under a GIN index (migrations 0004,
0012). Someone searching does not say which language they mean, so a story matches when the
query, read in the story's own language, matches it: `Matches` asks the index once for the
stories matching the query read in any shipped language (an OR of the five readings: one GIN
scan), then keeps those whose own language's reading matches (a filter on the rows found,
whose vectors are read anyway). Only the second condition decides; the first is what makes the
index usable. Per-language conditions alone ("language = 'nl' AND document @@ dutch query", OR
five times) would give the same stories with five index scans, PostgreSQL's plan showed. Ranking
and excerpts read the query in the story's language too. On 20,000 seeded stories
(bench/archive_search.py, machine shared, load 6.5 on 2 CPUs) the archive page took a median of
35.7 ms against 33.4 ms with one English configuration, the page and its counts 104 against
100 ms: within the noise. PostgreSQL cannot estimate the second condition and guesses few
matches (19 for a word 3,437 stories use); the index's estimate, before it, is right.

On SQLite (the embedded default) the fallback is one FTS5 index for every language, stemmed
the English way (Porter over unicode61, diacritics removed: "cafe" finds "café"): a story in
another language is found by the words it uses, and by English-looking forms of them ("plans"
finds "plan"), not by its own language's grammar ("wandelingen" does not find "wandeling").
SQLite has no other stemmers built in; an index per language would multiply the triggers and
the queries for a server that a large, many-language archive outgrows anyway.

Bounded ranking, where the archive's pages are concerned (`first_ranked`): a typical word
matches 7-17 % of the stories, and ranking every match (bm25 or ts_rank over each one) cost
most of a search on a large archive: 30 ms per 100,000 stories on SQLite, and PostgreSQL
read every matching row's vector. So a search ranks only the RANKED (1,000) most recently
added matching stories (the highest ids, which the full-text index hands over newest first
without reading the rest), best match first; the older matches follow them, most recently
added first. The approximation applies only when more than RANKED stories match: then a
better-ranked match older than those 1,000 is not on the first pages. Nobody would notice:
a search that finds over 1,000 stories finds dozens on every page whose memory itself holds
the words (the strongest weight), and ties among them already went to the newest; the first
50 pages are ranked, more than anyone reads. With RANKED matches or fewer the ranking is
exhaustive: the same stories in the same order as `ranked()`, which ranks them all (tests
check both). Measured: bench/archive_search.py, figures in the README.
"""

import re

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQueryField,
    SearchRank,
    SearchVectorField,
)
from django.db import connection, models
from django.db.models.expressions import Expression, RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

from stories.models import Story, StoryIndexEntry

# PostgreSQL's text search configuration for each shipped language (settings.LANGUAGES);
# migration 0012 built the stored column with the same, and a test checks both say the same.
CONFIGS = {"en": "english", "nl": "dutch", "fr": "french", "de": "german", "es": "spanish"}
FALLBACK = "english"  # a story in a language without a configuration
FTS_TABLE = StoryIndexEntry._meta.db_table
# Control characters nobody types: they mark a match until the excerpt is escaped.
MARK_START, MARK_END = "\x02", "\x03"
EXCERPT_WORDS = 32
# How many of the newest matches a search ranks (see the module's docstring).
RANKED = 1000
# PostgreSQL weights A, B, C and SQLite bm25 weights for text, share_with, prompt.
FTS_WEIGHTS = "10.0, 4.0, 2.0"


class StoredDocument(Expression):
    """PostgreSQL: the story's search vector, stored by migration 0012 (a generated column
    the models do not declare), under whatever alias the query gives the story table."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        return f"{_story_table(compiler)}.search_document", []


def _story_table(compiler):
    return compiler.quote_name_unless_alias(compiler.query.get_initial_alias())


def _by_language(table, branch):
    """SQL choosing `branch(config)` by the story's language, the FALLBACK's otherwise."""
    branches = " ".join(
        f"WHEN '{code}' THEN {branch(config)}"
        for code, config in CONFIGS.items()
        if config != FALLBACK
    )
    return f"CASE {table}.language {branches} ELSE {branch(FALLBACK)} END"


def _query_in(config):
    return f"websearch_to_tsquery('{config}'::regconfig, %s)"


class StoryConfig(Expression):
    """PostgreSQL: the story's own text search configuration."""

    output_field = models.TextField()

    def as_sql(self, compiler, connection):
        return _by_language(_story_table(compiler), lambda config: f"'{config}'"), []


class OwnLanguageQuery(Expression):
    """PostgreSQL: what someone typed, read as a query in the story's own language."""

    output_field = SearchQueryField()

    def __init__(self, query):
        super().__init__()
        self.query = query

    def as_sql(self, compiler, connection):
        return _by_language(_story_table(compiler), _query_in), [self.query] * len(CONFIGS)


class Matches(Expression):
    """PostgreSQL: whether the story matches the query read in its own language (see the
    module's docstring for the first condition, which only lets the index find candidates)."""

    output_field = models.BooleanField()

    def __init__(self, query):
        super().__init__()
        self.query = query

    def as_sql(self, compiler, connection):
        table = _story_table(compiler)
        document = f"{table}.search_document"
        any_language = " || ".join(_query_in(config) for config in CONFIGS.values())
        own = _by_language(table, _query_in)
        sql = f"({document} @@ ({any_language}) AND {document} @@ {own})"
        return sql, [self.query] * (2 * len(CONFIGS))


def is_postgresql():
    return connection.vendor == "postgresql"


def terms(query):
    """Words, "quoted phrases" and -exclusions from what someone typed."""
    found = []
    for negated, phrase, word in re.findall(r'(-?)(?:"([^"]*)"|([\w\']+))', query):
        words = re.findall(r"\w+", phrase or word)
        if words:
            found.append((bool(negated), " ".join(words)))
    return found


def fts5_query(query):
    """An FTS5 MATCH expression that cannot be a syntax error, or "" if nothing to find."""
    wanted = [f'"{text}"' for negated, text in terms(query) if not negated]
    unwanted = [f'"{text}"' for negated, text in terms(query) if negated]
    if not wanted:
        return ""
    expression = " AND ".join(wanted)
    for text in unwanted:
        expression = f"({expression}) NOT {text}"
    return expression


def is_searchable(query):
    """Whether the query holds a word to look for (not only punctuation or exclusions)."""
    return any(not negated for negated, _text in terms(query))


def matching(stories, query):
    """`stories` narrowed to those matching a searchable `query`."""
    if is_postgresql():
        return stories.alias(document=StoredDocument()).filter(Matches(query))
    # A subquery, not a join: SQLite then runs the full-text match once, instead of once
    # per story when it prefers to walk another index (as it does for filter counts).
    matches = RawSQL(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (fts5_query(query),)
    )
    return stories.filter(pk__in=matches)


def ranked(stories, query):
    """Stories from `matching()`, best match first, each with a highlighted `excerpt`."""
    if is_postgresql():
        return stories.annotate(
            rank=SearchRank(models.F("document"), OwnLanguageQuery(query)),
            excerpt=_headline(query),
        ).order_by("-rank", "-created_at", "-id")
    # FTS5 snippets are at most 64 tokens long; bm25 is lower for a better match.
    excerpt = f"snippet({FTS_TABLE}, 0, char(2), char(3), '…', {EXCERPT_WORDS})"
    stories = stories.filter(index_entry__document__match=fts5_query(query))
    return stories.annotate(
        rank=RawSQL(f"bm25({FTS_TABLE}, {FTS_WEIGHTS})", (), output_field=models.FloatField()),
        excerpt=RawSQL(excerpt, (), output_field=models.TextField()),
    ).order_by("rank", "-created_at", "-id")


def first_ranked(stories, query):
    """Up to RANKED of `stories` matching `query`: the most recently added ones, their pks
    best match first. `stories` must not be narrowed by `matching()` already."""
    if is_postgresql():
        rows = (
            stories.alias(document=StoredDocument())
            .filter(Matches(query))
            .annotate(rank=SearchRank(models.F("document"), OwnLanguageQuery(query)))
            .order_by("-pk")
            .values_list("pk", "created_at", "rank")[:RANKED]
        )
        better_first = True
    else:
        # Ordered by the index's own rowid, FTS5 walks the matches newest first and stops
        # at RANKED; ordered by the story's id, SQLite would fetch and sort every match.
        rows = (
            stories.filter(index_entry__document__match=fts5_query(query))
            .annotate(
                rank=RawSQL(
                    f"bm25({FTS_TABLE}, {FTS_WEIGHTS})", (), output_field=models.FloatField()
                )
            )
            .order_by(models.F("index_entry__story_id").desc())
            .values_list("pk", "created_at", "rank")[:RANKED]
        )
        better_first = False  # bm25 is lower for a better match
    # The same order as ranked(): by rank, ties newest first (a stable sort keeps that order).
    newest_first = sorted(rows, key=lambda row: (row[1], row[0]), reverse=True)
    best_first = sorted(newest_first, key=lambda row: row[2], reverse=better_first)
    return [pk for pk, _created, _rank in best_first]


def older_matches(stories, query, than):
    """The stories matching `query` added before the story `than`, most recent first: those
    after the ranked ones. `stories` must not be narrowed by `matching()` already."""
    return matching(stories.filter(pk__lt=than), query).order_by("-pk")


def excerpts(pks, query):
    """{pk: highlighted excerpt of where the story matches `query`} for a page's stories."""
    if is_postgresql():
        rows = Story.objects.filter(pk__in=pks).annotate(excerpt=_headline(query))
        return dict(rows.values_list("pk", "excerpt"))
    # Asked of the index alone, FTS5 looks each story up by its rowid; joined to the stories,
    # SQLite would walk every match (half a second on a million stories).
    excerpt = f"snippet({FTS_TABLE}, 0, char(2), char(3), '…', {EXCERPT_WORDS})"
    rows = (
        StoryIndexEntry.objects.filter(document__match=fts5_query(query), story_id__in=pks)
        .annotate(excerpt=RawSQL(excerpt, (), output_field=models.TextField()))
        .values_list("story_id", "excerpt")
    )
    return dict(rows)


def _headline(query):
    """PostgreSQL: the story's excerpt around the query's words, in the story's language."""
    return SearchHeadline(
        "text",
        OwnLanguageQuery(query),
        config=StoryConfig(),
        start_sel=MARK_START,
        stop_sel=MARK_END,
        max_words=EXCERPT_WORDS,
        min_words=EXCERPT_WORDS // 2,
    )


def highlight(excerpt):
    """Escaped text with each match wrapped in <mark>."""
    if not excerpt:
        return ""
    safe = escape(excerpt)
    if safe.count(MARK_START) != safe.count(MARK_END):
        return mark_safe(safe.replace(MARK_START, "").replace(MARK_END, ""))
    return mark_safe(safe.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def forget_deleted_text():
    """Rewrite SQLite's index so erased text leaves no trace in it.

    FTS5 on SQLite before 3.44 records a deletion as a marker and keeps the old words
    in older index segments until they merge; "optimize" merges them all now.
    PostgreSQL's stored vector follows the row (dead entries go at the next vacuum).
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
