"""WSGI entry point, for HTTP-only hosting; live sessions need the ASGI one."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxworkshop.settings")
application = get_wsgi_application()
