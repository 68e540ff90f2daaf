from django.urls import path, re_path

from cxworkshop.ids import ID_PATTERN
from decks import views

app_name = "decks"

urlpatterns = [
    path("", views.deck_list, name="deck-list"),
    path("library/", views.library, name="library"),
    path("new/", views.deck_create, name="deck-create"),
    path("import/", views.deck_import, name="deck-import"),
    path("review/", views.review_queue, name="review-queue"),
    path("<slug:slug>/", views.deck_detail, name="deck-detail"),
    path("<slug:slug>/edit/", views.deck_edit, name="deck-edit"),
    path("<slug:slug>/delete/", views.deck_delete, name="deck-delete"),
    path("<slug:slug>/duplicate/", views.deck_duplicate, name="deck-duplicate"),
    path("<slug:slug>/copy/", views.deck_copy, name="deck-copy"),
    path("<slug:slug>/preview/", views.deck_preview, name="deck-preview"),
    re_path(
        r"^(?P<slug>[-\w]+)/export\.(?P<file_format>json|csv)$",
        views.deck_export,
        name="deck-export",
    ),
    path("<slug:slug>/print/", views.deck_print, name="deck-print"),
    path("<slug:slug>/submit/", views.deck_submit, name="deck-submit"),
    path("<slug:slug>/withdraw/", views.deck_withdraw, name="deck-withdraw"),
    re_path(
        r"^(?P<slug>[-\w]+)/review/(?P<decision>approve|feature|unfeature|reject)/$",
        views.deck_review,
        name="deck-review",
    ),
    path("<slug:slug>/cards/", views.card_add, name="card-add"),
    path("<slug:slug>/cards/many/", views.cards_add_many, name="cards-add-many"),
    path("<slug:slug>/cards/order/", views.cards_reorder, name="cards-reorder"),
    path("<slug:slug>/cards/<int:card_id>/", views.card_detail, name="card-detail"),
    path("<slug:slug>/cards/<int:card_id>/edit/", views.card_edit, name="card-edit"),
    path("<slug:slug>/cards/<int:card_id>/delete/", views.card_delete, name="card-delete"),
    re_path(
        rf"^(?P<slug>[-\w]+)/cards/(?P<card_id>{ID_PATTERN})/move/(?P<direction>up|down)/$",
        views.card_move,
        name="card-move",
    ),
]
