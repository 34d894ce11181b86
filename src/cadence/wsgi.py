"""WSGI entry point for gunicorn (`cadence serve`)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadence.settings")
application = get_wsgi_application()

if not settings.DEBUG and os.environ.get("CADENCE_PREFORK", "1") == "1":
    # Loaded in gunicorn's master (--preload): warm up and freeze before the
    # workers are forked (core/prefork.py).
    from cadence.core.prefork import prepare_for_fork

    prepare_for_fork()
