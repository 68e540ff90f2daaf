# Indexes for the archive at the size of a large organisation (issue 15): see Story.Meta.

from django.conf import settings
from django.db import migrations, models


def refresh_sqlite_statistics(apps, schema_editor):
    """SQLite plans with the statistics ANALYZE left: without them for the new indexes it took
    a covering index over the newest-first one and sorted a million stories for one page.
    PostgreSQL keeps its statistics per column, so it needs nothing here."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE")


class Migration(migrations.Migration):

    dependencies = [
        ('live_sessions', '0011_reactions_closing'),
        ('stories', '0010_story_published_at'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='story',
            name='story_status_valence',
        ),
        migrations.RemoveIndex(
            model_name='story',
            name='story_status_level',
        ),
        migrations.RemoveIndex(
            model_name='story',
            name='story_status_source',
        ),
        migrations.AddIndex(
            model_name='story',
            index=models.Index(fields=['status', 'valence', '-created_at'], name='story_valence_newest'),
        ),
        migrations.AddIndex(
            model_name='story',
            index=models.Index(fields=['status', 'cx_level', '-created_at'], name='story_level_newest'),
        ),
        migrations.AddIndex(
            model_name='story',
            index=models.Index(fields=['status', 'source', '-created_at'], name='story_source_newest'),
        ),
        migrations.AddIndex(
            model_name='story',
            index=models.Index(fields=['status', 'session', 'valence', 'cx_level', 'source', 'is_featured'], name='story_facets'),
        ),
        migrations.AddIndex(
            model_name='story',
            index=models.Index(fields=['id', 'status', 'session', 'valence', 'cx_level', 'source', 'is_featured'], name='story_facets_by_id'),
        ),
        migrations.RunPython(refresh_sqlite_statistics, migrations.RunPython.noop, elidable=True),
    ]
