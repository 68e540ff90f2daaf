"""Full-text search over the story archive: PostgreSQL text search, or SQLite FTS5.

Both index the memory, "who would you share it with" and the question it answered,
in that order of weight, with English stemming ("waited" finds "waiting").
On PostgreSQL a generated column stores the weighted vector under a GIN index (migration
0004); on SQLite an external-content FTS5 table (`stories_story_fts`) is kept in step with
`stories_story` by triggers (migration 0003). Matches come back ranked, with a highlighted
excerpt that `highlight()` turns into safe HTML.
"""

import re

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection, models
from django.db.models.expressions import Expression, RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

from stories.models import StoryIndexEntry

CONFIG = "english"
FTS_TABLE = StoryIndexEntry._meta.db_table
# Control characters nobody types: they mark a match until the excerpt is escaped.
MARK_START, MARK_END = "\x02", "\x03"
EXCERPT_WORDS = 32
# PostgreSQL weights A, B, C and SQLite bm25 weights for text, share_with, prompt.
FTS_WEIGHTS = "10.0, 4.0, 2.0"


class StoredDocument(Expression):
    """PostgreSQL: the story's search vector, stored by migration 0004 (a generated column
    the models do not declare), under whatever alias the query gives the story table."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.search_document", []


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
        return stories.alias(document=StoredDocument()).filter(document=_search_query(query))
    # A subquery, not a join: SQLite then runs the full-text match once, instead of once
    # per story when it prefers to walk another index (as it does for filter counts).
    matches = RawSQL(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (fts5_query(query),)
    )
    return stories.filter(pk__in=matches)


def ranked(stories, query):
    """Stories from `matching()`, best match first, each with a highlighted `excerpt`."""
    if is_postgresql():
        search_query = _search_query(query)
        return stories.annotate(
            rank=SearchRank(models.F("document"), search_query),
            excerpt=SearchHeadline(
                "text",
                search_query,
                config=CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_words=EXCERPT_WORDS,
                min_words=EXCERPT_WORDS // 2,
            ),
        ).order_by("-rank", "-created_at", "-id")
    # FTS5 snippets are at most 64 tokens long; bm25 is lower for a better match.
    excerpt = f"snippet({FTS_TABLE}, 0, char(2), char(3), '…', {EXCERPT_WORDS})"
    stories = stories.filter(index_entry__document__match=fts5_query(query))
    return stories.annotate(
        rank=RawSQL(f"bm25({FTS_TABLE}, {FTS_WEIGHTS})", (), output_field=models.FloatField()),
        excerpt=RawSQL(excerpt, (), output_field=models.TextField()),
    ).order_by("rank", "-created_at", "-id")


def _search_query(query):
    return SearchQuery(query, search_type="websearch", config=CONFIG)


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
