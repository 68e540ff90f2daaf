from django.contrib import admin

from stories.models import Story


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ("__str__", "author_name", "valence", "status", "is_featured", "created_at")
    list_filter = ("status", "valence", "is_featured", "cx_level")
    search_fields = ("text", "prompt", "author_name", "share_with")
    readonly_fields = ("session", "answer", "created_at")
