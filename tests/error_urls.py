"""The project's URLs plus two that fail, for the error pages' tests only (never in production:
tests switch to this module with override_settings(ROOT_URLCONF="tests.error_urls"))."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from cxworkshop.urls import handler403, handler404, handler500, urlpatterns

FAILING_PATH = "/test-only/fails/"
REFUSING_PATH = "/test-only/refuses/"
MARKUP_REASON = 'Only <b>owners</b> & "co" may <script>alert(1)</script>.'


def fails(request):
    raise RuntimeError("A fault the 500 page must cover.")


def refuses(request):
    raise PermissionDenied(MARKUP_REASON)


urlpatterns = [
    path(FAILING_PATH.strip("/") + "/", fails),
    path(REFUSING_PATH.strip("/") + "/", refuses),
    *urlpatterns,
]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
