"""The archive's full-text index: a GIN expression index on PostgreSQL, FTS5 on SQLite.

The SQLite triggers belong to stories_story: a later migration that makes SQLite
rebuild that table (most AlterField operations do) drops them, so such a migration
must run `create_sqlite_index` again. The search tests fail if it does not.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "story_search_document"
FTS_COLUMNS = "text, share_with, prompt"

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE stories_story_fts USING fts5(
        {FTS_COLUMNS}, content='stories_story', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER stories_story_fts_insert AFTER INSERT ON stories_story BEGIN
        INSERT INTO stories_story_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.text, new.share_with, new.prompt);
    END""",
    f"""CREATE TRIGGER stories_story_fts_delete AFTER DELETE ON stories_story BEGIN
        INSERT INTO stories_story_fts(stories_story_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.text, old.share_with, old.prompt);
    END""",
    f"""CREATE TRIGGER stories_story_fts_update AFTER UPDATE OF {FTS_COLUMNS} ON stories_story
    BEGIN
        INSERT INTO stories_story_fts(stories_story_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.text, old.share_with, old.prompt);
        INSERT INTO stories_story_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.text, new.share_with, new.prompt);
    END""",
    "INSERT INTO stories_story_fts(stories_story_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS stories_story_fts_insert",
    "DROP TRIGGER IF EXISTS stories_story_fts_delete",
    "DROP TRIGGER IF EXISTS stories_story_fts_update",
    "DROP TABLE IF EXISTS stories_story_fts",
]


def postgresql_index():
    # The same expression as stories.search.document(), so searches can use the index.
    document = (
        SearchVector("text", weight="A", config="english")
        + SearchVector("share_with", weight="B", config="english")
        + SearchVector("prompt", weight="C", config="english")
    )
    return GinIndex(document, name=INDEX_NAME)


def create_sqlite_index(schema_editor):
    for statement in SQLITE_DROP + SQLITE_CREATE:
        schema_editor.execute(statement)


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.add_index(apps.get_model("stories", "Story"), postgresql_index())
    elif vendor == "sqlite":
        create_sqlite_index(schema_editor)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("stories", "Story"), postgresql_index())
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("stories", "0002_archive")]

    operations = [migrations.RunPython(create_index, drop_index)]
