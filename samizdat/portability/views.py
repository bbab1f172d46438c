"""The dashboard's WordPress import page (owners only): thin, calling `wordpress.import_wxr`."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from samizdat.blogs.models import Blog
from samizdat.blogs.roles import Cap
from samizdat.blogs.services import membership_for

from .wordpress import ImportStopped, import_wxr


@login_required
def import_wordpress(request, blog_slug):
    """Upload a WXR file and import it at once (small files; larger ones with `samizdat import-wxr`)."""
    blog = get_object_or_404(Blog, slug=blog_slug)
    membership = membership_for(request.user, blog)
    if membership is None:
        raise Http404
    if not membership.can(Cap.MANAGE_BLOG):
        raise PermissionDenied
    limit_mb = round(settings.SAMIZDAT_IMPORT_MAX_BYTES / 1048576, 1)
    context = {"blog": blog, "membership": membership, "section": "import", "nav": [], "limit_mb": limit_mb}
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
    return render(request, "portability/import.html", context, status=400 if context.get("error") else 200)
