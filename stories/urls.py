from django.urls import path, re_path

from cxworkshop.ids import ID_PATTERN
from stories import views

app_name = "stories"

urlpatterns = [
    path("", views.archive, name="archive"),
    re_path(r"^export\.(?P<file_format>csv|json)$", views.archive_export, name="archive-export"),
    path("insights/", views.insights, name="insights"),
    path("<int:pk>/", views.story_detail, name="story-detail"),
    path("<int:pk>/hide/", views.story_hide, name="story-hide"),
    path("<int:pk>/feature/", views.story_feature, name="story-feature"),
    path("<int:pk>/curate/", views.story_curate, name="story-curate"),
    path("digests/", views.digest_list, name="digest-list"),
    path("digests/new/", views.digest_create, name="digest-create"),
    path("digests/<int:pk>/", views.digest_detail, name="digest-detail"),
    path("digests/<int:pk>/edit/", views.digest_edit, name="digest-edit"),
    path("digests/<int:pk>/delete/", views.digest_delete, name="digest-delete"),
    path("digests/<int:pk>/newsletter/", views.digest_newsletter, name="digest-newsletter"),
    re_path(
        rf"^digests/(?P<pk>{ID_PATTERN})/digest\.(?P<file_format>md|eml)$",
        views.digest_download,
        name="digest-download",
    ),
    path("mine/<token:token>/", views.mine, name="mine"),
    path("mine/<token:token>/<int:story_id>/withdraw/", views.withdraw, name="withdraw"),
]
