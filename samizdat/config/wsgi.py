import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from samizdat.core.callstack import call_with_room

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samizdat.config.settings")
django_application = get_wsgi_application()


def application(environ, start_response):
    # Each request's frames in one chunk of Python's frame stack (samizdat.core.callstack): 5-15 ms
    # of system CPU less per post page rendered whole.
    return call_with_room(django_application, environ, start_response)


from samizdat.posts import fragments  # noqa: E402 (after setup)

# The digest of the release behind the post pages' stored parts is read once per process, here,
# rather than on the first reader's request (about 13 ms of reading every source file).
fragments.release()

if settings.SAMIZDAT_PAGES:
    from samizdat.pages import store
    from samizdat.pages.wsgi import PageStoreApplication

    # Stored pages may name static files of the release before, or miss a change made while no
    # server ran: each server process starts from an empty store (it fills again on first reads).
    store.clear()
    # Stored public pages are answered here, before Django (see docs/performance.md).
    application = PageStoreApplication(application)
