"""Followers from other servers: the requests held for approval, accepted or rejected by an owner
or editor, and the accounts that follow the blog."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samizdat.federation import selectors, services
from samizdat.social import selectors as social_selectors

from . import permissions as can
from .forms import FederationSettingsForm
from .views import _render, blog_view


@blog_view(can.can_moderate_comments)
def followers(request, blog, membership):
    """Held follow requests with Accept and Reject, then the blog's followers on other servers."""
    return _render(
        request, "dashboard/followers.html", blog, membership, "followers",
        requests=selectors.follow_requests(blog),
        remote_followers=selectors.remote_followers(blog),
        remote_count=selectors.follower_count(blog),
        local_count=social_selectors.follower_count(blog),
        approves=selectors.approves_followers(blog),
    )


@require_POST
@blog_view(can.can_moderate_comments)
def follower_accept(request, blog, membership, pk):
    follower = selectors.follower_of(blog, pk)
    if follower.status == follower.Status.PENDING:
        services.accept_follower(follower)
        messages.success(request, _("%(account)s now follows this blog.") % {"account": follower.actor})
    return redirect("dashboard:followers", blog.slug)


@require_POST
@blog_view(can.can_moderate_comments)
def follower_reject(request, blog, membership, pk):
    """Turn down a held request, or remove a follower: either way their server is told (Reject)."""
    follower = selectors.follower_of(blog, pk)
    was_pending = follower.status == follower.Status.PENDING
    services.reject_follower(follower)
    if was_pending:
        messages.success(request, _("The request of %(account)s was rejected.") % {"account": follower.actor})
    else:
        messages.success(request, _("%(account)s no longer follows this blog.") % {"account": follower.actor})
    return redirect("dashboard:followers", blog.slug)


@require_POST
@blog_view(can.can_manage_blog)
def federation_settings(request, blog, membership):
    form = FederationSettingsForm(request.POST)
    if form.is_valid():
        services.set_approve_followers(blog, form.cleaned_data["approve_followers"])
        messages.success(request, _("Settings saved."))
    return redirect("dashboard:settings", blog.slug)
