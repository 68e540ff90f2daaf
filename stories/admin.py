from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext_lazy as _
from taggit.admin import TagAdmin
from taggit.models import Tag

from stories import sharing
from stories.credits import CreditForm
from stories.models import (
    Credit,
    Digest,
    DigestSchedule,
    Story,
    SubmissionLink,
    Subscription,
)


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = (
        "memory",
        "author",
        "valence",
        "cx_level",
        "status",
        "source",
        "is_featured",
        "created_at",
    )
    list_filter = (
        "status",
        "source",
        "valence",
        "is_featured",
        "cx_level",
        "language",
        "created_at",
    )
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
        "language",  # staff correct it here: search and insights read the story in it
        "tags",
        "credits",
        "status",
        "is_featured",
        "source",
        "session",
        "submission_link",
        "added_by",
        "consent_note",
        "created_at",
    )
    autocomplete_fields = ("credits",)
    # Status changes through the actions, so hiding and showing follow stories.sharing.
    readonly_fields = (
        "text",
        "prompt",
        "share_with",
        "author_name",
        "status",
        "source",
        "session",
        "submission_link",
        "added_by",
        "consent_note",
        "created_at",
    )
    actions = ["publish", "reject", "hide", "show", "feature", "unfeature"]

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

    @admin.action(description=_("Publish the selected stories waiting for moderation"))
    def publish(self, request, queryset):
        for story in queryset.filter(status=Story.Status.PENDING):
            sharing.publish(story, by=request.user)

    @admin.action(description=_("Reject the selected stories waiting for moderation"))
    def reject(self, request, queryset):
        for story in queryset.filter(status=Story.Status.PENDING):
            sharing.reject(story, by=request.user)

    @admin.action(description=_("Hide the selected stories"))
    def hide(self, request, queryset):
        for story in queryset.exclude(status__in=[*Story.GONE, Story.Status.PENDING]):
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


@admin.register(SubmissionLink)
class SubmissionLinkAdmin(admin.ModelAdmin):
    list_display = ("__str__", "is_open", "created_by", "created_at")
    list_filter = ("is_open",)
    search_fields = ("campaign", "introduction")
    fields = ("campaign", "introduction", "is_open", "token", "created_by", "created_at")
    readonly_fields = ("token", "created_by", "created_at")

    def save_model(self, request, link, form, change):
        if not change:
            link.created_by = request.user
        super().save_model(request, link, form, change)


@admin.register(Credit)
class CreditAdmin(admin.ModelAdmin):
    """People and teams stories credit. Renaming one here renames it beside every story; a
    credit no published story names stays off every page (`stories.credits.named`)."""

    form = CreditForm
    list_display = ("name", "kind", "slug", "published_stories")
    list_filter = ("kind",)
    search_fields = ("name",)
    readonly_fields = ("slug",)

    def get_queryset(self, request):
        published = Count("stories", filter=Q(stories__status=Story.Status.VISIBLE))
        return super().get_queryset(request).annotate(published=published)

    @admin.display(description=_("published stories"), ordering="published")
    def published_stories(self, credit):
        return credit.published


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ("title", "created_by", "date_from", "date_to", "updated_at")
    search_fields = ("title", "introduction")
    raw_id_fields = ("created_by", "stories")


@admin.register(DigestSchedule)
class DigestScheduleAdmin(admin.ModelAdmin):
    list_display = ("__str__", "title_template", "story_count", "needs_approval", "is_active")
    list_filter = ("is_active", "needs_approval")


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Addresses that receive the digest. Unsubscribed ones stay, stamped, so their old links
    still answer "unsubscribed"."""

    list_display = ("email", "user", "confirmed_at", "unsubscribed_at", "invited_by", "created_at")
    list_filter = ("confirmed_at", "unsubscribed_at")
    search_fields = ("email",)
    raw_id_fields = ("user", "invited_by")
    readonly_fields = ("token", "created_at")


class CheckedTagAdmin(TagAdmin):
    """django-taggit's tag admin, whose "merge tags" page lets any staff member merge tags
    without asking whether they may change tags; here it asks."""

    def merge_tags_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        return super().merge_tags_view(request)


admin.site.unregister(Tag)
admin.site.register(Tag, CheckedTagAdmin)
