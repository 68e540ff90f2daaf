from django.urls import path, re_path

from cxworkshop.ids import ID_PATTERN
from stories import views

app_name = "stories"

urlpatterns = [
    path("", views.archive, name="archive"),
    path("counts/", views.archive_counts, name="archive-counts"),
    re_path(r"^export\.(?P<file_format>csv|json)$", views.archive_export, name="archive-export"),
    path("insights/", views.insights, name="insights"),
    path("<int:pk>/", views.story_detail, name="story-detail"),
    path("<int:pk>/hide/", views.story_hide, name="story-hide"),
    path("<int:pk>/feature/", views.story_feature, name="story-feature"),
    path("<int:pk>/curate/", views.story_curate, name="story-curate"),
    path("credits/", views.credit_list, name="credit-list"),
    re_path(
        r"^credits/(?P<kind>person|team)/(?P<slug>[-\w]{1,120})/$",
        views.credit_detail,
        name="credit-detail",
    ),
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
    path("links/", views.link_list, name="link-list"),
    path("links/new/", views.link_create, name="link-create"),
    path("links/<int:pk>/edit/", views.link_edit, name="link-edit"),
    path("links/<int:pk>/open/", views.link_open, name="link-open"),
    path("moderation/", views.moderation, name="moderation"),
    re_path(
        rf"^(?P<pk>{ID_PATTERN})/(?P<decision>publish|reject)/$",
        views.story_decide,
        name="story-decide",
    ),
    path("new/", views.story_add, name="story-add"),
    path("import/", views.story_import, name="story-import"),
    path("mine/<token:token>/", views.mine, name="mine"),
    path("mine/<token:token>/<int:story_id>/withdraw/", views.withdraw, name="withdraw"),
    # Feel Good Fridays by mail
    path("digests/subscription/", views.subscription, name="subscription"),
    path("digests/schedules/", views.schedule_list, name="schedule-list"),
    path("digests/schedules/new/", views.schedule_create, name="schedule-create"),
    path("digests/schedules/<int:pk>/edit/", views.schedule_edit, name="schedule-edit"),
    path("digests/subscribers/", views.subscriber_list, name="subscriber-list"),
    path("digests/subscribers/invite/", views.subscriber_invite, name="subscriber-invite"),
    path(
        "digests/subscribers/<int:pk>/resend/",
        views.subscriber_resend,
        name="subscriber-resend",
    ),
    path("digests/<int:pk>/approve/", views.digest_approve, name="digest-approve"),
    path(
        "digests/confirm/<token:token>/",
        views.subscription_confirm,
        name="subscription-confirm",
    ),
    path("digests/unsubscribe/<token:token>/", views.unsubscribe, name="unsubscribe"),
]
