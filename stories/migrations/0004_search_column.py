"""PostgreSQL: the search vector stored in a generated column, indexed by GIN.

Migration 0003 indexed the expression, so a search could find matches in the index, but
ranking them recomputed the vector from the text of every match: at 1,000,000 stories that
was most of a search's time (bench/archive_search.py). A stored column is computed once per
write. Same weights and configuration as before (stories.search). SQLite keeps its FTS5 table.
"""

import importlib

from django.db import migrations

COLUMN = "search_document"
INDEX_NAME = "story_search_column"
OLD_INDEX_NAME = "story_search_document"

CREATE = [
    f"""ALTER TABLE stories_story ADD COLUMN {COLUMN} tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(text, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(share_with, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(prompt, '')), 'C')
    ) STORED""",
    f"CREATE INDEX {INDEX_NAME} ON stories_story USING gin ({COLUMN})",
    f"DROP INDEX IF EXISTS {OLD_INDEX_NAME}",
]


def create_column(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop_column(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        previous = importlib.import_module("stories.migrations.0003_search_index")
        schema_editor.execute(f"ALTER TABLE stories_story DROP COLUMN {COLUMN}")
        previous.create_index(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("stories", "0003_search_index")]

    operations = [migrations.RunPython(create_column, drop_column)]
