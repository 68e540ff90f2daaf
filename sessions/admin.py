"""The admin of live sessions. A memory shared anonymously never meets a name here: no page,
filter, search or lookup joins an anonymous answer to its participant."""

from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext_lazy as _

from sessions.models import Answer, LiveSession, Participant


class ParticipantInline(admin.TabularInline):
    model = Participant
    fields = ("display_name", "language", "turn_position", "joined_at")
    readonly_fields = ("joined_at",)
    extra = 0
    show_change_link = False


@admin.register(LiveSession)
class LiveSessionAdmin(admin.ModelAdmin):
    list_display = ("title", "facilitator", "join_code", "status", "mode", "language", "created_at")
    list_filter = ("status", "mode", "answers_live", "anonymous_allowed")
    search_fields = ("title", "join_code", "facilitator__email")
    list_select_related = ("facilitator",)
    readonly_fields = ("room_key", "shuffle_seed", "created_at", "ended_at")
    raw_id_fields = (
        "deck",
        "facilitator",
        "current_card",
        "current_turn",
        "team",
        "co_facilitators",
    )
    inlines = [ParticipantInline]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ("excerpt", "author", "is_private", "is_hidden", "archive_consent")
    list_filter = ("is_private", "is_hidden", "archive_consent", "valence")
    search_fields = ("text", "session_card__prompt")
    # The participant's words and consent are theirs; a story made from them changes only
    # through stories.sharing.
    readonly_fields = (
        "session_card",
        "participant",
        "text",
        "is_private",
        "valence",
        "share_with",
        "archive_consent",
    )

    @admin.display(description=_("answer"))
    def excerpt(self, answer):
        return answer.text[:60]

    @admin.display(description=_("author"))
    def author(self, answer):
        return answer.author_label

    def lookup_allowed(self, lookup, value, request=None):
        """No filter in the address selects a participant's answers."""
        if lookup.split(LOOKUP_SEP)[0] in {"participant", "participant_id"}:
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_fields(self, request, answer=None):
        """An answer shared anonymously does not lead to its participant."""
        fields = super().get_fields(request, answer)
        if answer and answer.archive_consent == Answer.Consent.ANONYMOUS:
            return [name for name in fields if name != "participant"]
        return fields
