import mimetypes

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404
from django.views.static import serve


def media(request, path):
    """Uploaded files, for instances with no front server in front of Django.

    A front server (nginx, Caddy) can serve MEDIA_ROOT, or pass /media/ on to the bucket, itself;
    this view is the embedded default. Stored names never change once written, so browsers may
    keep them a day.
    """
    if isinstance(default_storage, FileSystemStorage):
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    else:
        # An S3-compatible bucket: passed on from the instance's own host, so pages link no other.
        try:
            if not default_storage.exists(path):
                raise Http404(path)
            response = FileResponse(default_storage.open(path, "rb"))
        except SuspiciousFileOperation:
            raise Http404(path)
        response["Content-Type"] = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response["Cache-Control"] = "public, max-age=86400"
    return response
