from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext_lazy as _
from taggit.admin import TagAdmin
from taggit.models import Tag

from stories import sharing
from stories.models import Digest, Story


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = (
        "memory",
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
    # Status changes through the actions, so hiding and showing follow stories.sharing.
    readonly_fields = (
        "text",
        "prompt",
        "share_with",
        "author_name",
        "status",
        "session",
        "created_at",
    )
    actions = ["hide", "show", "feature", "unfeature"]

    def lookup_allowed(self, lookup, value, request=None):
        """No filter in the address leads from a story to its answer or its author's link."""
        if lookup.split(LOOKUP_SEP)[0] in {"answer", "answer_id", "author_token"}:
            return False
        return super().lookup_allowed(lookup, value, request)

    def delete_model(self, request, story):
        sharing.delete(story)

    def delete_queryset(self, request, queryset):
        for story in queryset:
            sharing.delete(story)

    @admin.display(description=_("memory"))
    def memory(self, story):
        return story.text[:60] or _("(withdrawn)")

    @admin.display(description=_("author"), ordering="author_name")
    def author(self, story):
        return story.author_label

    @admin.action(description=_("Hide the selected stories"))
    def hide(self, request, queryset):
        for story in queryset.exclude(status=Story.Status.WITHDRAWN):
            sharing.hide(story, by=request.user)

    @admin.action(description=_("Show the selected stories again"))
    def show(self, request, queryset):
        for story in queryset.filter(status=Story.Status.HIDDEN):
            sharing.hide(story, hidden=False, by=request.user)

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


class CheckedTagAdmin(TagAdmin):
    """django-taggit's tag admin, whose "merge tags" page lets any staff member merge tags
    without asking whether they may change tags; here it asks."""

    def merge_tags_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        return super().merge_tags_view(request)


admin.site.unregister(Tag)
admin.site.register(Tag, CheckedTagAdmin)
