import importlib

from django.db import migrations, models


def staff_hid_the_hidden_stories(apps, schema_editor):
    """Who hid a story was not recorded before: leave each one to staff, so no facilitator can
    undo a curator's decision."""
    Story = apps.get_model("stories", "Story")
    Story.objects.filter(hidden_by_moderator=True).update(hidden_by_staff=True)


def rebuild_sqlite_search(apps, schema_editor):
    """SQLite rebuilt stories_story to add the column, dropping the search triggers."""
    if schema_editor.connection.vendor == "sqlite":
        search_index = importlib.import_module("stories.migrations.0003_search_index")
        search_index.create_sqlite_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0006_story_hidden_by_moderator"),
    ]

    operations = [
        migrations.AddField(
            model_name="story",
            name="hidden_by_staff",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(rebuild_sqlite_search, rebuild_sqlite_search),
        migrations.RunPython(staff_hid_the_hidden_stories, migrations.RunPython.noop),
    ]
