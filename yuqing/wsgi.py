"""WSGI entry point (used by ``yuqing serve`` and any external WSGI server)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuqing.settings")
application = get_wsgi_application()
