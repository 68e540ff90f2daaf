from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from decks.models import Card, Deck


class CardInline(admin.TabularInline):
    model = Card
    fields = ("position", *Card.CONTENT_FIELDS)
    extra = 0


@admin.register(Deck)
class DeckAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "status", "is_featured", "language", "cards", "updated_at")
    list_filter = ("status", "is_featured", "language", "tags")
    search_fields = ("title", "description", "owner__email", "owner__name", "cards__prompt")
    list_select_related = ("owner",)
    readonly_fields = ("created_at", "updated_at", "submitted_at", "reviewed_at", "reviewed_by")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("owner",)
    inlines = [CardInline]
    actions = ["approve", "feature", "reject"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(card_count=Count("cards"))

    @admin.display(description=_("cards"), ordering="card_count")
    def cards(self, deck):
        return deck.card_count

    @admin.action(description=_("Approve for the library"))
    def approve(self, request, queryset):
        for deck in queryset:
            deck.approve(request.user)
        self.message_user(
            request,
            ngettext("%(count)s deck approved.", "%(count)s decks approved.", len(queryset))
            % {"count": len(queryset)},
        )

    @admin.action(description=_("Approve and feature"))
    def feature(self, request, queryset):
        for deck in queryset:
            deck.approve(request.user, featured=True)
        self.message_user(
            request,
            ngettext("%(count)s deck featured.", "%(count)s decks featured.", len(queryset))
            % {"count": len(queryset)},
        )

    @admin.action(description=_("Reject (edit the deck to give the owner a reason)"))
    def reject(self, request, queryset):
        for deck in queryset:
            deck.reject(request.user, deck.review_note or _("Not accepted for the library."))
        self.message_user(
            request,
            ngettext("%(count)s deck rejected.", "%(count)s decks rejected.", len(queryset))
            % {"count": len(queryset)},
        )


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ("prompt", "deck", "kind", "position")
    list_filter = ("kind", "deck__status")
    search_fields = ("prompt", "follow_up", "deck__title")
    list_select_related = ("deck",)
