import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samizdat.config.settings")
application = get_wsgi_application()

if settings.SAMIZDAT_PAGES:
    from samizdat.pages import store
    from samizdat.pages.wsgi import PageStoreApplication

    # Stored pages may name static files of the release before, or miss a change made while no
    # server ran: each server process starts from an empty store (it fills again on first reads).
    store.clear()
    # Stored public pages are answered here, before Django (see docs/performance.md).
    application = PageStoreApplication(application)
