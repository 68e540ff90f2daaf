"""Pages that answer htmx with a fragment of themselves, and stay whole in the browser's history.

One address gives a browser the whole page and htmx a fragment of it, so two things must hold:

- The response varies on HX-Request. Back and Forward read the browser's HTTP cache even when
  it is stale, keyed by address alone unless told otherwise: opening a story from a filtered
  archive and pressing Back showed the bare results fragment (no header, no styles).
- A history restore gets the whole page. htmx fetches an address it holds no snapshot of with
  HX-History-Restore-Request and puts the answer in place of the whole body. base.html turns
  htmx's `historyRestoreAsHxRequest` off, so such a request does not claim to be an ordinary
  htmx one; `wants_fragment` keeps the page whole even for an htmx that still does.
"""

from django.views.decorators.vary import vary_on_headers

varies_on_htmx = vary_on_headers("HX-Request")


def wants_fragment(request):
    """True for htmx swapping part of a page; False for a page load, a history restore too."""
    return bool(request.htmx) and not request.htmx.history_restore_request
