import importlib

from django.db import migrations, models


def remember_hidden_stories(apps, schema_editor):
    """Stories hidden before moderators' decisions were kept apart from the status."""
    Story = apps.get_model("stories", "Story")
    Story.objects.filter(status="hidden").update(hidden_by_moderator=True)


def rebuild_sqlite_search(apps, schema_editor):
    """SQLite rebuilt stories_story to add the column, dropping the search triggers."""
    if schema_editor.connection.vendor == "sqlite":
        search_index = importlib.import_module("stories.migrations.0003_search_index")
        search_index.create_sqlite_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0005_story_author_token"),
    ]

    operations = [
        migrations.AddField(
            model_name="story",
            name="hidden_by_moderator",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(rebuild_sqlite_search, rebuild_sqlite_search),
        migrations.RunPython(remember_hidden_stories, migrations.RunPython.noop),
    ]
