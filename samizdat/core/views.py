from django.conf import settings
from django.views.static import serve


def media(request, path):
    """Uploaded files, for instances with no front server in front of Django.

    A front server (nginx, Caddy) can serve MEDIA_ROOT itself; this view is the embedded
    default. Stored names never change once written, so browsers may keep them a day.
    """
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=86400"
    return response
