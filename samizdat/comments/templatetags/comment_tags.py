"""Template tags that put comments on the public pages: `{% comments_section %}`, `{% comment_count post %}`,
`{% follow_by_email_form blog %}`."""

from django import template

from .. import services, views
from ..forms import CommentForm, FollowByEmailForm

register = template.Library()


@register.inclusion_tag("comments/section.html", takes_context=True)
def comments_section(context):
    """The discussion under a post: the thread, and the "Leave a Reply" form or why it is closed."""
    request, post = context["request"], context["post"]
    try:
        page = int(request.GET.get("cpage", 1))
    except ValueError:
        page = 1
    loaded = services.load_discussion(post, own_ids=views.own_comment_ids(request), page=page)
    closed = services.closed_reason(post, loaded.settings, switch_open=loaded.open)
    form = context.get("comment_form")
    reply_to = None
    if form is None and not closed:
        initial = {} if request.user.is_authenticated else views.remembered_guest(request)
        reply_id = request.GET.get("replytocom", "")
        if reply_id.isdigit():
            reply_to = services.approved_comments(post).filter(pk=int(reply_id)).first()
            if reply_to is not None:
                initial["parent"] = reply_to.pk
        form = CommentForm(initial=initial, user=request.user, post=post)
    elif form is not None and form.is_bound and form.data.get("parent", "").isdigit():
        reply_to = services.approved_comments(post).filter(pk=int(form.data["parent"])).first()
    return {
        "request": request, "user": context.get("user"), "csrf_token": context.get("csrf_token"),
        "SITE_NAME": context.get("SITE_NAME"), "post": post, "blog": post.blog,
        "roots": loaded.roots, "pages": range(1, loaded.pages + 1) if loaded.pages > 1 else None,
        "page": loaded.page, "count": loaded.count, "closed": closed, "form": form, "reply_to": reply_to,
        "max_depth": loaded.settings.thread_depth,
    }


@register.simple_tag(takes_context=True)
def comment_count(context, post):
    """The post's number of approved comments; on listings, one query for the whole page."""
    request = context.get("request")
    cache = getattr(request, "_comment_counts", None) if request is not None else None
    if cache is None or post.pk not in cache:
        page_obj = context.get("page_obj")
        ids = {post.pk}
        if page_obj is not None:
            ids |= {getattr(p, "pk", None) for p in page_obj.object_list} - {None}
        cache = (cache or {}) | {pk: 0 for pk in ids} | services.comment_counts(ids)
        if request is not None:
            request._comment_counts = cache
    return cache[post.pk]


@register.inclusion_tag("comments/_follow_by_email.html", takes_context=True)
def follow_by_email_form(context, blog, place="footer"):
    """"Follow this blog by email" for readers who are not signed in (they have the Follow button)."""
    request = context["request"]
    if request.user.is_authenticated:
        return {"show": False}
    return {
        "show": True, "blog": blog, "place": place, "csrf_token": context.get("csrf_token"),
        "form": FollowByEmailForm(auto_id=f"follow-{place}-%s"),
    }
