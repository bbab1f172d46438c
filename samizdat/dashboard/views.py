"""The writers' dashboard: thin views that ask `permissions` and call the other apps' services."""

import functools

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from samizdat.accounts import services as account_services
from samizdat.blogs import services as blog_services
from samizdat.blogs.models import Blog, Invitation, Membership
from samizdat.core.html import render_markdown
from samizdat.core.links import absolute_url
from samizdat.federation import selectors as federation_selectors
from samizdat.posts import search
from samizdat.posts import services as post_services
from samizdat.posts.media import delete_media, store_upload
from samizdat.posts.models import Category, Media, Post, Revision, Tag
from samizdat.reblogs import services as reblog_services
from samizdat.social import selectors as social_selectors
from samizdat.social import services as social_services

from . import forms
from . import permissions as can
from .reblog_forms import ReblogSettingsForm

# Dashboard sections: (name, label, URL name, rule deciding who sees it).
SECTIONS = [
    ("posts", gettext_lazy("Posts"), "dashboard:post_list", can.can_write_posts),
    ("pages", gettext_lazy("Pages"), "dashboard:page_list", can.can_edit_pages),
    ("tags", gettext_lazy("Tags"), "dashboard:tag_list", can.can_manage_terms),
    ("categories", gettext_lazy("Categories"), "dashboard:category_list", can.can_manage_terms),
    ("media", gettext_lazy("Media"), "dashboard:media_list", can.can_upload),
    ("comments", gettext_lazy("Comments"), "dashboard:comment_list", can.can_moderate_comments),
    ("followers", gettext_lazy("Followers"), "dashboard:followers", can.can_moderate_comments),
    # The Webmention screen is the api app's (samizdat/api/webmention_views.py).
    ("webmentions", gettext_lazy("Webmentions"), "webmentions:webmention_list", can.can_write_posts),
    ("members", gettext_lazy("Members"), "dashboard:members", can.can_manage_blog),
    ("settings", gettext_lazy("Settings"), "dashboard:settings", can.can_manage_blog),
    ("import", gettext_lazy("Import"), "dashboard:import", can.can_manage_blog),
]
EDITOR_ACTIONS = {"save", "preview", "publish", "schedule", "unpublish"}
PUBLISHING_ACTIONS = {"publish", "schedule", "unpublish"}


def blog_view(rule):
    """Sign-in required; the blog from the URL; 404 for non-members, 403 when `rule` says no.

    The view runs in the blog's time zone, so times are typed and shown as its writers expect.
    """

    def decorator(view):
        @login_required
        @functools.wraps(view)
        def wrapper(request, blog_slug, **kwargs):
            blog = get_object_or_404(Blog, slug=blog_slug)
            membership = blog_services.membership_for(request.user, blog)
            if membership is None:
                raise Http404
            if not rule(membership):
                raise PermissionDenied
            with timezone.override(blog.tzinfo):
                return view(request, blog, membership, **kwargs)

        return wrapper

    return decorator


def _render(request, template, blog, membership, section, **context):
    nav = [
        (name, label, reverse(url, args=[blog.slug]))
        for name, label, url, rule in SECTIONS
        if rule(membership)
    ]
    return render(
        request,
        template,
        {"blog": blog, "membership": membership, "section": section, "nav": nav, **context},
    )


def render_blog_screen(request, template, blog, membership, section, **context):
    """A blog's screen in the dashboard's frame (its sections in the nav); for other apps' screens too."""
    return _render(request, template, blog, membership, section, **context)


def paginate(request, queryset, per_page=25):
    """The page of `queryset` that the `page` query parameter asks for (the last one if past the end)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


# Blogs


@login_required
def home(request):
    if request.user.is_superuser:
        blogs = [(blog, None) for blog in Blog.objects.all()]
    else:
        blogs = [
            (m.blog, m.get_role_display())
            for m in Membership.objects.filter(user=request.user)
            .select_related("blog")
            .order_by("blog__title")
        ]
    return render(request, "dashboard/home.html", {"blogs": blogs})


@login_required
def blog_create(request):
    form = forms.BlogCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        blog = blog_services.create_blog(
            data["slug"],
            data["title"],
            owner=request.user,
            tagline=data["tagline"],
            language=data["language"],
            time_zone=data["time_zone"],
        )
        messages.success(request, _("Your blog “%(title)s” is ready.") % {"title": blog.title})
        return redirect("dashboard:post_list", blog.slug)
    return render(request, "dashboard/blog_create.html", {"form": form, "time_zones": form.time_zones()})


@blog_view(can.can_manage_blog)
def settings(request, blog, membership):
    form = forms.BlogSettingsForm(request.POST or None, instance=blog)
    if request.method == "POST" and form.is_valid():
        form.save()
        if "language" in form.changed_data:
            # PostgreSQL's search stems words by the blog's language.
            search.reindex_blog(blog)
        messages.success(request, _("Settings saved."))
        return redirect("dashboard:settings", blog.slug)
    if form.errors:
        # The form changed the instance in memory; show the stored blog in the header.
        blog = Blog.objects.get(pk=blog.pk)
    return _render(
        request,
        "dashboard/settings.html",
        blog,
        membership,
        "settings",
        form=form,
        time_zones=form.time_zones(),
        followers=social_selectors.follower_count(blog) + federation_selectors.follower_count(blog),
        reblog_form=ReblogSettingsForm(initial={"excerpt_only": reblog_services.excerpt_only(blog)}),
        federation_form=forms.FederationSettingsForm(
            initial={"approve_followers": federation_selectors.approves_followers(blog)}
        ),
    )


# Posts and pages


def _content_list(request, blog, membership, kind):
    queryset = Post.objects.filter(blog=blog, kind=kind).select_related("author").order_by("-updated_at")
    if kind == Post.Kind.POST:
        queryset = can.visible_posts(membership, queryset)
    authors = (
        get_user_model().objects.filter(posts__blog=blog, posts__kind=kind).distinct().order_by("username")
    )
    filters = forms.PostFilterForm(request.GET, authors=authors)
    page_obj = paginate(request, filters.filter(queryset))
    declined = federation_selectors.declined_quotes([post.pk for post in page_obj]) if kind == Post.Kind.POST else ()
    rows = [(post, can.can_edit_post(membership, post), post.pk in declined) for post in page_obj]
    return _render(
        request,
        "dashboard/post_list.html",
        blog,
        membership,
        "posts" if kind == Post.Kind.POST else "pages",
        kind=kind,
        filters=filters,
        page_obj=page_obj,
        rows=rows,
    )


@blog_view(can.can_write_posts)
def post_list(request, blog, membership):
    return _content_list(request, blog, membership, Post.Kind.POST)


@blog_view(can.can_edit_pages)
def page_list(request, blog, membership):
    return _content_list(request, blog, membership, Post.Kind.PAGE)


def _editable(blog, membership, kind, pk):
    post = get_object_or_404(Post.objects.select_related("blog"), blog=blog, kind=kind, pk=pk)
    if not can.can_edit_post(membership, post):
        raise PermissionDenied
    return post


def _done_message(post, action):
    if post.status == Post.Status.SCHEDULED and action in ("publish", "schedule"):
        when = formats.date_format(timezone.localtime(post.published_at), "DATETIME_FORMAT")
        return _("Scheduled for %(when)s.") % {"when": when}
    return {
        "publish": _("Published."),
        "unpublish": _("Unpublished: it is a draft again."),
    }.get(action, _("Saved."))


def _editor(request, blog, membership, kind, post):
    form_class = forms.PageForm if kind == Post.Kind.PAGE else forms.PostForm
    preview = None
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action not in EDITOR_ACTIONS or (action == "unpublish" and post.pk is None):
            return HttpResponseBadRequest(_("Unknown action."))
        if action in PUBLISHING_ACTIONS and not can.can_publish_post(membership, post):
            raise PermissionDenied
        form = form_class(request.POST, instance=post, blog=blog, action=action)
        if action == "preview":
            preview = {
                "title": request.POST.get("title", ""),
                "html": render_markdown(request.POST.get("source", "")),
            }
        elif form.is_valid():
            try:
                post = form.submit(editor=request.user)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _done_message(post, action))
                return redirect(f"dashboard:{kind}_edit", blog.slug, post.pk)
    else:
        form = form_class(instance=post, blog=blog)
    # A failed save leaves the form's changes on the instance; show the stored state around it.
    stored = Post.objects.get(pk=post.pk) if post.pk else None
    return _render(
        request,
        "dashboard/editor.html",
        blog,
        membership,
        f"{kind}s",
        form=form,
        post=stored,
        kind=kind,
        preview=preview,
        can_publish=can.can_publish_post(membership, stored or post),
        revisions=stored.revisions.select_related("author")[:5] if stored else [],
        quote_declined=bool(stored and federation_selectors.declined_quotes([stored.pk])),
    )


@blog_view(can.can_write_posts)
def post_create(request, blog, membership):
    return _editor(
        request, blog, membership, Post.Kind.POST, Post(blog=blog, kind=Post.Kind.POST, author=request.user)
    )


@blog_view(can.can_write_posts)
def post_edit(request, blog, membership, pk):
    return _editor(request, blog, membership, Post.Kind.POST, _editable(blog, membership, Post.Kind.POST, pk))


@blog_view(can.can_edit_pages)
def page_create(request, blog, membership):
    return _editor(
        request, blog, membership, Post.Kind.PAGE, Post(blog=blog, kind=Post.Kind.PAGE, author=request.user)
    )


@blog_view(can.can_edit_pages)
def page_edit(request, blog, membership, pk):
    return _editor(request, blog, membership, Post.Kind.PAGE, _editable(blog, membership, Post.Kind.PAGE, pk))


def _delete(request, blog, membership, kind, pk):
    post = get_object_or_404(Post.objects.select_related("blog"), blog=blog, kind=kind, pk=pk)
    if not can.can_delete_post(membership, post):
        raise PermissionDenied
    if request.method == "POST":
        post_services.delete_post(post)
        messages.success(request, _("Deleted “%(title)s”.") % {"title": post.title})
        return redirect(f"dashboard:{kind}_list", blog.slug)
    return _render(request, "dashboard/delete_post.html", blog, membership, f"{kind}s", post=post, kind=kind)


@blog_view(can.can_write_posts)
def post_delete(request, blog, membership, pk):
    return _delete(request, blog, membership, Post.Kind.POST, pk)


@blog_view(can.can_edit_pages)
def page_delete(request, blog, membership, pk):
    return _delete(request, blog, membership, Post.Kind.PAGE, pk)


def _revisions(request, blog, membership, kind, pk):
    post = _editable(blog, membership, kind, pk)
    return _render(
        request,
        "dashboard/revisions.html",
        blog,
        membership,
        f"{kind}s",
        post=post,
        kind=kind,
        page_obj=paginate(request, post.revisions.select_related("author"), 20),
    )


@blog_view(can.can_write_posts)
def post_revisions(request, blog, membership, pk):
    return _revisions(request, blog, membership, Post.Kind.POST, pk)


@blog_view(can.can_edit_pages)
def page_revisions(request, blog, membership, pk):
    return _revisions(request, blog, membership, Post.Kind.PAGE, pk)


def _restore(request, blog, membership, kind, pk, revision_pk):
    post = _editable(blog, membership, kind, pk)
    revision = get_object_or_404(Revision, post=post, pk=revision_pk)
    post_services.restore_revision(revision, editor=request.user)
    when = formats.date_format(timezone.localtime(revision.created_at), "DATETIME_FORMAT")
    messages.success(request, _("Restored the version of %(when)s.") % {"when": when})
    return redirect(f"dashboard:{kind}_edit", blog.slug, post.pk)


@require_POST
@blog_view(can.can_write_posts)
def post_revision_restore(request, blog, membership, pk, revision_pk):
    return _restore(request, blog, membership, Post.Kind.POST, pk, revision_pk)


@require_POST
@blog_view(can.can_edit_pages)
def page_revision_restore(request, blog, membership, pk, revision_pk):
    return _restore(request, blog, membership, Post.Kind.PAGE, pk, revision_pk)


# Tags and categories


@blog_view(can.can_manage_terms)
def tag_list(request, blog, membership):
    form = forms.TagForm(request.POST or None, blog=blog)
    if request.method == "POST" and form.is_valid():
        tag = form.save()
        messages.success(request, _("Tag “%(name)s” added.") % {"name": tag.name})
        return redirect("dashboard:tag_list", blog.slug)
    tags = Tag.objects.filter(blog=blog).annotate(post_count=Count("posts")).order_by("name")
    return _render(
        request,
        "dashboard/tag_list.html",
        blog,
        membership,
        "tags",
        form=form,
        page_obj=paginate(request, tags, 100),
    )


def _term_edit(request, blog, membership, pk, *, model, form_class, section, url_stem, saved):
    """Rename or re-parent a tag or category; its URLs are dashboard:<url_stem>_list and _delete."""
    term = get_object_or_404(model, blog=blog, pk=pk)
    form = form_class(request.POST or None, instance=term, blog=blog)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, saved)
        return redirect(f"dashboard:{url_stem}_list", blog.slug)
    return _render(
        request,
        "dashboard/term_edit.html",
        blog,
        membership,
        section,
        form=form,
        term=model.objects.get(pk=pk),  # the stored name, not the one being typed
        delete_url=reverse(f"dashboard:{url_stem}_delete", args=[blog.slug, pk]),
    )


@blog_view(can.can_manage_terms)
def tag_edit(request, blog, membership, pk):
    return _term_edit(
        request, blog, membership, pk, model=Tag, form_class=forms.TagForm, section="tags", url_stem="tag",
        saved=_("Tag saved."),
    )


@require_POST
@blog_view(can.can_manage_terms)
def tag_delete(request, blog, membership, pk):
    tag = get_object_or_404(Tag, blog=blog, pk=pk)
    tag.delete()
    messages.success(request, _("Tag “%(name)s” deleted.") % {"name": tag.name})
    return redirect("dashboard:tag_list", blog.slug)


@blog_view(can.can_manage_terms)
def category_list(request, blog, membership):
    form = forms.CategoryForm(request.POST or None, blog=blog)
    if request.method == "POST" and form.is_valid():
        category = form.save()
        messages.success(request, _("Category “%(name)s” added.") % {"name": category.name})
        return redirect("dashboard:category_list", blog.slug)
    counts = dict(Category.objects.filter(blog=blog).annotate(n=Count("posts")).values_list("pk", "n"))
    tree = post_services.category_choices(blog)
    names = {cat.pk: cat.name for cat, _depth in tree}
    categories = [(cat, "— " * depth, names.get(cat.parent_id), counts.get(cat.pk, 0)) for cat, depth in tree]
    return _render(
        request,
        "dashboard/category_list.html",
        blog,
        membership,
        "categories",
        form=form,
        categories=categories,
    )


@blog_view(can.can_manage_terms)
def category_edit(request, blog, membership, pk):
    return _term_edit(
        request, blog, membership, pk, model=Category, form_class=forms.CategoryForm, section="categories",
        url_stem="category", saved=_("Category saved."),
    )


@require_POST
@blog_view(can.can_manage_terms)
def category_delete(request, blog, membership, pk):
    category = get_object_or_404(Category, blog=blog, pk=pk)
    post_services.delete_category(category)
    messages.success(request, _("Category “%(name)s” deleted.") % {"name": category.name})
    return redirect("dashboard:category_list", blog.slug)


# Media


@blog_view(can.can_upload)
def media_list(request, blog, membership):
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            media = store_upload(blog, request.user, form.cleaned_data["file"], alt=form.cleaned_data["alt"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("Uploaded “%(name)s”.") % {"name": media.original_name})
            return redirect("dashboard:media_list", blog.slug)
    page_obj = paginate(request, Media.objects.filter(blog=blog).select_related("uploaded_by"), 30)
    rows = [(media, can.can_edit_media(membership, media)) for media in page_obj]
    return _render(
        request,
        "dashboard/media_list.html",
        blog,
        membership,
        "media",
        form=form,
        page_obj=page_obj,
        rows=rows,
    )


def _own_media(blog, membership, pk):
    media = get_object_or_404(Media, blog=blog, pk=pk)
    if not can.can_edit_media(membership, media):
        raise PermissionDenied
    return media


@blog_view(can.can_upload)
def media_edit(request, blog, membership, pk):
    media = _own_media(blog, membership, pk)
    form = forms.MediaForm(request.POST or None, instance=media)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("dashboard:media_list", blog.slug)
    return _render(request, "dashboard/media_edit.html", blog, membership, "media", form=form, media=media)


@require_POST
@blog_view(can.can_upload)
def media_delete(request, blog, membership, pk):
    media = _own_media(blog, membership, pk)
    delete_media(media)
    messages.success(request, _("Deleted “%(name)s”.") % {"name": media.original_name})
    return redirect("dashboard:media_list", blog.slug)


# Members and invitations


@blog_view(can.can_manage_blog)
def members(request, blog, membership):
    form = forms.InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        blog_services.invite(blog, form.cleaned_data["email"], form.cleaned_data["role"], request.user)
        messages.success(
            request,
            _("Invitation made. Send its link, listed below, to %(email)s.")
            % {"email": form.cleaned_data["email"]},
        )
        return redirect("dashboard:members", blog.slug)
    memberships = blog.memberships.select_related("user").order_by("user__username")
    rows = [(m, forms.RoleForm(instance=m, auto_id=f"id_member{m.pk}_%s")) for m in memberships]
    invitations = [
        (invitation, absolute_url(reverse("dashboard:invitation_accept", args=[invitation.token]), request))
        for invitation in blog.invitations.filter(accepted_at=None).order_by("-created_at")
    ]
    return _render(
        request,
        "dashboard/members.html",
        blog,
        membership,
        "members",
        form=form,
        rows=rows,
        invitations=invitations,
    )


@require_POST
@blog_view(can.can_manage_blog)
def member_role(request, blog, membership, pk):
    member = get_object_or_404(Membership, blog=blog, pk=pk)
    form = forms.RoleForm(request.POST, instance=Membership(role=member.role))
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles offered."))
        return redirect("dashboard:members", blog.slug)
    try:
        blog_services.change_role(member, form.cleaned_data["role"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is now %(role)s.") % {"name": member.user.name, "role": member.get_role_display()},
        )
        if member.user_id == request.user.pk and not can.can_manage_blog(member):
            return redirect("dashboard:post_list", blog.slug)
    return redirect("dashboard:members", blog.slug)


@require_POST
@blog_view(can.can_manage_blog)
def member_remove(request, blog, membership, pk):
    member = get_object_or_404(Membership, blog=blog, pk=pk)
    try:
        blog_services.remove_member(member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("dashboard:members", blog.slug)
    messages.success(request, _("%(name)s is no longer a member.") % {"name": member.user.name})
    if member.user_id == request.user.pk and not request.user.is_superuser:
        return redirect("dashboard:home")
    return redirect("dashboard:members", blog.slug)


@require_POST
@blog_view(can.can_manage_blog)
def invitation_revoke(request, blog, membership, pk):
    invitation = get_object_or_404(Invitation, blog=blog, pk=pk, accepted_at=None)
    invitation.delete()
    messages.success(request, _("Invitation for %(email)s withdrawn.") % {"email": invitation.email})
    return redirect("dashboard:members", blog.slug)


def invitation_accept(request, token):
    """An invitation link: its holder joins the blog, signing in, or signing up, first."""
    invitation = blog_services.find_invitation(token)
    if invitation is None:
        raise Http404
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        if invitation.accepted_at is None:
            # Holding an unused invitation opens sign-up when the instance is invitation-only.
            account_services.note_invitation(request, token)
        return render(request, "dashboard/invitation.html", {"invitation": invitation, "anonymous": True})
    error = None
    if request.method == "POST":
        try:
            blog_services.join_with_invitation(invitation, request.user)
        except ValidationError as e:
            error = " ".join(e.messages)
        else:
            messages.success(request, _("Welcome to %(blog)s.") % {"blog": invitation.blog.title})
            return redirect("dashboard:post_list", invitation.blog.slug)
    return render(
        request,
        "dashboard/invitation.html",
        {"invitation": invitation, "error": error},
        status=400 if error else 200,
    )


# One's own profile


@login_required
def profile(request):
    """One's name, bio and avatar, as shown beside likes and on the public profile."""
    person = social_selectors.person(request.user)
    form = forms.ProfileForm(
        request.POST or None, request.FILES or None, instance=request.user,
        has_avatar=getattr(person, "avatar", None) is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["avatar"]:
                social_services.set_avatar(request.user, form.cleaned_data["avatar"])
            elif form.cleaned_data.get("remove_avatar"):
                social_services.remove_avatar(request.user)
        except ValidationError as e:
            form.add_error("avatar", e)
        else:
            form.save()
            # Read on the next page, which is in the language just chosen.
            with translation.override(request.user.language or translation.get_language_from_request(request)):
                messages.success(request, _("Profile saved."))
            return redirect("dashboard:profile")
    return render(request, "dashboard/profile.html", {"form": form, "person": person})
