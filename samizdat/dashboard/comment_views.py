"""The dashboard's comment screens: the moderation queue, editing, replying and discussion settings."""

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from samizdat.comments import services as comment_services
from samizdat.comments.models import Comment
from samizdat.posts.models import Post

from . import comment_forms
from . import permissions as can
from .views import _render, blog_view, paginate

STATUSES = [
    ("pending", Comment.Status.PENDING.label),
    ("approved", Comment.Status.APPROVED.label),
    ("spam", Comment.Status.SPAM.label),
    ("trash", Comment.Status.TRASH.label),
]
# The actions offered on each tab, in order.
TAB_ACTIONS = {
    "pending": ["approve", "spam", "trash"],
    "approved": ["unapprove", "spam", "trash"],
    "spam": ["not_spam", "delete"],
    "trash": ["restore", "delete"],
}


def _masked(email):
    """Enough of an address to tell commenters apart, without showing it: a…@example.org."""
    if "@" not in email:
        return ""
    local, domain = email.rsplit("@", 1)
    return f"{local[:1]}…@{domain}"


def _back(request, blog):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("dashboard:comment_list", blog.slug)


@blog_view(can.can_moderate_comments)
def comment_list(request, blog, membership):
    status = request.GET.get("status", "pending")
    if status not in TAB_ACTIONS:
        status = "pending"
    queryset = Comment.objects.filter(post__blog=blog, status=status).select_related("post__blog", "user")
    post = None
    if request.GET.get("post", "").isdigit():
        post = Post.objects.filter(blog=blog, pk=int(request.GET["post"])).first()
        if post is not None:
            queryset = queryset.filter(post=post)
    queryset = queryset.order_by("-created_at", "-id")
    page_obj = paginate(request, queryset)
    rows = [
        (c, comment_services.reason_labels(c), _masked(c.author_email)) for c in page_obj
    ]
    counts = comment_services.status_counts(blog)
    return _render(
        request, "dashboard/comment_list.html", blog, membership, "comments",
        status=status, tabs=[(key, label, counts.get(key, 0)) for key, label in STATUSES],
        actions=[(a, comment_services.ACTIONS[a]) for a in TAB_ACTIONS[status]],
        page_obj=page_obj, rows=rows, post=post,
        post_open=comment_services.post_switch_open(post) if post else None,
    )


@require_POST
@blog_view(can.can_moderate_comments)
def comment_moderate(request, blog, membership, pk):
    comment = get_object_or_404(Comment, pk=pk, post__blog=blog)
    action = request.POST.get("action", "")
    if action not in comment_services.ACTIONS:
        return HttpResponseBadRequest(_("Unknown action."))
    comment_services.moderate(comment, action)
    messages.success(request, _("Done: %(action)s.") % {"action": comment_services.ACTIONS[action]})
    return _back(request, blog)


@require_POST
@blog_view(can.can_moderate_comments)
def comment_bulk(request, blog, membership):
    action = request.POST.get("action", "")
    if action not in comment_services.ACTIONS:
        messages.error(request, _("Choose an action."))
        return _back(request, blog)
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    comments = Comment.objects.filter(post__blog=blog, pk__in=ids)
    done = comment_services.moderate_many(list(comments), action)
    messages.success(
        request,
        ngettext("%(action)s: %(n)d comment.", "%(action)s: %(n)d comments.", done)
        % {"action": comment_services.ACTIONS[action], "n": done},
    )
    return _back(request, blog)


@blog_view(can.can_moderate_comments)
def comment_edit(request, blog, membership, pk):
    comment = get_object_or_404(Comment.objects.select_related("post__blog", "parent"), pk=pk, post__blog=blog)
    form = comment_forms.CommentEditForm(
        request.POST or None,
        initial={"author_name": comment.author_name, "author_url": comment.author_url, "body": comment.body},
    )
    if request.method == "POST" and form.is_valid():
        comment_services.edit_comment(
            comment, body=form.cleaned_data["body"], name=form.cleaned_data["author_name"],
            url=form.cleaned_data["author_url"],
        )
        messages.success(request, _("Comment saved."))
        return redirect("dashboard:comment_edit", blog.slug, comment.pk)
    return _render(
        request, "dashboard/comment_edit.html", blog, membership, "comments",
        comment=comment, form=form, reply_form=comment_forms.ReplyForm(),
        reasons=comment_services.reason_labels(comment), email=_masked(comment.author_email),
        actions=[(a, comment_services.ACTIONS[a]) for a in TAB_ACTIONS[comment.status]],
    )


@require_POST
@blog_view(can.can_moderate_comments)
def comment_reply(request, blog, membership, pk):
    comment = get_object_or_404(Comment.objects.select_related("post__blog"), pk=pk, post__blog=blog)
    form = comment_forms.ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a reply first."))
        return redirect("dashboard:comment_edit", blog.slug, comment.pk)
    reply = comment_services.reply_as_member(comment, user=request.user, body=form.cleaned_data["body"])
    messages.success(request, _("Your reply is published."))
    return redirect(reply.get_absolute_url())


@require_POST
@blog_view(can.can_moderate_comments)
def comment_post_switch(request, blog, membership, pk):
    post = get_object_or_404(Post, pk=pk, blog=blog)
    comment_services.set_post_open(post, request.POST.get("open") == "1")
    messages.success(request, _("Comments on this post are now open.") if request.POST.get("open") == "1"
                     else _("Comments on this post are now closed."))
    return redirect(reverse("dashboard:comment_list", args=[blog.slug]) + f"?post={post.pk}")


@blog_view(can.can_manage_blog)
def comment_settings(request, blog, membership):
    form = comment_forms.CommentSettingsForm(request.POST or None, instance=comment_services.settings_for(blog))
    if request.method == "POST" and form.is_valid():
        comment_services.save_settings(form.instance)
        messages.success(request, _("Discussion settings saved."))
        return redirect("dashboard:comment_settings", blog.slug)
    return _render(request, "dashboard/comment_settings.html", blog, membership, "comments", form=form)
