# Each story's language (issue 16): its search stems and stop words follow it.

import importlib

from django.db import migrations, models

# The shipped languages and PostgreSQL's configuration for each, as they were when this
# migration was written (stories.search.CONFIGS must say the same: a test checks it). A
# language shipped later needs a migration that rebuilds the column with it.
CONFIGS = {"en": "english", "nl": "dutch", "fr": "french", "de": "german", "es": "spanish"}
FALLBACK = "english"
SHIPPED = list(CONFIGS)

COLUMN = "search_document"
INDEX_NAME = "story_search_column"


def story_config(field):
    """SQL: the story's own configuration. A CASE over constants is immutable, as a generated
    column needs (to_tsvector(regconfig, text) is; a lookup table would not be)."""
    branches = " ".join(
        f"WHEN '{code}' THEN '{config}'::regconfig"
        for code, config in CONFIGS.items()
        if config != FALLBACK
    )
    return f"CASE {field} {branches} ELSE '{FALLBACK}'::regconfig END"


CONFIG = story_config("language")
CREATE = [
    f"""ALTER TABLE stories_story ADD COLUMN {COLUMN} tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector({CONFIG}, coalesce(text, '')), 'A')
        || setweight(to_tsvector({CONFIG}, coalesce(share_with, '')), 'B')
        || setweight(to_tsvector({CONFIG}, coalesce(prompt, '')), 'C')
    ) STORED""",
    f"CREATE INDEX {INDEX_NAME} ON stories_story USING gin ({COLUMN})",
]


def rebuild_sqlite_search(apps, schema_editor):
    """SQLite rebuilt stories_story to add the column: that dropped the search triggers and the
    table's planner statistics (migration 0011 says why those matter)."""
    if schema_editor.connection.vendor == "sqlite":
        search_index = importlib.import_module("stories.migrations.0003_search_index")
        search_index.create_sqlite_index(schema_editor)
        schema_editor.execute("ANALYZE")


def drop_english_column(apps, schema_editor):
    """Dropped before the languages are set, so that setting them computes no vector."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE stories_story DROP COLUMN {COLUMN}")


def create_english_column(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        previous = importlib.import_module("stories.migrations.0004_search_column")
        for statement in previous.CREATE:
            schema_editor.execute(statement)


def create_language_column(apps, schema_editor):
    """Then the column's statistics: without them PostgreSQL guessed 100 matches for a word
    3,437 of 20,000 stories use, until autovacuum came round to the table."""
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)
        schema_editor.execute("ANALYZE stories_story")


def drop_language_column(apps, schema_editor):
    drop_english_column(apps, schema_editor)


def stories_take_their_decks_language(apps, schema_editor):
    """A story told in a session was most likely told in its deck's language; any other story
    (and one whose deck is gone or in a language not shipped) is read as English, as before."""
    Story = apps.get_model("stories", "Story")
    for code in SHIPPED:
        if code != "en":
            Story.objects.filter(session__deck__language=code).update(language=code)


class Migration(migrations.Migration):
    dependencies = [
        ("decks", "0002_card_level_notes"),
        ("live_sessions", "0013_languages"),
        ("stories", "0011_archive_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="story",
            name="language",
            field=models.CharField(
                choices=[
                    ("en", "English"),
                    ("nl", "Dutch"),
                    ("fr", "French"),
                    ("de", "German"),
                    ("es", "Spanish"),
                ],
                default="en",
                max_length=8,
                verbose_name="language",
            ),
        ),
        migrations.RunPython(rebuild_sqlite_search, rebuild_sqlite_search),
        migrations.RunPython(drop_english_column, create_english_column),
        migrations.RunPython(stories_take_their_decks_language, migrations.RunPython.noop),
        migrations.RunPython(create_language_column, drop_language_column),
    ]
