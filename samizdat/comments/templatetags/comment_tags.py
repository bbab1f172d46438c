"""Template tags that put comments on the public pages: `{% comments_section %}`, `{% comment_thread %}`,
`{% comment_count post %}`, `{% follow_by_email_form blog %}`."""

import datetime

from django import template
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .. import services, views
from ..forms import CommentForm, FollowByEmailForm, started_token

register = template.Library()


@register.inclusion_tag("comments/section.html", takes_context=True)
def comments_section(context):
    """The discussion under a post: the thread, and the "Leave a Reply" form or why it is closed.

    Rendered as a post's fragment (samizdat.posts.fragments), the form's place gets the mark the
    fragment gives, and the fragment learns until when the comments stay open or closed.
    """
    request, post = context["request"], context["post"]
    try:
        page = int(request.GET.get("cpage", 1))
    except ValueError:
        page = 1
    loaded = services.load_discussion(post, own_ids=views.own_comment_ids(request), page=page)
    closed = services.closed_reason(post, loaded.settings, switch_open=loaded.open)
    fragment = context.get("fragment")
    started = None
    if isinstance(fragment, dict):
        days = loaded.settings.close_after_days
        if not closed and days is not None:
            fragment["expires_at"] = post.published_at + datetime.timedelta(days=days)
        # The form's time stamp is the one thing in it that is each reader's own.
        started, fragment["form"] = fragment["started"], not closed
    return {
        **_form_context(context, post, closed, started=started), "post": post, "blog": post.blog,
        "roots": loaded.roots, "pages": range(1, loaded.pages + 1) if loaded.pages > 1 else None,
        "page": loaded.page, "count": loaded.count, "closed": closed,
        "max_depth": loaded.settings.thread_depth,
    }


@register.simple_tag
def comment_started(post):
    """The comment form's time stamp, for a post page whose form is part of a stored fragment."""
    return started_token(post.pk)


def _form_context(context, post, closed, started=None):
    """What the comment form shows this reader: their details, a draft, the comment replied to."""
    request = context["request"]
    form = context.get("comment_form")
    reply_to = None
    if form is None and not closed:
        initial = {} if request.user.is_authenticated else views.remembered_guest(request)
        # Back from signing in (or out) elsewhere: the comment being typed is put back.
        initial.update(views.take_draft(request, post))
        reply_id = request.GET.get("replytocom", "")
        if reply_id.isdigit():
            reply_to = services.approved_comments(post).filter(pk=int(reply_id)).first()
            if reply_to is not None:
                initial["parent"] = reply_to.pk
        elif str(initial.get("parent", "")).isdigit():
            reply_to = services.approved_comments(post).filter(pk=int(initial["parent"])).first()
        if started is not None:
            initial["started"] = started
        form = CommentForm(initial=initial, user=request.user, post=post)
    elif form is not None and form.is_bound and form.data.get("parent", "").isdigit():
        reply_to = services.approved_comments(post).filter(pk=int(form.data["parent"])).first()
    return {
        "request": request, "user": context.get("user"), "csrf_token": context.get("csrf_token"),
        # Blog pages show no message list of their own; a failed sign-in's reason shows at the form.
        "messages": context.get("messages"),
        "SITE_NAME": context.get("SITE_NAME"), "form": form, "reply_to": reply_to,
    }


# One comment of the thread, with its replies nested inside. Written out here rather than as an
# included template per comment: on a long thread the template engine spent most of the page's
# time on these few lines (about 0.1 ms a comment against 0.01 ms here).
_COMMENT = (
    '<li class="comment depth-{depth}{held}" id="comment-{pk}">'
    '<article class="h-entry">'
    '<footer class="comment-meta">'
    '<p class="p-author h-card">{author}{badge}</p>'
    '<p><a class="u-url" href="#comment-{pk}"><time class="dt-published" datetime="{iso}">{date}</time></a></p>'
    "</footer>"
    "{notice}"
    '<div class="e-content">{html}</div>'
    "{reply}"
    "</article>"
    "{replies}"
    "</li>\n"
)
# (No indentation inside: on a post with many comments it was a tenth of the page's bytes.)


class _ThreadWriter:
    """Writes a thread's nodes as HTML, with the words and date format of the active language."""

    def __init__(self, post, closed, max_depth):
        self.post_author_id, self.closed, self.max_depth = post.author_id, closed, max_depth
        self.date_format = get_format("DATETIME_FORMAT")
        # Strings outside the f-strings: makemessages cannot see gettext() calls inside them.
        author, awaiting = gettext("Author"), gettext("Your comment is awaiting moderation.")
        self.author_badge = f' <span class="badge">{escape(author)}</span>'
        self.notice = f'<p class="notice" role="status">{escape(awaiting)}</p>'
        self.reply_label, self.reply_word = gettext("Reply to %(name)s"), escape(gettext("Reply"))

    def write(self, nodes, out):
        for node in nodes:
            c = node.comment
            name = escape(c.author_name)
            if c.author_url:
                author = f'<a class="u-url p-name" href="{escape(c.author_url)}" rel="nofollow ugc noopener">{name}</a>'
            else:
                author = f'<span class="p-name">{name}</span>'
            if c.author_avatar:
                # A remote author's picture: our stored copy, never their server's address.
                src = escape(default_storage.url(c.author_avatar))
                author = f'<img class="avatar u-photo" src="{src}" width="32" height="32" alt=""> {author}'
            reply = ""
            if not self.closed and not node.own_pending and c.depth < self.max_depth:
                # As {% blocktranslate %} does: the name is escaped, the translated words are not.
                label = self.reply_label % {"name": name}
                reply = (
                    f'<p class="reply"><a rel="nofollow" href="?replytocom={c.pk}#respond" aria-label="{label}">'
                    f"{self.reply_word}</a></p>"
                )
            replies = ""
            if node.replies:
                inner = []
                self.write(node.replies, inner)
                replies = '<ol class="children">' + "".join(inner) + "</ol>"
            created = timezone.localtime(c.created_at).replace(microsecond=0)
            # The machine-readable instant in UTC ("Z" is 5 bytes shorter than "+00:00", times 20
            # comments on a metered connection); the reader sees the blog's local time.
            instant = c.created_at.astimezone(datetime.timezone.utc).replace(microsecond=0, tzinfo=None)
            out.append(_COMMENT.format(
                depth=c.depth, held=" held" if node.own_pending else "", pk=c.pk, author=author,
                badge=self.author_badge if c.user_id and c.user_id == self.post_author_id else "",
                iso=f"{instant.isoformat()}Z", date=escape(format_date(created, self.date_format)),
                notice=self.notice if node.own_pending else "", html=c.html, reply=reply, replies=replies,
            ))


@register.simple_tag
def comment_thread(post, nodes, closed, max_depth):
    """The comments of `nodes` and their replies, as the <li> items of a comment list."""
    out = []
    _ThreadWriter(post, closed, max_depth).write(nodes, out)
    return mark_safe("".join(out))


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
