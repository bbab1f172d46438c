"""The dashboard's Webmention screen: mentions a blog received (and what became of each) and those
its posts sent, so a writer can see what happened without reading logs."""

from django.utils.translation import gettext_lazy as _

from samizdat.blogs.roles import Cap
from samizdat.dashboard import permissions as can
from samizdat.dashboard.views import blog_view, paginate, render_blog_screen

from .models import SentWebmention, Webmention

# SentWebmention.status in words; an empty status is a mention not tried yet.
SENT_STATUS = {
    "sent": _("Sent"),
    "no_endpoint": _("The page takes no webmentions"),
    "failed": _("Failed"),
    "": _("Waiting to be sent"),
}
SHOWN = {"received": _("Received"), "sent": _("Sent")}


def _posts_filter(membership):
    """Editors see every post's mentions; other writers those of their own posts."""
    if membership.can(Cap.EDIT_OTHERS_POSTS):
        return {}
    return {"post__author_id": membership.user_id}


@blog_view(can.can_write_posts)
def webmention_list(request, blog, membership):
    show = "sent" if request.GET.get("show") == "sent" else "received"
    only = _posts_filter(membership)
    if show == "sent":
        queryset = SentWebmention.objects.filter(post__blog=blog, **only).select_related("post__blog")
        queryset = queryset.order_by("-sent_at", "-pk")
    else:
        queryset = Webmention.objects.filter(post__blog=blog, **only).select_related("post__blog", "comment")
        queryset = queryset.order_by("-received_at", "-pk")
    page_obj = paginate(request, queryset)
    rows = [(row, SENT_STATUS.get(row.status, row.status)) for row in page_obj] if show == "sent" else page_obj
    return render_blog_screen(
        request, "api/webmentions.html", blog, membership, "webmentions",
        show=show, tabs=SHOWN.items(), rows=rows, page_obj=page_obj,
        moderator=can.can_moderate_comments(membership),
    )
