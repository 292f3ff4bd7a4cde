"""WSGI entry point, as used by gunicorn: gunicorn accountmanagement.wsgi."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accountmanagement.settings")

application = get_wsgi_application()
