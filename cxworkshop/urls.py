from django.contrib import admin
from django.urls import include, path

from cxworkshop import views
from stories import views as stories_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("decks/", include("decks.urls")),
    path("", include("sessions.urls")),
    path("stories/", include("stories.urls")),
    # A story link's public form: a short address to print on a poster or put in a mail.
    path("tell/<token:token>/", stories_views.tell, name="tell"),
    path("admin/", admin.site.urls),
]

handler403 = "cxworkshop.views.permission_denied"
handler404 = "cxworkshop.views.page_not_found"
handler500 = "cxworkshop.views.server_error"
