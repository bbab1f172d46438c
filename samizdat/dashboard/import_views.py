"""The WordPress import screen and export download (owners only): thin, calling `portability`."""

from django.conf import settings
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from samizdat.portability import jobs
from samizdat.portability.export import generate
from samizdat.portability.models import ImportJob
from samizdat.portability.wordpress import Summary

from . import permissions as can
from .views import _render, blog_view


@blog_view(can.can_manage_blog)
def import_wordpress(request, blog, membership):
    """Upload a WXR file; the worker imports it and the job's page shows how far it got."""
    limit_mb = round(settings.SAMIZDAT_IMPORT_MAX_BYTES / 1048576, 1)
    context = {"limit_mb": limit_mb, "jobs": ImportJob.objects.filter(blog=blog)[:10]}
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
            job = jobs.start_import(blog, upload, request.user, language=request.LANGUAGE_CODE)
            return redirect("dashboard:import_job", blog.slug, job.pk)
    response = _render(request, "dashboard/import.html", blog, membership, "import", **context)
    if context.get("error"):
        response.status_code = 400
    return response


@require_GET
@blog_view(can.can_manage_blog)
def import_job(request, blog, membership, job_id):
    """How far an import has got, refreshing itself until it ends; then its summary."""
    job = get_object_or_404(ImportJob, blog=blog, pk=job_id)
    summary = Summary.from_dict(job.summary) if job.summary else None
    return _render(
        request, "dashboard/import_job.html", blog, membership, "import",
        job=job, summary=summary, summary_lines=summary.lines() if summary else [],
    )


@require_GET
@blog_view(can.can_manage_blog)
def export_wordpress(request, blog, membership):
    """Download the blog as a WordPress export (WXR), written as it is sent."""
    response = StreamingHttpResponse(generate(blog), content_type="application/xml; charset=utf-8")
    day = timezone.localdate(timezone=blog.tzinfo).isoformat()
    response["Content-Disposition"] = f'attachment; filename="{blog.slug}.wordpress.{day}.xml"'
    return response
