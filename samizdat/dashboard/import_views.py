"""The WordPress import screen (owners only): thin, calling `portability.wordpress.import_wxr`."""

from django.conf import settings
from django.utils.translation import gettext as _

from samizdat.portability.wordpress import ImportStopped, import_wxr

from . import permissions as can
from .views import _render, blog_view


@blog_view(can.can_manage_blog)
def import_wordpress(request, blog, membership):
    """Upload a WXR file and import it at once (small files; larger ones with `samizdat import-wxr`)."""
    limit_mb = round(settings.SAMIZDAT_IMPORT_MAX_BYTES / 1048576, 1)
    context = {"limit_mb": limit_mb}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = _("Choose the file WordPress exported (Tools → Export).")
        elif upload.size > settings.SAMIZDAT_IMPORT_MAX_BYTES:
            context["error"] = _(
                "This file is %(size)s MB; the import page takes up to %(limit)s MB. Ask the instance's "
                "admin to run “samizdat import-wxr FILE --blog %(blog)s”."
            ) % {"size": round(upload.size / 1048576, 1), "limit": limit_mb, "blog": blog.slug}
        else:
            try:
                _blog, summary = import_wxr(upload.file, blog.slug, owner=request.user, fetch_media=False)
            except ImportStopped as exc:
                summary = exc.summary
            context["summary"] = summary
            context["summary_lines"] = summary.lines()
    response = _render(request, "dashboard/import.html", blog, membership, "import", **context)
    if context.get("error"):
        response.status_code = 400
    return response
