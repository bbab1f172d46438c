"""Reblog screens: pass on a local post, a page from the web, or an entry of the reader."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samizdat.core.html import strip_tags
from samizdat.federation import quotes
from samizdat.posts.models import Post
from samizdat.reader import selectors as reader_selectors
from samizdat.reblogs import extract, selectors, services

from . import permissions as can
from .reblog_forms import FetchForm, ReblogForm, ReblogSettingsForm, WebReblogForm
from .views import blog_view


def _action(request):
    return "draft" if request.POST.get("action") == "draft" else "publish"


def _done(request, post):
    if post.status == Post.Status.PUBLISHED:
        messages.success(request, _("Reblogged to %(blog)s.") % {"blog": post.blog.title})
    else:
        messages.success(request, _("Saved as a draft on %(blog)s.") % {"blog": post.blog.title})
    return redirect("dashboard:post_edit", post.blog.slug, post.pk)


def _blogs_or_404(user):
    blogs = selectors.reblog_blogs(user)
    if not blogs.exists():
        raise Http404
    return blogs


@login_required
def reblog_post(request, post_id):
    """Reblog a live local post to one of one's blogs, with an optional comment."""
    original = get_object_or_404(Post.objects.posts().select_related("blog", "author"), pk=post_id)
    if not original.is_live:
        raise Http404
    blogs = _blogs_or_404(request.user)
    form = ReblogForm(
        request.POST or None, blogs=blogs, user=request.user, action=_action(request),
        initial={"title": original.title},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        post = services.reblog(
            services.source_from_post(original), blog=data["blog"], editor=request.user,
            title=data["title"], comment=data["comment"], publish=_action(request) == "publish",
        )
        return _done(request, post)
    return render(request, "dashboard/reblog.html", {"form": form, "original": original})


@login_required
def reblog_url(request):
    """Reblog a page from the web: fetch and extract it, then let the writer edit and publish."""
    blogs = _blogs_or_404(request.user)
    step = request.POST.get("step") if request.method == "POST" else None
    # After a refused publish the address stays in its box too, ready for "Fetch again".
    address = request.POST.get("source_url", "") if step == "reblog" else request.GET.get("url", "")
    fetch_form = FetchForm(request.POST if step == "fetch" else None, initial={"url": address})
    form, repeat = None, False
    if step == "fetch" and fetch_form.is_valid():
        try:
            source = extract.fetch_source(fetch_form.cleaned_data["url"])
        except extract.ExtractError as error:
            fetch_form.add_error("url", str(error))
        else:
            # A fediverse post's page need not link its object: the address itself is asked.
            source.fediverse_id = source.fediverse_id or quotes.find(fetch_form.cleaned_data["url"])
            form = WebReblogForm(
                blogs=blogs, user=request.user, initial=WebReblogForm.initial_from(source),
            )
    elif step == "reblog":
        form = WebReblogForm(request.POST, blogs=blogs, user=request.user, action=_action(request))
        if form.is_valid():
            data, source = form.cleaned_data, form.source()
            image, why_not = services.fetch_lead_image(source, blog=data["blog"], editor=request.user)
            quoted = _fediverse_post(request, source)
            with transaction.atomic():  # sent once both are stored: as a quote from the start
                post = services.reblog(
                    source, blog=data["blog"], editor=request.user, title=data["title"],
                    comment=data["comment"], quoted_html=data["quoted_html"],
                    publish=_action(request) == "publish", image=image,
                )
                if quoted is not None:
                    quotes.attach(post, quoted)
            if why_not:
                messages.warning(request, _("The picture of the original could not be copied here (%(error)s); "
                                            "the reblog links to it instead.") % {"error": why_not})
            return _done(request, post)
    if form is not None:
        url = form["source_url"].value()
        repeat = [b for b in blogs if url and services.already_reblogged(b, url)]
    return render(
        request, "dashboard/reblog_url.html", {"fetch_form": fetch_form, "form": form, "repeat": repeat},
    )


def _fediverse_post(request, source):
    """The fediverse post `source` is, to quote it (fetched before the reblog is stored), or None."""
    if not source.fediverse_id:
        return None
    try:
        return quotes.resolve(source.fediverse_id)
    except quotes.QuoteError as error:
        messages.warning(request, _("The reblog is not sent to the fediverse as a quote: %(error)s") % {"error": error})
        return None


@login_required
def reblog_entry(request, entry_id):
    """Reblog an entry of one's reader: its stored text, so nothing is fetched."""
    entry = reader_selectors.entry_for(request.user, entry_id)
    blogs = _blogs_or_404(request.user)
    # A fediverse post has no title: its first words stand in, for the writer to change.
    title = entry.title or Truncator(strip_tags(entry.content_html)).words(8, truncate="…")
    source = services.Source(
        url=entry.link or entry.source.site_url, title=title, author=entry.author,
        site=entry.source.title, site_url=entry.source.site_url, published_at=entry.published_at,
        html=entry.content_html, fediverse_id=entry.guid if entry.source.kind == entry.source.Kind.ACTOR else "",
    )
    form = WebReblogForm(blogs=blogs, user=request.user, initial=WebReblogForm.initial_from(source))
    repeat = [b for b in blogs if services.already_reblogged(b, source.url)]
    return render(
        request, "dashboard/reblog_url.html", {"fetch_form": None, "form": form, "repeat": repeat, "entry": entry},
    )


@require_POST
@blog_view(can.can_manage_blog)
def reblog_settings(request, blog, membership):
    form = ReblogSettingsForm(request.POST)
    if form.is_valid():
        services.set_excerpt_only(blog, form.cleaned_data["excerpt_only"])
        messages.success(request, _("Settings saved."))
    return redirect("dashboard:settings", blog.slug)
