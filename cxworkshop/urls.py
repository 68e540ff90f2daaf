from django.contrib import admin
from django.urls import include, path

from cxworkshop import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("decks/", include("decks.urls")),
    path("", include("sessions.urls")),
    path("stories/", include("stories.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "cxworkshop.views.permission_denied"
handler404 = "cxworkshop.views.page_not_found"
handler500 = "cxworkshop.views.server_error"
