"""The Reader: posts of followed local blogs and entries of followed feeds, read marks on both, and the list."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from samizdat.blogs.middleware import BLOG_PATH
from samizdat.blogs.models import Blog
from samizdat.core.links import absolute_url
from samizdat.federation import following, interactions
from samizdat.federation.models import ReaderAction, ReaderReply
from samizdat.reader import selectors as reader_selectors
from samizdat.reader import services as reader_services
from samizdat.reblogs import selectors as reblog_selectors
from samizdat.social import selectors as social_selectors
from samizdat.social import services as social_services

from .views import paginate

OPML_MAX_BYTES = 1024 * 1024
ENTRIES_SHOWN = 30


class SubscribeForm(forms.Form):
    url = forms.URLField(
        label=gettext_lazy("Address of a feed or a site"), max_length=2000, assume_scheme="https",
        help_text=gettext_lazy("An RSS, Atom or JSON feed, or a site's address: its feed is found for you."),
    )


class AccountForm(forms.Form):
    handle = forms.CharField(
        label=gettext_lazy("Fediverse account"), max_length=500,
        help_text=gettext_lazy("Its address, such as @name@example.social: its posts then arrive here as it makes them."),
    )


class ReplyForm(forms.Form):
    """A reply to a post of a fediverse account, sent from one of the writer's blogs."""

    blog = forms.ModelChoiceField(label=gettext_lazy("Reply as"), queryset=None, empty_label=None)
    text = forms.CharField(
        label=gettext_lazy("Your reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Markdown. Sent in public from the blog's account, with your name."),
    )

    def __init__(self, *args, blogs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["blog"].queryset = blogs


class ActForm(forms.Form):
    """Like or boost a post of a fediverse account, as one of the writer's blogs."""

    blog = forms.ModelChoiceField(label=gettext_lazy("As"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(choices=ReaderAction.Kind.choices)

    def __init__(self, *args, blogs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["blog"].queryset = blogs


class OpmlForm(forms.Form):
    opml = forms.FileField(label=gettext_lazy("OPML file"))

    def clean_opml(self):
        upload = self.cleaned_data["opml"]
        if upload.size > OPML_MAX_BYTES:
            raise forms.ValidationError(gettext_lazy("That file is larger than 1 MB."))
        return upload.read()


def _local_blog(request, url):
    """The blog of this instance that `url` is on (its home, a post, a feed), or None.

    Following it is a local follow, not a feed fetched over HTTP from ourselves.
    """
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.netloc.lower() not in {request.get_host().lower(), urlsplit(settings.SITE_URL).netloc.lower()}:
        blog = Blog.objects.filter(custom_domain=(parts.hostname or "").lower()).first() if parts.hostname else None
        if blog is None:
            return None
        if not path.startswith("/@"):
            return blog
    match = BLOG_PATH.match(path)
    return Blog.objects.filter(slug=match["slug"]).first() if match else None


def _follow_if_local(request, url):
    blog = _local_blog(request, url)
    if blog is not None:
        social_services.follow_blog(request.user, blog)
    return blog


@login_required
def reader(request):
    """Unread entries of followed feeds, and new posts of the blogs one follows here."""
    include_read = request.GET.get("all") == "1"
    # Unread entries a screenful at a time: marking them read brings up the next ones.
    entries = list(reader_selectors.entries_for(request.user, include_read=include_read)[:ENTRIES_SHOWN])
    acting = list(reblog_selectors.publishing_blogs(request.user))
    if acting:  # what the writer's blogs did to the fediverse posts shown: liked, boosted, replied
        done = interactions.done_by(acting, [e.guid for e in entries if e.source.kind == e.source.Kind.ACTOR])
        for entry in entries:
            entry.actions, entry.replies = done.get(entry.guid, ([], []))
    posts = reader_selectors.posts_for(request.user, social_selectors.reader_posts(request.user),
                                       include_read=include_read)
    return render(request, "dashboard/reader.html", {
        "entries": entries, "include_read": include_read, "page_obj": paginate(request, posts, 20),
        "followed": social_selectors.followed_blogs(request.user),
        "sources": reader_selectors.sources_of(request.user),
        "can_reblog": reblog_selectors.reblog_blogs(request.user).exists(), "acting_blogs": acting,
    })


@login_required
def sources(request):
    """Follow a feed or site by its address, import or export OPML, see each feed's state."""
    form, opml_form, account_form = SubscribeForm(), OpmlForm(), AccountForm()
    if request.method == "POST" and "handle" in request.POST:
        account_form = AccountForm(request.POST)
        if account_form.is_valid():
            try:
                source = following.follow_account(request.user, account_form.cleaned_data["handle"])
            except following.FollowError as error:
                account_form.add_error("handle", str(error))
            else:
                messages.success(request, _("You now follow %(title)s; its new posts will arrive in your Reader.")
                                 % {"title": source.title or source.url})
                return redirect("dashboard:reader_sources")
    elif request.method == "POST" and "opml" in request.FILES:
        opml_form = OpmlForm(request.POST, request.FILES)
        if opml_form.is_valid():
            try:
                followed, skipped = reader_services.import_opml(
                    request.user, opml_form.cleaned_data["opml"], take_local=lambda url: _follow_if_local(request, url),
                )
            except reader_services.SubscribeError as error:
                opml_form.add_error("opml", str(error))
            else:
                messages.success(request, _("Imported %(followed)d feeds (%(skipped)d skipped); they are fetched within minutes.")
                                 % {"followed": followed, "skipped": skipped})
                return redirect("dashboard:reader_sources")
    elif request.method == "POST":
        form = SubscribeForm(request.POST)
        local = _follow_if_local(request, form.cleaned_data["url"]) if form.is_valid() else None
        if local is not None:
            messages.success(request, _("You now follow %(title)s.") % {"title": local.title})
            return redirect("dashboard:reader_sources")
        if form.is_valid():
            try:
                source = reader_services.subscribe(request.user, form.cleaned_data["url"])
            except reader_services.SubscribeError as error:
                form.add_error("url", str(error))
            else:
                messages.success(request, _("You now follow %(title)s.") % {"title": source.title or source.url})
                return redirect("dashboard:reader_sources")
    return render(request, "dashboard/reader_sources.html", {
        "form": form, "opml_form": opml_form, "account_form": account_form,
        "sources": reader_selectors.sources_of(request.user), "followed": social_selectors.followed_blogs(request.user),
    }, status=400 if form.errors or opml_form.errors or account_form.errors else 200)


@require_POST
@login_required
def unsubscribe(request, pk):
    source = reader_selectors.source_for(request.user, pk)
    if source.kind == source.Kind.ACTOR:
        following.unfollow_account(request.user, source)  # the last reader to go ends our follow
    else:
        reader_services.unsubscribe(request.user, source)
    messages.success(request, _("You no longer follow %(title)s.") % {"title": source.title or source.url})
    return redirect("dashboard:reader_sources")


@login_required
def opml_export(request):
    local = [
        (blog.title, absolute_url(reverse("feeds:blog_rss", args=[blog.slug]), request))
        for blog in social_selectors.followed_blogs(request.user)
    ]
    response = HttpResponse(reader_services.export_opml(request.user, local), content_type="text/x-opml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="subscriptions.opml"'
    return response


def _back(request):
    return redirect(reverse("dashboard:reader") + ("?all=1" if request.POST.get("all") == "1" else ""))


@require_POST
@login_required
def mark_read(request, pk):
    reader_services.mark_read(request.user, reader_selectors.entry_for(request.user, pk))
    return _back(request)


@require_POST
@login_required
def mark_post_read(request, pk):
    post = get_object_or_404(social_selectors.reader_posts(request.user), pk=pk)
    reader_services.mark_post_read(request.user, post)
    return _back(request)


@require_POST
@login_required
def mark_all_read(request):
    reader_services.mark_all_read(request.user, posts=social_selectors.reader_posts(request.user))
    return _back(request)


@login_required
def reply(request, pk):
    """Reply to a post of a followed fediverse account, as one of one's blogs."""
    entry = reader_selectors.entry_for(request.user, pk)
    blogs = reblog_selectors.publishing_blogs(request.user)
    if entry.source.kind != entry.source.Kind.ACTOR or not blogs.exists():
        raise Http404
    form = ReplyForm(request.POST or None, blogs=blogs)
    if request.method == "POST" and form.is_valid():
        blog = form.cleaned_data["blog"]
        try:
            following.reply_to_entry(entry, blog=blog, author_name=request.user.name, text=form.cleaned_data["text"])
        except following.FollowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your reply was sent as %(blog)s.") % {"blog": blog.title})
            return redirect("dashboard:reader")
    return render(request, "dashboard/reader_reply.html", {"form": form, "entry": entry},
                  status=400 if form.errors else 200)


@require_POST
@login_required
def interact(request, pk):
    """Like or boost a post of a followed fediverse account, as one of one's blogs."""
    entry = reader_selectors.entry_for(request.user, pk)
    blogs = reblog_selectors.publishing_blogs(request.user)
    if entry.source.kind != entry.source.Kind.ACTOR or not blogs.exists():
        raise Http404
    form = ActForm(request.POST, blogs=blogs)
    if not form.is_valid():
        messages.error(request, _("Choose a blog to act as, then Like or Boost."))
        return _back(request)
    blog, kind = form.cleaned_data["blog"], form.cleaned_data["kind"]
    try:
        interactions.act(entry, blog=blog, kind=kind)
    except following.FollowError as error:
        messages.error(request, str(error))
    else:
        done = _("Liked as %(blog)s.") if kind == ReaderAction.Kind.LIKE else _("Boosted as %(blog)s.")
        messages.success(request, done % {"blog": blog.title})
    return _back(request)


@require_POST
@login_required
def undo_interaction(request, pk):
    """Take back a like or a boost one of one's blogs made."""
    action = get_object_or_404(
        ReaderAction.objects.select_related("blog", "recipient"), pk=pk,
        blog__in=reblog_selectors.publishing_blogs(request.user),
    )
    interactions.undo(action)
    undone = _("Like taken back.") if action.kind == ReaderAction.Kind.LIKE else _("Boost taken back.")
    messages.success(request, undone)
    return _back(request)


@require_POST
@login_required
def delete_reply(request, pk):
    """Delete a reply one of one's blogs sent from the Reader; the server it went to hears of it."""
    reply = get_object_or_404(
        ReaderReply.objects.select_related("blog", "recipient"), pk=pk,
        blog__in=reblog_selectors.publishing_blogs(request.user),
    )
    interactions.delete_reply(reply)
    messages.success(request, _("Your reply was deleted."))
    return _back(request)
