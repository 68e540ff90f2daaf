from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from stories.models import Digest, Story


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "author",
        "valence",
        "cx_level",
        "status",
        "is_featured",
        "created_at",
    )
    list_filter = ("status", "valence", "is_featured", "cx_level", "created_at")
    search_fields = ("text", "prompt", "share_with")
    date_hierarchy = "created_at"
    # The answer (and through it the participant) is left out: anonymous means anonymous.
    fields = (
        "text",
        "prompt",
        "share_with",
        "author_name",
        "valence",
        "cx_level",
        "tags",
        "status",
        "is_featured",
        "session",
        "created_at",
    )
    readonly_fields = ("text", "prompt", "share_with", "author_name", "session", "created_at")
    actions = ["hide", "show", "feature", "unfeature"]

    @admin.display(description=_("author"), ordering="author_name")
    def author(self, story):
        return story.author_label

    @admin.action(description=_("Hide the selected stories"))
    def hide(self, request, queryset):
        for story in queryset.exclude(status=Story.Status.WITHDRAWN):
            story.set_hidden(True)

    @admin.action(description=_("Show the selected stories again"))
    def show(self, request, queryset):
        for story in queryset.filter(status=Story.Status.HIDDEN):
            story.set_hidden(False)

    @admin.action(description=_("Feature the selected stories"))
    def feature(self, request, queryset):
        queryset.filter(status=Story.Status.VISIBLE).update(is_featured=True)

    @admin.action(description=_("Stop featuring the selected stories"))
    def unfeature(self, request, queryset):
        queryset.update(is_featured=False)


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ("title", "created_by", "date_from", "date_to", "updated_at")
    search_fields = ("title", "introduction")
    raw_id_fields = ("created_by", "stories")
