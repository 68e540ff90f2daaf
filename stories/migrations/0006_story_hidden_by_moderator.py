import importlib

from django.db import migrations, models


def remember_hidden_stories(apps, schema_editor):
    """Stories hidden before moderators' decisions were kept apart from the status."""
    Story = apps.get_model("stories", "Story")
    Story.objects.filter(status="hidden").update(hidden_by_moderator=True)


def forget_words_in_the_admin_log(apps, schema_editor):
    """The admin's log named stories and answers by their first words, and kept them after the
    words were erased; it names them by number now."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    kinds = ContentType.objects.filter(
        app_label__in=["stories", "live_sessions"], model__in=["story", "answer"]
    )
    for entry in LogEntry.objects.filter(content_type__in=kinds):
        entry.object_repr = f"{entry.content_type.model.capitalize()} {entry.object_id}"
        entry.save(update_fields=["object_repr"])


def rebuild_sqlite_search(apps, schema_editor):
    """SQLite rebuilt stories_story to add the column, dropping the search triggers."""
    if schema_editor.connection.vendor == "sqlite":
        search_index = importlib.import_module("stories.migrations.0003_search_index")
        search_index.create_sqlite_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0005_story_author_token"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="story",
            name="hidden_by_moderator",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(rebuild_sqlite_search, rebuild_sqlite_search),
        migrations.RunPython(remember_hidden_stories, migrations.RunPython.noop),
        migrations.RunPython(forget_words_in_the_admin_log, migrations.RunPython.noop),
    ]
